from django.core.management.base import BaseCommand
from django.db import transaction

from kefu.search.sources import rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index of work orders, customers and complaints"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options) -> None:
        def progress(kind: str, n: int) -> None:
            if n % (batch_size * 20) == 0:
                self.stdout.write(f"{kind}: {n}")

        with transaction.atomic():  # searches see the old index until the new one is complete
            counts = rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(", ".join(f"{kind}: {n}" for kind, n in counts.items()))
