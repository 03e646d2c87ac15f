from django.db import transaction

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import DomainError

from .models import Phrase, Situation


def _clean(data: dict) -> dict:
    text = (data.get("text") or "").strip()
    if not text:
        raise DomainError("用语内容不能为空", field="text")
    if data.get("situation") not in Situation.values:
        raise DomainError("请选择有效的场景", field="situation")
    shortcut = (data.get("shortcut") or "").strip().lstrip("/")
    if shortcut and not shortcut.isalnum():
        raise DomainError("快捷码只能包含字母和数字", field="shortcut")
    position = str(data.get("position") or 0).strip()
    if not position.isdigit() or int(position) > 9999:
        raise DomainError("排序必须是 0 到 9999 的整数", field="position")
    return {"text": text[:300], "situation": data["situation"], "shortcut": shortcut,
            "position": int(position), "is_active": bool(data.get("is_active", True))}


@transaction.atomic
def phrase_save(*, by: User, phrase: Phrase | None = None, **data) -> Phrase:
    policy.require(policy.can_manage_phrases(by), "只有主管可以维护规范用语")
    cleaned = _clean(data)
    if cleaned["shortcut"]:
        clash = Phrase.objects.filter(shortcut=cleaned["shortcut"])
        if phrase is not None:
            clash = clash.exclude(pk=phrase.pk)
        if clash.exists():
            raise DomainError(f"快捷码 /{cleaned['shortcut']} 已被使用", field="shortcut")
    phrase = phrase or Phrase()
    for key, value in cleaned.items():
        setattr(phrase, key, value)
    phrase.save()
    return phrase


@transaction.atomic
def phrase_delete(*, by: User, phrase: Phrase) -> None:
    policy.require(policy.can_manage_phrases(by), "只有主管可以维护规范用语")
    phrase.delete()
