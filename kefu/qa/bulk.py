"""Plain multi-row inserts for the import's hot path. Django's bulk_create compiles every value of every
row through the field machinery; for the findings and history rows of 100,000 conversations that cost
more than inspecting them. Here only the values that need the backend's conversion (dates, JSON) go
through it. On PostgreSQL the rows are streamed with COPY (one statement per table, no per-row parse,
plan or round trip); elsewhere they are sent with one executemany per table."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models


def insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    if not rows:
        return
    meta = model._meta
    columns = [_field(meta, name) for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    if connection.vendor == "postgresql":
        _copy(table, names, columns, rows)
        return
    converters = [_converter(field) for field in columns]
    marks = ", ".join(["%s"] * len(columns))
    values = [tuple(value if convert is None else convert(value) for value, convert in zip(row, converters,
                                                                                          strict=True))
              for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)


def _copy(table: str, names: str, columns: list[models.Field], rows: Sequence[tuple]) -> None:
    """COPY ... FROM STDIN: psycopg adapts datetimes itself; JSON values go as Jsonb (the field's adapter)."""
    json_at = [i for i, field in enumerate(columns) if isinstance(field, models.JSONField)]
    adapt = connection.ops.adapt_json_value
    encoders = {i: columns[i].encoder for i in json_at}
    connection.ensure_connection()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    if row[i] is not None:
                        row[i] = adapt(row[i], encoders[i])
            copy.write_row(row)


def _field(meta, name: str) -> models.Field:
    """A field by name, or a foreign key by its column name (agent_id)."""
    try:
        return meta.get_field(name)
    except FieldDoesNotExist:
        return meta.get_field(name.removesuffix("_id"))


def _converter(field: models.Field):
    if isinstance(field, models.DateTimeField | models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None
