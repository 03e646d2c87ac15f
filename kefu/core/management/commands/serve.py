from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serves Kefu with the production WSGI server (waitress); static files via whitenoise."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host: str, port: int, threads: int, **options) -> None:
        from waitress import serve

        from kefu.wsgi import application

        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Kefu 正在运行：http://{host}:{port}/  (Ctrl+C 停止)")
        serve(application, host=host, port=port, threads=threads, ident="kefu",
              url_scheme="https" if settings.SESSION_COOKIE_SECURE else "http")
