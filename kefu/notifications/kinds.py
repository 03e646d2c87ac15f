"""What notices are about (kinds), grouped for the preferences page; apps register theirs in ready()."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Kind:
    code: str
    label: object
    group: object
    mandatory: bool  # work waiting for this person: cannot be muted


KINDS: dict[str, Kind] = {}
OTHER = gettext_lazy("其他")


def register_kind(code: str, label: object, *, group: object = OTHER, mandatory: bool = False) -> None:
    KINDS.setdefault(code, Kind(code, label, group, mandatory))


def grouped() -> list[tuple[str, list[Kind]]]:
    """[(group label, kinds)] in registration order, for the preferences page."""
    groups: dict[str, list[Kind]] = {}
    for kind in KINDS.values():
        groups.setdefault(str(kind.group), []).append(kind)
    return list(groups.items())


def mutable(code: str) -> bool:
    kind = KINDS.get(code)
    return kind is not None and not kind.mandatory
