from django.core.management.base import BaseCommand, CommandError

from kefu.accounts.models import User
from kefu.accounts.services import token_create


class Command(BaseCommand):
    help = "API tokens. `kefu token create USERNAME` prints only the new token on stdout."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token acting as USERNAME")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        create.add_argument("--days", type=int, default=-1,
                            help="lifetime in days (default KEFU_TOKEN_DAYS); 0 = never expires")

    def handle(self, *args, action: str, username: str, name: str, days: int, **options) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        self.stdout.write(token_create(user=user, name=name, days=None if days == 0 else days))
