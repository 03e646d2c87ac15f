"""Load test of a real `kefu serve` on PostgreSQL: 100 concurrent clients (issue 9).

Run (against your own database; it adds a bench department, agents, customers and orders to it):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_rel .venv/bin/python bench/load_test.py \
        [--clients 100] [--seconds 20] [--workers 4] [--port 8121] [--phases me,create,mixed] [--warmup 5]
        [--rounds 1] [--think 5]

It migrates nothing and needs a migrated database. It starts `kefu serve` itself on 127.0.0.1 (or uses
--url, which must be loopback), then runs three phases of --seconds each with --clients clients, each
client on its own keep-alive connection with its own agent's API token:
  me      GET /api/v1/me only: the server's throughput on a trivial authenticated endpoint (baseline)
  create  POST /api/v1/tickets only
  mixed   each client loops: create an order, reply on it, read its inbox (GET /api/v1/tickets?view=mine)
Every request is bounded (30 s timeout) and so is every phase. It prints requests a second and
p50/p95/p99 per kind, the create/me ratio, then checks in the database that every order the clients
created exists exactly once (subjects are unique per request) and that none exists without an answer.

With --rounds N the me and create phases run in N slices that alternate (me, create, me, create, ...), so
that on a busy shared machine both meet the same background load; each slice starts from idle clients, so
slices much shorter than ~10 s understate the slower kind (its first answers come late). Requests a second
of me and create count the answers within the phase (or its slices); the percentiles count every request
(also those answered after it closed). Mixed runs once, after them.

Before the phases, --warmup seconds of uncounted mixed traffic let every server process finish its lazy
imports and fill its pools (the readiness probe only proves that one process answers). These phases are
closed loops without think time: the server is saturated, so by Little's law p95 >= about
clients / throughput. With --think N a further, separately labelled phase "agents" follows: each client
acts (create, reply, inbox) every N seconds on average, as agents at work do; it is printed beside the
saturated figures, never instead of them. The load average is printed with the figures (a shared machine:
ratios within one run are the robust figure). The server started here gets a per-token rate limit of
1,000,000 a minute (KEFU_BENCH_RATE_LIMIT): every request is still counted, none is refused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from httpclient import Connection, loopback_only, percentile  # noqa: E402


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    # The set-up and the final check run between phases, never while clients run: the ORM's guard
    # against use inside an event loop does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()


def prepare(clients: int) -> list[tuple[str, int]]:
    """(token, customer id) per client: bench agents in a bench department, created once and reused."""
    from kefu.accounts.models import Department, Role, Team, User
    from kefu.accounts.services import token_create
    from kefu.customers.models import Customer
    from kefu.customers.services import customer_create

    dept, _ = Department.objects.get_or_create(name="压测客服部")
    team, _ = Team.objects.get_or_create(name="压测一组", department=dept)
    result = []
    for i in range(clients):
        agent, created = User.objects.get_or_create(
            username=f"bench_agent_{i:03d}",
            defaults={"role": Role.AGENT, "department": dept, "team": team, "display_name": f"压测{i}"})
        customer = (Customer.objects.filter(name=f"压测客户{i:03d}").first()
                    or customer_create(by=agent, name=f"压测客户{i:03d}", phones=[f"1390000{i:04d}"]))
        result.append((token_create(user=agent, name="bench"), customer.pk))
    return result


def start_server(port: int, workers: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "kefu.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--no-collectstatic"]
    log = open(os.environ.get("KEFU_BENCH_SERVER_LOG", os.devnull), "ab")  # noqa: SIM115 (lives with the server)
    # The per-token limit (600 a minute) still counts every request (its cost is part of the figures), but
    # must not answer 429: uvicorn's processes share connections unevenly, and a client alone on a process
    # passes 600 a minute when the others wait.
    env = {**os.environ, "KEFU_API_RATE_LIMIT": os.environ.get("KEFU_BENCH_RATE_LIMIT", "1000000")}
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=log, stderr=subprocess.STDOUT, env=env)


async def wait_ready(host: str, port: int, token: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn = Connection(host, port, {"Authorization": f"Bearer {token}"})
        try:
            status, _, _ = await conn.request("GET", "/api/v1/me", timeout=5)
            if status == 200:
                return
        except (TimeoutError, OSError):
            pass
        finally:
            await conn.close()
        await asyncio.sleep(0.5)
    raise SystemExit("the server did not answer /api/v1/me within 120 s")


class Tally:
    def __init__(self, until: float = float("inf")) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: dict[str, int] = defaultdict(int)
        self.created: list[str] = []  # subjects answered with 201
        self.sent_creates: list[str] = []
        self.until = until
        self.answered_in_window: dict[str, int] = defaultdict(int)
        self.window = 0.0  # seconds the phase (all its slices) ran

    def add(self, kind: str, status: int, seconds: float) -> None:
        self.latency[kind].append(seconds)
        self.status[kind][status] += 1
        if time.monotonic() <= self.until:  # answers after the end (the drain) count for latency only
            self.answered_in_window[kind] += 1

    def merge(self, other: Tally) -> None:
        for kind, values in other.latency.items():
            self.latency[kind].extend(values)
            self.answered_in_window[kind] += other.answered_in_window[kind]
            for status, n in other.status[kind].items():
                self.status[kind][status] += n
        for name, n in other.errors.items():
            self.errors[name] += n
        self.created += other.created
        self.sent_creates += other.sent_creates
        self.window += other.window


async def client_loop(phase: str, host: str, port: int, token: str, customer: int, run: str, index: int,
                      until: float, tally: Tally, think: float = 0) -> None:
    conn = Connection(host, port, {"Authorization": f"Bearer {token}"})
    n = 0
    rng = random.Random(f"{run}{index}")
    try:
        if think:  # agents start at different moments, not in lockstep
            await asyncio.sleep(rng.uniform(0, think))
        while time.monotonic() < until and n < 100_000:
            n += 1
            if think and n > 1:
                # An agent acts every `think` seconds on average (exponential gaps: a Poisson stream).
                gap = min(rng.expovariate(1 / think), max(0.0, until - time.monotonic()))
                if gap > 4:  # the server closes a connection idle for 5 s: open a new one, as a browser would
                    await conn.close()
                await asyncio.sleep(gap)
                if time.monotonic() >= until:
                    break
            try:
                if phase == "me":
                    status, _, took = await conn.request("GET", "/api/v1/me")
                    tally.add("me", status, took)
                    continue
                subject = f"压测{run}-{phase}-{index}-{n}"
                tally.sent_creates.append(subject)
                status, body, took = await conn.request("POST", "/api/v1/tickets", json_body={
                    "customer_id": customer, "subject": subject, "body": "客户来电询问安装进度", "channel": "phone"})
                tally.add("create", status, took)
                if status != 201:
                    continue
                tally.created.append(subject)
                if phase == "mixed":
                    number = json.loads(body)["number"]
                    status, _, took = await conn.request("POST", f"/api/v1/tickets/{number}/messages",
                                                         form={"kind": "reply", "body": "您好，已为您登记，师傅明天上门。"})
                    tally.add("reply", status, took)
                    status, _, took = await conn.request("GET", "/api/v1/tickets?view=mine&page_size=20")
                    tally.add("inbox", status, took)
            except (TimeoutError, ConnectionError, OSError) as exc:
                tally.errors[type(exc).__name__] += 1
                await conn.close()
    finally:
        await conn.close()


async def run_phase(phase: str, host: str, port: int, people: list[tuple[str, int]], seconds: float,
                    run: str, think: float = 0) -> tuple[Tally, float]:
    started = time.monotonic()
    until = started + seconds
    tally = Tally(until)
    tally.window = seconds
    behaviour = "mixed" if phase == "agents" else phase
    await asyncio.gather(*(client_loop(behaviour, host, port, token, customer, f"{run}{phase[0]}" if think else run,
                                       i, until, tally, think)
                           for i, (token, customer) in enumerate(people)))
    return tally, time.monotonic() - started


def report(phase: str, tally: Tally, wall: float | None = None) -> dict[str, float]:
    """Requests a second: the answers within the phase's window / its length (me, create: the slices of
    one kind), or, given `wall`, all answers / the wall time including the drain (mixed, agents: a loop of
    three kinds, which a window would cut unevenly). The percentiles count every request."""
    rates = {}
    for kind, values in tally.latency.items():
        rates[kind] = len(values) / wall if wall else tally.answered_in_window[kind] / tally.window
        statuses = ", ".join(f"{s}×{c}" for s, c in sorted(tally.status[kind].items()))
        print(f"  {phase:<7} {kind:<7} {len(values):>6} req  {rates[kind]:7.1f} req/s   p50 {percentile(values, .5)*1000:6.0f} ms"
              f"  p95 {percentile(values, .95)*1000:6.0f} ms  p99 {percentile(values, .99)*1000:6.0f} ms   [{statuses}]")
    if tally.errors:
        print(f"  {phase:<7} client errors: {dict(tally.errors)}")
    return rates


def verify(run: str, tallies: list[Tally]) -> bool:
    from django.db.models import Count

    from kefu.tickets.models import Ticket

    answered = [s for t in tallies for s in t.created]
    sent = {s for t in tallies for s in t.sent_creates}
    rows = dict(Ticket.objects.filter(subject__startswith=f"压测{run}").values_list("subject")
                .annotate(n=Count("id")).values_list("subject", "n"))
    duplicated = {s: n for s, n in rows.items() if n > 1}
    missing = [s for s in answered if s not in rows]
    unanswered = [s for s in rows if s not in set(answered)]
    stray = [s for s in rows if s not in sent]
    print(f"check: {len(answered)} creates answered 201; {len(rows)} orders in the database; "
          f"{len(duplicated)} duplicated, {len(missing)} missing, {len(unanswered)} created without a 201 answer, "
          f"{len(stray)} never sent")
    return not duplicated and not missing and not stray


async def main_async(args: argparse.Namespace) -> int:
    host, port = loopback_only(args.url or f"http://127.0.0.1:{args.port}")
    people = prepare(args.clients)
    server = None if args.url else start_server(port, args.workers)
    try:
        await wait_ready(host, port, people[0][0])
        run = uuid.uuid4().hex[:6]
        slices = f" in {args.rounds} alternating slices" if args.rounds > 1 else ""
        print(f"run {run}: {args.clients} clients, {args.seconds:.0f} s a phase{slices}, server {host}:{port}"
              f"{'' if args.url else f' ({args.workers} processes)'}, database {os.environ.get('DATABASE_URL', 'SQLite')}")
        rates, tallies = {}, []
        load_at_start = os.getloadavg()
        if args.warmup:
            # Every server process imports lazily and fills its caches and pools on its first requests, and
            # the readiness probe above only proves that one of them is up: warm them all first, uncounted.
            tally, wall = await run_phase("mixed", host, port, people, args.warmup, f"{run}w")
            tallies.append(tally)
            print(f"  warm-up: {sum(len(v) for v in tally.latency.values())} requests in {wall:.0f} s (not counted)")
        # The phases alternate in --rounds slices (me, create, mixed, me, create, ...), so that on a shared
        # machine each meets the same background load and their ratio means something.
        sliced = [phase for phase in args.phases if phase != "mixed"]
        by_phase = {phase: Tally() for phase in sliced}
        for r in range(args.rounds):
            for phase in sliced:
                tally, _ = await run_phase(phase, host, port, people, args.seconds / args.rounds, f"{run}r{r}")
                by_phase[phase].merge(tally)
        for phase in sliced:
            tallies.append(by_phase[phase])
            rates[phase] = report(phase, by_phase[phase])
        if "mixed" in args.phases:  # a loop of three kinds: one phase of its own, after the sliced ones
            tally, wall = await run_phase("mixed", host, port, people, args.seconds, run)
            tallies.append(tally)
            rates["mixed"] = report("mixed", tally, wall)
        if args.think:
            # Not the saturated figures above: agents who each act every --think seconds (create, reply,
            # read the inbox), as a department works; reported beside them, never instead of them.
            tally, wall = await run_phase("agents", host, port, people, args.seconds, run, think=args.think)
            tallies.append(tally)
            print(f"  (agents: {args.clients} clients each acting every {args.think:.0f} s on average, think time "
                  "between actions; not saturated)")
            report("agents", tally, wall)
        print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
              f"(at the start: {' '.join(f'{x:.1f}' for x in load_at_start)})")
        if "me" in rates and "create" in rates:
            create_p95 = percentile(by_phase["create"].latency["create"], .95)
            ratio = rates["create"].get("create", 0) / max(rates["me"].get("me", 1e-9), 1e-9)
            print(f"creates/s ÷ me/s = {ratio:.2f} (target ≥ 0.40);  create p95 = {create_p95*1000:.0f} ms "
                  "(target < 250 ms)")
        ok = verify(run, tallies)
        return 0 if ok else 1
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8121)
    parser.add_argument("--url", default="", help="an already running server (loopback only)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="me and create run in this many alternating slices (default 1: one phase each)")
    parser.add_argument("--think", type=float, default=0,
                        help="then a further phase 'agents': each client acts every THINK seconds (e.g. 3)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of uncounted mixed traffic first")
    parser.add_argument("--phases", default="me,create,mixed",
                        help="comma-separated, in order (default me,create,mixed: all three)")
    args = parser.parse_args()
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if not args.phases or set(args.phases) - {"me", "create", "mixed"}:
        raise SystemExit("--phases: me, create and/or mixed")
    if not 1 <= args.clients <= 500 or not 1 <= args.seconds <= 120 or not 0 <= args.warmup <= 60 \
            or not 0 <= args.think <= 60 or not 1 <= args.rounds <= 20:
        raise SystemExit("bounded: 1-500 clients, 1-120 s a phase, 0-60 s of warm-up, 0-60 s of think time, 1-20 rounds")
    setup_django()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
