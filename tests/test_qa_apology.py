"""APO01: an unhappy customer gets an apology or empathy within K agent turns (seed 002 用语 7)."""

from __future__ import annotations

import pytest

from kefu.qa_engine import Engine, PackError, load_pack, load_pack_data
from kefu.qa_engine.model import Finding

UNHAPPY = "质量太差了"  # NEG01 fires on it; the tests below build conversations around it
CALM = "好的"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_pack("default"))


def _apology_findings(engine: Engine, *turns: tuple[str, str]) -> list[Finding]:
    convo = {"id": "c", "turns": [{"role": role, "text": text} for role, text in turns]}
    return [f for f in engine.inspect(convo).findings if f.rule == "APO01"]


def test_finding_sits_on_the_kth_agent_turn_after_the_unhappy_turn(engine: Engine) -> None:
    found = _apology_findings(engine, ("customer", UNHAPPY), ("agent", "哪一件"), ("agent", "发图看看"),
                              ("agent", "收到"))
    assert [(f.turn, f.span, f.text) for f in found] == [(2, (0, 0), "")]
    assert "客户第 0 轮" in found[0].message


def test_finding_sits_on_the_last_agent_turn_when_fewer_follow(engine: Engine) -> None:
    found = _apology_findings(engine, ("customer", "在吗"), ("agent", "在的"), ("customer", UNHAPPY),
                              ("agent", "哪一件"))
    assert [f.turn for f in found] == [3]


def test_an_ignored_run_of_unhappy_turns_gives_one_finding(engine: Engine) -> None:
    found = _apology_findings(engine, ("customer", UNHAPPY), ("agent", "哪一件"), ("customer", "太慢了"),
                              ("agent", "发了"), ("customer", "什么态度，我要投诉"), ("agent", "已登记"))
    assert len(found) == 1
    assert found[0].turn == 5 and "客户第 0、2、4 轮" in found[0].message


def test_one_apology_answers_consecutive_unhappy_turns(engine: Engine) -> None:
    found = _apology_findings(engine, ("customer", UNHAPPY), ("agent", "哪一件"), ("customer", "太慢了"),
                              ("agent", "发了"), ("customer", "什么态度"), ("agent", "实在抱歉"))
    assert found == []


def test_a_calm_customer_turn_starts_a_new_episode(engine: Engine) -> None:
    found = _apology_findings(engine, ("customer", UNHAPPY), ("agent", "非常抱歉"), ("customer", CALM),
                              ("agent", "嗯"), ("customer", "太慢了"), ("agent", "在路上"))
    assert [f.turn for f in found] == [5]


def test_an_apology_after_the_window_is_too_late(engine: Engine) -> None:
    found = _apology_findings(engine, ("customer", UNHAPPY), ("agent", "哪一件"), ("agent", "发图"),
                              ("agent", "非常抱歉"))
    assert [f.turn for f in found] == [2]


def test_no_agent_reply_means_nothing_was_due(engine: Engine) -> None:
    assert _apology_findings(engine, ("agent", "您好"), ("customer", UNHAPPY)) == []


@pytest.mark.parametrize("reply", ["不哭，抱抱您", "理解您的心情", "别着急，今天能到", "您放心，马上给您补发",
                                   "您稍等，我查下哦", "帮您催一下", "帮亲反馈给仓库",
                                   "对不起，是我们的疏忽"])
def test_apology_empathy_and_ownership_answer_the_customer(engine: Engine, reply: str) -> None:
    assert _apology_findings(engine, ("customer", UNHAPPY), ("agent", reply)) == []


@pytest.mark.parametrize("reply", ["正品，放心使用", "您自己查下物流", "有运费险", "这是老板定的",
                                   "这款不便宜，祝您心情愉快"])
def test_vouching_or_handing_back_is_not_empathy(engine: Engine, reply: str) -> None:
    assert len(_apology_findings(engine, ("customer", UNHAPPY), ("agent", reply))) == 1


def test_context_exclude_must_be_a_list_of_text() -> None:
    data = {"name": "t", "version": "1", "rules": [{
        "code": "A1", "kind": "context", "category": "missing_apology", "title": "t", "why": "w",
        "severity": "major", "roles": ["agent"], "triggers": ["customer_negative"], "within_turns": 2,
        "phrases": ["抱歉"], "exclude": 5, "examples": {"hit": ["x"]}}],
        "scorecard": {"sections": [{"name": "s", "items": [{"code": "I1", "title": "t", "manual": True}]}]}}
    with pytest.raises(PackError, match="rule A1: field 'exclude'"):
        load_pack_data(data)
