"""The campaign report (整理回访记录): reach rate, satisfaction, problems found, follow-ups and their
outcome, per agent. One pass over the campaign's tasks (a campaign holds at most a few thousand)."""

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.tickets.models import Status

from .models import Campaign, Result, TaskState

# Seed 003's fault classes as the default script names them; other codes show as typed.
FAULT_LABELS = {"equipment": gettext_noop("设备问题"), "line": gettext_noop("线路问题"),
                "operation": gettext_noop("操作问题"), "other": gettext_noop("其他问题")}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _outcome(ticket) -> str:
    complaint = getattr(ticket, "complaint", None)
    if complaint is not None:
        return complaint.get_state_display()
    return ticket.get_status_display()


def _fixed(ticket) -> bool:
    complaint = getattr(ticket, "complaint", None)
    if complaint is not None:
        return complaint.state in {"receipted", "archived", "summarised"}
    return ticket.status in {Status.RESOLVED, Status.CLOSED}


def campaign_report(campaign: Campaign) -> dict:
    tasks = list(campaign.tasks.select_related("customer", "assignee", "ticket", "follow_up",
                                               "follow_up__complaint").order_by("id"))
    called = [t for t in tasks if t.attempts]
    reached = [t for t in tasks if t.result == Result.REACHED]
    rated = [t for t in reached if t.satisfied is not None]
    scores = [a["score"] for t in reached for a in t.answers if "score" in a]
    faults = Counter(a["fault"] for t in reached for a in t.answers if a.get("fault"))
    follow_ups = [t for t in tasks if t.follow_up_id]
    agents: dict[str, dict] = {}
    for task in tasks:
        row = agents.setdefault(task.assignee.username, {"agent": task.assignee.name, "assigned": 0, "done": 0,
                                                         "reached": 0, "satisfied": 0})
        row["assigned"] += 1
        row["done"] += task.state == TaskState.DONE
        row["reached"] += task.result == Result.REACHED
        row["satisfied"] += task.satisfied is True
    return {
        "total": len(tasks), "done": sum(t.state == TaskState.DONE for t in tasks),
        "pending": sum(t.state == TaskState.PENDING for t in tasks), "called": len(called),
        "reached": len(reached), "reach_rate": _rate(len(reached), len(called)),
        "results": Counter(t.result for t in called),
        "satisfied": sum(t.satisfied is True for t in rated), "rated": len(rated),
        "satisfaction": _rate(sum(t.satisfied is True for t in rated), len(rated)),
        "average_score": round(sum(scores) / len(scores), 2) if scores else None,
        "faults": [(_(FAULT_LABELS.get(code, code)), n) for code, n in faults.most_common()],
        "follow_ups": [{"task": t, "number": t.follow_up.number, "outcome": _outcome(t.follow_up),
                        "fixed": _fixed(t.follow_up)} for t in follow_ups],
        "fixed": sum(_fixed(t.follow_up) for t in follow_ups),
        "agents": list(agents.values()),
        "tasks": tasks,
    }
