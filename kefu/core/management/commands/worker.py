import logging
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from django.utils.module_loading import autodiscover_modules


class Command(BaseCommand):
    help = ("Starts a worker: a Huey consumer that runs durable jobs (kefu.jobs) and periodic work. Run several, "
            "on several machines, against one PostgreSQL and Redis. SIGTERM finishes running jobs (up to "
            "--grace seconds) and hands back the rest; SIGINT hands them back at once.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("-w", "--workers", type=int, default=2)
        parser.add_argument("--grace", type=float, default=25.0,
                            help="seconds SIGTERM waits for running jobs before handing them back")

    def handle(self, *args, workers: int, grace: float, **options) -> None:
        from huey.contrib.djhuey import HUEY

        import kefu.periodic  # noqa: F401  (registers the periodic tasks)
        from kefu.jobs.runner import RUNNER
        from kefu.jobs.services import jobs_hand_back, jobs_sweep, ring

        autodiscover_modules("tasks")
        logger = logging.getLogger("huey")
        if not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s:%(name)s:%(message)s"))
            logger.addHandler(handler)
        options = {**settings.HUEY.get("consumer", {}), "workers": workers, "worker_type": "thread",
                   "graceful_signal": "TERM", "shutdown_timeout": grace}
        consumer = HUEY.create_consumer(**options)
        RUNNER.stop_flag = consumer.stop_flag
        # Jobs whose worker died while this one was down, and rings lost with it.
        try:
            jobs_sweep()
            ring(None)
        except DatabaseError as exc:  # not migrated yet / database restarting: the minute sweep retries
            logger.warning("start-up sweep skipped: %s", exc)
        close_old_connections()
        heartbeat = threading.Thread(target=_heartbeat, args=(consumer.stop_flag,), name="jobs-heartbeat", daemon=True)
        heartbeat.start()
        self.stdout.write(f"Kefu worker {RUNNER.worker_id}: {workers} threads on queue {HUEY.name}")
        try:
            consumer.run()
        finally:
            consumer.stop_flag.set()
            handed = jobs_hand_back()
            if handed:
                self.stdout.write(f"handed back {handed} running job(s) to the queue")
            connection.close()


def _heartbeat(stop: threading.Event) -> None:
    """Renews this process's leases every second, so that only a dead process loses its jobs."""
    from kefu.jobs.services import jobs_renew_leases

    while not stop.wait(1.0):
        try:
            jobs_renew_leases()
        except Exception:  # a database hiccup: the next beat tries again well within any lease
            logging.getLogger("kefu.jobs").exception("lease renewal failed")
        finally:
            close_old_connections()
