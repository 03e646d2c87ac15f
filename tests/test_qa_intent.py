"""Issue 12: intent patterns, escalation in context, address, and the emotion classifier."""

from __future__ import annotations

import copy

import pytest

from kefu.qa_engine import Engine, PackError, load_pack, load_pack_data
from kefu.qa_engine.emotion import DATA_DIR, load_model
from kefu.qa_engine.normalize import normalise
from kefu.qa_engine.patterns import parse_pattern


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_pack("default"))


def _compact(text: str) -> str:
    return normalise(text).text


def _pack(patterns: list, **extra: object) -> dict:
    rule = {"code": "X1", "kind": "phrase", "category": "forbidden_phrase", "title": "t", "why": "w",
            "severity": "major", "roles": ["agent"], "patterns": patterns, "examples": {"hit": ["x"]}, **extra}
    return {"name": "p", "version": "1", "synonyms": {"我方": ["我", "我们"]}, "rules": [rule],
            "scorecard": {"sections": [{"name": "s", "items": [{"code": "I1", "title": "t", "manual": True}]}]}}


def _rules(engine: Engine, text: str, role: str = "agent") -> set[str]:
    return {f.rule for f in engine.check(text, role=role)}


def test_pattern_string_form_compiles_slots_gaps_vetoes_and_synonyms() -> None:
    pattern = parse_pattern("^ 不归|@我方 ~3 负责 $ !由我", {"我方": ("我", "我们")}, _compact)
    assert pattern.slots == (("不归", "我", "我们"), ("负责",))
    assert pattern.gaps == (3,)
    assert pattern.veto == ("由我",)
    assert pattern.anchored_start and pattern.anchored_end


@pytest.mark.parametrize(("raw", "message"), [
    ("@无此 ~2 管", "unknown synonym set"),
    ("不归 ~x 管", "must be ~ and a number"),
    ({"slots": [["a"]]}, "at least two slots"),
    ({"slots": [["a"], ["b"]], "n": 3}, "from 1 to 2"),
    ({"slots": [["a"], ["b"]], "oops": 1}, "unknown field"),
])
def test_bad_patterns_are_refused_naming_rule_and_field(raw: object, message: str) -> None:
    with pytest.raises(PackError) as error:
        load_pack_data(_pack([raw]))
    assert "rule X1: field 'patterns': pattern 1" in str(error.value) and message in str(error.value)


def test_a_phrase_rule_needs_phrases_or_patterns() -> None:
    data = _pack(["a b"])
    del data["rules"][0]["patterns"]
    with pytest.raises(PackError, match="needs 'phrases' or 'patterns'"):
        load_pack_data(data)


def test_ordered_pattern_respects_gap_order_sentence_and_veto() -> None:
    engine = Engine(load_pack_data(_pack(["不归 ~3 @我方 ~2 负责 !由我"])))
    assert _rules(engine, "这个不归我们负责") == {"X1"}
    [finding] = engine.check("这个，不归 我们 负责哦")
    assert finding.text == "不归 我们 负责"  # evidence is the original words, spaces and all
    assert _rules(engine, "负责的不归我们") == set()  # order
    assert _rules(engine, "不归快递公司的那个部门我们负责") == set()  # gap
    assert _rules(engine, "这不归。我们负责") == set()  # no crossing of a sentence end
    assert _rules(engine, "不归我们负责由我来办") == set()


def test_n_of_pattern_matches_in_any_order_within_the_window() -> None:
    engine = Engine(load_pack_data(_pack([{"slots": [["只"], ["您"], ["一个"]], "n": 3, "window": 8,
                                             "veto": ["每一位"]}])))
    assert _rules(engine, "又不是只有您一个") == {"X1"}
    assert _rules(engine, "您又不是一个人只") == {"X1"}
    assert _rules(engine, "只有您，还有很多很多很多很多人一个") == set()


@pytest.mark.parametrize("text", [
    "这块不归我们负责", "我哪有时间听这些", "嫌贵去别家买呗", "您催也没用", "这个我真搞不定", "您要投诉就去投诉吧，随便",
    "下单的时候怎么不看清楚", "你这话什么意思", "没看见我正在忙吗",
])
def test_paraphrased_violations_are_forbidden(engine: Engine, text: str) -> None:
    assert any(f.category == "forbidden_phrase" for f in engine.check(text))


@pytest.mark.parametrize("text", [
    "不知道您明天上午有没有空", "我们向来以客户为先，一定给您处理好", "您也可以通过官网的投诉入口反映",
    "您可以在小程序里自助查询", "我们经理已经批准给您换新", "这个小毛病可以免费维修",
])
def test_polite_sentences_with_tempting_words_stay_silent(engine: Engine, text: str) -> None:
    assert not [f for f in engine.check(text) if f.category in ("forbidden_phrase", "insult")]


@pytest.mark.parametrize(("text", "threat"), [
    ("不处理我就去315曝光", True), ("我要申请仲裁", True), ("我会在小红书上发帖说说你们", True),
    ("再不退款我就打12315", True), ("你们等着收律师函吧", True),
    ("我没想投诉，就想快点发货", False), ("之前投诉过一次，后来处理得挺好", False), ("我表哥在律师事务所", False),
    ("小红书上看到的推荐", False), ("我是做媒体运营的", False), ("订单号是2024050312345", False),
])
def test_escalation_needs_a_threat_not_a_mention(engine: Engine, text: str, threat: bool) -> None:
    assert ("ESC01" in _rules(engine, text, role="customer")) is threat


@pytest.mark.parametrize(("text", "impolite"), [
    ("你好，请问有什么可以帮您", False), ("你们好，欢迎光临", False), ("您好在的你在的呢", False), ("e你嗯", False),
    ("客户说“你们发错了”，已转仓库", False), ("这款是迷你款", False),
    ("你好，你的订单已发出", True), ("您稍等，我帮你处理", True), ("这个你放心", True), ("你好棒", True),
])
def test_address_is_judged_by_how_the_customer_is_addressed(engine: Engine, text: str, impolite: bool) -> None:
    assert ("ADR01" in _rules(engine, text)) is impolite


def test_emotion_findings_carry_a_level(engine: Engine) -> None:
    levels = {}
    for text in ("气死我了，你们是骗子吧", "什么时候能到啊，我很着急", "这鞋穿一次就开胶了，质量太差"):
        [finding] = [f for f in engine.check(text, role="customer") if f.rule == "NEG01"]
        assert finding.text and finding.text in text
        levels[text] = finding.level
        assert finding.to_json()["level"] == finding.level
    assert list(levels.values()) == ["愤怒", "焦虑", "不满"]
    assert not [f for f in engine.check("好的，谢谢", role="customer") if f.rule == "NEG01"]


def test_emotion_model_is_small_bundled_and_deterministic() -> None:
    path = DATA_DIR / "emotion_zh.json.gz"
    assert path.stat().st_size < 5_000_000
    model = load_model()
    first = model.score(_compact("质量太差了，退货"))
    assert first == model.score(_compact("质量太差了，退货")) and first[0] > 0.5
    assert model.score("") == (0.0, None)


def test_an_edited_pack_without_the_model_field_uses_the_bundled_model() -> None:
    data = copy.deepcopy(load_pack("default"))
    assert data.rule("NEG01").params["model"] == "emotion_zh"


def test_asking_about_a_possible_defect_is_not_having_one(engine: Engine) -> None:
    assert "NEG01" not in _rules(engine, "洗了会缩水吗", role="customer")
    assert "NEG01" not in _rules(engine, "这个会生锈不", role="customer")
    assert "NEG01" in _rules(engine, "洗了一次就缩水了", role="customer")


def test_busy_followed_by_an_apology_is_polite(engine: Engine) -> None:
    assert "FP17" not in _rules(engine, "刚才在忙别的，回复晚了不好意思")
    assert "FP17" in _rules(engine, "我在忙别的，等会再说")
