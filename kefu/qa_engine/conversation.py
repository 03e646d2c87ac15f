"""Rules that look at a whole conversation: position, context and timing.

Each checker takes the rule, the conversation, the turns' compact texts and the per-turn
findings, and returns findings. A finding about something missing (a greeting, an
apology) points at the turn where it was expected, with an empty span.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .inputs import Conversation
from .model import Finding
from .normalize import normalise
from .pack import Rule

Checker = Callable[[Rule, Conversation, Sequence[str], Sequence[Finding]], list[Finding]]


def _agent_turns(convo: Conversation) -> list[int]:
    return [i for i, t in enumerate(convo.turns) if t.role == "agent"]


def _says(text: str, phrases: Sequence[str]) -> bool:
    return any(p in text for p in phrases)


def _compact_all(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(normalise(v).text for v in values)


def _missing(rule: Rule, turn: int, message: str | None = None) -> Finding:
    return Finding(rule.code, rule.category, turn, (0, 0), "", rule.severity, message or rule.message)


def _whole(rule: Rule, convo: Conversation, turn: int, message: str) -> Finding:
    text = convo.turns[turn].text
    return Finding(rule.code, rule.category, turn, (0, len(text)), text, rule.severity, message)


def check_position(rule: Rule, convo: Conversation, texts: Sequence[str], found: Sequence[Finding]) -> list[Finding]:
    """A greeting among the first N agent turns (and S seconds), a closing among the last N."""
    agents = _agent_turns(convo)
    if not agents:
        return []
    count = rule.params["within_turns"]
    window = agents[:count] if rule.params["where"] == "first" else agents[-count:]
    limit = rule.params.get("within_seconds")
    if limit is not None and convo.timed:
        window = [i for i in window if _in_time(convo, i, limit, rule.params["where"])]
    phrases = _compact_all(rule.params["phrases"])
    if any(_says(texts[i], phrases) for i in window):
        return []
    return [_missing(rule, agents[0] if rule.params["where"] == "first" else agents[-1])]


def _in_time(convo: Conversation, index: int, limit: float, where: str) -> bool:
    turn = convo.turns[index]
    if turn.start is None:
        return True
    if where == "first":
        return turn.start <= limit
    call_end = max((t.end or t.start or 0.0) for t in convo.turns)
    return call_end - turn.start <= limit


def check_context(rule: Rule, convo: Conversation, texts: Sequence[str], found: Sequence[Finding]) -> list[Finding]:
    """After a customer's negative or escalating turn, an apology within K agent turns."""
    triggers = sorted({f.turn for f in found if f.category in rule.params["triggers"]})
    phrases = _compact_all(rule.params["phrases"])
    agents = _agent_turns(convo)
    expected: set[int] = set()
    for trigger in triggers:
        following = [i for i in agents if i > trigger][: rule.params["within_turns"]]
        if following and not any(_says(texts[i], phrases) for i in following):
            expected.add(following[0])
    return [_missing(rule, turn) for turn in sorted(expected)]


def check_first_response(rule: Rule, convo: Conversation, texts: Sequence[str],
                         found: Sequence[Finding]) -> list[Finding]:
    """Chat: the first agent reply after the customer's first message (首次响应)."""
    asked = next((t.ts for t in convo.turns if t.role == "customer" and t.ts), None)
    if asked is None:
        return []
    for index, turn in enumerate(convo.turns):
        if turn.role == "agent" and turn.ts and turn.ts >= asked:
            delay = (turn.ts - asked).total_seconds()
            if delay > rule.params["max_seconds"]:
                return [_missing(rule, index, f"{rule.message}: {delay:.0f} 秒")]
            return []
    return []


def check_reply_delay(rule: Rule, convo: Conversation, texts: Sequence[str],
                      found: Sequence[Finding]) -> list[Finding]:
    """Chat: each later reply measured from the first unanswered customer message."""
    findings, waiting_since, answered_once = [], None, False
    for index, turn in enumerate(convo.turns):
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


def check_speech_rate(rule: Rule, convo: Conversation, texts: Sequence[str],
                      found: Sequence[Finding]) -> list[Finding]:
    """Voice: characters a minute per agent turn, skipping turns too short to judge."""
    findings = []
    for index, turn in enumerate(convo.turns):
        if turn.role != "agent" or turn.start is None or turn.end is None:
            continue
        seconds, chars = turn.end - turn.start, len(texts[index])
        if seconds < rule.params.get("min_seconds", 3.0) or chars < rule.params.get("min_chars", 10):
            continue
        rate = chars * 60.0 / seconds
        if not rule.params["min_cpm"] <= rate <= rule.params["max_cpm"]:
            findings.append(_whole(rule, convo, index, f"{rule.message}: {rate:.0f} 字/分钟"))
    return findings


def check_silence(rule: Rule, convo: Conversation, texts: Sequence[str], found: Sequence[Finding]) -> list[Finding]:
    """Voice: a gap before an agent turn longer than N s, unless the agent asked to wait."""
    waiting = _compact_all(rule.params.get("waiting_phrases", ()))
    findings, last_agent_text = [], ""
    turns = convo.turns
    for index in range(1, len(turns)):
        prev, nxt = turns[index - 1], turns[index]
        if prev.role == "agent":
            last_agent_text = texts[index - 1]
        if nxt.role != "agent" or prev.end is None or nxt.start is None:
            continue
        gap = nxt.start - prev.end
        if gap > rule.params["max_seconds"] and not (prev.role == "agent" and _says(last_agent_text, waiting)):
            where = index - 1 if prev.role == "agent" else index
            findings.append(_missing(rule, where, f"{rule.message}: {gap:.0f} 秒"))
    return findings


def check_interruption(rule: Rule, convo: Conversation, texts: Sequence[str],
                       found: Sequence[Finding]) -> list[Finding]:
    """Voice: an agent turn starting well before the customer has finished (抢话)."""
    backchannels = set(_compact_all(rule.params.get("backchannels", ())))
    single = {b for b in backchannels if len(b) == 1}
    findings, customer_end = [], None
    for index, turn in enumerate(convo.turns):
        if turn.role == "customer":
            customer_end = turn.end
            continue
        if turn.role != "agent" or turn.start is None or customer_end is None:
            continue
        text = texts[index]
        if text in backchannels or (text and set(text) <= single):
            continue
        if turn.start < customer_end - rule.params["overlap_seconds"]:
            findings.append(_whole(rule, convo, index, f"{rule.message}: {customer_end - turn.start:.1f} 秒"))
    return findings


def check_ring(rule: Rule, convo: Conversation, texts: Sequence[str], found: Sequence[Finding]) -> list[Finding]:
    """Voice: answered within N rings, from ``meta.ring_seconds``."""
    ring = convo.meta.get("ring_seconds")
    if isinstance(ring, bool) or not isinstance(ring, int | float):
        return []
    limit = rule.params["max_rings"] * rule.params["seconds_per_ring"]
    if ring <= limit:
        return []
    agents = _agent_turns(convo)
    return [_missing(rule, agents[0] if agents else 0, f"{rule.message}: 响铃 {ring:.0f} 秒")]


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
