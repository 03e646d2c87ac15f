import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
application = get_wsgi_application()

from kefu.core.warmup import warm  # noqa: E402 (needs the apps loaded above)

warm()  # this process's one-off work now, not in its first request
