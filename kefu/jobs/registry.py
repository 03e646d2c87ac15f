"""The handlers of durable background work, by name. Pure Python: importing it touches no model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Handler = Callable[[dict], None]


@dataclass(frozen=True)
class JobType:
    name: str
    handler: Handler
    max_attempts: int
    lease_seconds: int
    # True: the handler's database writes commit in one transaction with "done", so they happen exactly
    # once even if the worker dies. False: for long batch work that commits in chunks; it must be idempotent.
    atomic: bool


_TYPES: dict[str, JobType] = {}


def background(name: str, *, max_attempts: int = 5, lease_seconds: int = 300,
               atomic: bool = True) -> Callable[[Handler], Handler]:
    """Registers ``handler(payload)`` as the work behind ``enqueue(name, ...)``; returns it unchanged."""
    if max_attempts < 1 or lease_seconds < 1:
        raise ValueError("max_attempts and lease_seconds must be at least 1")

    def register(handler: Handler) -> Handler:
        known = _TYPES.get(name)
        if known is not None and known.handler.__qualname__ != handler.__qualname__:
            raise ValueError(f"background job {name!r} is already registered by {known.handler.__module__}")
        _TYPES[name] = JobType(name, handler, max_attempts, lease_seconds, atomic)
        return handler

    return register


def job_type(name: str) -> JobType | None:
    return _TYPES.get(name)


def job_names() -> list[str]:
    return sorted(_TYPES)
