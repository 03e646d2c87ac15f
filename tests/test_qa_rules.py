"""Every rule of every bundled pack proves itself on its own examples (ruff-style)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest

from kefu.qa_engine import CATEGORIES, Engine, Rule, load_pack, load_pack_data
from kefu.qa_engine.pack import PACK_DIR

PACKS = sorted(p.stem for p in PACK_DIR.glob("*.yaml"))
ENGINES = {name: Engine(load_pack(name)) for name in PACKS}


def _cases() -> list[Any]:
    cases = []
    for name, engine in ENGINES.items():
        for rule in engine.pack.rules:
            for index, example in enumerate(rule.hit_examples):
                cases.append(pytest.param(name, rule, example, True, id=f"{name}-{rule.code}-hit{index}"))
            for index, example in enumerate(rule.miss_examples):
                cases.append(pytest.param(name, rule, example, False, id=f"{name}-{rule.code}-miss{index}"))
    return cases


def _rules_hit(engine: Engine, rule: Rule, example: str | Mapping[str, Any]) -> set[str]:
    if isinstance(example, str):
        role = sorted(rule.roles)[0]
        channel = "chat" if "chat" in rule.channels else "voice"
        return {f.rule for f in engine.check(example, role=role, channel=channel)}
    return {f.rule for f in engine.inspect(example).findings}


@pytest.mark.parametrize(("pack", "rule", "example", "should_hit"), _cases())
def test_rule_examples(pack: str, rule: Rule, example: Any, should_hit: bool) -> None:
    hit = rule.code in _rules_hit(ENGINES[pack], rule, example)
    assert hit is should_hit, f"{rule.code} {'missed' if should_hit else 'wrongly hit'} {example!r}"


def test_every_rule_has_examples_that_must_hit() -> None:
    for engine in ENGINES.values():
        for rule in engine.pack.rules:
            assert rule.hit_examples, rule.code


def test_default_pack_covers_every_category() -> None:
    categories = {rule.category for rule in ENGINES["default"].pack.rules}
    assert categories == set(CATEGORIES)


def test_failing_examples_reports_a_broken_edit() -> None:
    data = {"name": "e", "version": "1", "rules": [{
        "code": "X1", "kind": "phrase", "category": "forbidden_phrase", "title": "t", "why": "w",
        "severity": "major", "roles": ["agent"], "phrases": ["没空"],
        "examples": {"hit": ["没空"], "miss": ["有空"]}}],
        "scorecard": {"sections": [{"name": "s", "items": [{"code": "I1", "title": "t", "manual": True}]}]}}
    assert Engine(load_pack_data(data)).failing_examples() == []
    broken = copy.deepcopy(data)
    broken["rules"][0]["phrases"] = ["空"]
    [problem] = Engine(load_pack_data(broken)).failing_examples()
    assert problem.startswith("rule X1: example '有空' should not hit")


def test_default_pack_verifies_clean() -> None:
    assert ENGINES["default"].failing_examples() == []

