"""Masking of personal data for roles that need not see it (pages, API and exports alike)."""

import re

_DIGITS = re.compile(r"\d")


def mask_phone(phone: str) -> str:
    """138****5678: keep the first three and last four digits of a mobile number."""
    phone = (phone or "").strip()
    digits = _DIGITS.findall(phone)
    if len(digits) >= 11:
        return phone[:3] + "****" + phone[-4:]
    if len(digits) >= 7:
        return phone[:2] + "*" * (len(phone) - 4) + phone[-2:]
    return "*" * len(phone)


def mask_email(email: str) -> str:
    if "@" not in (email or ""):
        return mask_text(email)
    local, domain = email.split("@", 1)
    return (local[:1] + "***@" + domain) if local else "***@" + domain


def mask_text(value: str) -> str:
    value = value or ""
    if len(value) <= 1:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 1)
