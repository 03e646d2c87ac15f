"""What QA plugs into the rest of Kefu: the work-order listener, the sidebar entries, the reply-box
assist panel and the demo step."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy

from kefu import policy
from kefu.accounts.models import User
from kefu.jobs import enqueue
from kefu.tickets import events
from kefu.tickets.models import Ticket


def on_ticket_changed(sender: type, ticket: Ticket, **kwargs: object) -> None:
    """A work order changed: once it has an agent reply, keep its conversation in step (background)."""
    if ticket.last_reply_at is not None:
        enqueue("qa.ticket", {"ticket": ticket.pk}, key=f"qa.ticket:{ticket.pk}")


def _score(params: dict) -> str:
    score = params.get("score")
    return "" if score is None else f"{score:g}"


def register_history() -> None:
    """The QA facts a work order's history shows, in the reader's language."""
    events.register("qa.inspected", title=pgettext_lazy("history", "自动质检"), field=gettext_lazy("得分"),
                    new=_score, note=lambda p: p.get("version", ""))
    events.register("qa.reviewed", title=pgettext_lazy("history", "质检复核"), field=gettext_lazy("得分"), new=_score)
    events.register("qa.appealed", title=pgettext_lazy("history", "质检申诉"), note=lambda p: p.get("rule") or "")
    events.register("qa.ruled", title=pgettext_lazy("history", "申诉裁定"), field=gettext_lazy("得分"), new=_score,
                    note=lambda p: p.get("decision", ""))


def assist_panel(ticket: Ticket, user: User) -> dict | None:
    """The reply box's live check, for those who reply on this order."""
    if not policy.can_work_ticket(user, ticket) or ticket.merged_into_id:
        return None
    return {"number": ticket.number, "labels": {"use": str(gettext_lazy("采用")),
                                                "suggest": str(gettext_lazy("建议规范用语"))}}
