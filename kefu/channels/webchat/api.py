"""Web chat API (issue 13, exact shapes): POST /api/v1/chat/sessions -> {"session", "token"} (public,
rate-limited); POST /api/v1/chat/sessions/{session}/messages with {"text"} and the session token
(header X-Chat-Token, or Authorization: Bearer <token>). The stream is a plain Django view (stream.py)."""

from uuid import UUID

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kefu.accounts.models import Department
from kefu.core.errors import RateLimited
from kefu.core.schema import ErrorOut
from kefu.security import throttle

from .availability import availability, chat_settings
from .models import ChatLine, ChatSession
from .services import chat_close, chat_start, chat_typing, chat_visitor_says

router = Router(tags=["chat"])


class StatusOut(Schema):
    open: bool
    reason: str  # "" when open; "disabled", "hours" (outside business hours) or "nobody" (nobody online)
    greeting: str
    offline_text: str
    pre_chat_form: bool


class SessionIn(Schema):
    department: str = ""  # the department's code; empty: the first department with chat enabled
    name: str = ""
    phone: str = ""


class SessionOut(Schema):
    session: UUID
    token: str


class TextIn(Schema):
    text: str


class LineOut(Schema):
    id: int
    sender: str  # visitor, agent or system
    text: str
    author: str
    at: str


def _department(code: str) -> Department:
    qs = Department.objects.filter(chat_settings__is_enabled=True, is_active=True)
    found = qs.filter(code=code).first() if code else qs.order_by("pk").first()
    if found is None:
        raise HttpError(404, "没有开通在线客服的部门")
    return found


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _rate_limit(request) -> None:
    # Counted across every web process (kefu.security.throttle), answered with Retry-After.
    wait = throttle.rate_limited(f"chat-start:{_client_ip(request)}", settings.KEFU_CHAT_START_LIMIT,
                                 settings.KEFU_CHAT_START_WINDOW_SECONDS)
    if wait:
        raise RateLimited(wait, "发起会话过于频繁，请稍后再试")


def visitor_session(request, session: UUID) -> ChatSession:
    """The session the token opens; a wrong token looks like a missing session."""
    found = get_object_or_404(ChatSession, public_id=session)  # services lock and load what they need
    header = request.headers.get("X-Chat-Token") or ""
    auth = request.headers.get("Authorization", "")
    token = header or (auth[7:] if auth.lower().startswith("bearer ") else "") or request.GET.get("token", "")
    if not found.token_matches(token):
        raise HttpError(401, "会话令牌无效")
    return found


def line_out(line: ChatLine) -> dict:
    return {"id": line.pk, "sender": line.sender, "text": line.text,
            "author": line.author.name if line.author_id else "", "at": line.created_at.isoformat()}


@router.get("/status", auth=None, response={200: StatusOut, 404: ErrorOut},
            summary="Whether chat is open now (business hours and someone online)")
def chat_status(request, department: str = ""):
    dept = _department(department)
    row = chat_settings(dept)
    now = availability(dept)
    return {"open": now.open, "reason": now.reason, "greeting": row.greeting, "offline_text": row.offline_text,
            "pre_chat_form": row.pre_chat_form}


@router.post("/sessions", auth=None, response={201: SessionOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut,
                                                429: ErrorOut},
             summary="Start a chat (public, rate-limited per address); keep the token for the session")
def session_create(request, payload: SessionIn):
    _rate_limit(request)
    session, token = chat_start(department=_department(payload.department), name=payload.name,
                                phone=payload.phone)
    return Status(201, {"session": session.public_id, "token": token})


@router.post("/sessions/{session}/messages", auth=None,
             response={201: LineOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="The visitor says something (token in X-Chat-Token or Authorization: Bearer)")
def session_message(request, session: UUID, payload: TextIn):
    line = chat_visitor_says(session=visitor_session(request, session), text=payload.text)
    return Status(201, line_out(line))


@router.get("/sessions/{session}/messages", auth=None, response={200: list[LineOut], 401: ErrorOut, 404: ErrorOut},
            summary="The session's lines after an id (for a client without the stream)")
def session_lines(request, session: UUID, after: int = 0):
    found = visitor_session(request, session)
    return [line_out(line) for line in found.lines.filter(id__gt=after).select_related("author")[:500]]


@router.post("/sessions/{session}/typing", auth=None, response={204: None, 401: ErrorOut, 404: ErrorOut},
             summary="The visitor is typing (a hint for the agent, not stored)")
def session_typing(request, session: UUID):
    chat_typing(session=visitor_session(request, session), by=None)
    return Status(204, None)


@router.post("/sessions/{session}/close", auth=None, response={204: None, 401: ErrorOut, 404: ErrorOut},
             summary="The visitor leaves")
def session_close(request, session: UUID):
    chat_close(session=visitor_session(request, session), by=None)
    return Status(204, None)
