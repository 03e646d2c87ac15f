"""Web chat delivery under load: N concurrent chat sessions, each visitor posting a line every few seconds,
against a real ASGI server (uvicorn, several worker processes) on 127.0.0.1.

Delivery time = from the start of the visitor's POST to the line's arrival (a) on the visitor's own event
stream and (b) on the stream of the agent who accepted the chat (agents hold 20 chats each). Prints count,
p50/p95/p99/max in ms, and errors.

    .venv/bin/python bench/chat_delivery.py --sessions 200 --seconds 60 --workers 2
    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/chat_delivery.py

Without DATABASE_URL a fresh SQLite file in a temporary folder is used (the single-machine default).
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(var_dir: str) -> None:
    os.environ.setdefault("KEFU_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(sessions_per_agent: int, agents: int):
    from django.contrib.sessions.backends.db import SessionStore

    from kefu.accounts.models import Department, DepartmentKind, Role
    from kefu.accounts.services import user_create
    from kefu.channels.webchat.availability import presence_set
    from kefu.channels.webchat.models import ChatSettings
    from kefu.sla.models import Calendar

    stamp = str(int(time.time()))
    dept = Department.objects.create(name=f"压测客服部{stamp}", code=f"bench-{stamp}", kind=DepartmentKind.SERVICE)
    sup = user_create(username=f"bsup{stamp}", password="x-bench-123", role=Role.SUPERVISOR, department=dept)
    cal = Calendar.objects.create(name=f"全天{stamp}", weekly={str(d): [["00:00", "24:00"]] for d in range(7)},
                                  observes_holidays=False)
    ChatSettings.objects.create(department=dept, owner=sup, calendar=cal)
    people = []
    for n in range(agents):
        agent = user_create(username=f"bagent{stamp}_{n}", password="x-bench-123", role=Role.AGENT, department=dept)
        presence_set(user=agent, online=True)
        store = SessionStore()
        store["_auth_user_id"] = str(agent.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = agent.get_session_auth_hash()
        store.create()
        people.append((agent, store.session_key))
    return dept, people


async def request(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = {"Host": f"127.0.0.1:{port}", "Content-Length": str(len(body)), "Connection": "close", **(headers or {})}
    writer.write(f"{method} {path} HTTP/1.1\r\n".encode() + "".join(f"{k}: {v}\r\n" for k, v in head.items()).encode()
                 + b"\r\n" + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    status = int(raw.split(b" ", 2)[1])
    return status, raw.split(b"\r\n\r\n", 1)[1]


async def stream(port: int, path: str, headers: dict, on_event, stop: asyncio.Event) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = {"Host": f"127.0.0.1:{port}", "Accept": "text/event-stream", **headers}
    writer.write(f"GET {path} HTTP/1.1\r\n".encode() + "".join(f"{k}: {v}\r\n" for k, v in head.items()).encode()
                 + b"\r\n")
    await writer.drain()
    buffer = b""
    while not stop.is_set():
        try:
            chunk = await asyncio.wait_for(reader.read(65536), 1)
        except TimeoutError:
            continue
        if not chunk:
            break
        buffer += chunk
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            for line in block.split(b"\n"):
                line = line.strip()
                # chunked transfer framing lines are hex sizes; data lines are what we want
                if line.startswith(b"data: "):
                    on_event(json.loads(line[6:]), time.perf_counter())
    writer.close()


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a process and its children so far, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if root in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def pct(values: list[float], p: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def report(name: str, values: list[float]) -> None:
    if not values:
        print(f"{name}: no deliveries")
        return
    print(f"{name}: n={len(values)} p50={statistics.median(values):.1f} ms p95={pct(values, .95):.1f} ms "
          f"p99={pct(values, .99):.1f} ms max={max(values):.1f} ms")


async def run(args, port: int, dept, people, pids: dict) -> None:
    from asgiref.sync import sync_to_async

    from kefu.channels.webchat.models import ChatLine, ChatSession
    from kefu.channels.webchat.services import chat_accept

    stop = asyncio.Event()
    sent: dict[str, float] = {}
    visitor_ms: list[float] = []
    agent_ms: list[float] = []
    errors = {"post": 0}
    post_ms: list[float] = []

    def seen(bucket: list[float]):
        def on_event(data: dict, at: float) -> None:
            line = data.get("line") or {}
            t0 = sent.get(line.get("text", ""))
            if t0 is not None and line.get("sender") == "visitor":
                bucket.append((at - t0) * 1000)
        return on_event

    from kefu.channels.webchat.availability import presence_set

    async def heartbeat() -> None:  # what each agent's open chat panel does every 30 s
        while not stop.is_set():
            for agent, _key in people:
                await sync_to_async(presence_set)(user=agent, online=True)
            await asyncio.sleep(20)

    beating = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.5)
    sessions = []
    for _ in range(args.sessions):
        status, body = await request(port, "POST", "/api/v1/chat/sessions",
                                     json.dumps({"department": dept.code}).encode(),
                                     {"Content-Type": "application/json"})
        assert status == 201, body
        data = json.loads(body)
        sessions.append((data["session"], data["token"]))
    for n, (session, _token) in enumerate(sessions):
        agent = people[n % len(people)][0]
        found = await sync_to_async(ChatSession.objects.get)(public_id=session)
        await sync_to_async(chat_accept)(session=found, by=agent)
    tasks = [asyncio.create_task(stream(port, f"/api/v1/chat/sessions/{s}/stream?token={t}", {},
                                        seen(visitor_ms), stop)) for s, t in sessions]
    tasks += [asyncio.create_task(stream(port, "/live/stream/", {"Cookie": f"sessionid={key}"}, seen(agent_ms), stop))
              for _agent, key in people]
    await asyncio.sleep(2)  # streams connect

    async def visitor(session: str, token: str, index: int) -> None:
        await asyncio.sleep(random.uniform(0, args.interval))
        n = 0
        while not stop.is_set():
            n += 1
            text = f"s{index}-m{n} 请问我的订单什么时候发货"
            sent[text] = time.perf_counter()
            status, _body = await request(port, "POST", f"/api/v1/chat/sessions/{session}/messages",
                                          json.dumps({"text": text}).encode(),
                                          {"Content-Type": "application/json", "X-Chat-Token": token})
            post_ms.append((time.perf_counter() - sent[text]) * 1000)
            if status != 201:
                errors["post"] += 1
            await asyncio.sleep(args.interval * random.uniform(0.8, 1.2))

    talkers = [asyncio.create_task(visitor(s, t, i)) for i, (s, t) in enumerate(sessions)]
    load_before = os.getloadavg()
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    client_before = time.process_time()
    await asyncio.sleep(args.seconds)
    load_after = os.getloadavg()
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    cpu["bench client"] = time.process_time() - client_before
    stop.set()
    await asyncio.sleep(2)
    for task in talkers + tasks + [beating]:
        task.cancel()
    print(f"sessions={args.sessions} agents={len(people)} interval={args.interval}s seconds={args.seconds} "
          f"workers={args.workers} db={'postgres' if os.environ.get('DATABASE_URL') else 'sqlite'} "
          f"redis={'yes' if os.environ.get('REDIS_URL') else 'no'} sent={len(sent)} post_errors={errors['post']}")
    print(f"load average (1, 5, 15 min) at the start {tuple(round(x, 2) for x in load_before)}, "
          f"at the end {tuple(round(x, 2) for x in load_after)} (2 cores, shared machine)")
    print("CPU seconds used during the run: " + ", ".join(f"{name} {value:.1f}" for name, value in cpu.items())
          + f" (of {2 * args.seconds} available on 2 cores)")
    report("POST of a line (201 received)", post_ms)
    report("visitor stream (own line echoed)", visitor_ms)
    report("agent stream (visitor's line reaches the agent)", agent_ms)
    lost = len(sent) - len(agent_ms)
    print(f"lines not seen by the agent stream within the run: {lost}")
    def copied() -> int:
        return ChatLine.objects.filter(sender="visitor", thread_message__isnull=False, session__department=dept,
                                       text__in=list(sent)).count()

    at_stop = await sync_to_async(copied)()
    waited = time.monotonic()
    done = at_stop
    while args.worker and done < len(sent) and time.monotonic() - waited < args.drain:
        await asyncio.sleep(1)
        done = await sync_to_async(copied)()
    print(f"visitor lines in the orders' threads (copied by the worker): {at_stop}/{len(sent)} when the visitors "
          f"stopped, {done}/{len(sent)} after {time.monotonic() - waited:.0f} s more")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--interval", type=float, default=4.0, help="seconds between a visitor's lines")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8161)
    parser.add_argument("--no-worker", dest="worker", action="store_false",
                        help="no background worker (the transcript copy waits): delivery alone")
    parser.add_argument("--drain", type=float, default=120, help="seconds to wait for the worker at the end")
    args = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="kefu-chatbench-")
    os.environ["KEFU_CHAT_START_LIMIT"] = "1000000"
    os.environ["KEFU_VAR_DIR"] = var_dir
    setup_django(var_dir)
    dept, people = seed(20, max(1, args.sessions // 20))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(  # the production command: uvicorn workers, a PostgreSQL pool per process
        [sys.executable, "-m", "kefu.cli", "serve", "--port", str(args.port), "--workers", str(args.workers),
         "--no-collectstatic"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    # The background worker copies chat lines into the orders' threads meanwhile (it competes for the CPU).
    worker_log = open(Path(var_dir) / "worker.log", "wb")  # noqa: SIM115  (read after the run)
    print(f"worker log: {worker_log.name}")
    worker = subprocess.Popen([sys.executable, "-m", "kefu.cli", "worker"], cwd=ROOT, env=env,
                              stdout=worker_log, stderr=subprocess.STDOUT) if args.worker else None
    try:
        deadline = time.time() + 120  # four processes start slowly on a busy machine
        while time.time() < deadline:
            try:
                import socket

                socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        pids = {"web (kefu serve)": server.pid} | ({"worker": worker.pid} if worker else {})
        asyncio.run(run(args, args.port, dept, people, pids))
    finally:
        if worker is not None:
            worker.terminate()
        server.terminate()  # open streams can keep uvicorn's graceful shutdown waiting
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        try:
            if worker is not None:
                worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    main()
