"""Reads of complaints, always scoped by the work-order policy (a complaint is visible with its ticket)."""

from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu import policy
from kefu.accounts.models import User
from kefu.search import index as search
from kefu.sla.clock import ClockState
from kefu.sla.models import SlaClock
from kefu.sla.services import state_of

from . import deadlines
from .models import ACTIONS, FINAL_STATES, HANDLER_STATES, MAIN_PATH, Action, Actor, Complaint, ComplaintState

S = ComplaintState
CLOSED_STATES = [S.INVALID, S.ARCHIVED, S.SUMMARISED]
SERVICE_STATES = [S.RECEIVED, S.RECORDED, S.APPROVED, S.REPORTED, S.RECEIPTED]
QUEUES = {
    "mine": gettext_lazy("我负责的"),
    "service": gettext_lazy("待客服处理"),
    "handler": gettext_lazy("责任部门待办"),
    "approval": gettext_lazy("待审批"),
    "summary": gettext_lazy("待总结"),
    "all": gettext_lazy("全部"),
}


def overdue_q(now: datetime) -> Q:
    """A complaint whose reply, approval or implementation clock is counting past its due time (the SLA
    clocks are the only source of on-time state; a paused clock is not late until its due time passes)."""
    late = SlaClock.objects.filter(ticket_id=OuterRef("ticket_id"), kind__in=deadlines.KINDS,
                                   stopped_at__isnull=True, due_at__lt=now)
    return Q(Exists(late))


def visible_complaints(user: User) -> QuerySet[Complaint]:
    return Complaint.objects.filter(policy.complaint_scope(user))


def received_between(qs: QuerySet[Complaint], start: date | None, end: date | None) -> QuerySet[Complaint]:
    """Complaints received on `start` .. `end` (local days, both inclusive; None = open-ended)."""
    if start is not None:
        qs = qs.filter(received_at__gte=_local_midnight(start))
    if end is not None:
        qs = qs.filter(received_at__lt=_local_midnight(end + timedelta(days=1)))
    return qs


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _queue_q(user: User, queue: str) -> Q:
    if queue == "mine":
        return (Q(ticket__first_responder=user) | Q(ticket__assignee=user)) & ~Q(state__in=CLOSED_STATES)
    if queue == "service":
        return Q(state__in=SERVICE_STATES)
    if queue == "handler":
        return Q(state__in=HANDLER_STATES) & policy.handler_queue_scope(user)
    if queue == "approval":
        return Q(state=S.PROPOSED)
    if queue == "summary":
        return Q(state=S.ARCHIVED)
    return Q()


def queue_counts(user: User) -> dict[str, int]:
    """How many complaints wait in each queue, in one query (the tabs show them)."""
    return visible_complaints(user).aggregate(**{key: Count("pk", filter=_queue_q(user, key)) for key in QUEUES})


def default_queue(user: User) -> str:
    return policy.default_complaint_queue(user)


def _search(qs: QuerySet[Complaint], q: str) -> QuerySet[Complaint]:
    """Full text over the order's number and subject and the complaint's record (description, demand,
    the customer's words, cause, solution ...), plus the customer's name; one character is a substring."""
    plan = search.plan_query(q)
    if not plan.terms:
        sub = plan.substring or q
        return qs.filter(Q(ticket__number__icontains=sub) | Q(ticket__subject__icontains=sub)
                         | Q(ticket__customer__name__icontains=sub))
    cond = Q(pk__in=search.rank("complaint", plan, within=qs)) | Q(ticket__number=q.strip().upper())
    customers = search.rank("customer", plan, limit=200, title_only=True)
    if customers:
        cond |= Q(ticket__customer_id__in=customers)
    return qs.filter(cond)


def complaint_list(user: User, *, queue: str = "all", state: str = "", department: str = "", category: str = "",
                   overdue: bool = False, q: str = "", now: datetime) -> QuerySet[Complaint]:
    qs = visible_complaints(user).filter(_queue_q(user, queue)).select_related(
        "ticket", "ticket__customer", "ticket__first_responder", "category", "dispatched_to"
    ).prefetch_related("ticket__sla_clocks")
    if state in S.values:
        qs = qs.filter(state=state)
    if _is_id(department):
        qs = qs.filter(dispatched_to_id=int(department))
    if _is_id(category):
        qs = qs.filter(category_id=int(category))
    if overdue:
        qs = qs.filter(overdue_q(now))
    if q:
        qs = _search(qs, q)
    late = Case(When(overdue_q(now), then=Value(True)), default=Value(False), output_field=BooleanField())
    return qs.annotate(is_late=late).order_by("-received_at")


def _is_id(text: str) -> bool:
    """ASCII digits that fit a database integer ("²".isdigit() is True and int() refuses it; 30 digits overflow)."""
    return text.isascii() and text.isdecimal() and len(text) <= 9


def complaint_get(user: User, number: str) -> Complaint:
    """The complaint of work order `number` if the user may see that work order; 404 otherwise."""
    complaint = (
        visible_complaints(user)
        .select_related("ticket", "ticket__customer", "ticket__first_responder", "ticket__department",
                        "category", "dispatched_to", "responsible_department", "approved_by")
        .filter(ticket__number=number)
        .first()
    )
    if complaint is None:
        raise Http404("投诉不存在或无权查看")
    return complaint


def complaint_steps(complaint: Complaint):
    return complaint.steps.select_related("actor").order_by("created_at", "id")


def available_actions(user: User, complaint: Complaint) -> list[Action]:
    """The actions this user may take now: right state and right role (the page shows only these forms).

    Only for complaints read through visible_complaints(user), so visibility is already settled.
    """
    return [a for a in ACTIONS.values() if complaint.state in a.sources
            and policy.can_act_on_complaint(user, complaint, a.actor, visible=True)]


def main_action(state: str, actions: list[Action]) -> Action | None:
    """Of the actions open in a state, the one that moves the complaint along its path (下发 rather than
    判定不成立 or an interim reply); the page shows it first and folds the others."""
    if not actions:
        return None
    ahead = MAIN_PATH[MAIN_PATH.index(state) + 1] if state in MAIN_PATH[:-1] else None
    return next((a for a in actions if a.target == ahead), actions[0])


def next_step(complaint: Complaint) -> dict | None:
    """Who acts next and in which step, for every reader (a handler with nothing to do is told who has)."""
    action = main_action(complaint.state, [a for a in ACTIONS.values() if complaint.state in a.sources])
    if action is None or complaint.state in FINAL_STATES:
        return None
    if action.actor == Actor.SERVICE:
        who = _("首问负责人 %(name)s") % {"name": complaint.ticket.first_responder.name}
    elif action.actor == Actor.HANDLER:
        dept = complaint.dispatched_to.name if complaint.dispatched_to_id else _("责任部门")
        who = _("%(dept)s的处理人") % {"dept": dept}
    else:
        who = _("客服主管")
    if action.name == "receipt":
        who = _("客户（通过回执链接），或首问负责人 %(name)s 代为登记") % {"name": complaint.ticket.first_responder.name}
    return {"action": action, "title": action.title, "who": who}


def is_overdue(complaint: Complaint, now: datetime) -> bool:
    return Complaint.objects.filter(pk=complaint.pk).filter(overdue_q(now)).exists()


def _span(seconds: float) -> str:
    hours = int(abs(seconds) // 3600)
    days, hours = divmod(hours, 24)
    if days:
        return _("%(days)s天%(hours)s小时") % {"days": days, "hours": hours}
    return _("%(hours)s小时%(mins)s分") % {"hours": hours, "mins": int(abs(seconds) % 3600 // 60)}


DEADLINE_TITLES = {deadlines.REPLY: gettext_lazy("24小时答复客户"), deadlines.APPROVE: gettext_lazy("方案审批"),
                   deadlines.IMPLEMENT: gettext_lazy("方案实施")}


def deadline_rows(complaint: Complaint, now: datetime) -> list[dict]:
    """The complaint's clocks as the card shows them: due time, when met, and the clock's own state
    (the same states and warning instant as the SLA panel and the badges)."""
    # through the ticket's clocks so a list that prefetched them (complaint_list) reads no more rows
    clocks = {c.kind: c for c in complaint.ticket.sla_clocks.all() if c.kind in deadlines.KINDS}
    rows = []
    for kind in deadlines.KINDS:
        clock = clocks.get(kind)
        if clock is None:
            continue
        state = state_of(clock, now)
        if state == ClockState.MET:
            css, text = "ok", _("按时完成")
        elif state == ClockState.BREACHED and clock.stopped_at is not None:
            css, text = "breached", _("超时 %(left)s 完成") % {
                "left": _span((clock.stopped_at - clock.due_at).total_seconds())}
        elif state == ClockState.BREACHED:
            css, text = "breached", _("已超时 %(left)s") % {"left": _span((now - clock.due_at).total_seconds())}
        elif state == ClockState.PAUSED:
            css, text = "paused", _("已暂停")
        else:
            css = "warning" if state == ClockState.WARNING else "ok"
            text = _("剩 %(left)s") % {"left": _span((clock.due_at - now).total_seconds())}
        rows.append({"kind": kind, "label": str(DEADLINE_TITLES[kind]), "due": clock.due_at, "done": clock.stopped_at,
                     "state": str(state), "css": css, "text": text})
    return rows
