"""Conversations in, validated: JSON lines with a clear error for every bad line.

Extra fields are ignored so that dataset files and exports can be inspected as they are.
Naive ``ts`` values are read as Asia/Shanghai time, the platform's default zone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO, NamedTuple
from zoneinfo import ZoneInfo

from .model import CHANNELS, ROLES

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")


class InputError(ValueError):
    """A conversation that cannot be inspected; the message names the field."""


class Turn(NamedTuple):
    """One turn; a NamedTuple (immutable like the frozen dataclass it was, and built about 3x faster:
    one is made for every turn of every conversation)."""

    role: str
    text: str
    start: float | None = None
    end: float | None = None
    ts: datetime | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    channel: str
    turns: tuple[Turn, ...]
    agent: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def timed(self) -> bool:
        return any(t.start is not None for t in self.turns)


def parse_conversation(data: Any) -> Conversation:
    """Validate one conversation mapping; raises :class:`InputError` naming the field."""
    if type(data) is not dict and not isinstance(data, Mapping):  # the type test first: ABC checks are slow
        raise InputError("conversation must be a JSON object")
    ident = data.get("id")
    if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
        raise InputError("field 'id' is required (text or number)")
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list):
        raise InputError("field 'turns' is required and must be a list")
    turns, timed = _parse_turns(raw_turns)
    channel = data.get("channel")
    if channel is None:
        # Timed turns only come from calls; chat messages carry ts instead.
        channel = "voice" if timed else "chat"
    elif channel not in CHANNELS:
        raise InputError(f"field 'channel': {channel!r} is not one of {', '.join(CHANNELS)}")
    meta = data.get("meta") or {}
    if not isinstance(meta, Mapping):
        raise InputError("field 'meta' must be an object")
    agent = data.get("agent")
    return Conversation(str(ident), channel, turns, None if agent is None else str(agent), meta)


_new_turn = tuple.__new__  # Turn(role, text) runs a Python __new__ for the defaults; this does not


def _parse_turns(raw_turns: list[Any]) -> tuple[tuple[Turn, ...], bool]:
    """The turns, and whether any has a start time. The usual chat turn ({"role", "text"} and
    nothing else) is built inline; every other turn goes through :func:`_parse_turn`."""
    turns: list[Turn] = []
    append, timed = turns.append, False
    for raw in raw_turns:
        if type(raw) is dict and len(raw) == 2:
            role, text = raw.get("role"), raw.get("text")
            if type(text) is str and (role == "agent" or role == "customer" or role == "system"):
                append(_new_turn(Turn, (role, text, None, None, None)))
                continue
        turn = _parse_turn(raw, len(turns))
        timed = timed or turn.start is not None
        append(turn)
    return tuple(turns), timed


def _parse_turn(raw: Any, index: int) -> Turn:
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise InputError(f"turns[{index}] must be an object")
    role = raw.get("role")
    if role not in ROLES:
        raise InputError(f"turns[{index}].role: {role!r} is not one of {', '.join(ROLES)}")
    text = raw.get("text")
    if type(text) is not str:
        raise InputError(f"turns[{index}].text is required and must be text")
    if len(raw) == 2 or ("start" not in raw and "ts" not in raw and "end" not in raw):
        return Turn(role, text)  # the usual chat turn: no field name is built unless something is wrong
    where = f"turns[{index}]"
    start = _seconds(raw.get("start"), f"{where}.start")
    end = _seconds(raw.get("end"), f"{where}.end")
    if start is not None and end is not None and end < start:
        raise InputError(f"{where}.end: {end} is before start {start}")
    return Turn(role, text, start, end, _timestamp(raw.get("ts"), f"{where}.ts"))


def _seconds(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InputError(f"{where}: {value!r} must be a non-negative number of seconds")
    return float(value)


def _timestamp(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: {value!r} must be an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{where}: {value!r} is not an ISO 8601 time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=DEFAULT_ZONE)


def read_jsonl(stream: BinaryIO) -> Iterator[tuple[int, Conversation | InputError]]:
    """Yield (line number, conversation or error) for each non-blank line of a byte stream."""
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        yield number, parse_line(raw)


def parse_line(raw: bytes) -> Conversation | InputError:
    """Parse one JSON line; errors are returned, not raised, so one bad line skips only itself."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputError(f"not UTF-8 (byte {exc.start}: {raw[exc.start:exc.start + 1]!r})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return InputError(f"not valid JSON: {exc.msg} at column {exc.colno}")
    try:
        return parse_conversation(data)
    except InputError as exc:
        return exc
