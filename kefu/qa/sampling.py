"""抽检: which automatic results go to an inspector for review, and to whom.

Every result with a fatal item, every score under the threshold, plus a random share. The random
draw hashes the conversation id, so a job that runs twice samples the same conversations, and the
share holds per agent as well as overall. Each inspector gets at most ``daily_cap`` new items a day;
what no inspector can take stays in the shared pool (reviewer empty) for whoever has room.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User

from .models import Inspection, QaSettings, Review, ReviewState


def qa_settings() -> QaSettings:
    row = QaSettings.objects.order_by("pk").first()
    return row or QaSettings.objects.create()


def reason_for(inspection: Inspection, config: QaSettings) -> str | None:
    if config.sample_fatal and inspection.fatal:
        return "fatal"
    if inspection.score < config.sample_below:
        return "low_score"
    draw = int(hashlib.sha1(f"qa-sample:{inspection.conversation_id}".encode()).hexdigest()[:8], 16) % 10000
    if draw < config.sample_percent * 100:
        return "random"
    return None


def sample(inspections: Sequence[Inspection], *, now: datetime | None = None) -> list[Review]:
    if not inspections:
        return []
    now = now or timezone.now()
    config = qa_settings()
    chosen = [(i, reason) for i in inspections if (reason := reason_for(i, config))]
    if not chosen:
        return []
    room = _room_today(config, now)
    reviews = []
    for inspection, reason in chosen:
        reviewer = _take(room, exclude=inspection.agent_id)
        reviews.append(Review(inspection=inspection, reason=reason, reviewer_id=reviewer, created_at=now))
    return Review.objects.bulk_create(reviews, ignore_conflicts=True)


def _room_today(config: QaSettings, now: datetime) -> dict[int, int]:
    """Inspector id -> how many more items they may receive today."""
    inspectors = list(policy.qa_inspectors().values_list("pk", flat=True))
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    # Counted in SQL: an import of 100,000 conversations asks this once per chunk.
    taken = dict(Review.objects.filter(reviewer_id__in=inspectors, created_at__gte=start).order_by()
                 .values("reviewer_id").annotate(n=Count("id")).values_list("reviewer_id", "n"))
    return {pk: config.daily_cap - taken.get(pk, 0) for pk in inspectors}


def _take(room: dict[int, int], exclude: int | None) -> int | None:
    candidates = [(left, pk) for pk, left in room.items() if left > 0 and pk != exclude]
    if not candidates:
        return None
    _left, pk = max(candidates)  # the inspector with the most room: spreads the day's work evenly
    room[pk] -= 1
    return pk


def queue_for(user: User):
    """The inspector's review queue: their own items first, then the shared pool."""
    return (Review.objects.filter(state=ReviewState.QUEUED).filter(Q(reviewer=user) | Q(reviewer__isnull=True))
            .exclude(inspection__agent=user))
