"""The ASGI entry point: `kefu serve` runs it under uvicorn with several worker processes."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
application = get_asgi_application()

from kefu.core.warmup import warm  # noqa: E402 (needs the apps loaded above)

warm()  # this process's one-off work now, not in its first request
