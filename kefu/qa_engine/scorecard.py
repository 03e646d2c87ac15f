"""The scorecard (质检评分表): sections of items, each bound to rules or left to a person.

Scoring starts from ``base`` (100). An automatic item deducts ``deduct`` points per hit of
its rules, at most ``max``; an ``add`` item gives points when its rules hit (a bonus),
the total capped at ``base``; a ``fatal`` item (致命项) that hits sets the score to 0.
Manual items are listed with status "manual" and do not move the automatic score: a
supervisor fills them in later.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .model import CATEGORIES, Finding, ItemResult, PackError


@dataclass(frozen=True)
class Item:
    section: str
    code: str
    title: str
    rules: frozenset[str]
    deduct: float = 0.0
    max: float = 0.0
    add: float = 0.0
    fatal: bool = False
    manual: bool = False


@dataclass(frozen=True)
class Scorecard:
    base: float
    items: tuple[Item, ...]

    def __post_init__(self) -> None:
        # Most items pass in most conversations: their results are built once and shared,
        # and only the items bound to a rule that hit are scored again.
        idle = tuple(_score_item(item, Counter()) for item in self.items)
        by_rule: dict[str, list[int]] = {}
        for index, item in enumerate(self.items):
            for code in item.rules:
                by_rule.setdefault(code, []).append(index)
        object.__setattr__(self, "_idle", idle)
        object.__setattr__(self, "_by_rule", by_rule)
        object.__setattr__(self, "_memo", {})

    def score(self, findings: Iterable[Finding]) -> tuple[float, list[ItemResult]]:
        """Return the 0-100 score and each item's outcome for one conversation.

        The outcome depends only on how often each rule hit, and most conversations share one of a
        few such patterns: it is computed once per pattern (a bounded memo) and copied."""
        hits = Counter(f.rule for f in findings)
        key = tuple(sorted(hits.items()))
        memo = self._memo  # type: ignore[attr-defined]
        known = memo.get(key)
        if known is None:
            known = self._score(hits)
            if len(memo) < 4096:
                memo[key] = known
        return known[0], list(known[1])

    def _score(self, hits: Counter[str]) -> tuple[float, list[ItemResult]]:
        results = list(self._idle)  # type: ignore[attr-defined]
        touched = {i for code in hits for i in self._by_rule.get(code, ())}  # type: ignore[attr-defined]
        for index in touched:
            results[index] = _score_item(self.items[index], hits)
        if any(results[i].status == "fatal" for i in touched):
            return 0.0, results
        total = self.base + sum(results[i].points for i in touched)
        score = max(0.0, min(self.base, total))
        return round(score * 100 / self.base, 1), results


def _score_item(item: Item, hits: Counter[str]) -> ItemResult:
    if item.manual:
        return ItemResult(item.section, item.code, item.title, "manual", 0.0, 0)
    count = sum(hits[code] for code in item.rules)
    if not count:
        return ItemResult(item.section, item.code, item.title, "pass", 0.0, 0)
    if item.fatal:
        return ItemResult(item.section, item.code, item.title, "fatal", 0.0, count)
    if item.add:
        return ItemResult(item.section, item.code, item.title, "pass", item.add, count)
    points = -min(item.max or item.deduct * count, item.deduct * count)
    return ItemResult(item.section, item.code, item.title, "fail", points, count)


def parse_scorecard(raw: Any, rule_categories: Mapping[str, str]) -> Scorecard:
    """Build a scorecard; items bind to rule codes or to whole categories."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("sections"), list):
        raise PackError("scorecard: field 'sections' must be a list")
    base = raw.get("base", 100)
    if isinstance(base, bool) or not isinstance(base, int | float) or base <= 0:
        raise PackError("scorecard: field 'base' must be a positive number")
    items: list[Item] = []
    for s_index, section in enumerate(raw["sections"]):
        if not isinstance(section, Mapping) or not isinstance(section.get("name"), str):
            raise PackError(f"scorecard section #{s_index + 1}: field 'name' is required")
        for i_index, item in enumerate(section.get("items") or []):
            where = f"scorecard item {section['name']}#{i_index + 1}"
            items.append(_parse_item(item, section["name"], where, rule_categories))
    codes = [i.code for i in items]
    dupes = {c for c in codes if codes.count(c) > 1}
    if dupes:
        raise PackError(f"scorecard: duplicate item code(s) {', '.join(sorted(dupes))}")
    return Scorecard(float(base), tuple(items))


def _parse_item(raw: Any, section: str, where: str, rule_categories: Mapping[str, str]) -> Item:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("code"), str) or not raw.get("title"):
        raise PackError(f"{where}: fields 'code' and 'title' are required")
    where = f"scorecard item {raw['code']}"
    manual = bool(raw.get("manual", False))
    rules = set(raw.get("rules") or [])
    unknown = rules - set(rule_categories)
    if unknown:
        raise PackError(f"{where}: field 'rules': unknown rule(s) {', '.join(sorted(unknown))}")
    for category in raw.get("categories") or []:
        if category not in CATEGORIES:
            raise PackError(f"{where}: field 'categories': {category!r} is not a category")
        rules |= {code for code, cat in rule_categories.items() if cat == category}
    if not manual and not rules:
        raise PackError(f"{where}: an automatic item needs 'rules' or 'categories' (or set manual: true)")
    numbers = {}
    for key in ("deduct", "max", "add"):
        value = raw.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise PackError(f"{where}: field {key!r} must be a non-negative number")
        numbers[key] = float(value)
    fatal = bool(raw.get("fatal", False))
    if not manual and not fatal and not numbers["deduct"] and not numbers["add"]:
        raise PackError(f"{where}: set 'deduct', 'add' or 'fatal'")
    return Item(section, raw["code"], str(raw["title"]), frozenset(rules), fatal=fatal, manual=manual, **numbers)
