"""The engine's fast path gives the same results as the plain one: per-turn records, JSON lines."""

from __future__ import annotations

import json

import pytest

from kefu.qa_engine import Engine, load_pack
from kefu.qa_engine.jsonline import json_line
from kefu.qa_engine.turns import TurnRecords

CONVERSATIONS = [
    {"id": "chat-1", "turns": [
        {"role": "customer", "text": "在吗？我的快递怎么还没到，太慢了！"},
        {"role": "agent", "text": "你自己去查物流"},
        {"role": "customer", "text": "我的快递怎么还没到"},
        {"role": "agent", "text": "这事我不知道哦"},
        {"role": "customer", "text": "不处理我就去315曝光"},
        {"role": "agent", "text": "放心使用"}]},
    {"id": 42, "turns": [
        {"role": "agent", "text": "您好，很高兴为您服务"},
        {"role": "customer", "text": "好的 谢谢"},
        {"role": "system", "text": "会话转接"},
        {"role": "agent", "text": "非常抱歉给您带来不便，感谢您的耐心，祝您生活愉快"}]},
    {"id": "带\"引号\"的id", "turns": [
        {"role": "customer", "text": "质量太差了，气死我了", "ts": "2026-01-01T09:00:00"},
        {"role": "customer", "text": "人呢？", "ts": "2026-01-01T09:08:00"},
        {"role": "agent", "text": "亲 在的呢 你说", "ts": "2026-01-01T09:20:00"}]},
    {"id": "voice-1", "meta": {"ring_seconds": 40}, "turns": [
        {"role": "agent", "text": "喂 嗯 那个 你等一下", "start": 0, "end": 2},
        {"role": "customer", "text": "我要投诉你们", "start": 1.5, "end": 5},
        {"role": "agent", "text": "嗯", "start": 3, "end": 3.5},
        {"role": "agent", "text": "不是告诉你了吗，我也没办法", "start": 30, "end": 33}]},
    {"id": "empty", "turns": []},
]


@pytest.fixture(scope="module")
def pack():
    return load_pack("default")


@pytest.mark.parametrize("items", ["all", "failed", "none"])
def test_json_line_is_json_dumps_of_the_contract(pack, items: str) -> None:
    engine = Engine(pack)
    found = 0
    for conversation in CONVERSATIONS * 2:  # the second round reads cached records and fragments
        result = engine.inspect(conversation)
        found += len(result.findings)
        assert json_line(result, items) == json.dumps(result.to_json(items), ensure_ascii=False)
    assert found >= 10


def test_results_do_not_depend_on_the_turn_cache(pack) -> None:
    fresh = [Engine(pack).inspect(c) for c in CONVERSATIONS]
    engine = Engine(pack)
    engine._records = TurnRecords(engine._matcher, engine._conversation_rules, engine._patterns, engine._emotion,
                                  size=2)  # evicts all the time
    for _ in range(3):
        assert [engine.inspect(c) for c in CONVERSATIONS] == fresh
    engine.clear_caches()
    assert [engine.inspect(c) for c in reversed(CONVERSATIONS)] == fresh[::-1]


def test_a_turn_inspected_in_two_places_gets_its_own_turn_index(pack) -> None:
    engine = Engine(pack)
    first = engine.inspect({"id": "a", "turns": [{"role": "agent", "text": "这事我不知道哦"}]})
    second = engine.inspect({"id": "b", "turns": [{"role": "agent", "text": "您好"},
                                                  {"role": "agent", "text": "这事我不知道哦"}]})
    assert [f.turn for f in first.findings if f.rule == "FP01"] == [0]
    assert [f.turn for f in second.findings if f.rule == "FP01"] == [1]
