"""The live broadcast: publish() from any process, streams in any process see it.

Design (single machine and scale-out alike): every event is a row in one table, written in the caller's
transaction, so nothing is announced that was rolled back and a reconnecting client replays what it
missed (Last-Event-ID). A stream never polls on its own: each web process runs one reader (the Hub, in
hub.py) that fetches new rows for all its open streams at once. How fast the reader learns of new rows:
- with REDIS_URL, publish() sends the committed rows themselves on a Redis pub/sub channel after the
  commit, and readers hand them out at once without reading the table (which they still poll every
  LIVE_SAFETY_POLL_SECONDS, so a lost message only delays). The channel is named after this
  installation's database: pub/sub ignores Redis database numbers, and two installations sharing one
  Redis server must not hear each other;
- without Redis (the SQLite default, several uvicorn workers on one machine), readers poll the table
  every LIVE_POLL_SECONDS (0.2 s): one indexed query per process, not per browser.
An in-process broadcast alone was not chosen: under several worker processes it would not reach a
browser connected to another process.
"""

import json
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import LiveEvent

_redis_client = None


def ring_channel() -> str:
    db = settings.DATABASES["default"]
    return f"kefu:live:{settings.HUEY_NAME}:{db.get('HOST') or ''}:{db.get('PORT') or ''}:{db['NAME']}"


def publish(channels: Iterable[str], kind: str, data: dict | None = None) -> None:
    """Announces `kind` with `data` on each channel once the current transaction commits."""
    rows = [LiveEvent(channel=channel[:80], kind=kind, data=data or {}) for channel in dict.fromkeys(channels)]
    if not rows:
        return
    LiveEvent.objects.bulk_create(rows)
    transaction.on_commit(lambda: ring(rows))


def publish_many(items: Iterable[tuple[Iterable[str], str, dict]]) -> None:
    """publish() for many (channels, kind, data) at once: one INSERT, one ring after the commit."""
    rows = [LiveEvent(channel=channel[:80], kind=kind, data=data or {})
            for channels, kind, data in items for channel in dict.fromkeys(channels)]
    if not rows:
        return
    LiveEvent.objects.bulk_create(rows, batch_size=500)
    transaction.on_commit(lambda: ring(rows))


def ring(rows: list[LiveEvent] = ()) -> None:
    """Tells the readers of every process about committed rows (Redis only; without it they poll)."""
    if not settings.REDIS_URL:
        return
    global _redis_client
    if rows and all(row.pk for row in rows):
        message = json.dumps([{"id": row.pk, "channel": row.channel, "kind": row.kind, "data": row.data}
                              for row in rows], ensure_ascii=False, default=str).encode()
    else:  # ids unknown (a database that returns none from bulk inserts): a plain wake-up, readers query
        message = b"1"
    try:
        if _redis_client is None:
            import redis

            _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        _redis_client.publish(ring_channel(), message)
    except Exception:  # noqa: BLE001  a missed ring costs one safety poll, never the caller's request
        _redis_client = None


def rung_rows(message: bytes) -> list[LiveEvent] | None:
    """The rows a ring carried (unsaved copies, enough to frame them); None for a plain wake-up."""
    if message == b"1":
        return None
    return [LiveEvent(id=item["id"], channel=item["channel"], kind=item["kind"], data=item["data"])
            for item in json.loads(message)]


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
