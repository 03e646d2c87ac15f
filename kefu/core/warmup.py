"""A server process does its one-off work before it takes requests, not during its first one.

The first request a process served paid ~0.4 s of CPU on a quiet machine (1.2-3 s under load): importing
every urls module and the API's ~300 schemas, building the URL resolver's reverse map, compiling the
page's templates and loading the translation catalogs. Ten requests to the supervisor's inbox had a p50
of 56 ms and a p95 of 498 ms: the p95 was that first request (issue 9). kefu/asgi.py and kefu/wsgi.py call
warm() once per process; bench/scale_1m.py does the same before timing, as a started server would have.
"""

from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation


def warm() -> int:
    """Imports the URL configuration, builds the reverse map, compiles the project's templates and loads
    the translation catalogs; returns how many templates were compiled."""
    _populate(get_resolver())  # imports every urls module and the API's schemas
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("工单")
    return _compile_templates()


def _populate(resolver) -> None:
    """Builds the reverse map every {% url %} and reverse() reads, of each namespace too (each namespace's
    resolver builds its own on first use)."""
    resolver.reverse_dict  # noqa: B018
    for _prefix, namespaced in resolver.namespace_dict.values():
        _populate(namespaced)


def _compile_templates() -> int:
    compiled, root = 0, Path(settings.BASE_DIR).resolve()
    for backend in engines.all():
        engine = getattr(backend, "engine", None)
        if engine is None:
            continue
        for directory in map(Path, backend.template_dirs):  # DIRS and every app's templates/
            if not directory.resolve().is_relative_to(root):  # Django's and other packages' own: rarely served
                continue
            for path in sorted(directory.rglob("*.html")):
                try:
                    engine.get_template(path.relative_to(directory).as_posix())  # the cached loader keeps it
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    continue
                compiled += 1
    return compiled
