"""Survey pages: the customer's answer page (no login) and the agent's "send now" from the order page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.complaints.receipts import company
from kefu.core.errors import DomainError
from kefu.tickets.selectors import ticket_get

from . import links
from .answers import field_name
from .models import Trigger
from .services import survey_answer, survey_open, survey_send

LINK_TEXT = {
    "invalid": "链接无效，请确认链接完整。",
    "used": "此调查已经提交过，感谢您的评价！",
    "expired": "调查链接已过期，感谢您的关注。",
}


def _questions(survey, posted=None) -> list[dict]:
    rows = []
    for question in survey.questionnaire.questions.all():
        name = field_name(question)
        rows.append({"q": question, "name": name, "value": (posted or {}).get(name, ""),
                     "options": _options(question)})
    return rows


def _options(question) -> list[tuple[str, str]]:
    """(value, words) the page offers; stars keep their editable labels, scales show the numbers."""
    labels = list(question.labels or [])
    if question.kind == "stars":
        return [(str(i), labels[i - 1] if i - 1 < len(labels) else "") for i in range(1, 6)]
    if question.kind == "yes_no":
        return [("1", labels[0] if labels else "已解决"), ("0", labels[1] if len(labels) > 1 else "未解决")]
    if question.kind == "effort":
        return [(str(i), "") for i in range(1, 8)]
    if question.kind == "nps":
        return [(str(i), "") for i in range(0, 11)]
    if question.kind == "choice":
        return [(str(i), label) for i, label in enumerate(labels)]
    return []


def answer(request, token: str):
    """GET shows the questions and records nothing (mail scanners follow links); only the form POST answers."""
    page = {"company": company()}
    try:
        survey = survey_open(token)
    except links.LinkError as exc:
        return render(request, "surveys/answer.html", {**page, "error": LINK_TEXT.get(exc.code, exc.message)},
                      status=410)
    error, error_field = "", ""
    if request.method == "POST":
        try:
            survey_answer(token=token, data=request.POST)
        except links.LinkError as exc:
            return render(request, "surveys/answer.html", {**page, "error": LINK_TEXT.get(exc.code, exc.message)},
                          status=410)
        except DomainError as exc:
            error, error_field = exc.message, exc.field or ""
        else:
            return render(request, "surveys/answer.html", {**page, "done": True})
    return render(request, "surveys/answer.html", {
        **page, "survey": survey, "questions": _questions(survey, request.POST if error else None),
        "error": "", "form_error": error, "error_field": error_field,
    }, status=400 if error else 200)


@login_required
@require_POST
def send_now(request, number: str):
    ticket = ticket_get(request.user, number)
    try:
        survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("满意度调查已发送"))
    return redirect("tickets:detail", number=ticket.number)
