from django.db import models


class Document(models.Model):
    """One searchable thing (a work order, a customer, a complaint ...) as index tokens.

    `title` and `body` hold space-separated tokens made by `kefu.search.text.index_text`, never the
    original text. The full-text index over them is created per database by migration 0001: an FTS5
    table kept in step by triggers on SQLite, a generated `simple` tsvector column with a GIN index on
    PostgreSQL; the ORM never touches either, so writes are the same on both.
    """

    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
