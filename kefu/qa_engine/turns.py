"""What one turn contributes to a conversation's inspection, worked out once per distinct turn.

Chat repeats itself (好的, 在的亲, 还有其他可以帮您的吗), so the engine keeps, per channel, role
and text, a record (a plain tuple, see TEXT ... AT below): the compact text, the per-turn
findings (rule hits with their spans), which conversation rules' phrases the turn says
(greeting, closing, apology, asking to wait), and the emotion classifier's score. Inspecting a conversation is then a look-up per
turn and a small fold over the records (engine.py); only a turn never seen before goes through
the matcher.

The cache has two generations: when the newer one is full the older one is dropped, and a
turn found only in the older one moves up. That keeps the turns in use, like an LRU cache,
for the price of one dictionary look-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import ahocorasick

from .conversation import exclusion_pattern
from .matcher import TurnMatcher
from .model import Finding
from .normalize import normalise
from .pack import Rule

# A record is a plain tuple, read by these indices. Not a NamedTuple: the garbage collector stops
# tracking a plain tuple that holds only plain values, while it visits every NamedTuple at each
# full collection (tens of thousands of cached turns made that a fifth of the inspection time).
TEXT = 0  # the compact text
HITS = 1  # the turn's findings on turn 0, in the matcher's order (a tuple, often empty)
SAID = 2  # the conversation rules whose phrases the turn says (context rules: outside exclusions)
FLAG = 3  # the emotion rule's level when it hit this turn (its own finding), else None
PROBABILITY = 4  # the emotion classifier's P(negative); 0.0 when no emotion rule applies
SPAN = 5  # the classifier's evidence (compact offsets) or None
AT = 6  # findings moved to a turn index, built once per index (None when the turn has no hits)
TurnRecord = tuple  # (text, hits, said, flag, probability, span, at)


class TurnRecords:
    """Per-turn records for one engine; ``get`` is the only entry point."""

    def __init__(self, matcher: TurnMatcher, conversation_rules: list[Rule], patterns: Mapping[str, re.Pattern[str]],
                 emotion: Rule | None, size: int = 65536) -> None:
        self._matcher = matcher
        self._phrases, self._exact, self._always = _phrase_automaton(conversation_rules, patterns)
        self._sets: dict[tuple[str, ...], tuple[str, ...]] = {}  # few distinct sets: share them
        self._emotion = emotion
        self._size = size
        self.new: dict[tuple[str, str, str], TurnRecord] = {}
        self._old: dict[tuple[str, str, str], TurnRecord] = {}

    def clear(self) -> None:
        self.new, self._old = {}, {}

    def get(self, key: tuple[str, str, str]) -> TurnRecord:
        """The record of (text, role, channel); ``new.get(key)`` first is the caller's fast path."""
        record = self._old.get(key)
        if record is None:
            record = self._build(*key)
        if len(self.new) >= self._size:
            self._old, self.new = self.new, {}
        self.new[key] = record
        return record

    def _build(self, original: str, role: str, channel: str) -> TurnRecord:
        if role == "system":
            text, hits = normalise(original).text, ()
        else:
            text, found = self._matcher.match_uncached(original, role, channel)
            hits = tuple(Finding(h.rule.code, h.rule.category, 0, h.span, h.text, h.rule.severity, h.message, h.level)
                         for h in found)
        said = self._said(text)
        hits = hits or ()
        flag, probability, span = None, 0.0, None
        emotion = self._emotion
        if emotion is not None and role == "customer" and channel in emotion.channels:
            for finding in hits:
                if finding.rule == emotion.code:
                    flag = finding.level or "不满"
            if text:
                escalated = bool(hits) and any(finding.category == "escalation_risk" for finding in hits)
                probability, span = self._matcher.emotion_probability(emotion, text, escalated)
        return (text, hits, said, flag, probability, span, {} if hits else None)


    def _said(self, text: str) -> tuple[str, ...]:
        """The conversation rules with a phrase in ``text``: one Aho-Corasick pass finds every
        occurrence, overlaps included, so a rule is in the set exactly when its phrase pattern's
        ``search`` would match; a context rule's exclusions are then applied as before."""
        codes = set(self._always)
        if self._phrases is not None and text:
            for _, owners in self._phrases.iter(text):
                codes.update(owners)
        for code in codes.intersection(self._exact):
            if not self._exact[code](text):
                codes.discard(code)
        if not codes:
            return ()
        said = tuple(sorted(codes))
        return self._sets.setdefault(said, said)


def findings_at(record: TurnRecord, index: int) -> tuple[Finding, ...]:
    """The record's findings on turn ``index`` (shared between conversations: findings are immutable)."""
    at = record[AT]
    found = at.get(index)
    if found is None:
        found = at[index] = tuple(f._replace(turn=index) for f in record[HITS])
    return found


# The conversation rules that ask whether a turn says one of their phrases (conversation.py).
_SAYING = ("position", "context", "silence")


def _phrase_automaton(rules: list[Rule], patterns: Mapping[str, re.Pattern[str]]
                      ) -> tuple[ahocorasick.Automaton | None, dict[str, Callable[[str], bool]], frozenset[str]]:
    """One automaton over every conversation rule's compact phrases, each mapped to its rules; and
    for a context rule with exclusions (APO01: 放心使用 vouches for the product, it is no apology)
    the exact test, run only when one of its phrases occurs. A phrase that is all punctuation
    compacts to "", which the phrase pattern matches everywhere: its rule is always said."""
    owners: dict[str, set[str]] = {}
    always: set[str] = set()
    exact: dict[str, Callable[[str], bool]] = {}
    for rule in rules:
        if rule.kind not in _SAYING:
            continue
        for phrase in rule.params.get("phrases", rule.params.get("waiting_phrases", ())):
            compact = normalise(phrase).text
            if compact:
                owners.setdefault(compact, set()).add(rule.code)
            else:
                always.add(rule.code)
        exclude = rule.params.get("exclude") if rule.kind == "context" else None
        if exclude:
            exact[rule.code] = _outside(patterns[rule.code], exclusion_pattern(tuple(exclude)))
    if not owners:
        return None, exact, frozenset(always)
    automaton = ahocorasick.Automaton()
    for phrase, codes in owners.items():
        automaton.add_word(phrase, frozenset(codes))
    automaton.make_automaton()
    return automaton, exact, frozenset(always)


def _outside(pattern: re.Pattern[str], excluded: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda text: pattern.search(excluded.sub("|", text)) is not None  # "|" never occurs in compact text
