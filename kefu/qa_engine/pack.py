"""Rule packs: data files an admin can copy and edit, validated when they are loaded.

A pack is YAML or JSON with ``name``, ``version``, ``rules`` and a ``scorecard``. Every
problem is refused at load time with the rule and the field named, so that a typo in an
edited pack never turns into a silent miss at inspection time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .model import CATEGORIES, CHANNELS, ROLES, SEVERITIES, PackError
from .normalize import normalise
from .patterns import Pattern, parse_pattern
from .scorecard import Scorecard, parse_scorecard

PACK_DIR = Path(__file__).parent / "packs"

# What each rule kind needs beyond the common fields, with a type checker per field.
_KIND_FIELDS: dict[str, dict[str, str]] = {
    "phrase": {
        "phrases": "strs", "exclude": "strs", "negated_by": "strs", "standalone": "bool", "clause_end": "bool",
        "unless_followed_by": "strs", "patterns": "patterns", "veto": "strs", "negation_window": "int",
    },
    "regex": {"pattern": "regex!", "exclude": "regexes"},
    # 你 that addresses the customer (see address.py).
    "address": {
        "word": "str!", "polite": "strs", "greetings": "strs", "exclude": "strs", "reported_by": "strs",
        "addressing_before": "strs", "addressing_after": "strs",
    },
    "lexicon": {
        "terms": "terms!", "positive": "terms", "negators": "strs", "intensifiers": "strs",
        "exclude": "strs", "threshold": "num",
    },
    # A lexicon plus the bundled classifier and the conversation around the turn (see emotion.py).
    "emotion": {
        "terms": "terms!", "positive": "terms", "negators": "strs", "intensifiers": "strs",
        "exclude": "strs", "threshold": "num", "model": "str", "min_probability": "num",
        "lexicon_probability": "num", "context_probability": "num", "anxious": "strs", "angry": "strs",
        "wait_seconds": "num", "episode_probability": "num", "mentions": "strs",
    },
    "position": {"where": "str!", "phrases": "strs!", "within_turns": "int!", "within_seconds": "num"},
    "context": {"triggers": "categories!", "phrases": "strs!", "within_turns": "int!", "exclude": "strs"},
    "first_response": {"max_seconds": "num!"},
    "reply_delay": {"max_seconds": "num!"},
    "speech_rate": {"min_cpm": "num!", "max_cpm": "num!", "min_seconds": "num", "min_chars": "int"},
    "silence": {"max_seconds": "num!", "waiting_phrases": "strs"},
    "interruption": {"overlap_seconds": "num!", "backchannels": "strs"},
    "ring": {"max_rings": "int!", "seconds_per_ring": "num!"},
}
_COMMON = {"code", "kind", "category", "title", "why", "why_en", "severity", "roles", "channels", "message", "examples"}
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")


@dataclass(frozen=True)
class Rule:
    """One executable requirement of the standard."""

    code: str
    kind: str
    category: str
    title: str
    why: str
    severity: str
    roles: frozenset[str]
    channels: frozenset[str]
    message: str
    params: Mapping[str, Any]
    hit_examples: tuple[Any, ...] = ()
    miss_examples: tuple[Any, ...] = ()
    # The reason (依据) in Chinese is ``why``; ``why_en`` is the same reason for English readers (optional:
    # a pack written by a team may have only Chinese, and then every reader sees ``why``).
    why_en: str = ""

    def reason(self, language: str = "zh-hans") -> str:
        """The reason in the reader's language: English when asked for and given, else the Chinese."""
        if language.lower().startswith("en") and self.why_en:
            return self.why_en
        return self.why


@dataclass(frozen=True)
class Pack:
    name: str
    version: str
    rules: tuple[Rule, ...]
    scorecard: Scorecard

    def rule(self, code: str) -> Rule:
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise KeyError(code)


def load_pack(name_or_path: str | Path = "default") -> Pack:
    """Load a bundled pack by name (``"default"``) or a pack file by path."""
    path = _resolve(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"pack {path}: cannot read: {exc}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_LOADER)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PackError(f"pack {path}: not valid {path.suffix.lstrip('.') or 'YAML'}: {exc}") from exc
    return load_pack_data(data)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _resolve(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml", ".json"} or path.exists():
        if not path.exists():
            raise PackError(f"pack file {path} does not exist")
        return path
    bundled = PACK_DIR / f"{name_or_path}.yaml"
    if not bundled.exists():
        known = ", ".join(sorted(p.stem for p in PACK_DIR.glob("*.yaml")))
        raise PackError(f"unknown pack {name_or_path!r} (bundled packs: {known})")
    return bundled


def load_pack_data(data: Any) -> Pack:
    """Validate a pack given as a dict (e.g. an edited pack stored in the database)."""
    if not isinstance(data, Mapping):
        raise PackError("pack: must be a mapping with name, version, rules and scorecard")
    name = _need_text(data, "name", "pack")
    version = str(data.get("version") or "")
    if not version:
        raise PackError("pack: field 'version' is required")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PackError("pack: field 'rules' must be a non-empty list")
    synonyms = _parse_synonyms(data.get("synonyms"))
    rules = tuple(_parse_rule(raw, index, synonyms) for index, raw in enumerate(raw_rules))
    _check_unique(rules)
    scorecard = parse_scorecard(data.get("scorecard"), {r.code: r.category for r in rules})
    return Pack(name, version, rules, scorecard)


def _check_unique(rules: tuple[Rule, ...]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.code in seen:
            raise PackError(f"rule {rule.code}: field 'code': duplicate code")
        seen.add(rule.code)


def _parse_synonyms(raw: Any) -> dict[str, tuple[str, ...]]:
    """The pack's named synonym sets (同义词库), referred to in patterns as @name."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise PackError("pack: field 'synonyms' must map names to lists of words")
    synonyms = {}
    for name, words in raw.items():
        try:
            synonyms[str(name)] = _strs(words)
        except ValueError as exc:
            raise PackError(f"pack: synonyms {name!r}: {exc}") from exc
    return synonyms


def _parse_rule(raw: Any, index: int, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> Rule:
    where = f"rule #{index + 1}"
    if not isinstance(raw, Mapping):
        raise PackError(f"{where}: must be a mapping")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise PackError(f"{where}: field 'code': must be upper-case letters, digits or _ (e.g. FP001)")
    where = f"rule {code}"
    kind = _need_choice(raw, "kind", where, tuple(_KIND_FIELDS))
    unknown = set(raw) - _COMMON - set(_KIND_FIELDS[kind])
    if unknown:
        raise PackError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} for kind {kind}")
    title = _need_text(raw, "title", where)
    hits, misses = _parse_examples(raw.get("examples"), where)
    return Rule(
        code=code,
        kind=kind,
        category=_need_choice(raw, "category", where, CATEGORIES),
        title=title,
        why=_need_text(raw, "why", where),
        why_en=_optional_text(raw, "why_en", where),
        severity=_need_choice(raw, "severity", where, SEVERITIES),
        roles=_choices(raw, "roles", where, ROLES, required=True),
        channels=_choices(raw, "channels", where, CHANNELS, required=False) or frozenset(CHANNELS),
        message=str(raw.get("message") or title),
        params=_parse_params(raw, kind, where, synonyms or {}),
        hit_examples=hits,
        miss_examples=misses,
    )


def _optional_text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PackError(f"{where}: field {key!r} must be text")
    return value.strip()


def _need_text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PackError(f"{where}: field {key!r} is required and must be non-empty text")
    return value


def _need_choice(raw: Mapping[str, Any], key: str, where: str, choices: tuple[str, ...]) -> str:
    value = raw.get(key)
    if value not in choices:
        raise PackError(f"{where}: field {key!r}: {value!r} is not one of {', '.join(choices)}")
    return value


def _choices(raw: Mapping[str, Any], key: str, where: str, choices: tuple[str, ...], *, required: bool) -> frozenset[str]:
    value = raw.get(key)
    if value is None and not required:
        return frozenset()
    if not isinstance(value, list) or not value or any(v not in choices for v in value):
        raise PackError(f"{where}: field {key!r} must be a non-empty list of {', '.join(choices)}")
    return frozenset(value)


def _parse_examples(raw: Any, where: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    if not isinstance(raw, Mapping) or not raw.get("hit") or not isinstance(raw.get("hit"), list):
        raise PackError(f"{where}: field 'examples' needs a non-empty 'hit' list (and a 'miss' list)")
    miss = raw.get("miss") or []
    if not isinstance(miss, list):
        raise PackError(f"{where}: field 'examples.miss' must be a list")
    for example in [*raw["hit"], *miss]:
        if not isinstance(example, str | Mapping):
            raise PackError(f"{where}: field 'examples': each example is a text or a conversation mapping")
    return tuple(raw["hit"]), tuple(miss)


def _parse_params(raw: Mapping[str, Any], kind: str, where: str,
                  synonyms: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, spec in _KIND_FIELDS[kind].items():
        required = spec.endswith("!")
        if key not in raw or raw[key] is None:
            if required:
                raise PackError(f"{where}: field {key!r} is required for kind {kind}")
            continue
        if spec == "patterns":
            params[key] = _patterns(raw[key], synonyms, f"{where}: field {key!r}")
            continue
        params[key] = _check_value(raw[key], spec.rstrip("!"), f"{where}: field {key!r}")
    if kind == "phrase" and not params.get("phrases") and not params.get("patterns"):
        raise PackError(f"{where}: a phrase rule needs 'phrases' or 'patterns'")
    if kind == "position" and params["where"] not in ("first", "last"):
        raise PackError(f"{where}: field 'where' must be 'first' or 'last'")
    if kind == "speech_rate" and params["min_cpm"] >= params["max_cpm"]:
        raise PackError(f"{where}: field 'min_cpm' must be below 'max_cpm'")
    return params


def _check_value(value: Any, spec: str, where: str) -> Any:
    checker = _CHECKERS[spec]
    try:
        return checker(value)
    except (TypeError, ValueError, re.error) as exc:
        raise PackError(f"{where}: {exc}") from exc


def _patterns(value: Any, synonyms: Mapping[str, tuple[str, ...]], where: str) -> tuple[Pattern, ...]:
    if not isinstance(value, list) or not value:
        raise PackError(f"{where}: must be a non-empty list of patterns")
    patterns = []
    for position, item in enumerate(value, start=1):
        try:
            patterns.append(parse_pattern(item, synonyms, lambda text: normalise(text).text))
        except ValueError as exc:
            raise PackError(f"{where}: pattern {position}: {exc}") from exc
    return tuple(patterns)


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError("must be a list of non-empty texts")
    for position, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"item {position} ({item!r}) must be non-empty text (quote numbers in YAML)")
    return tuple(value)


def _terms(value: Any) -> tuple[tuple[str, float], ...]:
    """Lexicon terms: ``"太慢"`` (weight 1) or ``{"term": "垃圾", "weight": 2}``."""
    if not isinstance(value, list):
        raise ValueError("must be a list of terms")
    terms = []
    for item in value:
        if isinstance(item, str) and item.strip():
            terms.append((item, 1.0))
        elif isinstance(item, Mapping) and isinstance(item.get("term"), str):
            terms.append((item["term"], _num(item.get("weight", 1.0))))
        else:
            raise ValueError(f"term {item!r} must be a text or a mapping with 'term' and 'weight'")
    return tuple(terms)


def _num(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{value!r} must be a non-negative number")
    return float(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{value!r} must be a positive whole number")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} must be true or false")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} must be text")
    return value


def _regex(value: Any) -> re.Pattern[str]:
    return re.compile(_str(value))


def _regexes(value: Any) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(v) for v in _strs(value))


def _categories(value: Any) -> tuple[str, ...]:
    values = _strs(value)
    bad = [v for v in values if v not in CATEGORIES]
    if bad:
        raise ValueError(f"{', '.join(bad)} not among the categories")
    return values


_CHECKERS = {
    "strs": _strs, "terms": _terms, "num": _num, "int": _int, "bool": _bool, "str": _str,
    "regex": _regex, "regexes": _regexes, "categories": _categories,
}
