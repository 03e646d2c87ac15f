"""Durable background work for QA. Until kefu.jobs is on main this is a stand-in with the same
signatures (background/enqueue) on top of a Huey task; the handlers do not change when it lands."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from huey.contrib.djhuey import task

_HANDLERS: dict[str, Callable[[dict], None]] = {}


def background(name: str, *, max_attempts: int = 5, lease_seconds: int = 300, atomic: bool = True):
    def register(handler: Callable[[dict], None]) -> Callable[[dict], None]:
        _HANDLERS[name] = handler
        return handler

    return register


@task(retries=3, retry_delay=5)
def _run(name: str, payload: dict) -> None:
    _HANDLERS[name](payload)


def enqueue(name: str, payload: dict, key: str | None = None) -> None:
    if name not in _HANDLERS:
        raise LookupError(f"no background job named {name!r}")
    transaction.on_commit(lambda: _run(name, payload))
