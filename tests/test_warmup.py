"""A server process compiles its templates and builds its URL map before its first request (issue 9: the
first inbox request of a process cost ~0.4 s of CPU, the p95 of ten)."""

from django.template import engines

from kefu.core.warmup import warm


def test_warm_compiles_the_project_templates_once_for_the_cached_loader():
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    assert "tickets/inbox.html" not in loader.get_template_cache
    compiled = warm()
    assert compiled >= 50 and "tickets/inbox.html" in loader.get_template_cache
    assert not any(name.startswith("admin/") for name in loader.get_template_cache)  # only the project's


def test_the_server_entry_points_warm_up_when_imported():
    import kefu.asgi
    import kefu.wsgi

    assert callable(kefu.asgi.application) and callable(kefu.wsgi.application)
