"""The ASGI application `kefu serve` runs (kefu/core/asgi_threads.py): ordinary requests on a fixed pool of
threads through Django's WSGI handler, streams on the event loop through Django's ASGI handler (issue 9)."""

import asyncio
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.http import StreamingHttpResponse

from kefu.core.asgi_threads import ThreadedApplication, environ_for
from kefu.tickets.models import Ticket

from . import factories


def scope_for(method: str, path: str, headers: list[tuple[str, str]], query: str = "") -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
            "client": ("127.0.0.1", 51000), "server": ("127.0.0.1", 8000)}


def call(app, scope: dict, bodies: list[bytes] | None = None, disconnect_first: bool = False) -> list[dict]:
    """Runs one request through the application on an event loop of its own thread; returns what it sent."""
    sent: list[dict] = []
    messages = [{"type": "http.disconnect"}] if disconnect_first else [
        {"type": "http.request", "body": part, "more_body": i < len(bodies or [b""]) - 1}
        for i, part in enumerate(bodies or [b""])]

    async def receive() -> dict:
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    with ThreadPoolExecutor(1) as pool:  # the browser tests may leave a loop running in this thread
        pool.submit(asyncio.run, app(scope, receive, send)).result(timeout=60)
    return sent


def answer(sent: list[dict]) -> tuple[int, dict, bytes]:
    start = sent[0]
    assert start["type"] == "http.response.start"
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


def test_environ_follows_pep_3333():
    scope = scope_for("POST", "/客服/a b", [("content-type", "application/json"), ("content-length", "2"),
                                          ("cookie", "a=1"), ("cookie", "b=2"), ("x-forwarded-for", "1.1.1.1"),
                                          ("accept", "text/html"), ("accept", "*/*")], query="q=%E4%BD%A0")
    environ = environ_for(scope, body=None)
    assert environ["REQUEST_METHOD"] == "POST"
    assert environ["PATH_INFO"] == "/客服/a b".encode().decode("latin-1")  # bytes as latin-1 (PEP 3333)
    assert environ["QUERY_STRING"] == "q=%E4%BD%A0"
    assert environ["CONTENT_TYPE"] == "application/json" and environ["CONTENT_LENGTH"] == "2"
    assert "HTTP_CONTENT_TYPE" not in environ
    assert environ["HTTP_COOKIE"] == "a=1; b=2"  # cookies join with "; ", other repeated headers with ","
    assert environ["HTTP_ACCEPT"] == "text/html,*/*"
    assert environ["HTTP_X_FORWARDED_FOR"] == "1.1.1.1"
    assert environ["REMOTE_ADDR"] == "127.0.0.1" and environ["SERVER_PORT"] == "8000"
    assert environ["wsgi.url_scheme"] == "http"


def test_only_views_marked_as_streams_go_to_the_asgi_handler():
    app = ThreadedApplication(threads=1)
    assert app.is_stream("/live/stream/")
    assert app.is_stream(f"/api/v1/chat/sessions/{uuid.uuid4()}/stream")
    assert not app.is_stream("/api/v1/me")
    assert not app.is_stream("/tickets/")
    assert not app.is_stream("/no/such/page/")


@pytest.mark.django_db(transaction=True)  # the pool's threads use connections of their own
def test_api_requests_are_answered_on_a_fixed_set_of_threads():
    desk = factories.Desk()
    agent = desk.agent
    customer = factories.customer(agent)
    from kefu.accounts.services import token_create

    auth = [("authorization", f"Bearer {token_create(user=agent)}"), ("host", "127.0.0.1")]
    app = ThreadedApplication(threads=2)
    seen: set[str] = set()
    respond = app.respond

    def recording(*args):
        seen.add(threading.current_thread().name)
        return respond(*args)

    app.respond = recording
    for _ in range(6):
        status, headers, body = answer(call(app, scope_for("GET", "/api/v1/me", auth)))
        assert status == 200 and json.loads(body)["username"] == agent.username
        assert headers["content-type"].startswith("application/json")
    # A body that comes in two parts and without a length header (chunked) still arrives whole.
    payload = json.dumps({"customer_id": customer.pk, "subject": "经线程池创建", "body": "客户来电", "channel": "phone"},
                         ensure_ascii=False).encode()
    status, _headers, body = answer(call(app, scope_for("POST", "/api/v1/tickets", auth + [
        ("content-type", "application/json")]), bodies=[payload[:10], payload[10:]]))
    assert status == 201, body
    assert Ticket.objects.filter(subject="经线程池创建", number=json.loads(body)["number"]).count() == 1
    assert len(seen) <= 2 and all(name.startswith("kefu-request") for name in seen)


def test_a_streaming_response_is_sent_chunk_by_chunk():
    app = ThreadedApplication(threads=1)

    def wsgi(environ, start_response):
        response = StreamingHttpResponse((f"第{i}行\n" for i in range(3)), content_type="text/csv")
        start_response("200 OK", list(response.items()))
        return response

    app.wsgi = wsgi
    sent = call(app, scope_for("GET", "/export", []))
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert [m["body"].decode() for m in bodies] == ["第0行\n", "第1行\n", "第2行\n", ""]
    assert [m.get("more_body", False) for m in bodies] == [True, True, True, False]


def test_a_bad_thread_count_names_the_setting(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("KEFU_WEB_THREADS", "four")
    with pytest.raises(ImproperlyConfigured, match="KEFU_WEB_THREADS"):
        ThreadedApplication()


def test_a_client_gone_before_its_body_arrived_gets_nothing_and_costs_no_thread():
    app = ThreadedApplication(threads=1)
    called = []
    app.respond = lambda *args: called.append(args)
    assert call(app, scope_for("POST", "/api/v1/tickets", []), disconnect_first=True) == []
    assert called == []


def test_a_slow_reader_of_a_download_holds_no_thread_of_the_pool():
    """A file response (attachment, static file) is written from the loop: with one request thread, a
    client that does not read its download left every other request of the process waiting."""
    import io

    from django.http import FileResponse, HttpResponse

    app = ThreadedApplication(threads=1)
    data = b"%PDF-1.4\n" + bytes(range(256)) * 1024  # several chunks
    closed = []

    def wsgi(environ, start_response):
        if environ["PATH_INFO"] == "/download":
            response = FileResponse(io.BytesIO(data), content_type="application/pdf")
            response._resource_closers.append(lambda: closed.append(True))
        else:
            response = HttpResponse(b"ok")
        start_response(f"{response.status_code} OK", [*response.items(), ("Set-Cookie", " a=1; Path=/")])
        return response

    app.wsgi = wsgi

    async def scenario():
        reading = asyncio.Event()
        download: list[dict] = []
        other: list[dict] = []

        async def no_more_body() -> dict:
            await asyncio.sleep(3600)

        def receiver():
            messages = [{"type": "http.request", "body": b"", "more_body": False}]

            async def receive() -> dict:
                return messages.pop(0) if messages else await no_more_body()
            return receive

        async def slow_send(message: dict) -> None:
            if message["type"] == "http.response.body":
                await reading.wait()  # the client reads nothing until told to
            download.append(message)

        async def send(message: dict) -> None:
            other.append(message)

        slow = asyncio.create_task(app(scope_for("GET", "/download", []), receiver(), slow_send))
        await asyncio.sleep(0.2)
        await asyncio.wait_for(app(scope_for("GET", "/page", []), receiver(), send), timeout=5)
        reading.set()
        await asyncio.wait_for(slow, timeout=5)
        return download, other

    with ThreadPoolExecutor(1) as pool:
        download, other = pool.submit(asyncio.run, scenario()).result(timeout=30)
    status, headers, body = answer(other)
    assert status == 200 and body == b"ok"
    assert headers["set-cookie"] == "a=1; Path=/"  # no leading space
    status, headers, body = answer(download)
    assert status == 200 and body == data and closed == [True]
    assert download[-1] == {"type": "http.response.body", "body": b""}
