"""Automatic inspection: conversations judged by the active pack, results stored in bulk.

``inspect_conversations`` is the one writer of Inspection and Finding rows. It is used for one
conversation (an API upsert, a work-order reply) and for a chunk of an import, so both paths store
exactly the same facts. It is idempotent: a conversation whose current inspection already judged
the same turns with the same pack version is left alone (background work runs at least once).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.qa_engine import Finding as EngineFinding
from kefu.qa_engine import InputError
from kefu.tickets import events
from kefu.tickets.models import Ticket, TicketEvent

from . import bulk, sampling
from .models import Conversation, Finding, Inspection, InspectionState, QaEvent, Trigger, Verdict
from .packs import ActivePack, active_pack, pack_by_version

# Only the items that cost points are stored with a result; the rest of the scorecard is the pack's.
FAILED = ("fail", "fatal")
INSPECTION_FIELDS = ("conversation_id", "pack_name", "pack_version", "trigger", "is_current", "digest", "auto_score",
                     "score", "fatal", "items", "finding_count", "agent_id", "team_id", "channel", "started_at",
                     "created_at")
FINDING_FIELDS = ("inspection", "rule", "category", "severity", "turn", "start", "end", "evidence", "message",
                  "verdict", "verdict_comment", "counts")


def conversation_digest(channel: str, turns: list, meta: dict) -> str:
    raw = json.dumps([channel, turns, meta or {}], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def engine_input(conversation: Conversation) -> dict:
    return {"id": str(conversation.pk), "channel": conversation.channel, "turns": conversation.turns,
            "meta": conversation.meta or {}}


@transaction.atomic
def inspect_conversations(*, conversations: Sequence[Conversation], trigger: str, pack: ActivePack | None = None,
                          force: bool = False, now: datetime | None = None) -> list[Inspection]:
    """Inspect and store; ``force`` re-inspects even unchanged input (a re-inspection by a new version
    still skips conversations that version already judged)."""
    pack = pack or active_pack()
    now = now or timezone.now()
    todo = _needing_inspection(conversations, pack, force)
    if not todo:
        return []
    results, failed = [], []
    for conversation in todo:
        try:
            results.append((conversation, pack.engine.inspect(engine_input(conversation))))
        except InputError as exc:
            failed.append((conversation, str(exc)))
    inspections = _store(results, pack, trigger, now)
    _mark(results, failed, now)
    sampling.sample(inspections, now=now)
    return inspections


def _needing_inspection(conversations: Sequence[Conversation], pack: ActivePack, force: bool) -> list[Conversation]:
    ids = [c.pk for c in conversations]
    judged = set(
        Inspection.objects.filter(conversation_id__in=ids, pack_name=pack.name, pack_version=pack.version)
        .filter(is_current=True).values_list("conversation_id", "digest")
    )
    todo = []
    for conversation in conversations:
        same_input = (conversation.pk, conversation.digest) in judged
        if same_input:
            continue  # this version already judged exactly these turns: at-least-once delivery, effect once
        if not force or not _judged_by(conversation.pk, pack, conversation.digest):
            todo.append(conversation)
    return todo


def _judged_by(conversation_id: int, pack: ActivePack, digest: str) -> bool:
    return Inspection.objects.filter(conversation_id=conversation_id, pack_name=pack.name,
                                     pack_version=pack.version, digest=digest).exists()


def _store(results: list, pack: ActivePack, trigger: str, now: datetime) -> list[Inspection]:
    if not results:
        return []
    Inspection.objects.filter(conversation_id__in=[c.pk for c, _r in results], is_current=True).update(
        is_current=False)
    team_of = _teams([c.agent_id for c, _r in results if c.agent_id])
    inspections = []
    for conversation, result in results:
        fatal = any(item.status == "fatal" for item in result.items)
        inspections.append(Inspection(
            conversation=conversation, pack_name=pack.name, pack_version=pack.version, trigger=trigger,
            is_current=True, digest=conversation.digest, auto_score=result.score, score=result.score, fatal=fatal,
            items=[item.to_json() for item in result.items if item.status in FAILED],
            finding_count=len(result.findings),
            agent_id=conversation.agent_id, team_id=team_of.get(conversation.agent_id),
            channel=conversation.channel, started_at=conversation.started_at, created_at=now))
    bulk.insert(Inspection, INSPECTION_FIELDS, [tuple(getattr(i, f) for f in INSPECTION_FIELDS)
                                                 for i in inspections])
    ids = dict(Inspection.objects.filter(conversation_id__in=[i.conversation_id for i in inspections],
                                         is_current=True).values_list("conversation_id", "pk"))
    for inspection in inspections:
        inspection.pk = ids[inspection.conversation_id]
    bulk.insert(Finding, FINDING_FIELDS, [
        (inspection.pk, f.rule, f.category, f.severity, f.turn, f.span[0], f.span[1], f.text[:200], f.message[:300],
         Verdict.PENDING, "", True)
        for inspection, (_c, result) in zip(inspections, results, strict=True) for f in result.findings])
    bulk.insert(QaEvent, ("conversation", "code", "params", "created_at"), [
        (i.conversation_id, "qa.inspected", {"inspection": i.pk, "pack": i.pack_name, "version": i.pack_version,
                                             "score": i.score, "findings": i.finding_count, "trigger": trigger}, now)
        for i in inspections])
    _ticket_history(results, inspections, now)
    return inspections


def _ticket_history(results: list, inspections: list[Inspection], now: datetime) -> None:
    """A work order's history says when its conversation was inspected and the score."""
    linked = [(c, i) for (c, _r), i in zip(results, inspections, strict=True) if c.ticket_id]
    if linked:
        TicketEvent.objects.bulk_create([
            events.build(Ticket(pk=c.ticket_id), "qa.inspected", at=now, conversation=c.pk, score=i.score,
                         version=i.pack_version, findings=i.finding_count) for c, i in linked])


def _teams(agent_ids: list[int]) -> dict[int, int | None]:
    return dict(User.objects.filter(pk__in=set(agent_ids)).values_list("pk", "team_id"))


def _mark(results: list, failed: list, now: datetime) -> None:
    done_ids = [c.pk for c, _r in results]
    if done_ids:
        Conversation.objects.filter(pk__in=done_ids).update(inspection_state=InspectionState.DONE, updated_at=now)
    for conversation, message in failed:
        Conversation.objects.filter(pk=conversation.pk).update(inspection_state=InspectionState.FAILED)
        QaEvent.objects.create(conversation=conversation, code="qa.inspection_failed", params={"message": message},
                               created_at=now)
    for conversation, _r in results:
        conversation.inspection_state = InspectionState.DONE


def rescore(inspection: Inspection) -> float:
    """The score that counts: the scorecard over the findings that still count, plus the manual items
    an inspector scored. Needs the pack version that judged it (published versions are kept)."""
    pack = pack_by_version(inspection.pack_name, inspection.pack_version)
    if pack is None:
        return inspection.score
    counting = [EngineFinding(f.rule, f.category, f.turn, (f.start, f.end), f.evidence, f.severity, f.message)
                for f in inspection.findings.all() if f.counts]
    scorecard = pack.engine.pack.scorecard
    score, items = scorecard.score(counting)
    inspection.items = [item.to_json() for item in items if item.status in FAILED]
    manual = getattr(inspection, "review", None)
    if manual is not None and manual.manual_scores:
        score += sum(float(v) for v in manual.manual_scores.values()) * 100 / scorecard.base
    score = round(max(0.0, min(100.0, score)), 1)
    inspection.score = score
    inspection.fatal = any(item.status == "fatal" for item in items)
    inspection.save(update_fields=["score", "fatal", "items"])
    return score


def reinspect(*, conversations: Sequence[Conversation], pack: ActivePack | None = None) -> list[Inspection]:
    return inspect_conversations(conversations=conversations, trigger=Trigger.REINSPECT, pack=pack, force=True)
