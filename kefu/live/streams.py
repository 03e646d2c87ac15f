"""Server-sent event streams over the broadcast: a real stream under ASGI (`kefu serve`, uvicorn; one hub
per process feeds it) and, under a WSGI server (the test server, runserver), a degraded mode that
answers at once and lets the browser reconnect: live within a second or two, no thread held."""

import asyncio
import contextlib
import json
import time

from django import db
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse

from .broadcast import events_after
from .hub import hub, read
from .models import LiveEvent


def frame(event: LiveEvent, last: int | None = None) -> str:
    """One server-sent event; its id is the highest the stream has sent (`last`), so a reconnect resumes
    after everything seen even when this event arrived late (a lower id committed after a higher one)."""
    payload = json.dumps({"kind": event.kind, "channel": event.channel, **event.data}, ensure_ascii=False)
    return f"id: {last or event.id}\nevent: {event.kind}\ndata: {payload}\n\n"


async def _async_events(channels: list[str], after: int):
    queue = await hub().subscribe(channels)
    last = after
    sent: set[int] = set()  # the replay and the hub may both bring an event; a late one (lower id) still counts
    try:
        yield "retry: 2000\n\n"
        for event in await read(events_after, after, channels):
            last = max(last, event.id)
            sent.add(event.id)
            yield frame(event, last)
        deadline = time.monotonic() + settings.LIVE_STREAM_SECONDS
        while time.monotonic() < deadline:
            try:
                event = await asyncio.wait_for(queue.get(), settings.LIVE_HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": ping\n\n"
                continue
            if event.id in sent or event.id <= after:
                continue
            if len(sent) > 5000:
                sent = {i for i in sent if i > last - 2500}
            sent.add(event.id)
            last = max(last, event.id)
            yield frame(event, last)
    finally:
        hub().unsubscribe(queue, channels)


def _sync_events(channels: list[str], after: int):
    """A WSGI server has a few threads and a stream would hold one each: instead, answer with what is
    there now and let EventSource come back after `retry` with Last-Event-ID (polling, ~1.5 s late)."""
    yield f"retry: {settings.LIVE_WSGI_RETRY_MS}\n\n"
    for event in events_after(after, channels):
        yield frame(event)


def stream_response(request, channels: list[str], after: int) -> StreamingHttpResponse:
    if isinstance(request, ASGIRequest):
        # The request lasts as long as the stream: give this thread's connection back now, or every
        # open page would hold one (a pool slot) for minutes. The hub reads for all streams.
        db.connection.close()
        body = _async_events(channels, after)
    else:
        body = _sync_events(channels, after)
    response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event through at once
    return response


def last_event_id(request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    with contextlib.suppress(ValueError):
        return max(0, int(raw))
    return 0
