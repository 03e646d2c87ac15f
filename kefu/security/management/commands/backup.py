from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kefu.security.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database, the attachments and the generated secret key into one .tar.gz archive."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", help="archive path (default: kefu-backup-YYYYmmdd-HHMMSS.tar.gz)")

    def handle(self, *args, output: str | None, **options) -> None:
        path = Path(output or f"kefu-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"{path}: {manifest['engine']}, {len(manifest['tables'])} tables, {rows} rows"
                          f"{', secret key' if manifest.get('secret_key') else ''}")
