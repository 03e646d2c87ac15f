"""The security audit log: one function writes it, whoever the caller (views, services, signals)."""

from contextvars import ContextVar

from django.core.cache import cache
from django.http import HttpRequest

from kefu import policy

from .models import EventKind, SecurityEvent

# The request being served, so that a signal (a role changed in the admin) knows who and from where.
current_request: ContextVar[HttpRequest | None] = ContextVar("kefu_current_request", default=None)


def client_address(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR: behind nginx the deploy config sets it from the real client (never trust a header)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(kind: EventKind | str, *, actor=None, subject=None, username: str = "",
           request: HttpRequest | None = None, **params) -> SecurityEvent:
    request = request or current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) is not None \
            and request.user.is_authenticated:
        actor = request.user
    if not username and subject is not None:
        username = subject.username
    return SecurityEvent.objects.create(
        kind=kind, actor=actor if getattr(actor, "pk", None) else None,
        subject=subject if getattr(subject, "pk", None) else None,
        username=(username or "")[:150], address=client_address(request), params=params,
    )


class RequestContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


READ_MEMORY_SECONDS = 600  # one row per user and customer per ten minutes, not one per page view


def personal_data_read(user, customer_ids, *, where: str, request: HttpRequest | None = None,
                       chats=()) -> None:
    """Records that user saw these customers' personal data unmasked (PIPL: who read whose data); `chats`
    are web-chat sessions whose visitor, not yet a customer, left a phone number."""
    if not policy.can_view_personal_data(user):
        return  # masked: nothing personal was shown
    fresh = [c for c in dict.fromkeys(int(c) for c in customer_ids if c)
             if cache.add(f"pd-read:{user.pk}:{c}", 1, READ_MEMORY_SECONDS)]
    fresh_chats = [c for c in dict.fromkeys(chats) if cache.add(f"pd-read:{user.pk}:chat:{c}", 1, READ_MEMORY_SECONDS)]
    if fresh or fresh_chats:
        params = {"chats": fresh_chats} if fresh_chats else {}
        record(EventKind.PERSONAL_DATA_READ, actor=user, request=request, where=where, customers=fresh, **params)
