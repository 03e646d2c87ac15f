"""Pages of the web chat: the visitor's stream and embeddable page, and the agents' live chat panel."""

import json
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import User
from kefu.core.asgi_threads import streams
from kefu.core.errors import DomainError
from kefu.customers.masking import mask_phone
from kefu.live.broadcast import latest_id
from kefu.live.streams import last_event_id, stream_response
from kefu.phrases.models import Phrase
from kefu.qa.assist import check_text
from kefu.security.audit import personal_data_read

from . import services
from .api import line_out
from .availability import online_agents, presence_set
from .models import ChatSession, SessionState
from .services import session_channel


@streams
def visitor_stream(request, session: UUID):
    """GET /api/v1/chat/sessions/{session}/stream?token=…: the visitor's server-sent events (EventSource
    cannot send headers, so the token comes in the query)."""
    found = ChatSession.objects.filter(public_id=session).first()
    if found is None or not found.token_matches(request.GET.get("token", "")):
        return JsonResponse({"detail": "会话令牌无效", "errors": []}, status=401)
    return stream_response(request, [session_channel(found)], last_event_id(request))


@xframe_options_exempt  # the widget shows this page in an iframe on the company's own site
def embed(request):
    response = render(request, "webchat/embed.html", {"department": request.GET.get("department", "")})
    response["Content-Security-Policy"] = "frame-ancestors *"
    return response


def _agent(request) -> User:
    policy.require(policy.can_chat(request.user), "只有客服人员可以接待在线会话")
    return request.user


def _shown(request, sessions: list[ChatSession]) -> list[ChatSession]:
    """Records the visitor phones the panel shows unmasked: the customer when the chat has one, else the
    chat session itself (a visitor not yet a customer)."""
    with_phone = [s for s in sessions if s.visitor_phone]
    personal_data_read(request.user, [s.customer_id for s in with_phone if s.customer_id], where="chat_panel",
                       request=request, chats=[str(s.public_id) for s in with_phone if not s.customer_id])
    return sessions


def _session_for(request, session: UUID) -> ChatSession:
    found = get_object_or_404(ChatSession.objects.select_related("ticket", "agent", "department"), public_id=session)
    if not policy.can_see_chat(request.user, found):
        raise Http404("对象不存在")
    return found


def _session_out(session: ChatSession, viewer: User) -> dict:
    phone = session.visitor_phone if policy.can_view_personal_data(viewer) else mask_phone(session.visitor_phone)
    return {"session": str(session.public_id), "state": session.state, "visitor": session.visitor_name or "访客",
            "phone": phone, "agent": session.agent.name if session.agent_id else "",
            "ticket": session.ticket.number if session.ticket_id else "",
            "created_at": session.created_at.isoformat()}


@login_required
def panel(request):
    agent = _agent(request)
    presence_set(user=agent, online=request.GET.get("online", "1") != "0")
    colleagues = [u for u in online_agents(agent.department) if u.pk != agent.pk] if agent.department_id else []
    return render(request, "webchat/panel.html", {
        "phrases": list(Phrase.objects.filter(is_active=True)), "colleagues": colleagues,
        "live_after": latest_id(), "strings": _panel_strings(),
    })


def _panel_strings() -> dict[str, str]:
    """The panel script's words, in the agent's language (the script itself has none)."""
    return {"failed": _("操作失败"), "accept": _("接入"), "visitor": _("访客"), "agent": _("客服"),
            "system": _("系统"), "ticket": _("工单"), "transfer_to": _("转接给…"), "ended": _("会话已结束"),
            "qa": _("质检提示：")}


@login_required
def queue(request):
    agent = _agent(request)
    sessions = ChatSession.objects.filter(department_id=agent.department_id).select_related("ticket", "agent")
    waiting = sessions.filter(state=SessionState.QUEUED).order_by("created_at")[:100]
    mine = sessions.filter(state=SessionState.ACTIVE, agent=agent).order_by("created_at")[:100]
    colleagues = [{"id": u.pk, "name": u.name} for u in online_agents(agent.department) if u.pk != agent.pk]
    waiting, mine = _shown(request, list(waiting)), _shown(request, list(mine))
    return JsonResponse({"waiting": [_session_out(s, agent) for s in waiting],
                         "mine": [_session_out(s, agent) for s in mine],
                         "colleagues": colleagues})


@login_required
def lines(request, session: UUID):
    _agent(request)
    found = _session_for(request, session)
    _shown(request, [found])
    return JsonResponse({"session": _session_out(found, request.user),
                         "lines": [line_out(line) for line in found.lines.select_related("author")]})


def _act(request, action) -> JsonResponse:
    try:
        result = action()
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "errors": [{"field": exc.field, "message": exc.message}]},
                            status=exc.status_code)
    return JsonResponse(result or {"ok": True})


def _body(request) -> dict:
    try:
        return json.loads(request.body or b"{}")
    except ValueError:
        return {}


@login_required
@require_POST
def accept(request, session: UUID):
    agent = _agent(request)
    found = _session_for(request, session)
    return _act(request, lambda: _session_out(services.chat_accept(session=found, by=agent), agent))


@login_required
@require_POST
def say(request, session: UUID):
    agent = _agent(request)
    found = _session_for(request, session)
    text = _body(request).get("text", "")
    return _act(request, lambda: line_out(services.chat_agent_says(session=found, by=agent, text=text)))


@login_required
@require_POST
def transfer(request, session: UUID):
    agent = _agent(request)
    found = _session_for(request, session)
    to = User.objects.filter(pk=_body(request).get("to") or 0).first()
    if to is None:
        return JsonResponse({"detail": "请选择要转接的客服", "errors": [{"field": "to", "message": "请选择要转接的客服"}]},
                            status=400)
    return _act(request, lambda: _session_out(services.chat_transfer(session=found, by=agent, to=to), agent))


@login_required
@require_POST
def close(request, session: UUID):
    agent = _agent(request)
    found = _session_for(request, session)
    return _act(request, lambda: _session_out(services.chat_close(session=found, by=agent), agent))


@login_required
@require_POST
def typing(request, session: UUID):
    agent = _agent(request)
    found = _session_for(request, session)
    return _act(request, lambda: services.chat_typing(session=found, by=agent))


@login_required
@require_POST
def assist(request):
    """QA assist on the agent's draft: the QA app's live check (the published pack's real-time rules, the
    same as POST /api/v1/qa/check), read as the next turn of the chat's work order when it has one."""
    agent = _agent(request)
    body = _body(request)
    text = str(body.get("text", ""))[:services.MAX_TEXT]
    ticket = None
    if body.get("session"):
        try:
            found = _session_for(request, UUID(str(body["session"])))
        except ValueError:
            return JsonResponse({"detail": "session 无效", "errors": [{"field": "session", "message": "session 无效"}]},
                                status=400)
        ticket = found.ticket
    if not text.strip():
        return JsonResponse({"findings": []})
    return _act(request, lambda: {"findings": [
        {"rule": f["rule"], "category": f["category"], "severity": f["severity"], "message": f["message"], "text": f["evidence"],
         "suggestion": f["suggestion"]} for f in check_text(by=agent, text=text, role="agent", ticket=ticket)]})


@login_required
@require_POST
def presence(request):
    """The panel's heartbeat (every 30 s) and its online/offline switch."""
    agent = _agent(request)
    online = bool(_body(request).get("online", True))
    presence_set(user=agent, online=online)
    return HttpResponse(status=204)
