"""Work on many orders at once from the inbox (select many: assign, change status, merge) and 领取.

Each runs the same service as the single-order page, all inside one transaction: either every selected
order changes or none does, and the error names the order that stopped it.
"""

from collections.abc import Callable

from django.db import transaction

from kefu.accounts.models import User
from kefu.core.errors import DomainError

from . import services
from .models import Status, Ticket

BULK_ACTIONS = ("assign", "status", "merge")
MAX_BULK = 200


def _each(tickets: list[Ticket], run: Callable[[Ticket], object]) -> list[str]:
    done = []
    for ticket in tickets:
        try:
            run(ticket)
        except DomainError as exc:
            raise DomainError(f"{ticket.number}：{exc.message}", field=exc.field, code=exc.code) from exc
        done.append(ticket.number)
    return done


@transaction.atomic
def tickets_bulk(*, by: User, tickets: list[Ticket], action: str, assignee: User | None = None,
                 status: str = "", into: Ticket | None = None) -> list[str]:
    """Applies one action to every selected order; returns the numbers changed."""
    if not tickets:
        raise DomainError("请先选择工单", field="numbers")
    if len(tickets) > MAX_BULK:
        raise DomainError(f"一次最多处理 {MAX_BULK} 张工单", field="numbers")
    if action == "assign":
        if assignee is None:
            raise DomainError("请选择处理人", field="assignee")
        changing = [t for t in tickets if t.assignee_id != assignee.pk]  # already theirs: nothing to do
        return _each(changing, lambda t: services.ticket_assign(ticket=t, by=by, assignee=assignee,
                                                                note="批量指派"))
    if action == "status":
        if status not in Status.values:
            raise DomainError("请选择状态", field="status")
        changing = [t for t in tickets if t.status != status]
        return _each(changing, lambda t: services.ticket_set_status(ticket=t, by=by, status=status))
    if action == "merge":
        # Into the order named, or else the oldest selected (the one the customer first raised).
        target = into or min(tickets, key=lambda t: (t.created_at, t.pk))
        sources = [t for t in tickets if t.pk != target.pk]
        if not sources:
            raise DomainError("合并至少需要选择两张工单", field="numbers")
        return _each(sources, lambda t: services.ticket_merge(source=t, target=target, by=by))
    raise DomainError(f"未知的批量操作：{action}", field="action")


@transaction.atomic
def ticket_claim(*, ticket: Ticket, by: User) -> Ticket:
    """领取: the user takes an unassigned order they can see as its handler."""
    fresh = Ticket.objects.select_for_update().get(pk=ticket.pk)  # no join: PostgreSQL locks no outer side
    if fresh.assignee_id is not None:
        raise DomainError(f"工单 {fresh.number} 已由 {fresh.assignee.name} 处理", field="assignee")
    return services.ticket_assign(ticket=fresh, by=by, assignee=by, note="领取")
