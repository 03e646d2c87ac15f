"""The security audit log: one function writes it, whoever the caller (views, services, signals)."""

from contextvars import ContextVar

from django.http import HttpRequest

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
