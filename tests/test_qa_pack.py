"""Invalid packs are refused at load time with the rule and the field named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from kefu.qa_engine import PackError, load_pack, load_pack_data

RULE: dict[str, Any] = {
    "code": "X1", "kind": "phrase", "category": "forbidden_phrase", "title": "t", "why": "w",
    "severity": "major", "roles": ["agent"], "phrases": ["没空"], "examples": {"hit": ["没空"]},
}
PACK: dict[str, Any] = {
    "name": "t", "version": "1", "rules": [RULE],
    "scorecard": {"sections": [{"name": "s", "items": [{"code": "I1", "title": "t", "rules": ["X1"], "deduct": 5}]}]},
}


def _pack_with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(PACK)
    data["rules"][0].update(changes)
    return data


@pytest.mark.parametrize(("changes", "message"), [
    ({"severity": "huge"}, r"rule X1: field 'severity'"),
    ({"category": "rudeness"}, r"rule X1: field 'category'"),
    ({"roles": ["bot"]}, r"rule X1: field 'roles'"),
    ({"phrases": ["ok", 12315]}, r"rule X1: field 'phrases': item 2"),
    ({"kind": "regex", "pattern": "(", "phrases": None}, r"rule X1: field 'pattern'"),
    ({"examples": {"miss": ["x"]}}, r"rule X1: field 'examples'"),
    ({"colour": "red"}, r"rule X1: unknown field\(s\) colour"),
    ({"code": "bad code"}, r"rule #1: field 'code'"),
    ({"why_en": ["not", "text"]}, r"rule X1: field 'why_en' must be text"),
])
def test_invalid_rule_is_refused_with_rule_and_field(changes: dict[str, Any], message: str) -> None:
    data = _pack_with(**changes)
    if changes.get("phrases", 0) is None:
        del data["rules"][0]["phrases"]
    with pytest.raises(PackError, match=message):
        load_pack_data(data)


def test_scorecard_item_bound_to_an_unknown_rule_is_refused() -> None:
    data = copy.deepcopy(PACK)
    data["scorecard"]["sections"][0]["items"][0]["rules"] = ["NOPE"]
    with pytest.raises(PackError, match="scorecard item I1: field 'rules'"):
        load_pack_data(data)


def test_missing_version_is_refused() -> None:
    data = copy.deepcopy(PACK)
    del data["version"]
    with pytest.raises(PackError, match="version"):
        load_pack_data(data)


def test_pack_files_load_by_path_and_unknown_names_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(__import__("json").dumps(PACK), encoding="utf-8")
    assert load_pack(path).name == "t"
    with pytest.raises(PackError, match="unknown pack"):
        load_pack("no-such-pack")
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [", encoding="utf-8")
    with pytest.raises(PackError, match="not valid"):
        load_pack(broken)


def test_default_pack_has_a_version_and_a_three_section_scorecard() -> None:
    pack = load_pack("default")
    assert pack.version
    assert {item.section for item in pack.scorecard.items} == {"用语", "沟通技巧", "营销意识"}
    assert any(item.fatal for item in pack.scorecard.items)
    assert any(item.manual for item in pack.scorecard.items)


def test_reason_in_the_readers_language_falls_back_to_chinese() -> None:
    both = load_pack_data(_pack_with(why="不得说没空", why_en="Never say you have no time")).rule("X1")
    assert both.reason("zh-hans") == "不得说没空" and both.reason("en") == "Never say you have no time"
    chinese_only = load_pack_data(_pack_with(why="不得说没空")).rule("X1")
    assert chinese_only.why_en == "" and chinese_only.reason("en") == "不得说没空"


def test_every_default_rule_has_a_chinese_reason_and_an_english_one() -> None:
    for rule in load_pack("default").rules:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.why), rule.code
        assert rule.why_en[:1].isupper() and rule.why_en != rule.why, rule.code
