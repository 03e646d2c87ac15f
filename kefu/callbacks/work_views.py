"""The agent's pages: 我的回访 (the next callback offered without searching) and the callback itself —
the script on screen next to the customer's history, answer buttons that follow the branches, the result."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.core.errors import DomainError
from kefu.security.audit import personal_data_read

from . import scripts
from .models import Result, TaskState
from .selectors import customer_panel, my_queue, task_get
from .services import task_record_attempt
from .windows import is_open, open_at_or_after, window_calendar

RESULT_BUTTONS = [Result.NO_ANSWER, Result.BUSY, Result.WRONG_NUMBER, Result.REFUSED, Result.DO_NOT_CALL]


@login_required
def my_callbacks(request):
    policy.require(policy.can_work_callbacks(request.user))
    queue = my_queue(request.user)
    return render(request, "callbacks/mine.html", {"queue": queue})


@login_required
def next_callback(request):
    """After each result: straight on to the next due callback, or back to the queue when none is due."""
    policy.require(policy.can_work_callbacks(request.user))
    offered = my_queue(request.user)["next"]
    if offered is None:
        return redirect("callbacks:mine")
    return redirect("callbacks:task", task_id=offered.pk)


def _address(task) -> str:
    return task.customer.address_form or task.customer.name


def _script_state(task, path_text: str) -> dict:
    tree = task.campaign.script.tree
    try:
        choices = scripts.path_of(path_text)
        steps, current = scripts.walk(tree, choices)
    except scripts.ScriptError as exc:
        choices, steps, current, error = [], [], tree["start"], exc.message
    else:
        error = ""
    node = tree["nodes"].get(current) if current else None
    satisfied = scripts.satisfied_of(steps)
    base = ".".join(str(c) for c in choices)
    answers = [{"label": a["label"], "path": f"{base}.{i}" if base else str(i), "satisfied": a.get("satisfied"),
                "ends": not a.get("next")} for i, a in enumerate(node["answers"])] if node else []
    back = ".".join(str(c) for c in choices[:-1])
    steps = [{"question": s.question.replace("{称呼}", _address(task)), "label": s.label} for s in steps]
    return {"steps": steps, "node": node, "node_id": current, "answers": answers, "path": base, "back": back,
            "error": error, "ended": current is None, "question": (node or {}).get("text", "").replace(
                "{称呼}", _address(task)), "satisfied": satisfied, "position": len(steps) + 1}


@login_required
def task_page(request, task_id: int):
    task = task_get(request.user, task_id)
    panel = customer_panel(request.user, task)
    if not panel["masked"]:
        personal_data_read(request.user, [task.customer_id], where="callback", request=request)
    calendar = window_calendar(task.campaign)
    now = timezone.now()
    return render(request, "callbacks/task.html", {
        "task": task, "panel": panel, "script": _script_state(task, request.GET.get("path", "")),
        "can_work": policy.can_work_task(request.user, task), "results": RESULT_BUTTONS,
        "window_open": is_open(calendar, now), "opens_at": open_at_or_after(calendar, now),
        "done": task.state == TaskState.DONE,
    })


@login_required
@require_POST
def record_attempt(request, task_id: int):
    task = task_get(request.user, task_id)
    result = request.POST.get("result", "")
    path = request.POST.get("path", "")
    try:
        choices = scripts.path_of(path) if result == Result.REACHED else []
        task, follow_up, next_at = task_record_attempt(task=task, by=request.user, result=result, choices=choices,
                                                       note=request.POST.get("note", ""))
    except (scripts.ScriptError, DomainError) as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('callbacks:task', args=[task.pk])}?{urlencode({'path': path})}")
    _tell(request, task, follow_up, next_at)
    return redirect("callbacks:next")


def _tell(request, task, follow_up, next_at) -> None:
    name = task.customer.name
    if next_at is not None and task.state == TaskState.PENDING:
        when = timezone.localtime(next_at).strftime("%m-%d %H:%M")
        messages.info(request, _("%(name)s：%(result)s，将于 %(when)s 再次拨打") % {
            "name": name, "result": task.get_result_display(), "when": when})
    elif follow_up is not None:
        messages.warning(request, _("%(name)s：客户不满意，已生成跟进工单 %(number)s") % {
            "name": name, "number": follow_up.number})
    else:
        messages.success(request, _("%(name)s：回访已记录（%(result)s）") % {"name": name,
                                                                     "result": task.get_result_display()})
