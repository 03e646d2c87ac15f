"""NEG01's ``mentions``: a complaint word in a turn that is no threat is taken out before the classifier
scores it (the review corpora made 差评 or 投诉 alone read as anger). Sentences invented for this test,
none from eval/qa/sets."""

from __future__ import annotations

import pytest

from kefu.qa_engine import Engine, load_pack


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_pack("default"))


@pytest.mark.parametrize("text", ["差评是别人写的跟我没关系", "评价里那条差评不是我写的",
                                  "我同事说投诉电话打不通，你们有别的电话吗", "我不会投诉的，你们慢慢查"])
def test_a_calm_mention_of_a_complaint_word_is_no_emotion(engine: Engine, text: str) -> None:
    assert not any(f.category == "customer_negative" for f in engine.check(text, role="customer"))


@pytest.mark.parametrize("text", ["你们等着吃差评吧", "东西是坏的，必须差评"])
def test_a_threat_keeps_its_words_for_the_classifier(engine: Engine, text: str) -> None:
    categories = {f.category for f in engine.check(text, role="customer")}
    assert {"escalation_risk", "customer_negative"} <= categories


def test_the_same_mention_reads_the_same_in_a_conversation(engine: Engine) -> None:
    dialogue = {"id": "m", "turns": [{"role": "customer", "text": "你好，在吗"},
                                     {"role": "agent", "text": "在的亲，请问有什么可以帮您"},
                                     {"role": "customer", "text": "评价里那条差评不是我写的"}]}
    assert not any(f.category == "customer_negative" for f in engine.inspect(dialogue).findings)
