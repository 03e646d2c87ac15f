"""The survey set-up page (/survey/manage/): questionnaires, questions with their star words, sending
rules. One page, one POST per form; the services check role and input and word the errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kefu import policy
from kefu.core.errors import DomainError
from kefu.tickets.models import Channel, TicketType

from . import config
from .models import Question, QuestionKind, Questionnaire, SurveyRule


def _flag(post, name: str) -> bool:
    return post.get(name) in {"1", "on", "true"}


def _questionnaire_or_none(raw: str) -> Questionnaire | None:
    return get_object_or_404(Questionnaire, pk=int(raw)) if raw and raw.isdigit() else None


def _run(request) -> str:
    """Applies one form; returns the success message."""
    post, by = request.POST, request.user
    action = post.get("action", "")
    if action == "questionnaire":
        config.questionnaire_save(by=by, questionnaire=_questionnaire_or_none(post.get("id", "")),
                                  name=post.get("name", ""), intro=post.get("intro", ""),
                                  is_default=_flag(post, "is_default"), is_active=_flag(post, "is_active"))
        return _("问卷已保存")
    if action == "question":
        questionnaire = get_object_or_404(Questionnaire, pk=post.get("questionnaire") or 0)
        question = get_object_or_404(Question, pk=post["id"], questionnaire=questionnaire) if post.get("id") else None
        try:
            order = int(post.get("order") or 0)
        except ValueError:
            raise DomainError(_("顺序应为数字"), field="order") from None
        config.question_save(by=by, questionnaire=questionnaire, question=question, code=post.get("code", ""),
                             kind=post.get("kind", ""), text=post.get("text", ""),
                             labels=post.get("labels", "").splitlines(), required=_flag(post, "required"),
                             order=order)
        return _("题目已保存")
    if action == "question_remove":
        config.question_remove(by=by, question=get_object_or_404(Question, pk=post.get("id") or 0))
        return _("题目已删除")
    if action == "rule":
        config.rule_save(by=by, ticket_type=post.get("ticket_type", ""), channel=post.get("channel", ""),
                         send_on_resolve=_flag(post, "send_on_resolve"),
                         questionnaire=_questionnaire_or_none(post.get("questionnaire", "")))
        return _("发送规则已保存")
    if action == "rule_remove":
        config.rule_remove(by=by, rule=get_object_or_404(SurveyRule, pk=post.get("id") or 0))
        return _("发送规则已删除")
    raise DomainError(_("未知操作"), field="action")


@login_required
def survey_manage(request):
    policy.require(policy.can_manage_questionnaires(request.user))
    if request.method == "POST":
        try:
            messages.success(request, _run(request))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("surveys:manage")
    return render(request, "surveys/manage.html", {
        "questionnaires": Questionnaire.objects.prefetch_related("questions"),
        "rules": SurveyRule.objects.select_related("questionnaire").order_by("ticket_type", "channel"),
        "kinds": QuestionKind.choices, "types": TicketType.choices, "channels": Channel.choices,
    })
