"""实时辅助: the live check of a draft reply. Writes nothing except the record of a reply sent anyway.

The draft is checked with the active pack's real-time rules; with a work order given, it is also
read as the next turn of that thread, so "no apology after an upset customer" shows before sending.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import DomainError
from kefu.phrases.models import Phrase, Situation
from kefu.tickets.models import Ticket

from .models import AssistOverride
from .packs import ActivePack, active_pack
from .services import ticket_turns

MAX_DRAFT = 20000
# Which standard phrase (规范用语) fits a finding of each category.
SITUATION_FOR = {"forbidden_phrase": Situation.TACTFUL, "insult": Situation.APOLOGY,
                 "missing_apology": Situation.APOLOGY, "escalation_risk": Situation.APOLOGY}
FALLBACK = {Situation.TACTFUL: "这个问题我马上帮您核实，稍后给您准确答复。",
            Situation.APOLOGY: "非常抱歉给您带来不便，我这边马上为您处理。"}


def check_text(*, by: User, text: str, role: str = "agent", ticket: Ticket | None = None,
               pack: ActivePack | None = None) -> list[dict]:
    policy.require(policy.can_check_text(by))
    if not isinstance(text, str) or len(text) > MAX_DRAFT:
        raise DomainError(f"text 必须是不超过 {MAX_DRAFT} 字的文本", field="text")
    if role not in ("agent", "customer"):
        raise DomainError("role 只能是 agent 或 customer", field="role")
    pack = pack or active_pack()
    findings = [f for f in pack.engine.check(text, role=role) if f.rule in pack.realtime]
    if ticket is not None and role == "agent" and text.strip():
        findings += _in_context(pack, ticket, text, {f.rule for f in findings})
    phrases = _phrases()
    return [_json(f, text, phrases) for f in findings]


def _in_context(pack: ActivePack, ticket: Ticket, text: str, seen: set[str]) -> list:
    turns = ticket_turns(ticket)
    if not any(t["role"] == "customer" for t in turns):
        return []
    turns.append({"role": "agent", "text": text})
    last = len(turns) - 1
    result = pack.engine.inspect({"id": "draft", "channel": "chat", "turns": turns})
    # Only what the draft itself can still fix: apology after an upset customer, on the draft's turn.
    return [f._replace(turn=0) for f in result.findings
            if f.turn == last and f.category == "missing_apology" and f.rule not in seen]


def _phrases() -> dict[str, str]:
    texts: dict[str, str] = {}
    for situation, text in Phrase.objects.filter(is_active=True, situation__in=set(SITUATION_FOR.values())) \
            .order_by("situation", "position", "id").values_list("situation", "text"):
        texts.setdefault(situation, text)
    return {**FALLBACK, **texts}


def _json(finding, text: str, phrases: dict[str, str]) -> dict:
    start, end = finding.span
    if finding.category == "impolite_address" and finding.text == "你":
        suggestion = text[:start] + "您" + text[end:]
    else:
        suggestion = phrases.get(SITUATION_FOR.get(finding.category, ""), "")
    return {"rule": finding.rule, "category": finding.category, "severity": finding.severity,
            "start": start, "end": end, "evidence": finding.text, "message": finding.message,
            "suggestion": suggestion}


@transaction.atomic
def assist_override(*, by: User, text: str, rules: list[str], ticket: Ticket | None = None) -> AssistOverride:
    """The agent sent the reply although the check warned: allowed, and recorded for the inspector."""
    policy.require(policy.can_check_text(by))
    if ticket is not None:
        policy.require(policy.can_view_ticket(by, ticket))
    clean = sorted({str(r)[:32] for r in rules if r})[:50]
    return AssistOverride.objects.create(user=by, ticket=ticket, text=(text or "")[:MAX_DRAFT], rules=clean,
                                         created_at=timezone.now())
