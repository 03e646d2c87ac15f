"""The engine other apps call: put documents, ask for ranked ids. One code path for both databases;
only the MATCH clause differs (FTS5 bm25 on SQLite, ts_rank over a GIN-indexed tsvector on PostgreSQL).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat

from .models import Document
from .text import Plan, fts5_expression, index_text, plan_query, tsquery_expression

# Ranked searches return at most this many ids: people read the first pages of a ranked list.
RANK_LIMIT = 500

__all__ = ["RANK_LIMIT", "Plan", "document_append", "document_delete", "document_put", "plan_query", "rank"]


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


def rank(kind: str, plan: Plan | str, *, within: QuerySet | None = None, limit: int = RANK_LIMIT,
         title_only: bool = False) -> list[int]:
    """Ids of the documents of a kind matching every term, best first.

    `within` (a queryset of the indexed model) restricts the match inside the database, so a user who
    sees few objects still gets up to `limit` of *theirs*, not of everyone's.
    """
    if isinstance(plan, str):
        plan = plan_query(plan)
    if not plan.terms:
        return []
    restrict, params = "", []
    if within is not None:
        sub_sql, sub_params = within.order_by().values("pk").query.sql_with_params()
        restrict, params = f" AND d.object_id IN ({sub_sql})", list(sub_params)
    if connection.vendor == "postgresql":
        sql = (
            "SELECT d.object_id FROM search_document d, to_tsquery('simple', %s) q"
            f" WHERE d.tsv @@ q AND d.kind = %s{restrict}"
            " ORDER BY ts_rank(d.tsv, q) DESC, d.object_id DESC LIMIT %s"
        )
        args = [tsquery_expression(plan, title_only=title_only), kind, *params, limit]
    else:
        sql = (
            "SELECT d.object_id FROM search_fts JOIN search_document d ON d.id = search_fts.rowid"
            f" WHERE search_fts MATCH %s AND d.kind = %s{restrict}"
            " ORDER BY bm25(search_fts, 4.0, 1.0), d.object_id DESC LIMIT %s"
        )
        args = [fts5_expression(plan, title_only=title_only), kind, *params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [row[0] for row in cursor.fetchall()]
