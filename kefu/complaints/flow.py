"""How one step of the complaint flow runs, for every service in kefu/complaints/services.py: lock the row,
refuse a wrong role (kefu.policy) or state (models.ACTIONS), write the step and its fact, tell the first
responder; and the input guards the steps share."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import DomainError
from kefu.notifications import notify
from kefu.tickets import events
from kefu.tickets import services as ticket_services
from kefu.tickets.models import Ticket
from kefu.tickets.signals import ticket_changed

from . import notices
from .history import step_code
from .models import ACTIONS, RECEIVE_LABEL, Complaint, ComplaintState
from .spans import append_step

# ---- small guards ----------------------------------------------------------------------------
STORED_LANGUAGE = "zh-hans"  # stored text is Chinese: the product and its records are Chinese-first


def clean_choice(value: str | None, choices, field: str, label: str, *, required: bool = True) -> str:
    value = value or ""
    if not value and not required:
        return ""
    if value not in choices.values:
        raise DomainError(f"请选择有效的{label}" + (f"（收到：{value}）" if value else ""), field=field)
    return value


def clean_when(value: datetime | None, field: str, label: str, now: datetime) -> datetime:
    if value is None:
        return now
    if timezone.is_naive(value):
        raise DomainError(f"{label}须带时区", field=field)
    if value > now + timedelta(minutes=5):
        raise DomainError(f"{label}不能晚于当前时间", field=field)
    return value


def complaint_url(complaint: Complaint) -> str:
    return f"/complaints/{complaint.ticket.number}/"


# ---- the transition machinery ----------------------------------------------------------------


def lock_order(ticket_id: int | None) -> None:
    """Locks the complaint's work order before the complaint: moving an order locks it and then updates its
    complaint's copies (visibility.py), so a step that locked the complaint first and then its order
    (dispatch, reject, close) deadlocked with it (tests/test_complaint_copy_locks.py)."""
    list(Ticket.objects.select_for_update().filter(pk=ticket_id).values_list("pk", flat=True))


def locked(complaint: Complaint) -> Complaint:
    lock_order(complaint.ticket_id)
    return (Complaint.objects.select_for_update(of=("self",))
            .select_related("ticket", "ticket__first_responder", "dispatched_to").get(pk=complaint.pk))


def stored_text(label: object) -> str:
    """A choice label as stored text (notifications, messages, step notes, audit rows): always Chinese,
    whatever language the person who triggered the write reads the pages in."""
    with translation.override(STORED_LANGUAGE):
        return str(label)


def state_text(complaint: Complaint) -> str:
    return stored_text(ComplaintState(complaint.state).label)


def state_refusal(complaint: Complaint, action_label: str) -> str:
    if complaint.is_archived:
        return f"投诉已归档，只能填写总结评价，不能执行「{action_label}」"
    return f"投诉当前为「{state_text(complaint)}」，不能执行「{action_label}」"


def begin(complaint: Complaint, by: User | None, name: str) -> Complaint:
    """Locks the row, then refuses a wrong role or a wrong state before anything is written."""
    action = ACTIONS[name]
    fresh = locked(complaint)
    if by is not None:
        policy.require(policy.can_act_on_complaint(by, fresh, action.actor),
                       policy.COMPLAINT_ACTOR_REFUSALS[action.actor])
    if fresh.state not in action.sources:
        raise DomainError(state_refusal(fresh, action.label), field="state", code="wrong_state")
    return fresh


def finish(complaint: Complaint, by: User | None, name: str, to_state: str, note: str = "",
           now: datetime | None = None, facts: dict | None = None) -> Complaint:
    """facts: the step's params in the history (default: the note as the person's text)."""
    now = now or timezone.now()
    from_state = complaint.state
    facts = facts if facts is not None else {"text": note[:2000]}
    if repeats(complaint, name, to_state, facts):
        complaint.refresh_from_db()
        return complaint
    complaint.state = to_state
    complaint.save()
    label = ACTIONS[name].label if name in ACTIONS else RECEIVE_LABEL
    append_step(complaint_id=complaint.pk, action=name, from_state=from_state if name != "receive" else "",
                to_state=to_state, actor=by, round=complaint.round, note=note[:2000], created_at=now)
    states = {"from": from_state if name != "receive" else None, "to": to_state}
    events.record(complaint.ticket, step_code(name), by=by, at=now, **states, **facts)
    tell_first_responder(complaint, by, f"投诉 {complaint.ticket.number}：{label}（{state_text(complaint)}）")
    ticket = complaint.ticket
    transaction.on_commit(lambda: ticket_changed.send(sender=Ticket, ticket=ticket))
    return complaint


def repeats(complaint: Complaint, name: str, to_state: str, facts: dict) -> bool:
    """The same step taken again with the same content in the same state (a double submission, 总结评价
    saved unchanged) writes no history row, step or notice: nothing happened."""
    if complaint.state != to_state:
        return False
    last = events.of_tickets([complaint.ticket_id], codes=[step_code(name)]).order_by("-id").first()
    if last is None or last.params.get("to") != to_state:
        return False
    previous = {key: value for key, value in last.params.items() if key not in ("from", "to")}
    return previous == events.normalise(**facts)


def tell_first_responder(complaint: Complaint, by: User | None, text: str) -> None:
    """首问负责: the owner hears when the ball comes back to customer service (their next move: tell the
    customer the approved solution, collect the receipt, archive) or the complaint ends, not of every
    internal step of the responsible department; never of their own steps."""
    if complaint.state not in notices.SERVICE_NEXT or (by is not None and complaint.ticket.first_responder_id == by.pk):
        return
    notify(users=[complaint.ticket.first_responder], text=text, url=complaint_url(complaint), kind=notices.PROGRESS)


def handlers(complaint: Complaint):
    return policy.active_handlers(complaint.dispatched_to_id)


def supervisors(complaint: Complaint):
    return policy.active_supervisors(complaint.ticket.department_id)


def set_ticket_status(ticket: Ticket, by: User, status: str, reason: str) -> None:
    if ticket.status != status:
        ticket_services.ticket_set_status(ticket=ticket, by=by, status=status, reason=reason)
