"""Phone numbers in one form, so that 135 7744 6522, 135-7744-6522 and +86 13577446522 are one number."""

import re

from kefu.core.errors import DomainError

_SEPARATORS = re.compile(r"[\s\-().·\u3000\u2010-\u2015]")
_FULL_WIDTH = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    """Digits only, Chinese country code dropped (+86, 0086, or 86 before a mobile number); numbers of
    other countries keep a leading +. Raises DomainError naming the number when it is not a number."""
    text = _SEPARATORS.sub("", str(raw).translate(_FULL_WIDTH))
    if text.startswith("0086"):
        text = text[4:]
    elif text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and _MAINLAND_MOBILE.match(text[2:]):
        text = text[2:]
    digits = text[1:] if text.startswith("+") else text
    if not digits.isdigit() or not 5 <= len(digits) <= 20:
        raise DomainError(f"电话号码格式不正确：{raw}", field="phones")
    return text


def phone_digits(phone: str) -> str:
    """The number as the phone table and lookups store it (no +)."""
    return re.sub(r"\D", "", phone)


def looks_like_phone(query: str) -> str:
    """The normalised number when a search query is a whole phone number (7+ digits), else ''."""
    try:
        number = normalise_phone(query)
    except DomainError:
        return ""
    digits = phone_digits(number)
    return digits if len(digits) >= 7 else ""
