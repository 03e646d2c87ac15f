"""Plain multi-row inserts for the import's hot path. Django's bulk_create compiles every value of every
row through the field machinery; for the findings and history rows of 100,000 conversations that cost
more than inspecting them. Here only the values that need the backend's conversion (dates, JSON) go
through it, and the rows are sent with one executemany per table."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models


def insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    if not rows:
        return
    meta = model._meta
    columns = [_field(meta, name) for name in fields]
    converters = [_converter(field) for field in columns]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    marks = ", ".join(["%s"] * len(columns))
    values = [tuple(value if convert is None else convert(value) for value, convert in zip(row, converters,
                                                                                          strict=True))
              for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)


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
