from django.urls import reverse

from .extensions import NAV_ITEMS, page_context, render_banners


def workspace(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        **page_context(user),  # unread count, role flags of the sidebar: registered by the apps
        "extra_nav": _extra_nav(user, request.path),
        "banners": render_banners(user, request.path),
    }


def _extra_nav(user, path: str) -> list[dict]:
    """Sidebar entries of domain apps; only the longest matching one is active (/complaints/analysis/
    is not also /complaints/)."""
    items = [{"label": item.label, "url": reverse(item.url_name)} for item in NAV_ITEMS if item.allowed(user)]
    matching = [item["url"] for item in items if path.startswith(item["url"])]
    best = max(matching, key=len, default=None)
    for item in items:
        item["active"] = item["url"] == best
    return items
