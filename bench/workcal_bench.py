"""Deadline computations per second for the working-day calendar core, in one process.

Run: .venv/bin/python bench/workcal_bench.py [--calls N] [--seed S]
Inputs are drawn before timing so only the calendar calls are measured. Target (issue 3):
at least 100,000 add_working_days calls a second with n in 0..30 and starts over 2025-2026.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kefu.workcal.seed import china_calendar

SH = ZoneInfo("Asia/Shanghai")
SPAN_SECONDS = int((datetime(2027, 1, 1, tzinfo=SH) - datetime(2025, 1, 1, tzinfo=SH)).total_seconds())


def random_starts(rng: random.Random, count: int) -> list[datetime]:
    origin = datetime(2025, 1, 1, tzinfo=SH)
    return [origin + timedelta(seconds=rng.randrange(SPAN_SECONDS)) for _ in range(count)]


def rate(label: str, calls: int, run: Callable[[], object]) -> float:
    began = time.perf_counter()
    run()
    elapsed = time.perf_counter() - began
    per_second = calls / elapsed
    print(f"{label:<48} {per_second:>12,.0f} calls/s  ({calls:,} calls in {elapsed:.3f} s)")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20261001)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    starts = random_starts(rng, args.calls)
    ends = random_starts(rng, args.calls)
    days = [rng.randint(0, 30) for _ in range(args.calls)]
    hours = [rng.uniform(0, 120) for _ in range(args.calls)]

    began = time.perf_counter()
    cal = china_calendar([2025, 2026])
    cal.add_working_days(starts[0], 0)  # build is lazy; time the first touch of the tables separately
    for year in (2025, 2026, 2027):
        cal.end_of_business(datetime(year, 6, 1, tzinfo=SH).date())
    print(f"calendar seed + year tables for 2025-2027: {1000 * (time.perf_counter() - began):.1f} ms")

    add_days, add_hours, between = cal.add_working_days, cal.add_business_hours, cal.business_time_between
    working = rate("add_working_days (n 0..30, starts 2025-2026)", args.calls,
                   lambda: [add_days(s, n) for s, n in zip(starts, days, strict=True)])
    rate("add_business_hours (0..120 h)", args.calls,
         lambda: [add_hours(s, h) for s, h in zip(starts, hours, strict=True)])
    rate("business_time_between (random pairs)", args.calls,
         lambda: [between(a, b) for a, b in zip(starts, ends, strict=True)])
    print(f"target add_working_days >= 100,000 calls/s: {'met' if working >= 100_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
