"""QA workspace end to end: import and inspect N conversations through a real worker, the results list
over them, and POST /api/v1/qa/check through the whole HTTP stack.

    python bench/qa_workspace.py [--count 100000] [--database sqlite|postgres] [--pg-url URL]
                                 [--check-requests 500] [--port 8151] [--keep]

Everything happens in a scratch database (a temporary SQLite file, or a PostgreSQL database that is
dropped and created: pass --pg-url postgres://postgres@127.0.0.1:5432/kefu_<you>_bench) and a temporary
var/ directory; nothing is written to the repository. The conversations are synthetic Chinese chats and
calls (about 8 turns each, a share with findings), written as one JSON-lines file and imported with
the same service the upload page uses, by one `manage.py worker -w 1` process started here.

Prints: (1) import+inspect wall time and conversations/s for one worker process, measured from the
worker's start to the job's "done"; (2) the results list (GET /qa/results/, first page and filtered)
server time over the N results, median and p95 of 20 requests through Django's test client;
(3) POST /api/v1/qa/check latency through `manage.py serve` on 127.0.0.1 (HTTP keep-alive, one
client), p50/p95/p99.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

CUSTOMER = ["你好，我的订单什么时候发货", "快递三天了还没到，怎么回事", "东西坏了，我要退货", "能不能便宜一点",
            "你们的师傅迟到了两个小时，太气人了", "发票怎么开", "我要投诉你们的服务", "好的，谢谢", "在吗？", "还要等多久"]
AGENT_GOOD = ["您好，很高兴为您服务，请问有什么可以帮您？", "非常抱歉让您久等了，我马上帮您查询", "已经为您催促仓库，今天内发出",
              "请您放心，问题会在两个工作日内处理好", "感谢您的耐心等待，还有其他可以帮您的吗？祝您生活愉快"]
AGENT_BAD = ["这事我不知道哦", "这个我们不管的", "你找我没用，去找领导", "你自己去问快递吧", "不能办就是不能办"]


def conversation(i: int, rng: random.Random, agents: list[str]) -> dict:
    turns = []
    for k in range(4):
        turns.append({"role": "customer", "text": rng.choice(CUSTOMER) + ("" if rng.random() < 0.7 else f" 订单{i}{k}")})
        bad = rng.random() < 0.15
        turns.append({"role": "agent", "text": rng.choice(AGENT_BAD if bad else AGENT_GOOD)})
    return {"id": f"bench-{i}", "agent": agents[i % len(agents)], "channel": "chat",
            "started_at": f"2026-11-{1 + i % 28:02d}T{8 + i % 10:02d}:{i % 60:02d}:00+08:00", "turns": turns}


def env_for(args, var: Path) -> dict:
    env = {**os.environ, "KEFU_VAR_DIR": str(var), "HUEY_NAME": f"qa-bench-{os.getpid()}", "DEBUG": "0"}
    env.pop("REDIS_URL", None)
    if args.database == "postgres":
        env["DATABASE_URL"] = args.pg_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit("refusing to drop a database whose name does not contain 'bench'")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/kefu_bench")
    parser.add_argument("--check-requests", type=int, default=500)
    parser.add_argument("--port", type=int, default=8151)
    parser.add_argument("--keep", action="store_true", help="keep the scratch var/ directory")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="kefu-qa-bench-"))
    env = env_for(args, var)
    if args.database == "postgres":
        fresh_postgres(args.pg_url)
    os.environ.update(env)
    for key in set(os.environ) - set(env):
        del os.environ[key]
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    print(f"database: {args.database}; conversations: {args.count:,}; scratch: {var}")
    user, agents = setup_people()
    path = var / "conversations.jsonl"
    write_file(path, args.count, agents)
    bench_import(path, user, env, args.count)
    bench_list(user, args.count)
    bench_check(user, env, args)
    if not args.keep:
        import shutil

        shutil.rmtree(var, ignore_errors=True)


def setup_people():
    from kefu.accounts.models import Department, Role
    from kefu.accounts.services import user_create

    dept = Department.objects.create(name="bench", code="bench", kind="service")
    agents = [user_create(username=f"bench_agent{i}", password="bench-pass-123", role=Role.AGENT, department=dept)
              for i in range(20)]
    qa = user_create(username="bench_qa", password="bench-pass-123", role=Role.QA, department=dept)
    return qa, [a.username for a in agents]


def write_file(path: Path, count: int, agents: list[str]) -> None:
    rng = random.Random(2026)
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps(conversation(i, rng, agents), ensure_ascii=False) + "\n")
    print(f"file: {path.stat().st_size / 1e6:.1f} MB written in {time.perf_counter() - started:.1f} s")


def bench_import(path: Path, user, env: dict, count: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kefu.qa.imports import import_start
    from kefu.qa.models import Inspection

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    job = import_start(by=user, upload=upload)
    worker = subprocess.Popen([PYTHON, "manage.py", "worker", "-w", "1"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    try:
        while True:
            time.sleep(0.5)
            job.refresh_from_db()
            if job.state in ("done", "failed"):
                break
            if worker.poll() is not None:
                sys.exit("the worker exited early")
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    inspected = Inspection.objects.filter(trigger="import").count()
    print(f"import+inspect: {job.state}, {job.imported:,} imported, {len(job.errors)} errors, {inspected:,} "
          f"inspections in {elapsed:.1f} s wall = {count / elapsed:,.0f} conversations/s (one worker process, "
          f"from its start to the job's done; includes its start-up); load {_load()}")
    print(f"  the worker process used {cpu:.1f} s CPU = {count / cpu:,.0f} conversations per CPU second (the "
          f"database server's own CPU not counted; on a loaded machine wall time is mostly waiting for a core)")
    assert inspected == count, "every conversation must be inspected once"


def _timed(call, n: int = 20) -> tuple[float, float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def bench_list(user, count: int) -> None:
    from django.test import Client

    from kefu.core.keyset import keyset_page
    from kefu.qa import selectors
    from kefu.qa.views import PAGE_SIZE, RESULT_KEYS

    client = Client()
    client.force_login(user)
    client.get("/qa/results/")  # warm-up: templates, first connection
    cursor = None
    for _ in range(49):  # the cursor of page 50, as following "next" 49 times gives it
        _rows, cursor = keyset_page(selectors.results(user), RESULT_KEYS, cursor, PAGE_SIZE)
    for label, url in [("first page", "/qa/results/"), ("page 50", f"/qa/results/?after={cursor}"),
                       ("agent + failing band", "/qa/results/?agent=bench_agent3&band=fail"),
                       ("rule FP01", "/qa/results/?rule=FP01"), ("inspector home", "/qa/")]:
        median, p95 = _timed(lambda url=url: client.get(url))
        print(f"GET {url[:60]} ({label}) over {count:,} results: median {median:.0f} ms, p95 {p95:.0f} ms server "
              f"time; load {_load()}")


def bench_check(user, env: dict, args) -> None:
    from kefu.accounts.services import token_create

    token = token_create(user=user)
    server = subprocess.Popen([PYTHON, "manage.py", "serve", "--port", str(args.port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn = _wait_for(args.port)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        texts = [t for t in AGENT_GOOD + AGENT_BAD] + ["您好，请问订单号是多少？我这边帮您查询一下物流信息"] * 3
        times = []
        for i in range(args.check_requests + 20):
            body = json.dumps({"role": "agent", "text": texts[i % len(texts)] + str(i)}, ensure_ascii=False)
            started = time.perf_counter()
            conn.request("POST", "/api/v1/qa/check", body=body.encode(), headers=headers)
            response = conn.getresponse()
            response.read()
            if i >= 20:  # the first requests warm the worker's engine cache
                times.append((time.perf_counter() - started) * 1000)
            assert response.status == 200, response.status
        times.sort()
        pct = lambda q: times[min(len(times) - 1, int(len(times) * q))]  # noqa: E731
        print(f"POST /api/v1/qa/check through `manage.py serve` on 127.0.0.1 ({len(times)} requests, keep-alive): "
              f"p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms; load {_load()}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its waited-for children, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    """The machine's load average (1, 5, 15 min) beside every figure: it is a shared 2-core machine."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _wait_for(port: int) -> http.client.HTTPConnection:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            return conn
        except OSError:
            time.sleep(0.5)
    sys.exit("the server did not start")


if __name__ == "__main__":
    main()
