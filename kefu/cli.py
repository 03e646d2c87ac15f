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
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kefu", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
