"""Reading a customer's form into answers: each question's kind decides what it accepts."""

from kefu.core.errors import DomainError

from .models import SCORE_RANGE, Question, QuestionKind

MAX_TEXT = 2000


def field_name(question: Question) -> str:
    return f"q_{question.pk}"


def _score(question: Question, raw: str) -> int:
    low, high = SCORE_RANGE[question.kind]
    try:
        value = int(raw)
    except ValueError:
        raise DomainError(f"「{question.text}」的取值无效", field=field_name(question)) from None
    if not low <= value <= high:
        raise DomainError(f"「{question.text}」应在 {low} 到 {high} 之间", field=field_name(question))
    return value


def clean_one(question: Question, raw: str) -> tuple[int | None, str]:
    raw = (raw or "").strip()
    if not raw:
        if question.required and question.kind != QuestionKind.TEXT:
            raise DomainError(f"请回答「{question.text}」", field=field_name(question))
        return None, ""
    if question.kind == QuestionKind.TEXT:
        return None, raw[:MAX_TEXT]
    if question.kind == QuestionKind.CHOICE:
        options = question.labels or []
        if raw not in {str(i) for i in range(len(options))}:
            raise DomainError(f"「{question.text}」的选项无效", field=field_name(question))
        return int(raw), str(options[int(raw)])
    return _score(question, raw), ""


def clean_answers(questions: list[Question], data) -> list[tuple[Question, int | None, str]]:
    """All answers or the first error (the page shows it next to that question)."""
    return [(q, *clean_one(q, data.get(field_name(q), ""))) for q in questions]
