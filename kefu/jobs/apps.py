from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy


class JobsConfig(AppConfig):
    name = "kefu.jobs"
    label = "jobs"
    verbose_name = gettext_lazy("后台任务")

    def ready(self) -> None:
        # Handlers live in each app's tasks.py; every process (web and worker) must know every name,
        # so that enqueue() can refuse a typo and the worker can run what the web enqueued.
        autodiscover_modules("tasks")
