"""The "ten questions" (十问) of seed 002, captured for a prospect on a work order and kept on the profile."""

from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError

# (key, label) in the order the seed asks them.
INTAKE_FIELDS: list[tuple[str, str]] = [
    ("address_as", _("称呼")),
    ("origin", _("来自哪里")),
    ("organisation", _("单位")),
    ("org_department", _("部门")),
    ("contact", _("联系方式")),
    ("usage", _("用在哪里")),
    ("needed_by", _("何时要货")),
    ("quantity", _("数量")),
    ("budget", _("预算")),
    ("invoice", _("是否需要发票")),
]
INTAKE_KEYS = [key for key, _label in INTAKE_FIELDS]


def clean_intake(data: dict | None) -> dict[str, str]:
    """Keeps the known keys, trimmed, dropping empty answers; unknown keys are an error."""
    data = data or {}
    unknown = set(data) - set(INTAKE_KEYS)
    if unknown:
        raise DomainError(f"未知的十问字段：{', '.join(sorted(unknown))}", field="intake")
    cleaned = {}
    for key in INTAKE_KEYS:
        value = str(data.get(key) or "").strip()
        if len(value) > 200:
            raise DomainError("十问回答不能超过 200 字", field=f"intake.{key}")
        if value:
            cleaned[key] = value
    return cleaned


def merge_intake(profile: dict, answers: dict) -> dict:
    """Newer non-empty answers replace older ones; nothing known is forgotten."""
    merged = dict(profile or {})
    merged.update({k: v for k, v in answers.items() if v})
    return merged
