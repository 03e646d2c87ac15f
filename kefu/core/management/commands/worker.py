from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Starts a Huey consumer (background and periodic work). Run several, on several machines, with Redis."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-w", "--workers", type=int, default=2)

    def handle(self, *args, workers: int, **options) -> None:
        import kefu.periodic  # noqa: F401  (registers the periodic tasks)

        call_command("run_huey", workers=workers, worker_type="thread")
