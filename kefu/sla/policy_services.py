"""Writes on SLA policies (administrators only); open work orders are recomputed after each change."""

from __future__ import annotations

from django.db import transaction

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import DomainError
from kefu.tickets.models import Priority, TicketType

from .clock import UNIT_LABELS, Target
from .derive import KIND_LABELS, PolicyBook
from .models import SlaPolicy
from .tasks import recompute_calendar_deadlines


@transaction.atomic
def policy_save(*, by: User, policy_row: SlaPolicy, **targets: object) -> SlaPolicy:
    """Sets the targets of one policy (amount None = no such clock) and recomputes open orders after."""
    policy.require(policy.can_edit_calendars(by), "只有管理员可以修改 SLA 策略")
    for kind in ("first_response", "next_response", "resolution"):
        amount, unit = targets.get(kind), targets.get(f"{kind}_unit", getattr(policy_row, f"{kind}_unit"))
        if amount is not None:
            try:
                Target(float(amount), str(unit))
            except (TypeError, ValueError) as exc:
                # Name the unit as the form shows it (工作小时), never its internal key (business_hours).
                shown = UNIT_LABELS.get(str(unit), str(unit))
                raise DomainError(f"{KIND_LABELS[kind]}：目标须为不小于 0 的数（工作日须为整数），单位须为"
                                  f"工作小时、自然小时或工作日；收到 {amount} {shown}", field=kind) from exc
            amount = float(amount)
        setattr(policy_row, kind, amount)
        setattr(policy_row, f"{kind}_unit", unit)
    share = targets.get("warning_share", policy_row.warning_share)
    try:
        share = float(share)
    except (TypeError, ValueError):
        share = -1.0
    if not 0 < share < 1:
        raise DomainError("预警比例应在 0 到 1 之间，例如 0.8", field="warning_share")
    policy_row.warning_share = share
    policy_row.save()
    recompute_calendar_deadlines(None)
    return policy_row


@transaction.atomic
def policy_create(*, by: User, ticket_type: str, priority: str) -> SlaPolicy:
    """A policy for one more type/priority pair, starting from the targets that applied to it until now."""
    policy.require(policy.can_edit_calendars(by), "只有管理员可以修改 SLA 策略")
    if ticket_type and ticket_type not in TicketType.values:
        raise DomainError(f"工单类型无效：{ticket_type}", field="ticket_type")
    if priority and priority not in Priority.values:
        raise DomainError(f"优先级无效：{priority}", field="priority")
    if SlaPolicy.objects.filter(ticket_type=ticket_type, priority=priority).exists():
        raise DomainError("该类型与优先级已有策略，请直接修改", field="priority")
    inherited = PolicyBook.load().find(ticket_type, priority)
    row = SlaPolicy(ticket_type=ticket_type, priority=priority)
    if inherited is not None:
        for name in ("first_response", "first_response_unit", "next_response", "next_response_unit",
                     "resolution", "resolution_unit", "warning_share"):
            setattr(row, name, getattr(inherited, name))
    row.save()
    return row
