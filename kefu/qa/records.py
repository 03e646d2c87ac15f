"""One external conversation record (API body, JSON line, or the turns of a CSV/XLSX group) validated
into clean fields, with an error that names the field. Shared by the API and the import so both
accept and refuse exactly the same input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kefu.accounts.models import User
from kefu.core.errors import DomainError
from kefu.customers.models import Customer
from kefu.qa_engine import InputError, parse_conversation
from kefu.tickets.models import Ticket

from .models import AgentAlias, Channel

MAX_TURNS = 2000


@dataclass
class Record:
    external_id: str
    channel: str
    agent_id: int
    turns: list[dict]
    started_at: datetime
    customer_id: int | None = None
    ticket_id: int | None = None
    meta: dict = field(default_factory=dict)


class AgentDirectory:
    """Resolves 'agent' by username, then by 工号 (AgentAlias); remembers answers for one import."""

    def __init__(self) -> None:
        self._known: dict[str, int | None] = {}

    def resolve(self, name: str) -> int | None:
        if name not in self._known:
            pk = User.objects.filter(username=name, is_active=True).values_list("pk", flat=True).first()
            if pk is None:
                pk = AgentAlias.objects.filter(code=name, user__is_active=True).values_list("user_id", flat=True).first()
            self._known[name] = pk
        return self._known[name]


def clean_record(data: Any, agents: AgentDirectory, *, now: datetime | None = None) -> Record:
    if not isinstance(data, dict):
        raise DomainError("每条会话必须是 JSON 对象", field="body")
    external_id = data.get("external_id", data.get("id"))
    if isinstance(external_id, bool) or not isinstance(external_id, str | int) or str(external_id).strip() == "":
        raise DomainError("external_id 必填（文本或数字）", field="external_id")
    external_id = str(external_id).strip()
    if len(external_id) > 100:
        raise DomainError("external_id 不能超过 100 个字符", field="external_id")
    agent_name = data.get("agent")
    if not isinstance(agent_name, str | int) or isinstance(agent_name, bool) or not str(agent_name).strip():
        raise DomainError("agent 必填（用户名或工号）", field="agent")
    agent_id = agents.resolve(str(agent_name).strip())
    if agent_id is None:
        raise DomainError(f"未知的客服：{agent_name}", field="agent")
    turns = data.get("turns")
    if isinstance(turns, list) and len(turns) > MAX_TURNS:
        raise DomainError(f"一条会话最多 {MAX_TURNS} 轮", field="turns")
    try:
        parsed = parse_conversation({"id": external_id, "channel": data.get("channel"), "turns": turns,
                                     "meta": data.get("meta")})
    except InputError as exc:
        raise DomainError(str(exc), field=_field_of(str(exc))) from exc
    if not parsed.turns:
        raise DomainError("turns 不能为空", field="turns")
    return Record(
        external_id=external_id, channel=parsed.channel, agent_id=agent_id,
        turns=[_turn(t) for t in turns], started_at=_started(data.get("started_at"), parsed, now),
        customer_id=_customer(data.get("customer_id")), ticket_id=_ticket(data.get("ticket")),
        meta=dict(parsed.meta),
    )


def _field_of(message: str) -> str:
    head = message.split(":", 1)[0].split(" ", 1)[0]
    return head.strip("'").replace("field", "").strip("' ") or "turns"


def _turn(raw: dict) -> dict:
    """Only the engine's fields are stored; extra keys in an import are not kept."""
    turn = {"role": raw["role"], "text": raw["text"]}
    for key in ("start", "end", "ts"):
        if raw.get(key) is not None:
            turn[key] = raw[key]
    return turn


def _started(value: Any, parsed: Any, now: datetime | None) -> datetime:
    if value in (None, ""):
        stamped = [t.ts for t in parsed.turns if t.ts is not None]
        return min(stamped) if stamped else (now or timezone.now())
    moment = parse_datetime(str(value)) if isinstance(value, str) else None
    if moment is None:
        raise DomainError(f"started_at 不是 ISO 8601 时间：{value!r}", field="started_at")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _customer(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise DomainError(f"customer_id 必须是数字：{value!r}", field="customer_id") from None
    if not Customer.objects.filter(pk=pk).exists():
        raise DomainError(f"客户不存在：{pk}", field="customer_id")
    return pk


def _ticket(value: Any) -> int | None:
    if value in (None, ""):
        return None
    pk = Ticket.objects.filter(number=str(value)).values_list("pk", flat=True).first()
    if pk is None:
        raise DomainError(f"工单不存在：{value}", field="ticket")
    return pk


CHANNELS = [c.value for c in Channel]
