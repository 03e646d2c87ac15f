"""Writes of the survey set-up (supervisors and admins): questionnaires, their questions, sending rules.

Answers copy each question's code, kind and words, so editing a questionnaire never changes what a
customer already answered."""

import re

from django.db import transaction

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import DomainError
from kefu.tickets.models import Channel, TicketType

from .models import Question, QuestionKind, Questionnaire, SurveyRule

CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LABELS_NEEDED = {QuestionKind.STARS: (0, 5), QuestionKind.YES_NO: (0, 2)}  # none (defaults) or exactly this many


def _require(by: User) -> None:
    policy.require(policy.can_manage_questionnaires(by), "只有主管或管理员可以修改调查问卷")


def _clean_labels(kind: str, labels) -> list[str]:
    labels = [label.strip()[:40] for label in labels if label.strip()]
    if kind in LABELS_NEEDED and len(labels) not in LABELS_NEEDED[kind]:
        raise DomainError(f"此题型需要 {LABELS_NEEDED[kind][1]} 个选项文字（或留空用默认）", field="labels")
    if kind == QuestionKind.CHOICE and not 2 <= len(labels) <= 10:
        raise DomainError("单选题需要 2 到 10 个选项", field="labels")
    if kind in {QuestionKind.TEXT, QuestionKind.EFFORT, QuestionKind.NPS}:
        return []
    return labels


@transaction.atomic
def questionnaire_save(*, by: User, questionnaire: Questionnaire | None = None, name: str, intro: str = "",
                       is_default: bool = False, is_active: bool = True) -> Questionnaire:
    _require(by)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写问卷名称", field="name")
    if Questionnaire.objects.filter(name=name).exclude(pk=getattr(questionnaire, "pk", None)).exists():
        raise DomainError(f"已有名为「{name}」的问卷", field="name")
    questionnaire = questionnaire or Questionnaire()
    questionnaire.name, questionnaire.intro = name[:60], (intro or "").strip()[:1000]
    questionnaire.is_default, questionnaire.is_active = is_default, is_active or is_default
    questionnaire.save()
    if is_default:  # one default questionnaire
        Questionnaire.objects.exclude(pk=questionnaire.pk).update(is_default=False)
    return questionnaire


@transaction.atomic
def question_save(*, by: User, questionnaire: Questionnaire, question: Question | None = None, code: str,
                  kind: str, text: str, labels: list[str] = (), required: bool = True, order: int = 0) -> Question:
    _require(by)
    if kind not in QuestionKind.values:
        raise DomainError(f"题型无效：{kind}", field="kind")
    code = (code or "").strip()
    if not CODE.match(code):
        raise DomainError("指标代码只能用小写字母、数字和下划线，以字母开头", field="code")
    if questionnaire.questions.filter(code=code).exclude(pk=getattr(question, "pk", None)).exists():
        raise DomainError(f"本问卷已有指标代码 {code}", field="code")
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写题目", field="text")
    question = question or Question(questionnaire=questionnaire)
    question.code, question.kind, question.text = code, kind, text[:200]
    question.labels, question.required, question.order = _clean_labels(kind, labels), required, order
    question.save()
    return question


@transaction.atomic
def question_remove(*, by: User, question: Question) -> None:
    _require(by)
    if question.questionnaire.questions.count() <= 1:
        raise DomainError("问卷至少保留一道题", field="question")
    question.delete()


@transaction.atomic
def rule_save(*, by: User, ticket_type: str, channel: str, send_on_resolve: bool,
              questionnaire: Questionnaire | None) -> SurveyRule:
    _require(by)
    if ticket_type and ticket_type not in TicketType.values:
        raise DomainError(f"工单类型无效：{ticket_type}", field="ticket_type")
    if channel and channel not in Channel.values:
        raise DomainError(f"渠道无效：{channel}", field="channel")
    rule, _created = SurveyRule.objects.update_or_create(
        ticket_type=ticket_type, channel=channel,
        defaults={"send_on_resolve": send_on_resolve, "questionnaire": questionnaire})
    return rule


@transaction.atomic
def rule_remove(*, by: User, rule: SurveyRule) -> None:
    _require(by)
    rule.delete()
