"""Whom a campaign calls back (明确回访对象): the saved query's candidates, then the exclusions.

Sources: work orders resolved in a period (by type), complaints archived in a period (by category),
customers by tag or VIP level (optionally: served in a period). One target per customer. Exclusions:
merged duplicate records (the kept record is called once), no phone on file, the do-not-call list,
called within the last N days or waiting in another running campaign.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.complaints.models import Complaint, ComplaintCategory, ComplaintState
from kefu.core.errors import DomainError
from kefu.customers.models import Customer, CustomerPhone
from kefu.tickets.models import Status, Ticket, TicketType

from .models import CallbackTask, CampaignState, DoNotCall, SourceKind, TaskState

ARCHIVED = [ComplaintState.ARCHIVED, ComplaintState.SUMMARISED]
DEFAULT_PERIOD_DAYS = 30
CHUNK = 500
REASONS = ("merged", "no_phone", "do_not_call", "called_recently", "in_progress")


@dataclass
class Selection:
    targets: list[tuple[int, int | None]]  # (customer id, source work order id or None)
    excluded: dict[str, int] = field(default_factory=dict)


def _day(value, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(f"日期格式应为 YYYY-MM-DD：{value}", field=f"source.{name}") from None


def clean_source(data: dict) -> dict:
    """The saved query as stored: kind, from/to (ISO dates), types, tags, levels; errors name the field."""
    if not isinstance(data, dict):
        raise DomainError("请填写回访对象", field="source")
    kind = data.get("kind")
    if kind not in {SourceKind.RESOLVED_ORDERS, SourceKind.ARCHIVED_COMPLAINTS, SourceKind.CUSTOMERS}:
        raise DomainError(f"回访对象类型无效：{kind}", field="source.kind")
    start, end = _day(data.get("from"), "from"), _day(data.get("to"), "to")
    if kind != SourceKind.CUSTOMERS:
        end = end or timezone.localdate()
        start = start or end - timedelta(days=DEFAULT_PERIOD_DAYS)
    if start and end and start > end:
        raise DomainError("开始日期不能晚于结束日期", field="source.to")
    types = [str(t) for t in data.get("types") or []]
    allowed = (set(TicketType.values) if kind == SourceKind.RESOLVED_ORDERS else
               set(ComplaintCategory.objects.values_list("code", flat=True)) if kind == SourceKind.ARCHIVED_COMPLAINTS
               else set())
    for value in types:
        if value not in allowed:
            raise DomainError(f"类型无效：{value}", field="source.types")
    tags = [str(t).strip()[:40] for t in data.get("tags") or [] if str(t).strip()]
    try:
        levels = sorted({int(v) for v in data.get("levels") or []})
    except (TypeError, ValueError):
        raise DomainError("客户等级应为数字", field="source.levels") from None
    if kind == SourceKind.CUSTOMERS and not (tags or levels):
        raise DomainError("按客户选择时请填写标签或等级", field="source.tags")
    cleaned = {"kind": kind, "from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
               "types": types, "tags": tags, "levels": levels}
    return {key: value for key, value in cleaned.items() if value not in (None, [])}


def _bounds(source: dict) -> tuple[datetime | None, datetime | None]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(date.fromisoformat(source["from"]), time.min, tzinfo=tz) if "from" in source else None
    end = (datetime.combine(date.fromisoformat(source["to"]) + timedelta(days=1), time.min, tzinfo=tz)
           if "to" in source else None)
    return start, end


def _limit() -> int:
    return settings.KEFU_CALLBACK_MAX_TARGETS


def candidates(source: dict, *, by: User, department_id: int) -> list[tuple[int, int | None]]:
    """(customer, source order) pairs, newest first, before exclusions; at most the limit's worth."""
    start, end = _bounds(source)
    kind = source["kind"]
    if kind == SourceKind.RESOLVED_ORDERS:
        qs = (Ticket.objects.filter(department_id=department_id, status__in=[Status.RESOLVED, Status.CLOSED],
                                    resolved_at__gte=start, resolved_at__lt=end, merged_into__isnull=True)
              .exclude(type=TicketType.CALLBACK))
        if source.get("types"):
            qs = qs.filter(type__in=source["types"])
        rows = qs.order_by("-resolved_at", "-id").values_list("customer_id", "pk")
    elif kind == SourceKind.ARCHIVED_COMPLAINTS:
        qs = Complaint.objects.filter(state__in=ARCHIVED, archived_at__gte=start, archived_at__lt=end,
                                      ticket__department_id=department_id)
        if source.get("types"):
            qs = qs.filter(category__code__in=source["types"])
        rows = qs.order_by("-archived_at", "-id").values_list("ticket__customer_id", "ticket_id")
    else:
        rows = _customers(source, by, start, end)
    return list(rows[: _limit() * 4])


def _customers(source: dict, by: User, start, end):
    qs = policy.visible_customers(by).filter(merged_into__isnull=True)
    if start or end:
        served = Ticket.objects.all()
        served = served.filter(created_at__gte=start) if start else served
        served = served.filter(created_at__lt=end) if end else served
        qs = qs.filter(pk__in=served.values("customer_id"))
    condition = Q(vip_level__in=source["levels"]) if source.get("levels") else Q(pk__in=[])
    tags = source.get("tags") or []
    if tags:  # tags are a JSON list: match the quoted word, as SQLite (escaped) or PostgreSQL stores it
        tagged = Q()
        for tag in tags:
            tagged |= Q(tags__icontains=json.dumps(tag)) | Q(tags__icontains=json.dumps(tag, ensure_ascii=False))
        condition |= tagged
    rows = qs.filter(condition).order_by("-updated_at", "-id").values_list("pk", "tags", "vip_level")
    levels = set(source.get("levels") or [])
    # The text match above can also hit a longer tag ("老客户" in "非老客户"); keep exact matches only.
    return [(pk, None) for pk, found, level in rows if level in levels or set(tags) & set(found or [])]


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _kept(ids: list[int]) -> dict[int, int]:
    """Merged record -> the record it was merged into (followed to the end of the chain)."""
    pointer: dict[int, int] = {}
    for chunk in _chunks(ids):
        pointer.update(Customer.objects.filter(pk__in=chunk, merged_into__isnull=False)
                       .values_list("pk", "merged_into_id"))
    for start in list(pointer):
        seen, current = {start}, pointer[start]
        while True:
            nxt = Customer.objects.filter(pk=current, merged_into__isnull=False).values_list("merged_into_id", flat=True)
            nxt = nxt.first()
            if nxt is None or nxt in seen:
                break
            seen.add(current)
            current = nxt
        pointer[start] = current
    return pointer


def _where(ids: list[int], qs, column: str = "pk") -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(qs.filter(**{f"{column}__in": chunk}).values_list(column, flat=True))
    return found


def do_not_call_ids(ids: list[int]) -> set[int]:
    listed = _where(ids, DoNotCall.objects.filter(customer__isnull=False), "customer_id")
    numbers = list(DoNotCall.objects.exclude(phone="").values_list("phone", flat=True))
    if numbers:
        listed |= _where(ids, CustomerPhone.objects.filter(number__in=numbers), "customer_id")
    return listed


def select(source: dict, *, by: User, department_id: int, exclude_days: int, now: datetime) -> Selection:
    excluded = dict.fromkeys(REASONS, 0)
    pairs = candidates(source, by=by, department_id=department_id)
    kept = _kept(list({c for c, _t in pairs}))
    unique: dict[int, int | None] = {}
    for customer_id, ticket_id in pairs:
        final = kept.get(customer_id, customer_id)
        if final in unique:
            excluded["merged"] += final != customer_id
            continue
        unique[final] = ticket_id
    ids = list(unique)
    no_phone = _without_phone(ids)
    dnc = do_not_call_ids(ids)
    recent = _where(ids, CallbackTask.objects.filter(last_attempt_at__gte=now - timedelta(days=exclude_days)),
                    "customer_id") if exclude_days else set()
    waiting = _where(ids, CallbackTask.objects.filter(state=TaskState.PENDING,
                                                      campaign__state=CampaignState.ACTIVE), "customer_id")
    targets = []
    for customer_id, ticket_id in unique.items():
        reason = ("no_phone" if customer_id in no_phone else "do_not_call" if customer_id in dnc else
                  "called_recently" if customer_id in recent else "in_progress" if customer_id in waiting else None)
        if reason:
            excluded[reason] += 1
        else:
            targets.append((customer_id, ticket_id))
    if len(targets) > _limit():
        raise DomainError(f"符合条件的回访对象有 {len(targets)} 位，超过单个计划上限 {_limit()}，请缩小日期或类型范围",
                          field="source")
    return Selection(targets, {k: v for k, v in excluded.items() if v})


def _without_phone(ids: list[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(pk for pk, phones in Customer.objects.filter(pk__in=chunk).values_list("pk", "phones")
                     if not phones)
    return found
