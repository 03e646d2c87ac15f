"""One reader per process (per event loop) that feeds every open stream of that process."""

import asyncio
import contextlib
import logging
import time
import weakref

from asgiref.sync import sync_to_async
from django import db
from django.conf import settings

from .broadcast import events_after_or_in, latest_id, ring_channel, rung_rows

# Ids are taken at INSERT but become visible at COMMIT, so on PostgreSQL a row with a lower id can appear
# after a higher one was read: a reader that only asked "after my cursor" would skip it for good. The hub
# remembers the ids it jumped over and asks for them again until they appear or this long has passed
# (a rolled-back transaction leaves a gap for ever; no publishing transaction runs that long).
GAP_SECONDS = 10.0
MAX_GAPS = 2000


def _read_and_release(fn, *args):
    """Runs a query in an executor thread and gives its connection back: that thread never sees the end
    of a request, so a connection kept there would hold a pool slot (or a server connection) forever."""
    try:
        return fn(*args)
    finally:
        db.connection.close()


async def read(fn, *args):
    return await sync_to_async(_read_and_release, thread_sensitive=False)(fn, *args)

log = logging.getLogger(__name__)


class Hub:
    def __init__(self) -> None:
        self.queues: dict[str, set[asyncio.Queue]] = {}
        self.cursor: int | None = None
        self.gaps: dict[int, float] = {}  # id jumped over -> when (monotonic) it was first missed
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.ringer: asyncio.Task | None = None

    async def subscribe(self, channels: list[str]) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=1000)
        if self.cursor is None:
            self.cursor = await read(latest_id)
        for channel in channels:
            self.queues.setdefault(channel, set()).add(queue)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())
        return queue

    def unsubscribe(self, queue: asyncio.Queue, channels: list[str]) -> None:
        for channel in channels:
            listeners = self.queues.get(channel)
            if listeners is not None:
                listeners.discard(queue)
                if not listeners:
                    del self.queues[channel]

    async def _run(self) -> None:
        if settings.REDIS_URL and (self.ringer is None or self.ringer.done()):
            self.ringer = asyncio.create_task(self._listen_redis())
        interval = settings.LIVE_POLL_SECONDS if not settings.REDIS_URL else settings.LIVE_SAFETY_POLL_SECONDS
        while self.queues:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), interval)
            self.wake.clear()
            try:
                await self._fetch()
            except Exception:  # noqa: BLE001  a database hiccup must not end every stream of the process
                log.exception("live hub: reading events failed")
                await asyncio.sleep(1)
        if self.ringer is not None:
            self.ringer.cancel()
            self.ringer = None

    async def _fetch(self) -> None:
        while True:
            self._forget_old_gaps()
            rows = await read(events_after_or_in, self.cursor or 0, list(self.gaps))
            self.take(rows)
            if len(rows) < 500:
                return

    def take(self, rows) -> None:
        """Hands each new row to its channel's streams, once; notes the ids skipped over."""
        now = time.monotonic()
        for row in rows:
            cursor = self.cursor or 0
            if row.id > cursor:
                for missing in range(max(cursor + 1, row.id - MAX_GAPS), row.id):
                    self.gaps[missing] = now
                self.cursor = row.id
            elif self.gaps.pop(row.id, None) is None:
                continue  # already handed out
            for queue in list(self.queues.get(row.channel, ())):
                with contextlib.suppress(asyncio.QueueFull):  # a stuck client loses events, not the hub
                    queue.put_nowait(row)

    def _forget_old_gaps(self) -> None:
        if not self.gaps:
            return
        limit = time.monotonic() - GAP_SECONDS
        for missing in [k for k, at in self.gaps.items() if at < limit]:
            del self.gaps[missing]
        while len(self.gaps) > MAX_GAPS:
            del self.gaps[min(self.gaps)]

    async def _listen_redis(self) -> None:
        import redis.asyncio as aioredis

        while True:
            try:
                client = aioredis.Redis.from_url(settings.REDIS_URL)
                pubsub = client.pubsub()
                await pubsub.subscribe(ring_channel())
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    try:
                        rows = rung_rows(message["data"])
                    except (ValueError, KeyError, TypeError):
                        rows = None
                    if rows is None or self.cursor is None:
                        self.wake.set()  # read the table
                    else:
                        self.take(rows)  # the committed rows themselves: no query
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001  Redis gone: the safety poll carries on, try again shortly
                log.warning("live hub: Redis ring lost, polling meanwhile")
                await asyncio.sleep(2)


# One hub per event loop (uvicorn: one per worker process); weak, so a closed loop takes its hub along.
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def hub() -> Hub:
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub()
    return found
