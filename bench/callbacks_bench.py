"""Selecting a callback campaign's targets at scale (issue 16), read-only, on a large database such as the
shared kefu_big (1M orders of bench/generate.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_big .venv/bin/python bench/callbacks_bench.py

Times, for a few saved queries over the last year's resolved orders of the largest department, the
candidate query (kefu.callbacks.selection.candidates: newest first, at most 4x the target limit) and the
exclusions that read customers (merged records, no phone); the exclusions that read the callbacks
tables (do-not-call, recent calls) are timed too when those tables exist. Nothing is written. Prints
rows and milliseconds (best of 3) with the load average, since the machine may be shared.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Max  # noqa: E402

from kefu.accounts.models import User  # noqa: E402
from kefu.callbacks import selection  # noqa: E402
from kefu.tickets.models import Ticket  # noqa: E402


def _best(fn, rounds: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000, result


def main() -> None:
    top = Ticket.objects.values("department_id").annotate(n=Count("id")).order_by("-n").first()
    department = top["department_id"]
    last = Ticket.objects.filter(department_id=department).aggregate(m=Max("resolved_at"))["m"]
    by = User.objects.filter(department_id=department, role="supervisor").first() or User.objects.first()
    tables = set(connection.introspection.table_names())
    print(f"orders in department {department}: {top['n']}; last resolved {last:%Y-%m-%d}; load {os.getloadavg()}")
    end = last.date()
    sources = [
        ("consultation, 7 days", {"kind": "resolved_orders", "types": ["consultation"],
                                 "from": (end - timedelta(days=6)).isoformat(), "to": end.isoformat()}),
        ("suggestion, 30 days", {"kind": "resolved_orders", "types": ["suggestion"],
                                 "from": (end - timedelta(days=29)).isoformat(), "to": end.isoformat()}),
        ("complaint type, 30 days", {"kind": "resolved_orders", "types": ["complaint"],
                                     "from": (end - timedelta(days=29)).isoformat(), "to": end.isoformat()}),
    ]
    for name, source in sources:
        ms, rows = _best(lambda source=source: selection.candidates(source, by=by, department_id=department))
        ids = list({c for c, _t in rows})
        kept_ms, _k = _best(lambda ids=ids: selection._kept(ids))
        phone_ms, _p = _best(lambda ids=ids: selection._without_phone(ids))
        line = (f"{name:<26} candidates {len(rows):>6} rows ({len(ids)} customers) {ms:8.1f} ms | merged {kept_ms:6.1f} ms"
                f" | no phone {phone_ms:7.1f} ms")
        if "callbacks_donotcall" in tables:
            dnc_ms, _d = _best(lambda ids=ids: selection.do_not_call_ids(ids))
            line += f" | do-not-call {dnc_ms:6.1f} ms"
        print(line)
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
