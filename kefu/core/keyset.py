"""Keyset (cursor) paging and counts that stop counting: list pages stay fast at any depth.

OFFSET paging reads and throws away every row before the page (page 2000 of 50 reads 100,000 rows) and
an exact COUNT(*) reads every matching row. A cursor names the sort key of the last row seen; the next
page is "the rows after it" in the same order, which an index walks straight to. Counts are exact up
to COUNT_CAP and an estimate from the planner beyond (flagged as such).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.db.models import F, Q, QuerySet

from .errors import DomainError

# Counting 10,000 matching rows through the heap took 75 ms at a million orders; 1,000 take a tenth.
COUNT_CAP = 1_000


@dataclass(frozen=True)
class Key:
    """One column of a keyset order; ``nulls_last`` for a nullable column that sorts its NULLs last."""

    field: str
    descending: bool = False
    nulls_last: bool = False
    # A computed key (e.g. the rank of a choice, so "priority" pages urgent-first rather than by the stored
    # word): annotated onto the rows under ``field``.
    expression: object = None

    def order(self):
        expression = F(self.field)
        if self.nulls_last:
            return expression.desc(nulls_last=True) if self.descending else expression.asc(nulls_last=True)
        return expression.desc() if self.descending else expression.asc()


def with_keys(qs: QuerySet, keys: list[Key]) -> QuerySet:
    """The rows with their computed keys annotated (nothing to do when every key is a column)."""
    computed = {key.field: key.expression for key in keys if key.expression is not None}
    return qs.annotate(**computed) if computed else qs


def ordered(qs: QuerySet, keys: list[Key]) -> QuerySet:
    return with_keys(qs, keys).order_by(*(key.order() for key in keys))


def _after(key: Key, value) -> Q:
    """Rows strictly after ``value`` in this key's order."""
    if value is None:  # NULLs sort last: nothing but NULLs follows a NULL
        return Q(pk__in=[])
    beyond = Q(**{f"{key.field}__lt" if key.descending else f"{key.field}__gt": value})
    return beyond | Q(**{f"{key.field}__isnull": True}) if key.nulls_last else beyond


def _equal(key: Key, value) -> Q:
    return Q(**{f"{key.field}__isnull": True}) if value is None else Q(**{key.field: value})


def after_cursor(qs: QuerySet, keys: list[Key], values: list, *, non_null_first: bool = False) -> QuerySet:
    """Rows after the cursor. ``non_null_first``: only those whose first key is not NULL (the caller
    fetches the NULLs that follow separately), so that the first key bounds an index range."""
    first, value = keys[0], values[0]
    condition = Q(pk__in=[])
    for i, key in enumerate(keys):
        clause = _after(key, values[i]) if not (i == 0 and non_null_first) else Q(
            **{f"{key.field}__lt" if key.descending else f"{key.field}__gt": values[0]})
        for previous, value_ in zip(keys[:i], values[:i], strict=True):
            clause &= _equal(previous, value_)
        condition |= clause
    if value is not None and (non_null_first or not first.nulls_last):
        # Redundant but decisive: a plain range on the first key lets the index start at the cursor.
        condition &= Q(**{f"{first.field}__lte" if first.descending else f"{first.field}__gte": value})
    return qs.filter(condition)


def encode_cursor(row, keys: list[Key]) -> str:
    values = []
    for key in keys:
        value = row
        for part in key.field.split("__"):
            value = getattr(value, part)
        values.append(value.isoformat() if isinstance(value, datetime) else value)
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, keys: list[Key], qs: QuerySet) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("wrong length")
        model = qs.model
        result = []
        for key, value in zip(keys, values, strict=True):
            field = key.expression.output_field if key.expression is not None else model._meta.get_field(key.field)
            result.append(None if value is None else field.to_python(value))
        return result
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise DomainError("cursor 无效：请使用上一页返回的 next_cursor", field="cursor") from exc


def keyset_page(qs: QuerySet, keys: list[Key], cursor: str | None, size: int) -> tuple[list, str | None]:
    """One page after ``cursor`` (the first page when None) and the cursor of the page after it."""
    if cursor:
        values = decode_cursor(cursor, keys, qs)
        if keys[0].nulls_last and values[0] is not None:
            # Rows with a value after the cursor (an index range), then the NULLs, which all come after.
            rows = list(ordered(after_cursor(with_keys(qs, keys), keys, values, non_null_first=True), keys)[: size + 1])
            if len(rows) <= size:
                nulls = qs.filter(**{f"{keys[0].field}__isnull": True})
                rows += list(ordered(nulls, keys)[: size + 1 - len(rows)])
            more = len(rows) > size
            rows = rows[:size]
            return rows, (encode_cursor(rows[-1], keys) if more and rows else None)
        qs = after_cursor(with_keys(qs, keys), keys, values)
    rows = list(ordered(qs, keys)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (encode_cursor(rows[-1], keys) if more and rows else None)


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, exact): exact up to ``cap`` (reads at most cap+1 index entries); beyond, the planner's
    estimate of the same query on PostgreSQL (or ``cap`` elsewhere), flagged not exact."""
    seen = qs.order_by().values("pk")[: cap + 1].count()
    if seen <= cap:
        return seen, True
    return max(_estimate(qs), cap + 1), False


def _estimate(qs: QuerySet) -> int:
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return 0
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])
