"""The ASGI entry point: `kefu serve` runs it under uvicorn with several worker processes, each serving
ordinary requests on a fixed pool of threads and streams on its event loop (kefu/core/asgi_threads.py)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
django.setup(set_prefix=False)

from kefu.core.asgi_threads import ThreadedApplication  # noqa: E402 (needs the apps loaded above)
from kefu.core.warmup import warm  # noqa: E402

application = ThreadedApplication()

warm()  # this process's one-off work now, not in its first request
