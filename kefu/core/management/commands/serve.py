import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def default_workers() -> int:
    # Each process answers on a few threads (kefu/core/asgi_threads.py), but the GIL runs one of them at a
    # time: processes, not threads, use the cores.
    return int(os.environ.get("KEFU_WEB_WORKERS") or max(2, (os.cpu_count() or 1) * 2))


class Command(BaseCommand):
    help = ("Serves Kefu with uvicorn (ASGI) in several worker processes; static files via whitenoise. "
            "Idle or slow connections cost a socket, not a worker. Put nginx in front (deploy/nginx/).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("KEFU_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("KEFU_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=None, help="processes (default: 2 per core, "
                            "or KEFU_WEB_WORKERS)")
        parser.add_argument("--threads", type=int, default=None, help="request threads per process (default 4, "
                            "or KEFU_WEB_THREADS)")
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host: str, port: int, workers: int | None, threads: int | None, no_collectstatic: bool,
               **options) -> None:
        import uvicorn

        workers = workers or default_workers()
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if threads is not None:
            if threads < 1:
                raise CommandError("--threads must be at least 1")
            os.environ["KEFU_WEB_THREADS"] = str(threads)  # the worker processes read it
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        # Each process keeps a small pool of PostgreSQL connections instead of opening one per request (the
        # worker processes read the settings anew; `kefu serve` sets it before this process reads them).
        os.environ.setdefault("KEFU_DB_POOL", "true")
        self.stdout.write(f"Kefu 正在运行：http://{host}:{port}/  ({workers} 个进程，Ctrl+C 停止)")
        self.stdout.flush()
        uvicorn.run("kefu.asgi:application", host=host, port=port, workers=workers, lifespan="off",
                    proxy_headers=True, forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                    timeout_keep_alive=5, timeout_graceful_shutdown=20, server_header=False,
                    access_log=settings.DEBUG, log_level="info")
