"""Limits every writer of lists and dates shares, so bad input is refused the same way everywhere."""

from datetime import date, datetime

from django.conf import settings

from kefu.core.errors import DomainError

# Dates outside this range are typos or probes: the calendar tables cover a few years around today.
MIN_YEAR = 1970
MAX_YEAR = 2200
MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL (bigint) can hold


def clean_tags(tags, *, field: str = "tags") -> list[str]:
    """Trimmed, de-duplicated, sorted tags; at most KEFU_MAX_TAGS of at most KEFU_MAX_TAG_LENGTH chars."""
    if tags is None:
        return []
    if isinstance(tags, str):
        raise DomainError("标签必须是列表", field=field)
    cleaned = sorted({str(t).strip() for t in tags if str(t).strip()})
    if len(cleaned) > settings.KEFU_MAX_TAGS:
        raise DomainError(f"标签最多 {settings.KEFU_MAX_TAGS} 个", field=field)
    for tag in cleaned:
        if len(tag) > settings.KEFU_MAX_TAG_LENGTH:
            raise DomainError(f"标签「{tag[:10]}…」超过 {settings.KEFU_MAX_TAG_LENGTH} 字", field=field)
    return cleaned


def check_text(value: str, *, field: str, limit: int, label: str = "") -> str:
    if len(value or "") > limit:
        raise DomainError(f"{label or field}不能超过 {limit} 字", field=field)
    return value


def check_year(value: date | datetime, *, field: str) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DomainError(f"{field} 的年份应在 {MIN_YEAR} 到 {MAX_YEAR} 之间", field=field)
