"""Fast bulk rows: COPY on PostgreSQL, executemany on SQLite; explicit ids so children can point at parents."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, models


class TableWriter:
    """Buffers rows of one model and writes them ``batch`` at a time. Unset fields get their defaults."""

    def __init__(self, model: type[models.Model], batch: int = 20_000) -> None:
        self.model, self.batch = model, batch
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.defaults = {f.attname: f.get_default() for f in self.fields}  # "" for text, None if nullable
        self.json = {f.attname for f in self.fields if isinstance(f, models.JSONField)}
        self.rows: list[tuple] = []
        self.written = 0
        self.postgres = connection.vendor == "postgresql"

    def add(self, **values: object) -> None:
        row = []
        for field in self.fields:
            value = values.get(field.attname, self.defaults[field.attname])
            if field.attname in self.json:
                value = json.dumps(value, ensure_ascii=False)
            elif not self.postgres:
                value = field.get_db_prep_save(value, connection)
            row.append(value)
        self.rows.append(tuple(row))
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", self.rows)
        self.written += len(self.rows)
        self.rows = []


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    """After explicit ids, PostgreSQL's sequences must move past them (SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)
