"""The supervisor's reports at department scale on PostgreSQL (issue 15: 1M work orders, 1M QA results,
~1M survey answers; every dashboard within 1 s at p95).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_big .venv/bin/python bench/reports_bench.py

Data: bench/generate.py (issue 9's 1M orders), then this issue's part added to it:
    bench/generate.py --orders 0 --qa-results 1000000 --survey-answers 1000000
Times, for the department's supervisor and a period (the last 30 days by default; --days), each
dashboard table as built for the page and the JSON (kefu.reports.tables), the summary (in process, and
GET /api/v1/reports/summary through the full stack), the dashboard page shell and each of its panel
requests (kefu/reports/panels.py: the head figures and every table, each its own request), the page built
whole in one request (?full=1, the no-JavaScript fallback), the wall view, and the monthly report (shell,
its panels, and whole). Each is run --runs times after one warm-up run; prints p50 / p95 / max in ms, the
day rollup's state (built days, rows) and the load. Nothing is written: fill the rollups first
(manage.py reports_refresh --worktime).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from kefu.accounts.models import Role, User  # noqa: E402
from kefu.reports import tables  # noqa: E402
from kefu.reports.filters import Period, build_filter  # noqa: E402
from kefu.reports.summary import summary  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up: the first run reads the pages from disk
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def line(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{name:<28} p50 {statistics.median(ordered):8.0f} ms   p95 {p95:8.0f} ms   max {ordered[-1]:8.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated table names")
    parser.add_argument("--pages-only", action="store_true", help="only the summary, the API and the pages")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("run this on PostgreSQL (DATABASE_URL=postgres://...)")
        return 1
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    supervisor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
    today = timezone.localdate()
    period = Period(today - timedelta(days=args.days - 1), today)
    f = build_filter(supervisor, period)
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM tickets_ticket), (SELECT count(*) FROM qa_inspection), "
                       "(SELECT count(*) FROM surveys_answer)")
        orders, qa, answers = cursor.fetchone()
    print(f"orders={orders} qa_results={qa} survey_answers={answers} supervisor={supervisor.username} "
          f"period={period.start}..{period.end} runs={args.runs}")
    from django.db.models import F

    from kefu.reports.models import DayFact, RollupDay

    print(f"day rollup: {RollupDay.objects.filter(built_version=F('version')).count()} days built, "
          f"{RollupDay.objects.exclude(built_version=F('version')).count()} dirty, {DayFact.objects.count()} rows")
    print(f"load average before: {os.getloadavg()}")
    names = [n for n in tables.TABLES if (not args.only or n in args.only.split(",")) and not args.pages_only]
    for name in names:
        print(line(name, timed(lambda n=name: tables.build(n, supervisor, f), args.runs)), flush=True)
    print(line("summary (in process)", timed(lambda: summary(supervisor, f), args.runs)), flush=True)
    client = Client()
    client.force_login(supervisor)
    query = {"from": period.start.isoformat(), "to": period.end.isoformat()}

    def get(url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)

    if not args.only:
        print(line("GET /api/v1/reports/summary", timed(lambda: get("/api/v1/reports/summary", **query), args.runs)))
        print(line("GET /reports/ (page shell)", timed(lambda: get("/reports/", **query), args.runs)), flush=True)
        for name in ["kpis", "kpis_previous", *tables.TABLES]:
            print(line(f"  panel {name}", timed(lambda n=name: get(f"/reports/panels/{n}/", **query), args.runs)),
                  flush=True)
        print(line("GET /reports/?full=1 (whole)", timed(lambda: get("/reports/", full="1", **query),
                                                         max(3, args.runs // 3))), flush=True)
        print(line("GET /reports/wall/", timed(lambda: get("/reports/wall/"), args.runs)), flush=True)
        last = today.replace(day=1) - timedelta(days=1)
        month = {"from": last.replace(day=1).isoformat(), "to": last.isoformat()}
        print(line("GET /reports/monthly/ (shell)", timed(lambda: get("/reports/monthly/", month=f"{last:%Y-%m}"),
                                                          args.runs)), flush=True)
        from kefu.reports.views import MONTHLY_TABLES

        for name in ["monthly_summary", "monthly_previous", *MONTHLY_TABLES]:
            extra = {} if name.startswith("monthly_") else {"print": "1"}
            print(line(f"  monthly panel {name}", timed(lambda n=name, e=extra: get(f"/reports/panels/{n}/", **month, **e),
                                                        args.runs)), flush=True)
        print(line("GET /reports/monthly/?full=1", timed(lambda: get("/reports/monthly/", month=f"{last:%Y-%m}", full="1"),
                                                         max(3, args.runs // 3))), flush=True)
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
