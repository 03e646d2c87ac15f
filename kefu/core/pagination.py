from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from kefu.core.errors import DomainError

from .keyset import COUNT_CAP, Key, capped_count, encode_cursor, keyset_page, ordered

MAX_PAGE_SIZE = 200
MAX_OFFSET = 2**62  # SQLite and PostgreSQL offsets are signed 64-bit


def paginate(qs: QuerySet, page: int, page_size: int) -> tuple[list, dict]:
    if page < 1:
        raise DomainError("page 必须大于等于 1", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise DomainError(f"page_size 必须在 1 到 {MAX_PAGE_SIZE} 之间", field="page_size")
    count = qs.count()
    start = (page - 1) * page_size
    meta = {"count": count, "page": page, "page_size": page_size}
    if start >= count:  # past the end: empty, without an OFFSET the database cannot hold (page=10**19)
        return [], meta
    return list(qs[start : start + page_size]), meta


def paginate_keyset(qs: QuerySet, keys: list[Key], page: int, page_size: int, cursor: str = "") -> tuple[list, dict]:
    """Like paginate, plus ``next_cursor`` (keyset: fast at any depth) and a count that stops counting.

    With ``cursor`` the page is the rows after it (``page`` is then null); without, ``page`` works as
    before (OFFSET, fine for the first pages). ``count_exact`` is false when ``count`` is an estimate."""
    if page < 1:
        raise DomainError("page 必须大于等于 1", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise DomainError(f"page_size 必须在 1 到 {MAX_PAGE_SIZE} 之间", field="page_size")
    count, exact = capped_count(qs)
    if cursor:
        rows, next_cursor = keyset_page(qs, keys, cursor, page_size)
        return rows, {"count": count, "count_exact": exact, "page": None, "page_size": page_size,
                      "next_cursor": next_cursor}
    start = (page - 1) * page_size
    if start > MAX_OFFSET:  # an OFFSET no database can hold (page=10**19): past any end
        return [], {"count": count, "count_exact": exact, "page": page, "page_size": page_size, "next_cursor": None}
    rows = list(ordered(qs, keys)[start : start + page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    return rows, {"count": count, "count_exact": exact, "page": page, "page_size": page_size,
                  "next_cursor": encode_cursor(rows[-1], keys) if more and rows else None}


class CappedPaginator(Paginator):
    """Django's Paginator whose count stops counting at COUNT_CAP (then the planner's estimate): the inbox
    of a department with a million orders must not COUNT(*) them all on every page view."""

    def __init__(self, *args, cap: int = COUNT_CAP, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list, self.cap)[0]
