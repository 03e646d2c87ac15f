"""Rules that look at a whole conversation: position, context and timing.

Each checker takes the rule and a :class:`View` of the conversation (its compact turn
texts, agent turn indices, per-turn findings and which rules' phrases each turn says, worked
out once per distinct turn in turns.py) and returns findings. A finding about something missing (a greeting, an apology) points at
the turn where it was expected, with an empty span.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .inputs import Conversation
from .model import Finding
from .normalize import normalise
from .pack import Rule


@dataclass(frozen=True, slots=True)
class View:
    convo: Conversation
    texts: Sequence[str]
    agents: Sequence[int]
    found: Sequence[Finding]
    said: Sequence[tuple[str, ...]]  # per turn: the conversation rules whose phrases it says
    timed: bool = True  # some turn has a start time (a call): convo.timed, worked out once
    stamped: bool = True  # some turn has a ts (a chat with times); without one no response time is measured

    def says(self, rule: Rule, index: int) -> bool:
        """True when turn ``index`` contains one of the rule's phrases (for a context rule, outside
        its excluded contexts)."""
        return rule.code in self.said[index]


Checker = Callable[[Rule, View], list[Finding]]


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One alternation over the compact phrases; faster than testing them one by one."""
    compact = sorted({normalise(p).text for p in phrases}, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in compact) or r"(?!x)x")


def _missing(rule: Rule, turn: int, message: str | None = None) -> Finding:
    return Finding(rule.code, rule.category, turn, (0, 0), "", rule.severity, message or rule.message)


def _whole(rule: Rule, convo: Conversation, turn: int, message: str) -> Finding:
    text = convo.turns[turn].text
    return Finding(rule.code, rule.category, turn, (0, len(text)), text, rule.severity, message)


def check_position(rule: Rule, view: View) -> list[Finding]:
    """A greeting among the first N agent turns (and S seconds), a closing among the last N."""
    agents = view.agents
    if not agents:
        return []
    count, first = rule.params["within_turns"], rule.params["where"] == "first"
    window = agents[:count] if first else agents[-count:]
    limit = rule.params.get("within_seconds")
    if limit is not None and view.timed:
        window = [i for i in window if _in_time(view.convo, i, limit, first)]
    code, said = rule.code, view.said
    for index in window:
        if code in said[index]:
            return []
    return [_missing(rule, agents[0] if first else agents[-1])]


def _in_time(convo: Conversation, index: int, limit: float, first: bool) -> bool:
    turn = convo.turns[index]
    if turn.start is None:
        return True
    if first:
        return turn.start <= limit
    call_end = max((t.end or t.start or 0.0) for t in convo.turns)
    return call_end - turn.start <= limit


def check_context(rule: Rule, view: View) -> list[Finding]:
    """After a customer's negative or escalating turns, an apology or empathy within K agent turns.

    Consecutive unhappy customer turns (no calm customer turn between them) are one episode,
    so one apology answers them all and an ignored episode costs one finding, not one per
    agent turn. The finding sits on the K-th agent turn after the episode's last unhappy
    turn (the last agent turn if fewer follow), where the apology was due at the latest.
    """
    findings = []
    for episode in _unhappy_episodes(view, rule.params["triggers"]):
        window = _reply_window(view.agents, episode, rule.params["within_turns"])
        if window and not any(view.says(rule, i) for i in window):
            turns = "、".join(str(t) for t in episode)
            findings.append(_missing(rule, window[-1], f"{rule.message}（客户第 {turns} 轮）"))
    return findings


@lru_cache(maxsize=64)
def exclusion_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Contexts that cancel a phrase; turns.py replaces them by "|", which never occurs in compact text."""
    return phrase_pattern(phrases)


def _unhappy_episodes(view: View, triggers: Iterable[str]) -> list[list[int]]:
    """Runs of customer turns with a trigger finding, split by any calm customer turn."""
    unhappy = {f.turn for f in view.found if f.category in triggers}
    episodes: list[list[int]] = []
    current: list[int] = []
    for index, turn in enumerate(view.convo.turns):
        if turn.role != "customer":
            continue
        if index in unhappy:
            current.append(index)
        elif current:
            episodes.append(current)
            current = []
    return [*episodes, current] if current else episodes


def _reply_window(agents: Sequence[int], episode: Sequence[int], within: int) -> list[int]:
    """Agent turns from the episode's start up to the K-th one after its last turn."""
    first, last = episode[0], episode[-1]
    after = [i for i in agents if i > last][:within]
    end = after[-1] if after else last
    return [i for i in agents if first < i <= end]


def check_first_response(rule: Rule, view: View) -> list[Finding]:
    """Chat: the first agent reply after the customer's first message (首次响应)."""
    if not view.stamped:
        return []
    turns = view.convo.turns
    asked = next((t.ts for t in turns if t.role == "customer" and t.ts), None)
    if asked is None:
        return []
    for index, turn in enumerate(turns):
        if turn.role == "agent" and turn.ts and turn.ts >= asked:
            delay = (turn.ts - asked).total_seconds()
            if delay > rule.params["max_seconds"]:
                return [_missing(rule, index, f"{rule.message}: {delay:.0f} 秒")]
            return []
    return []


def check_reply_delay(rule: Rule, view: View) -> list[Finding]:
    """Chat: each later reply measured from the first unanswered customer message."""
    if not view.stamped:
        return []
    findings, waiting_since, answered_once = [], None, False
    for index, turn in enumerate(view.convo.turns):
        if turn.role == "customer" and turn.ts and waiting_since is None:
            waiting_since = turn.ts
        elif turn.role == "agent" and turn.ts:
            if waiting_since is not None and answered_once:
                delay = (turn.ts - waiting_since).total_seconds()
                if delay > rule.params["max_seconds"]:
                    findings.append(_missing(rule, index, f"{rule.message}: {delay:.0f} 秒"))
            answered_once = answered_once or waiting_since is not None
            waiting_since = None
    return findings


def check_speech_rate(rule: Rule, view: View) -> list[Finding]:
    """Voice: characters a minute per agent turn, skipping turns too short to judge."""
    findings = []
    for index in view.agents:
        turn = view.convo.turns[index]
        if turn.start is None or turn.end is None:
            continue
        seconds, chars = turn.end - turn.start, len(view.texts[index])
        if seconds < rule.params.get("min_seconds", 3.0) or chars < rule.params.get("min_chars", 10):
            continue
        rate = chars * 60.0 / seconds
        if not rule.params["min_cpm"] <= rate <= rule.params["max_cpm"]:
            findings.append(_whole(rule, view.convo, index, f"{rule.message}: {rate:.0f} 字/分钟"))
    return findings


def check_silence(rule: Rule, view: View) -> list[Finding]:
    """Voice: a gap before an agent turn longer than N s, unless the agent asked to wait."""
    findings, turns = [], view.convo.turns
    for index in range(1, len(turns)):
        prev, nxt = turns[index - 1], turns[index]
        if nxt.role != "agent" or prev.end is None or nxt.start is None:
            continue
        gap = nxt.start - prev.end
        if gap > rule.params["max_seconds"] and not (prev.role == "agent" and view.says(rule, index - 1)):
            where = index - 1 if prev.role == "agent" else index
            findings.append(_missing(rule, where, f"{rule.message}: {gap:.0f} 秒"))
    return findings


def check_interruption(rule: Rule, view: View) -> list[Finding]:
    """Voice: an agent turn starting well before the customer has finished (抢话)."""
    backchannels = {normalise(b).text for b in rule.params.get("backchannels", ())}
    single = {b for b in backchannels if len(b) == 1}
    findings, customer_end = [], None
    for index, turn in enumerate(view.convo.turns):
        if turn.role == "customer":
            customer_end = turn.end
            continue
        if turn.role != "agent" or turn.start is None or customer_end is None:
            continue
        text = view.texts[index]
        if text in backchannels or (text and set(text) <= single):
            continue
        if turn.start < customer_end - rule.params["overlap_seconds"]:
            findings.append(_whole(rule, view.convo, index, f"{rule.message}: {customer_end - turn.start:.1f} 秒"))
    return findings


def check_ring(rule: Rule, view: View) -> list[Finding]:
    """Voice: answered within N rings, from ``meta.ring_seconds``."""
    ring = view.convo.meta.get("ring_seconds")
    if isinstance(ring, bool) or not isinstance(ring, int | float):
        return []
    limit = rule.params["max_rings"] * rule.params["seconds_per_ring"]
    if ring <= limit:
        return []
    where = view.agents[0] if view.agents else 0
    return [_missing(rule, where, f"{rule.message}: 响铃 {ring:.0f} 秒")]


CHECKERS: dict[str, Checker] = {
    "position": check_position,
    "context": check_context,
    "first_response": check_first_response,
    "reply_delay": check_reply_delay,
    "speech_rate": check_speech_rate,
    "silence": check_silence,
    "interruption": check_interruption,
    "ring": check_ring,
}
