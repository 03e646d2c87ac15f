"""The engine: a loaded pack compiled once, then conversations and utterances inspected."""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter
from pathlib import Path
from typing import Any

from .conversation import CHECKERS, View, phrase_pattern
from .emotion import TurnContext, context_reason
from .inputs import Conversation, InputError, parse_conversation
from .jsonline import clear_fragments
from .matcher import Hit, TurnMatcher
from .model import CHANNELS, ROLES, Finding, Result
from .normalize import normalise
from .pack import Pack, Rule, load_pack
from .turns import FLAG, HITS, PROBABILITY, SAID, SPAN, TEXT, TurnRecord, TurnRecords, findings_at

_PER_TURN = ("phrase", "regex", "lexicon", "emotion", "address")
_start, _ts = attrgetter("start"), attrgetter("ts")


class Engine:
    """Inspects conversations against one pack; build it once and reuse it (thread-safe reads)."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self._matcher = TurnMatcher(pack.rules)
        self._conversation_rules = [r for r in pack.rules if r.kind not in _PER_TURN]
        self._order = {r.code: i for i, r in enumerate(pack.rules)}
        self._patterns = {r.code: phrase_pattern(r.params.get("phrases", r.params.get("waiting_phrases", ())))
                          for r in self._conversation_rules}
        emotion = [r for r in pack.rules if r.kind == "emotion" and "customer" in r.roles]
        self._emotion = emotion[0] if emotion else None
        self._records = TurnRecords(self._matcher, self._conversation_rules, self._patterns, self._emotion)

    def inspect(self, conversation: Mapping[str, Any] | Conversation) -> Result:
        """Inspect one conversation (a mapping in the input format, or a parsed one).

        Each turn is a look-up of its record (turns.py: compact text, findings, phrases said,
        classifier score), worked out once per distinct turn; the rest is a fold over the records."""
        convo = conversation if type(conversation) is Conversation else parse_conversation(conversation)
        channel, store = convo.channel, self._records
        new, findings, records = store.new, [], []
        for index, turn in enumerate(convo.turns):
            key = (turn.text, turn.role, channel)
            record = new.get(key)
            if record is None:
                record, new = store.get(key), store.new
            records.append(record)
            if record[HITS]:
                findings.extend(findings_at(record, index))
        if self._emotion is not None and channel in self._emotion.channels:
            findings.extend(self._emotion_in_context(self._emotion, convo, records))
        turns = convo.turns
        agents = [i for i, t in enumerate(turns) if t.role == "agent"]
        starts, stamps = list(map(_start, turns)), list(map(_ts, turns))
        view = View(convo, [r[TEXT] for r in records], agents, findings, [r[SAID] for r in records],
                    starts.count(None) < len(starts), stamps.count(None) < len(stamps))
        for rule in self._conversation_rules:
            if channel in rule.channels:
                findings.extend(CHECKERS[rule.kind](rule, view))
        findings.sort(key=lambda f: (f.turn, f.span[0], self._order[f.rule]))
        score, items = self.pack.scorecard.score(findings)
        return Result(convo.id, score, findings, items)

    def clear_caches(self) -> None:
        """Forget every turn seen (a fresh engine's state; the throughput bench measures cold caches)."""
        self._records.clear()
        self._matcher.match.cache_clear()
        self._matcher._probability.cache_clear()
        normalise.cache_clear()
        clear_fragments()

    def _emotion_in_context(self, rule: Rule, convo: Conversation, records: list[TurnRecord]) -> list[Finding]:
        """Borderline customer turns that read as negative in their conversation (see emotion.py)."""
        threshold = rule.params.get("context_probability", 0.5)
        # Most conversations have no borderline turn at all: nothing to judge in context.
        if not any(r[PROBABILITY] >= threshold and r[FLAG] is None for r in records):
            return []
        flagged = {i: r[FLAG] for i, r in enumerate(records) if r[FLAG] is not None}
        wait = rule.params.get("wait_seconds", 300.0)
        episode = rule.params.get("episode_probability", threshold)
        earlier: list[tuple[int, float | None]] = []  # customer turns so far, and how long each waited
        added: list[Finding] = []
        turns = convo.turns
        last_customer_ts, answered = None, True
        for index, turn in enumerate(turns):
            if turn.role != "customer":
                answered = answered or turn.role == "agent"
                continue
            waited = None
            if turn.ts is not None and last_customer_ts is not None and not answered:
                waited = (turn.ts - last_customer_ts).total_seconds()
            text, probability = records[index][TEXT], records[index][PROBABILITY]
            # The classifier's score is in the turn's record: test it before the context.
            if index not in flagged and text and probability >= threshold:
                here = TurnContext(index, text, turn.text, waited)
                context = [TurnContext(i, records[i][TEXT], turns[i].text, w) for i, w in earlier]
                reason = context_reason(here, context, flagged, wait, probability, episode)
                if reason is not None:
                    level, why = reason
                    flagged[index] = level
                    added.append(_context_finding(rule, index, turn.text, records[index][SPAN], level, why))
            earlier.append((index, waited))
            last_customer_ts, answered = turn.ts, False
        return added

    def check(self, text: str, role: str = "agent", channel: str = "chat") -> list[Finding]:
        """The reply box's live check: per-utterance rules only, findings on turn 0."""
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        if role not in ROLES or channel not in CHANNELS:
            raise ValueError(f"role must be one of {', '.join(ROLES)} and channel one of {', '.join(CHANNELS)}")
        return [_finding(hit, 0) for hit in self._matcher.match(text, role, channel)[1]]


    def failing_examples(self) -> list[str]:
        """Every rule example that does not behave as declared: run it after an admin edits a pack."""
        problems = []
        for rule in self.pack.rules:
            for expected, examples in ((True, rule.hit_examples), (False, rule.miss_examples)):
                for example in examples:
                    try:
                        hit = rule.code in self._example_rules(rule, example)
                    except (InputError, ValueError) as exc:
                        problems.append(f"rule {rule.code}: example {example!r} is not valid input: {exc}")
                        continue
                    if hit is not expected:
                        verb = "should hit but does not" if expected else "should not hit but does"
                        problems.append(f"rule {rule.code}: example {example!r} {verb}")
        return problems

    def _example_rules(self, rule: Rule, example: str | Mapping[str, Any]) -> set[str]:
        if isinstance(example, str):
            role = sorted(rule.roles)[0]
            channel = "chat" if "chat" in rule.channels else "voice"
            return {f.rule for f in self.check(example, role=role, channel=channel)}
        return {f.rule for f in self.inspect(example).findings}


def _context_finding(rule: Rule, turn: int, original: str, span: tuple[int, int] | None, level: str,
                     why: str) -> Finding:
    norm = normalise(original)
    left, right = norm.to_original(*span) if span else (0, len(original))
    return Finding(rule.code, rule.category, turn, (left, right), original[left:right], rule.severity,
                   f"{rule.message}（{level}）: {why}", level)


def _finding(hit: Hit, turn: int) -> Finding:
    rule = hit.rule
    return Finding(rule.code, rule.category, turn, hit.span, hit.text, rule.severity, hit.message, hit.level)


_ENGINES: dict[str, Engine] = {}


def _engine_for(pack: Pack | str | Path | None) -> Engine:
    if isinstance(pack, Pack):
        return Engine(pack)
    key = str(pack or "default")
    if key not in _ENGINES:
        _ENGINES[key] = Engine(load_pack(key))
    return _ENGINES[key]


def inspect_conversation(conversation: Mapping[str, Any], pack: Pack | str | Path | None = None) -> Result:
    """One-off inspection; the engine for a named pack is built once and kept."""
    return _engine_for(pack).inspect(conversation)


def check_utterance(text: str, role: str = "agent", channel: str = "chat",
                    pack: Pack | str | Path | None = None) -> list[Finding]:
    """One-off live check of an utterance with a (cached) engine."""
    return _engine_for(pack).check(text, role, channel)
