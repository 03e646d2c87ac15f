"""Slot patterns: an intent written as keyword groups (Alibaba SCA style), not as one string.

A pattern is a sequence of *slots*; each slot is a set of alternative words. A pattern hits
when one word of every slot occurs in order, each within ``gap`` characters of the previous
one, inside one sentence; or, for an N-of pattern, when words of at least ``n`` different
slots occur within ``window`` characters in any order. *Veto* words cancel the hit when they
occur in the same clause. Written in a pack as a string::

    "不归|不属于 ~4 负责|管 !我们负责|由我"      # two slots, at most 4 characters apart, vetoed by ...
    "^ 爱 ~3 不 $"                            # ^ the first slot starts a clause, $ the last one ends it
    "@推给 ~6 去找|联系"                       # @name expands a synonym set of the pack

or as a mapping ``{slots: [[...], [...], ...], n: 2, window: 10, veto: [...]}`` for N-of.
The words go into the matcher's one automaton, so a turn is still scanned once; a pattern is
evaluated only when one of its words occurred.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

DEFAULT_GAP = 6
# Sentence punctuation a pattern never crosses, and clause punctuation that bounds a veto.
SENTENCE_END = frozenset("。！？!?；;\n")
CLAUSE_END = SENTENCE_END | frozenset("，,、：:…~")


class Pattern(NamedTuple):
    """A compiled slot pattern (words already in the compact form)."""

    source: str
    slots: tuple[tuple[str, ...], ...]
    gaps: tuple[int, ...]  # gaps[i]: most characters between slot i and slot i + 1
    veto: tuple[str, ...]
    anchored_start: bool = False
    anchored_end: bool = False
    n: int = 0  # 0: every slot in order; otherwise at least n slots in any order within `window`
    window: int = 0


def parse_pattern(raw: Any, synonyms: Mapping[str, tuple[str, ...]], compact: Callable[[str], str]) -> Pattern:
    """Compile one pattern from its string or mapping form; ValueError names what is wrong."""
    if isinstance(raw, str):
        return _parse_string(raw, synonyms, compact)
    if isinstance(raw, Mapping):
        return _parse_mapping(raw, synonyms, compact)
    raise ValueError(f"pattern {raw!r} must be a text or a mapping with 'slots'")


def _words(token: str, synonyms: Mapping[str, tuple[str, ...]], compact: Callable[[str], str]) -> tuple[str, ...]:
    words: list[str] = []
    for part in token.split("|"):
        if part.startswith("@"):
            if part[1:] not in synonyms:
                raise ValueError(f"unknown synonym set {part!r}")
            words.extend(synonyms[part[1:]])
        elif part:
            words.append(part)
    compacted = tuple(dict.fromkeys(w for w in (compact(x) for x in words) if w))
    if not compacted:
        raise ValueError(f"slot {token!r} has no words")
    return compacted


def _parse_string(raw: str, synonyms: Mapping[str, tuple[str, ...]], compact: Callable[[str], str]) -> Pattern:
    slots: list[tuple[str, ...]] = []
    gaps: list[int] = []
    veto: list[str] = []
    gap, start, end = DEFAULT_GAP, False, False
    for token in raw.split():
        if token == "^" and not slots:
            start = True
        elif token == "$":
            end = True
        elif token.startswith("~"):
            if not token[1:].isdigit():
                raise ValueError(f"pattern {raw!r}: {token!r} must be ~ and a number of characters")
            gap = int(token[1:])
        elif token.startswith("!"):
            veto.extend(_words(token[1:], synonyms, compact))
        else:
            if end:
                raise ValueError(f"pattern {raw!r}: $ must come after the last slot")
            if slots:
                gaps.append(gap)
            gap = DEFAULT_GAP
            slots.append(_words(token, synonyms, compact))
    if not slots:
        raise ValueError(f"pattern {raw!r} has no slot")
    return Pattern(raw, tuple(slots), tuple(gaps), tuple(veto), start, end)


def _parse_mapping(raw: Mapping[str, Any], synonyms: Mapping[str, tuple[str, ...]],
                   compact: Callable[[str], str]) -> Pattern:
    unknown = set(raw) - {"slots", "n", "window", "veto"}
    if unknown:
        raise ValueError(f"pattern has unknown field(s) {', '.join(sorted(unknown))}")
    slots_raw = raw.get("slots")
    if not isinstance(slots_raw, list) or len(slots_raw) < 2:
        raise ValueError("pattern field 'slots' must list at least two slots")
    slots = tuple(_words("|".join(s) if isinstance(s, list) else str(s), synonyms, compact) for s in slots_raw)
    n = raw.get("n", len(slots))
    window = raw.get("window", 12)
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(slots):
        raise ValueError(f"pattern field 'n' must be a whole number from 1 to {len(slots)}")
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise ValueError("pattern field 'window' must be a positive whole number")
    veto = raw.get("veto") or []
    if not isinstance(veto, list):
        raise ValueError("pattern field 'veto' must be a list of words")
    vetoes = tuple(w for v in veto for w in _words(str(v), synonyms, compact))
    return Pattern(str(dict(raw)), slots, (), vetoes, False, False, n, window)


Occurrences = dict[int, list[tuple[int, int]]]  # slot index -> (start, end) of its words in the turn


def anchor_slots(pattern: Pattern) -> tuple[int, ...]:
    """The slots whose words trigger the pattern: the most specific one (longest shortest word,
    then fewest words, then the earliest), or every slot for an N-of pattern that may hold
    without some of them."""
    if pattern.n and pattern.n < len(pattern.slots):
        return tuple(range(len(pattern.slots)))
    best = max(range(len(pattern.slots)),
               key=lambda i: (min(map(len, pattern.slots[i])), -len(pattern.slots[i]), -i))
    return (best,)


def complete_slots(pattern: Pattern, found: Occurrences, text: str) -> bool:
    """Add the occurrences of the slots that are not anchors; False when one is missing."""
    for slot, words in enumerate(pattern.slots):
        if slot in found:
            continue
        spans = []
        for word in words:
            at = text.find(word)
            while at != -1:
                spans.append((at, at + len(word)))
                at = text.find(word, at + 1)
        if spans:
            found[slot] = spans
        elif not pattern.n or pattern.n == len(pattern.slots):
            return False
    return True


def find(pattern: Pattern, found: Occurrences, text: str, sentence_breaks: frozenset[int],
         clause_breaks: frozenset[int], ends_clause: Callable[[int], bool]) -> tuple[int, int, int] | None:
    """The first (start, end, start of the last slot's word) where the pattern holds, or None.

    Cheap: a turn has a handful of occurrences of a pattern's words."""
    if pattern.n:
        return _find_n_of(pattern, found, text, sentence_breaks, clause_breaks)
    if len(found) < len(pattern.slots):
        return None
    for start, end in sorted(found.get(0, ()), reverse=True):  # the latest start gives the tightest evidence
        if pattern.anchored_start and not (start == 0 or start in clause_breaks):
            continue
        chain = _chain(pattern, found, 1, (end, start), sentence_breaks, ends_clause)
        if chain is not None and not vetoed(pattern.veto, text, start, chain[0], clause_breaks):
            return start, chain[0], chain[1]
    return None


def _chain(pattern: Pattern, found: Occurrences, slot: int, previous: tuple[int, int],
           sentence_breaks: frozenset[int], ends_clause: Callable[[int], bool]) -> tuple[int, int] | None:
    after = previous[0]
    if slot == len(pattern.slots):
        return previous if not pattern.anchored_end or ends_clause(after) else None
    for start, end in sorted(found.get(slot, ()), key=lambda span: (span[0], -span[1])):  # longest word first
        if start < after or start - after > pattern.gaps[slot - 1]:
            continue
        if any(after <= b <= start for b in sentence_breaks):
            continue
        chain = _chain(pattern, found, slot + 1, (end, start), sentence_breaks, ends_clause)
        if chain is not None:
            return chain
    return None


def _find_n_of(pattern: Pattern, found: Occurrences, text: str, sentence_breaks: frozenset[int],
               clause_breaks: frozenset[int]) -> tuple[int, int, int] | None:
    if len(found) < pattern.n:
        return None
    events = sorted((s, e, slot) for slot, spans in found.items() for s, e in spans)
    for i, (start, _, _) in enumerate(events):
        slots, last, last_start = set(), start, start
        for s, e, slot in events[i:]:
            if e - start > pattern.window or any(start < b <= s for b in sentence_breaks):
                break
            slots.add(slot)
            last, last_start = max(last, e), s
            if len(slots) >= pattern.n:
                if not vetoed(pattern.veto, text, start, last, clause_breaks):
                    return start, last, last_start
                break
    return None


def vetoed(veto: tuple[str, ...], text: str, start: int, end: int, clause_breaks: frozenset[int]) -> bool:
    if not veto:
        return False
    left = max((b for b in clause_breaks if b <= start), default=0)
    right = min((b for b in clause_breaks if b >= end), default=len(text))
    return any(text.find(word, left, right) != -1 for word in veto)
