import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from kefu.jobs import enqueue
from kefu.jobs.models import Job, JobProbe, JobState
from kefu.jobs.services import jobs_sweep


class Command(BaseCommand):
    help = ("Durable background jobs. `kefu jobs status`: counts by state and the failed ones; "
            "`kefu jobs sweep`: return dead workers' jobs now; `kefu jobs probe -n 10`: send probe jobs "
            "through the running workers and wait for each to be done once.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["status", "sweep", "probe"])
        parser.add_argument("-n", "--count", type=int, default=5)
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, action: str, count: int, timeout: float, **options) -> None:
        if action == "sweep":
            self.stdout.write(str(jobs_sweep()))
        elif action == "status":
            for row in Job.objects.values("name", "state").annotate(n=Count("id")).order_by("name", "state"):
                self.stdout.write(f"{row['name']:<28} {row['state']:<11} {row['n']}")
            for job in Job.objects.filter(state=JobState.FAILED).order_by("-finished_at")[:10]:
                self.stdout.write(f"failed #{job.pk} {job.name} {job.payload}: {job.last_error.splitlines()[-1:]}")
        else:
            self._probe(count, timeout)

    def _probe(self, count: int, timeout: float) -> None:
        batch = uuid.uuid4().hex[:8]
        keys = [f"probe:{batch}:{i}" for i in range(count)]
        for key in keys:
            enqueue("jobs.probe", {"key": key})
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            done = JobProbe.objects.filter(key__in=keys).count()
            if done == count:
                self.stdout.write(f"{count} probe jobs done once each in {time.monotonic() - started:.2f} s")
                return
            time.sleep(0.2)
        raise CommandError(f"only {done} of {count} probe jobs done after {timeout} s: is a worker running?")
