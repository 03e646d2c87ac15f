"""The live broadcast: publish() from any process, streams in any process see it.

Design (single machine and scale-out alike): every event is a row in one table, written in the caller's
transaction, so nothing is announced that was rolled back and a reconnecting client replays what it
missed (Last-Event-ID). A stream never polls on its own: each web process runs one reader (the Hub, in
hub.py) that fetches new rows for all its open streams at once. How fast the reader learns of new rows:
- with REDIS_URL, publish() rings a Redis pub/sub channel after the commit and readers wake at once
  (the table is still read, so a lost ring only delays by the safety poll);
- without Redis (the SQLite default, several uvicorn workers on one machine), readers poll the table
  every LIVE_POLL_SECONDS (0.2 s): one indexed query per process, not per browser.
An in-process broadcast alone was not chosen: under several worker processes it would not reach a
browser connected to another process.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import LiveEvent

RING_CHANNEL = "kefu:live"
_redis_client = None


def publish(channels: Iterable[str], kind: str, data: dict | None = None) -> None:
    """Announces `kind` with `data` on each channel once the current transaction commits."""
    rows = [LiveEvent(channel=channel[:80], kind=kind, data=data or {}) for channel in dict.fromkeys(channels)]
    if not rows:
        return
    LiveEvent.objects.bulk_create(rows)
    transaction.on_commit(ring)


def ring() -> None:
    """Wakes the readers of every process (Redis only; without it they poll)."""
    if not settings.REDIS_URL:
        return
    global _redis_client
    try:
        if _redis_client is None:
            import redis

            _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        _redis_client.publish(RING_CHANNEL, b"1")
    except Exception:  # noqa: BLE001  a missed ring costs one safety poll, never the caller's request
        _redis_client = None


def latest_id() -> int:
    last = LiveEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def events_after(after: int, channels: Iterable[str] | None = None, limit: int = 500) -> list[LiveEvent]:
    qs = LiveEvent.objects.filter(id__gt=after).order_by("id")
    if channels is not None:
        qs = qs.filter(channel__in=list(channels))
    return list(qs[:limit])


def events_after_or_in(after: int, late: Iterable[int], limit: int = 500) -> list[LiveEvent]:
    """The rows after `after`, and those of the ids in `late` (gaps below it that may still commit)."""
    late = list(late)
    query = Q(id__gt=after) | Q(id__in=late) if late else Q(id__gt=after)
    return list(LiveEvent.objects.filter(query).order_by("id")[:limit])


def prune(keep: timedelta = timedelta(hours=24)) -> int:
    deleted, _ = LiveEvent.objects.filter(created_at__lt=timezone.now() - keep).delete()
    return deleted
