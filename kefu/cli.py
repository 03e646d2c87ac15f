"""The `kefu` command: Django's management commands plus Kefu's own (demo, serve, worker, token, qa)."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "qa":
        # The QA engine is a pure core: no Django start-up for `kefu qa ...`.
        from kefu.qa_engine.cli import main as qa_main

        return qa_main(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    if argv and argv[0] == "serve":
        # Before the settings are read: with --workers 1 uvicorn serves from this very process, and every
        # ASGI request runs in a thread of its own, so without the pool each request opened (and leaked
        # until garbage collection) a PostgreSQL connection of its own: "too many clients" under load.
        os.environ.setdefault("KEFU_DB_POOL", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kefu", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
