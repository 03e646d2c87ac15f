"""The engine's behaviour and its stable output contract."""

from __future__ import annotations

import pytest

from kefu.qa_engine import (
    CATEGORIES,
    Engine,
    InputError,
    check_utterance,
    inspect_conversation,
    load_pack,
    load_pack_data,
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_pack("default"))


def _rules(engine: Engine, text: str, role: str = "agent") -> list[str]:
    return [f.rule for f in engine.check(text, role=role)]


def test_forbidden_phrase_at_clause_end_is_found(engine: Engine) -> None:
    assert "FP01" in _rules(engine, "这事我不知道哦")


@pytest.mark.parametrize("text", ["不知道您什么时候方便", "不管怎样都给您处理好", "还不知道重量多少先按一公斤收"])
def test_harmless_uses_are_not_forbidden(engine: Engine, text: str) -> None:
    assert not [r for r in _rules(engine, text) if r.startswith("FP")]


def test_traditional_forbidden_phrase_points_at_the_original_text(engine: Engine) -> None:
    texts = {f.text for f in engine.check("你找我沒用，要解決就去找領導") if f.category == "forbidden_phrase"}
    assert texts == {"你找我沒用", "去找領導"}


def test_customer_escalation_and_negation(engine: Engine) -> None:
    assert "ESC01" in _rules(engine, "再不发货我就去投诉", role="customer")
    assert "ESC01" not in _rules(engine, "放心不会给差评的", role="customer")
    assert "ESC01" not in _rules(engine, "帮您投诉快递", role="agent")


def test_negative_emotion_handles_negation_and_positive_words(engine: Engine) -> None:
    assert "NEG01" in _rules(engine, "不太满意", role="customer")
    assert "NEG01" in _rules(engine, "质量太差了", role="customer")
    assert "NEG01" not in _rules(engine, "质量不差，挺满意", role="customer")


def test_output_contract_shape(engine: Engine) -> None:
    convo = {"id": 7, "turns": [
        {"role": "customer", "text": "怎么还没发货，太慢了，我要投诉"},
        {"role": "agent", "text": "这个 不知道哦"},
    ]}
    data = engine.inspect(convo).to_json()
    assert data["id"] == "7" and 0 <= data["score"] <= 100
    for finding in data["findings"]:
        contract = {"rule", "category", "turn", "span", "text", "severity", "message"}
        # `level` is an addition, on customer emotion findings only; the contract's keys stay.
        extra = {"level"} if finding["category"] == "customer_negative" else set()
        assert set(finding) == contract | extra
        if extra:
            assert finding["level"] in ("焦虑", "不满", "愤怒")
        assert finding["category"] in CATEGORIES
        turn_text = convo["turns"][finding["turn"]]["text"]
        start, end = finding["span"]
        assert turn_text[start:end] == finding["text"]
    categories = {f["category"] for f in data["findings"]}
    assert {"customer_negative", "escalation_risk", "forbidden_phrase", "missing_apology"} <= categories


def test_missing_greeting_points_at_the_first_agent_turn(engine: Engine) -> None:
    result = engine.inspect({"id": "x", "turns": [
        {"role": "customer", "text": "在吗"}, {"role": "agent", "text": "嗯"}, {"role": "agent", "text": "谢谢再见"}]})
    [greeting] = [f for f in result.findings if f.category == "missing_greeting"]
    assert greeting.turn == 1 and greeting.span == (0, 0) and greeting.text == ""


def test_insult_is_fatal(engine: Engine) -> None:
    result = engine.inspect({"id": "x", "turns": [
        {"role": "agent", "text": "您好"}, {"role": "agent", "text": "神经病"}, {"role": "agent", "text": "谢谢再见"}]})
    assert result.score == 0
    assert any(i.status == "fatal" for i in result.items)


def test_forbidden_phrases_deduct_up_to_the_item_maximum(engine: Engine) -> None:
    clean = {"id": "c", "turns": [{"role": "agent", "text": "您好"}, {"role": "agent", "text": "谢谢，再见"}]}
    assert engine.inspect(clean).score == 100
    bad = {"id": "b", "turns": [{"role": "agent", "text": "您好"}, {"role": "agent", "text": "这事我们不清楚哦"},
                                {"role": "agent", "text": "谢谢，再见"}]}
    assert engine.inspect(bad).score == 90


def test_voice_timing_rules(engine: Engine) -> None:
    convo = {"id": "v", "channel": "voice", "meta": {"ring_seconds": 30}, "turns": [
        {"role": "agent", "text": "您好，这里是客服中心，请问有什么可以帮您", "start": 0, "end": 3},
        {"role": "customer", "text": "我想问一下退货的运费谁来出呢", "start": 3.5, "end": 8},
        {"role": "agent", "text": "运费我们出", "start": 5, "end": 6},
        {"role": "agent", "text": "已经帮您登记好了，感谢来电，再见", "start": 30, "end": 37},
    ]}
    categories = {f.category for f in engine.inspect(convo).findings}
    assert {"speech_rate", "interruption", "silence", "slow_answer"} <= categories


def test_chat_response_times_use_timezone_aware_ts(engine: Engine) -> None:
    convo = {"id": "t", "turns": [
        {"role": "customer", "text": "在吗", "ts": "2026-05-01T10:00:00"},
        {"role": "agent", "text": "您好", "ts": "2026-05-01T02:02:00Z"},
    ]}
    [slow] = [f for f in engine.inspect(convo).findings if f.category == "slow_response"]
    assert slow.turn == 1 and "120" in slow.message


def test_check_refuses_an_unknown_role(engine: Engine) -> None:
    with pytest.raises(ValueError, match="role"):
        engine.check("你好", role="bot")


def test_bad_conversation_names_the_field(engine: Engine) -> None:
    with pytest.raises(InputError, match=r"turns\[1\]\.role"):
        engine.inspect({"id": "b", "turns": [{"role": "agent", "text": "好"}, {"role": "bot", "text": "x"}]})


def test_one_off_helpers_and_pack_from_dict() -> None:
    assert check_utterance("神经病")[0].category == "insult"
    assert inspect_conversation({"id": "z", "turns": []}).score == 100
    data = {"name": "mini", "version": "1", "rules": [{
        "code": "X1", "kind": "phrase", "category": "forbidden_phrase", "title": "t", "why": "w",
        "severity": "major", "roles": ["agent"], "phrases": ["没空"], "examples": {"hit": ["没空"]}}],
        "scorecard": {"sections": [{"name": "s", "items": [{"code": "I1", "title": "t", "rules": ["X1"],
                                                             "deduct": 40}]}]}}
    result = Engine(load_pack_data(data)).inspect({"id": "a", "turns": [{"role": "agent", "text": "没空没空"}]})
    assert result.score == 20 and len(result.findings) == 2


def test_the_engine_imports_no_django() -> None:
    import subprocess
    import sys

    code = ("import sys, kefu.qa_engine; "
            "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_bonus_items_add_points_and_manual_items_wait_for_a_person() -> None:
    data = {"name": "b", "version": "1", "rules": [
        {"code": "X1", "kind": "phrase", "category": "forbidden_phrase", "title": "t", "why": "w",
         "severity": "major", "roles": ["agent"], "phrases": ["没空"], "examples": {"hit": ["没空"]}},
        {"code": "X2", "kind": "phrase", "category": "missing_closing", "title": "t", "why": "w",
         "severity": "info", "roles": ["agent"], "phrases": ["祝您愉快"], "examples": {"hit": ["祝您愉快"]}}],
        "scorecard": {"sections": [{"name": "s", "items": [
            {"code": "I1", "title": "禁语", "rules": ["X1"], "deduct": 10},
            {"code": "I2", "title": "祝福", "rules": ["X2"], "add": 5},
            {"code": "I3", "title": "吐字清晰", "manual": True}]}]}}
    engine = Engine(load_pack_data(data))
    result = engine.inspect({"id": "a", "turns": [{"role": "agent", "text": "没空，祝您愉快"}]})
    assert result.score == 95
    assert [i.status for i in result.items] == ["fail", "pass", "manual"]
    assert engine.inspect({"id": "b", "turns": [{"role": "agent", "text": "祝您愉快"}]}).score == 100


@pytest.mark.parametrize("text", ["这事不😀知😀道哦", "这事 不 知 道 哦", "這事不知道哦", "这事不\u200d知\u200d道哦", "这事不-知-道哦"])
def test_evasions_are_still_caught_with_the_original_span(engine: Engine, text: str) -> None:
    [finding] = [f for f in engine.check(text) if f.rule == "FP01"]
    assert finding.text == text[finding.span[0]:finding.span[1]]
    assert finding.text[0] == "不" and finding.text[-1] == "道"
