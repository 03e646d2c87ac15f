"""Slow and idle connections against a running `kefu serve` (issue 9: 100 idle sockets froze waitress).

Run:  .venv/bin/python bench/slow_clients.py [--url http://127.0.0.1:8120] [--sockets 100] [--seconds 10]

Opens --sockets connections that each send half a request header and then nothing, keeps them open,
and meanwhile sends ordinary GET /login/ requests one after another for --seconds; prints their
latencies (max must stay under 1 s), then closes everything. Loopback only; bounded in count and time.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from httpclient import loopback_only, percentile  # noqa: E402


def hold_idle_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(f"GET /login/ HTTP/1.1\r\nHost: {host}\r\nUser-Agent: slow".encode())  # never finished
        sockets.append(sock)
    return sockets


def measure(url: str, seconds: float) -> list[float]:
    latencies = []
    until = time.monotonic() + seconds
    while time.monotonic() < until and len(latencies) < 10_000:
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            assert response.status == 200, response.status
        latencies.append(time.perf_counter() - started)
    return latencies


def run(url: str, sockets: int, seconds: float) -> dict:
    host, port = loopback_only(url)
    measure(f"{url.rstrip('/')}/login/", 1.0)  # warm every server process (first request loads templates)
    idle = hold_idle_sockets(host, port, sockets)
    try:
        time.sleep(0.5)
        latencies = measure(f"{url.rstrip('/')}/login/", seconds)
        still_open = sum(1 for s in idle if _open(s))
    finally:
        for sock in idle:
            sock.close()
    return {"requests": len(latencies), "p50": percentile(latencies, .5), "p99": percentile(latencies, .99),
            "max": max(latencies), "slowest": sorted(latencies)[-5:],
            "idle_open": still_open}


def _open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True  # nothing to read and not closed: still held by the server
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8120")
    parser.add_argument("--sockets", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    if not 1 <= args.sockets <= 1000 or not 0 < args.seconds <= 120:
        raise SystemExit("bounded: 1-1000 sockets, at most 120 s")
    result = run(args.url, args.sockets, args.seconds)
    print(f"{args.sockets} idle half-sent sockets held ({result['idle_open']} still open at the end); "
          f"{result['requests']} normal requests meanwhile: p50 {result['p50']*1000:.0f} ms, "
          f"p99 {result['p99']*1000:.0f} ms, max {result['max']*1000:.0f} ms (target < 1000 ms)")
    return 0 if result["max"] < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
