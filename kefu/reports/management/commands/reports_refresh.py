"""Fills or catches up the reports' rollups now, as their background jobs do in steps:

    manage.py reports_refresh             # the day rollup: every day changed since it was built, or never built
    manage.py reports_refresh --worktime  # also the working-time rollup (WorkTime), to the end
    manage.py reports_refresh --rebuild   # the day rollup from scratch (e.g. after editing past calendar days)
"""

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Fills or catches up the reports' day rollup (and, with --worktime, the working-time rollup)."

    def add_arguments(self, parser):
        parser.add_argument("--worktime", action="store_true")
        parser.add_argument("--rebuild", action="store_true", help="mark every day dirty first")

    def handle(self, *args, worktime=False, rebuild=False, **options):
        from django.db.models import F

        from kefu.reports.models import RollupDay
        from kefu.reports.rollup import rollup_refresh
        from kefu.reports.worktime import worktime_refresh

        started = time.monotonic()
        if rebuild:
            RollupDay.objects.update(version=F("version") + 1)
        days = rollup_refresh()
        self.stdout.write(f"day rollup: {days} days built in {time.monotonic() - started:.0f} s")
        if worktime:
            started, total = time.monotonic(), 0
            while n := worktime_refresh():
                total += n
                self.stdout.write(f"working times: {total} orders ({time.monotonic() - started:.0f} s)")
            self.stdout.write(f"working-time rollup: {total} orders in {time.monotonic() - started:.0f} s")
