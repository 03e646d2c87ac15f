"""Server-sent event streams over the broadcast: an async one for ASGI (one hub per process) and a
sync one for WSGI and the test server (polls on its own, since a WSGI thread has no event loop)."""

import asyncio
import contextlib
import json
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse

from .broadcast import events_after
from .hub import hub
from .models import LiveEvent


def frame(event: LiveEvent) -> str:
    payload = json.dumps({"kind": event.kind, "channel": event.channel, **event.data}, ensure_ascii=False)
    return f"id: {event.id}\nevent: {event.kind}\ndata: {payload}\n\n"


async def _async_events(channels: list[str], after: int):
    queue = await hub().subscribe(channels)
    last = after
    try:
        yield "retry: 2000\n\n"
        for event in await sync_to_async(events_after, thread_sensitive=False)(after, channels):
            last = event.id
            yield frame(event)
        deadline = time.monotonic() + settings.LIVE_STREAM_SECONDS
        while time.monotonic() < deadline:
            try:
                event = await asyncio.wait_for(queue.get(), settings.LIVE_HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": ping\n\n"
                continue
            if event.id > last:
                last = event.id
                yield frame(event)
    finally:
        hub().unsubscribe(queue, channels)


def _sync_events(channels: list[str], after: int):
    last = after
    yield "retry: 2000\n\n"
    deadline = time.monotonic() + settings.LIVE_STREAM_SECONDS
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        events = events_after(last, channels)
        for event in events:
            last = event.id
            yield frame(event)
        if events:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > settings.LIVE_HEARTBEAT_SECONDS:
            quiet_since = time.monotonic()
            yield ": ping\n\n"
        time.sleep(settings.LIVE_POLL_SECONDS)


def stream_response(request, channels: list[str], after: int) -> StreamingHttpResponse:
    if isinstance(request, ASGIRequest):
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
