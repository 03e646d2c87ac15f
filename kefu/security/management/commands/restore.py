import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.security.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = "Restore a `kefu backup` archive over the configured database, attachments and secret key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="replace the current data without asking")

    def handle(self, *args, archive: str, yes: bool, **options) -> None:
        path = Path(archive)
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            manifest = read_manifest(path)
        except (BackupError, OSError, ValueError, KeyError, tarfile.TarError) as exc:
            raise CommandError(f"{path} is not a kefu backup: {exc}") from exc
        if not yes:
            raise CommandError(f"restoring replaces the current data with the backup of {manifest['created_at']}; "
                               "stop the server and worker, then run again with --yes")
        try:
            restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {path} ({manifest['created_at']}): row counts match the backup")
