"""The live broadcast: rows written with the caller's transaction, streams that replay and follow them
(the WSGI stream and the ASGI hub), and the workspace's channels (order changes, notifications)."""

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import transaction
from django.test import AsyncClient

from kefu.live.broadcast import events_after, latest_id, publish
from kefu.live.models import LiveEvent
from kefu.notifications import notify
from kefu.tickets.models import MessageKind
from kefu.tickets.services import ticket_add_message, ticket_assign
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _frames(text: str) -> list[dict]:
    found = []
    for block in text.split("\n\n"):
        data = [line[6:] for line in block.splitlines() if line.startswith("data: ")]
        ids = [line[4:] for line in block.splitlines() if line.startswith("id: ")]
        if data:
            found.append({"id": int(ids[0]), **json.loads(data[0])})
    return found


def test_rolled_back_publish_announces_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(["user:1"], "notification", {"text": "x"})
        raise RuntimeError
    assert LiveEvent.objects.count() == 0


def test_order_changes_and_notifications_reach_the_right_channels(desk):
    ticket = factories.ticket(desk.agent)
    start = latest_id()
    ticket_add_message(ticket=ticket, by=desk.agent, kind=MessageKind.REPLY, body="您好")
    channels = {e.channel for e in events_after(start) if e.kind == "ticket"}
    assert {f"ticket:{ticket.pk}", f"user:{desk.agent.pk}", f"team:{desk.team_a.pk}",
            f"dept:{desk.service.pk}"} <= channels
    start = latest_id()
    ticket_assign(ticket=ticket, by=desk.agent, assignee=desk.teammate)
    notices = [e for e in events_after(start, [f"user:{desk.teammate.pk}"]) if e.kind == "notification"]
    assert notices and notices[-1].data["unread"] == 1 and ticket.number in notices[-1].data["text"]


def test_wsgi_stream_replays_then_resumes_from_last_event_id(client, desk):
    """Under WSGI each request answers at once with what is there; EventSource comes back with its id."""
    notify(users=[desk.agent], text="旧通知", url="/x/")
    notify(users=[desk.other_agent], text="别人的通知", url="/y/")
    client.force_login(desk.agent)
    response = client.get("/live/stream/?after=0")
    assert response["Content-Type"] == "text/event-stream"
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("retry: ")
    first = _frames(text)
    assert [f["text"] for f in first if f["kind"] == "notification"] == ["旧通知"]
    notify(users=[desk.agent], text="新通知", url="/z/")
    again = _frames(b"".join(client.get("/live/stream/", HTTP_LAST_EVENT_ID=str(first[-1]["id"]))
                             .streaming_content).decode())
    assert [f["text"] for f in again] == ["新通知"] and again[0]["unread"] == 2


def test_stream_of_an_order_the_user_cannot_see_is_refused(client, desk):
    hidden = factories.ticket(desk.other_agent)
    client.force_login(desk.agent)
    assert client.get(f"/live/stream/?ticket={hidden.number}").status_code == 404
    client.logout()
    assert client.get("/live/stream/").status_code == 302


def _asgi_frames(user, path: str, action) -> list[dict]:
    async def run() -> list[dict]:
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(path)
        threading.Thread(target=action).start()
        chunks = []
        async for chunk in response.streaming_content:
            chunks.append(chunk if isinstance(chunk, bytes) else chunk.encode())
        return _frames(b"".join(chunks).decode())

    # Its own thread: the browser tests' Playwright leaves an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result(timeout=60)


@pytest.mark.redis
def test_with_redis_the_ring_wakes_the_hub_at_once(desk, settings):
    """With REDIS_URL the hub sleeps on the ring, not on polling: a line arrives well before the safety poll."""
    import os

    import redis

    url = os.environ.get("KEFU_TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"Redis not reachable at {url}")
    settings.REDIS_URL = url
    settings.LIVE_SAFETY_POLL_SECONDS = 30  # only the ring can deliver within the stream's life
    settings.LIVE_STREAM_SECONDS = 2.5
    sent = {}

    def later():
        time.sleep(0.8)
        sent["at"] = time.monotonic()
        notify(users=[desk.agent], text="经 Redis 送达", url="/r/")

    frames = _asgi_frames(desk.agent, f"/live/stream/?after={latest_id()}", later)
    assert [f["text"] for f in frames if f["kind"] == "notification"] == ["经 Redis 送达"]


def test_asgi_stream_is_fed_by_the_process_hub(desk, settings):
    """Under ASGI the stream is async and one hub per process reads the table for all streams."""
    settings.LIVE_STREAM_SECONDS = 1.5
    settings.LIVE_POLL_SECONDS = 0.05
    ticket = factories.ticket(desk.agent)
    after = latest_id()

    async def run() -> list[dict]:
        client = AsyncClient()
        await client.aforce_login(desk.agent)
        response = await client.get(f"/live/stream/?ticket={ticket.number}&after={after}")

        def later():
            time.sleep(0.4)
            ticket_add_message(ticket=ticket, by=desk.teammate, kind=MessageKind.NOTE, body="同事备注")
        threading.Thread(target=later).start()
        chunks = []
        async for chunk in response.streaming_content:
            chunks.append(chunk if isinstance(chunk, bytes) else chunk.encode())
        return _frames(b"".join(chunks).decode())

    # Its own thread: the browser tests' Playwright leaves an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        frames = pool.submit(asyncio.run, run()).result(timeout=60)
    assert any(f["kind"] == "ticket" and f["number"] == ticket.number for f in frames)
    assert len({f["id"] for f in frames}) == len(frames)  # no event twice


def test_hub_hands_out_a_row_that_commits_after_a_higher_one():
    """On PostgreSQL ids are taken at INSERT and seen at COMMIT: the hub asks again for the ids it jumped
    over, so an event that commits late still reaches its streams, once."""
    from types import SimpleNamespace

    from kefu.live.hub import Hub

    hub = Hub()
    queue: asyncio.Queue = asyncio.Queue()
    hub.queues["chat:x"] = {queue}
    hub.cursor = 10
    row = lambda n: SimpleNamespace(id=n, channel="chat:x")  # noqa: E731
    hub.take([row(11), row(13)])  # 12 is still in flight
    assert sorted(hub.gaps) == [12] and hub.cursor == 13
    hub.take([row(12), row(13)])  # the next read: 12 committed meanwhile; 13 again must not repeat
    hub.take([row(14)])
    delivered = [queue.get_nowait().id for _ in range(queue.qsize())]
    assert delivered == [11, 13, 12, 14] and not hub.gaps


def test_events_after_or_in_reads_the_late_ids_too():
    from kefu.live.broadcast import events_after_or_in

    publish(["c:1"], "a")
    publish(["c:1"], "b")
    first, second = LiveEvent.objects.order_by("id")[:2]
    assert [e.id for e in events_after_or_in(second.id, [first.id])] == [first.id]
    assert [e.id for e in events_after_or_in(first.id - 1, [])] == [first.id, second.id]


def test_a_ring_carries_the_committed_rows_on_this_installations_channel(settings):
    """With Redis the readers get the rows in the ring (no query per wake-up); the pub/sub channel is named
    after the database, as pub/sub ignores Redis database numbers and installations may share a server."""
    from kefu.live import broadcast

    sent = []

    class FakeRedis:
        def publish(self, channel, message):
            sent.append((channel, message))

    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    broadcast._redis_client = FakeRedis()
    try:
        with transaction.atomic():
            publish(["user:1", "chat:a"], "chat.message", {"line": {"text": "<b>你好</b>"}})
            assert sent == []  # nothing before the commit
    finally:
        broadcast._redis_client = None
    [(channel, message)] = sent
    assert channel == broadcast.ring_channel() and settings.DATABASES["default"]["NAME"] in channel
    rows = broadcast.rung_rows(message)
    stored = list(LiveEvent.objects.order_by("id").values_list("id", "channel", "kind", "data"))
    assert [(r.id, r.channel, r.kind, r.data) for r in rows] == stored
    assert broadcast.rung_rows(b"1") is None
