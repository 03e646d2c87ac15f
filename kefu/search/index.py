"""The engine other apps call: put documents, ask for ranked ids. One code path for both databases;
only the MATCH clause differs (FTS5 bm25 on SQLite, ts_rank over a GIN-indexed tsvector on PostgreSQL).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Max, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from .models import Document
from .text import Plan, fts5_expression, index_text, plan_query, tsquery_expression

# Ranked searches return at most this many ids: people read the first pages of a ranked list.
RANK_LIMIT = 200
# Ids of the newest documents of a kind ranked first (see rank()).
RECENT_WINDOW = 5_000
# A one-character query cannot use the index (single characters are not indexed); its substring match
# reads only this many newest rows, so it costs the same at a thousand orders as at a million.
SUBSTRING_WINDOW = 20_000

__all__ = ["RANK_LIMIT", "SUBSTRING_WINDOW", "Plan", "document_append", "document_delete", "document_put",
           "newest_rows", "plan_query", "rank", "rank_order"]


def document_put(*, kind: str, object_id: int, title: str = "", body: str = "") -> None:
    """Indexes (or re-indexes) one document from its original text."""
    Document.objects.update_or_create(
        kind=kind, object_id=object_id, defaults={"title": index_text(title), "body": index_text(body)}
    )


def document_append(*, kind: str, object_id: int, body: str) -> None:
    """Adds text to a document's body (a new message) without re-reading what is already indexed."""
    tokens = index_text(body)
    if not tokens:
        return
    updated = Document.objects.filter(kind=kind, object_id=object_id).update(
        body=Concat(F("body"), Value(" " + tokens))
    )
    if not updated:
        Document.objects.get_or_create(kind=kind, object_id=object_id, defaults={"body": tokens})


def document_delete(*, kind: str, object_id: int) -> None:
    Document.objects.filter(kind=kind, object_id=object_id).delete()


def rank(kind: str, plan: Plan | str, *, within: QuerySet | None = None, limit: int | None = None,
         title_only: bool = False) -> list[int]:
    """Ids of the documents of a kind matching every term, best first.

    `within` (a queryset of the indexed model) restricts the match inside the database, so a user who
    sees few objects still gets up to `limit` of *theirs*, not of everyone's.

    Ranking reads every matching row, which at a million orders is slow for a word in one order in
    ten (退款). So the newest RECENT_WINDOW documents are ranked first, and all of them only when the
    newest hold fewer than `limit` matches: a common word ranks among recent orders, a rare one
    everywhere.
    """
    if isinstance(plan, str):
        plan = plan_query(plan)
    if not plan.terms:
        return []
    limit = limit or RANK_LIMIT
    restrict, params = "", []
    if within is not None:
        sub_sql, sub_params = within.order_by().values("pk").query.sql_with_params()
        restrict, params = f" AND d.object_id IN ({sub_sql})", list(sub_params)
    if connection.vendor == "postgresql":
        match, expression = "d.tsv @@ q", tsquery_expression(plan, title_only=title_only)
        source, order = "search_document d, to_tsquery('simple', %s) q", "ts_rank(d.tsv, q) DESC"
    else:
        match, expression = "search_fts MATCH %s", fts5_expression(plan, title_only=title_only)
        source, order = "search_fts JOIN search_document d ON d.id = search_fts.rowid", "bm25(search_fts, 4.0, 1.0)"
    sql = (f"SELECT d.object_id FROM {source} WHERE {match} AND d.kind = %s{restrict}{{window}}"
           f" ORDER BY {order}, d.object_id DESC LIMIT %s")
    with connection.cursor() as cursor:
        newest = _newest(cursor, kind)
        if newest > RECENT_WINDOW and not _rare(plan):
            if connection.vendor == "postgresql":
                cursor.execute(_PG_WINDOW.format(restrict=restrict),
                               [kind, RECENT_WINDOW, expression, *params, limit])
            else:
                cursor.execute(sql.format(window=" AND d.object_id > %s"),
                               [expression, kind, *params, newest - RECENT_WINDOW, limit])
            found = [row[0] for row in cursor.fetchall()]
            if len(found) >= limit:
                return found
        cursor.execute(sql.format(window=""), [expression, kind, *params, limit])
        return [row[0] for row in cursor.fetchall()]


# The newest documents read by their id range, then matched: given `tsv @@ q AND object_id > n`,
# PostgreSQL underestimates a common word's matches and reads every one from the GIN index (74,000
# heap blocks, 1.6 s, for 快递未送达 at a million orders) before dropping all but the newest; the
# materialised window reads the newest 5,000 rows backwards along the (kind, object_id) index (about
# 750 blocks). A range (object_id > n) instead of the LIMIT is estimated as a large share of the
# table for the smaller kinds and read sequentially.
_PG_WINDOW = ("WITH d AS MATERIALIZED (SELECT object_id, tsv FROM search_document WHERE kind = %s"
              " ORDER BY object_id DESC LIMIT %s) SELECT d.object_id FROM d, to_tsquery('simple', %s) q"
              " WHERE d.tsv @@ q{restrict} ORDER BY ts_rank(d.tsv, q) DESC, d.object_id DESC LIMIT %s")


def newest_rows(qs: QuerySet, size: int | None = None) -> tuple[QuerySet, bool]:
    """qs limited to the `size` (SUBSTRING_WINDOW) newest rows of its table (by id, an index range);
    True when that left older rows out, so the page can say so."""
    size = size or SUBSTRING_WINDOW
    top = qs.model._default_manager.aggregate(top=Max("pk"))["top"] or 0
    if top <= size:
        return qs, False
    return qs.filter(pk__gt=top - size), True


def _rare(plan: Plan) -> bool:
    """Codes with digits (an order number, a model number) match a few documents at most: the index
    finds them at once, and the newest-first window would be read for nothing."""
    return all(len(t.word) >= 6 and any(c.isdigit() for c in t.word) and t.word.isascii() for t in plan.terms)


def _newest(cursor, kind: str) -> int:
    # The (kind, object_id) unique index answers this without reading the table.
    cursor.execute("SELECT max(object_id) FROM search_document WHERE kind = %s", [kind])
    return cursor.fetchone()[0] or 0


def rank_order(ranked: list[int], column: str) -> RawSQL:
    """An ORDER BY expression putting rows in the ranked order (others after). Written as SQL text from
    integers: a Case of hundreds of When() objects costs Django longer to compile than the query takes."""
    branches = " ".join(f"WHEN {int(pk)} THEN {position}" for position, pk in enumerate(ranked))
    return RawSQL(f"CASE {column} {branches} ELSE {len(ranked)} END", [])  # noqa: S611 - integers only
