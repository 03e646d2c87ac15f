"""Small helpers for API schemas that every router shares (core imports no domain app)."""

from collections.abc import Iterable
from enum import StrEnum

from ninja import Schema


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every 4xx answer of the API has this body (a router may declare a body that adds fields to it)."""

    detail: str
    errors: list[FieldError]


def choice_enum(name: str, values: Iterable[str], *, blank: bool = True) -> type[StrEnum]:
    """A str enum of the values a query parameter or body field accepts, so the schema lists them and a value
    outside is a 422 naming the field. blank=True also accepts "" (no filter / not given), which every
    filter took before it was typed. Members compare equal to their plain strings."""
    values = list(dict.fromkeys([""] * blank + [str(v) for v in values]))
    return StrEnum(name, [(f"V{i}", value) for i, value in enumerate(values)])
