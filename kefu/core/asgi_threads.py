"""The ASGI application `kefu serve` runs: ordinary requests on a fixed pool of threads, streams async.

Django's own ASGI handler gives every request a context of its own, and with it a new thread (its
ThreadSensitiveContext) and a new thread-local database connection wrapper taken from the pool and set
up again. On /api/v1/me that was 5.5 ms of CPU against 2.25 ms for the same request through the WSGI
handler (bench/request_cost.py): more than half of a trivial request was the per-request thread.

Kefu's views are synchronous, so this application reads the request body on the event loop (a slow
client costs a socket, not a thread), runs Django's WSGI handler on one of a fixed set of threads that
keep their connection wrappers and caches, and writes the response from the loop. Only the views that
stream for minutes (server-sent events: the workspace's live stream and the web chat's visitor stream,
marked with @streams) go through Django's ASGI handler, which keeps them on the loop with no thread held.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.urls import URLResolver, get_resolver

STREAM_ATTRIBUTE = "kefu_streams"
BODY_IN_MEMORY = 1024 * 1024  # larger bodies (attachments) are spooled to a temporary file


def streams(view):
    """Marks a view whose response streams for a long time: it runs under Django's ASGI handler."""
    setattr(view, STREAM_ATTRIBUTE, True)
    return view


def default_threads() -> int:
    raw = os.environ.get("KEFU_WEB_THREADS") or "4"
    if not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(f"KEFU_WEB_THREADS must be a whole number of at least 1, not {raw!r}")
    return int(raw)


class ThreadedApplication:
    """ASGI application: Django's WSGI handler on a fixed thread pool; @streams views on Django's ASGI."""

    def __init__(self, threads: int | None = None) -> None:
        self.wsgi = WSGIHandler()
        self.asgi = ASGIHandler()
        self.threads = threads or default_threads()
        self._executor: ThreadPoolExecutor | None = None
        self._stream_paths: list[re.Pattern[str]] | None = None

    @property
    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="kefu-request")
        return self._executor

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or self.is_stream(scope["path"]):
            await self.asgi(scope, receive, send)
            return
        read = await read_body(receive)
        if read is None:
            return  # the client went away before it finished sending
        body, size = read
        environ = environ_for(scope, body)
        environ.setdefault("CONTENT_LENGTH", str(size))  # a chunked body has no length header
        loop = asyncio.get_running_loop()
        try:
            status, headers, chunks = await loop.run_in_executor(self.executor, self.respond, environ, loop, send)
        finally:
            body.close()
        if isinstance(chunks, bytes):  # a whole response: written from the loop, no thread waits for the client
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": chunks})
        elif chunks is not None:
            await send_file(chunks, status, headers, send, head=scope["method"] == "HEAD")

    def is_stream(self, path: str) -> bool:
        """Whether a @streams view answers ``path``: a few regexes built once from the URL configuration, not a
        second resolve of every request on the event loop (Django resolves it again in the handler)."""
        if self._stream_paths is None:
            self._stream_paths = [re.compile(regex) for regex in stream_regexes(get_resolver())]
        return any(pattern.match(path) for pattern in self._stream_paths)

    def respond(self, environ: dict, loop, send):
        """Runs on a pool thread: the whole response as bytes; a file response (downloads, static files) to be
        written from the loop (send_file); or, for another streaming response, writes it chunk by chunk
        through the loop and returns no body (a client that reads slowly holds this thread meanwhile)."""
        started: list = []

        def start_response(status: str, headers: list, exc_info=None) -> None:
            # strip(): Django's Set-Cookie values start with a space (Morsel.output(header=""))
            started[:] = [int(status.split(" ", 1)[0]),
                          [(name.lower().encode("latin-1"), value.strip().encode("latin-1")) for name, value in headers]]

        response = self.wsgi(environ, start_response)
        if getattr(response, "file_to_stream", None) is not None:
            # A file (an attachment download, a static file): read and written from the loop, so a client
            # that reads slowly holds no thread of the pool (a few such downloads stopped the process).
            # This thread's connection goes back now; the file is closed, and request_finished sent, at the end.
            close_old_connections()
            return started[0], started[1], response
        try:
            if not getattr(response, "streaming", False):
                return started[0], started[1], b"".join(response)

            def write(message: dict) -> None:
                asyncio.run_coroutine_threadsafe(send(message), loop).result()

            write({"type": "http.response.start", "status": started[0], "headers": started[1]})
            for chunk in response:
                if chunk:
                    write({"type": "http.response.body", "body": chunk, "more_body": True})
            write({"type": "http.response.body", "body": b""})
            return started[0], started[1], None
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()  # request_finished: the thread's connection goes back to the pool


FILE_CHUNK = 64 * 1024


async def send_file(response, status: int, headers: list, send, *, head: bool = False) -> None:
    """Writes a file response from the loop; each read is a short job on the loop's default executor."""
    loop = asyncio.get_running_loop()
    read = response.file_to_stream.read
    try:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        while not head:
            chunk = await loop.run_in_executor(None, read, FILE_CHUNK)
            if not chunk:
                break
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        await loop.run_in_executor(None, response.close)


def stream_regexes(resolver: URLResolver, prefix: str = "") -> list[str]:
    """The full path regexes of the @streams views below ``resolver`` (nested includes joined as Django
    joins them when it resolves: each level's pattern continues where its parent's ended)."""
    prefix += resolver.pattern.regex.pattern.removeprefix("^")
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += stream_regexes(entry, prefix)
        elif getattr(entry.callback, STREAM_ATTRIBUTE, False):
            found.append("^" + prefix + entry.pattern.regex.pattern.removeprefix("^"))
    return found


async def read_body(receive):
    body = tempfile.SpooledTemporaryFile(max_size=BODY_IN_MEMORY)
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            body.close()
            return None
        body.write(message.get("body", b""))
        if not message.get("more_body", False):
            break
    size = body.tell()
    body.seek(0)
    return body, size


def environ_for(scope: dict, body) -> dict:
    """The WSGI environ of an ASGI HTTP scope (PEP 3333: text as latin-1 decoded bytes)."""
    script_name = scope.get("root_path", "").encode("utf-8").decode("latin-1")
    path_info = scope["path"].encode("utf-8").decode("latin-1")
    if script_name and path_info.startswith(script_name):
        path_info = path_info[len(script_name):]
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path_info,
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] if server[1] is not None else 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in scope.get("headers", []):
        name = name.decode("latin-1")
        value = value.decode("latin-1")
        if name == "content-type":
            key = "CONTENT_TYPE"
        elif name == "content-length":
            key = "CONTENT_LENGTH"
        else:
            key = "HTTP_" + name.upper().replace("-", "_")
        if key in environ:
            value = environ[key] + ("; " if key == "HTTP_COOKIE" else ",") + value
        environ[key] = value
    return environ
