"""Extension points for domain apps (SLA, complaints, QA ...), registered from AppConfig.ready().

- sidebar entries (register_nav),
- panels on the work-order page (register_ticket_panel),
- demo data steps run by `kefu demo` (register_demo),
- banners above pages (register_banner),
- values every page's template context needs from an app (register_context), e.g. the unread count.

core imports no domain app (tests/test_import_graph.py): apps come to it through these registries.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable  # (user) -> bool
    order: int = 50


@dataclass(frozen=True)
class TicketPanel:
    template: str
    context: Callable  # (ticket, user) -> dict | None; None hides the panel
    order: int = 50
    placement: str = "sidebar"  # "top" (above the thread) or "sidebar"


NAV_ITEMS: list[NavItem] = []
TICKET_PANELS: list[TicketPanel] = []
DEMO_STEPS: list[tuple[int, Callable]] = []
# Banners shown above pages: (template, context_fn(user, path) -> dict | None).
PAGE_BANNERS: list[tuple[str, Callable]] = []
# Nightly idempotent clean-ups of apps (core.housekeeping runs them): fn() -> None.
HOUSEKEEPING: list[Callable] = []
# Template context from apps: fn(user) -> dict, merged into every page's context for a signed-in user.
CONTEXT_HOOKS: list[Callable] = []
# Small marks next to thread messages (e.g. an e-mail reply's 待发送 / 已发送 / 发送失败):
# fn(messages) -> {message id: [Badge, ...]}, one query per provider, not per message.
MESSAGE_BADGES: list[Callable] = []


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str = ""  # "", "ok", "warn" or "bad"
    title: str = ""


def register_nav(label: str, url_name: str, allowed: Callable = lambda user: True, order: int = 50) -> None:
    if all(item.url_name != url_name for item in NAV_ITEMS):
        NAV_ITEMS.append(NavItem(label, url_name, allowed, order))
        NAV_ITEMS.sort(key=lambda item: item.order)


def register_ticket_panel(template: str, context: Callable, order: int = 50, placement: str = "sidebar") -> None:
    if all(panel.template != template for panel in TICKET_PANELS):
        TICKET_PANELS.append(TicketPanel(template, context, order, placement))
        TICKET_PANELS.sort(key=lambda panel: panel.order)


def register_demo(step: Callable, order: int = 50) -> None:
    """step(*, people: dict[str, User], customers: list[Customer], rng: random.Random, now: datetime) -> None"""
    if all(existing is not step for _o, existing in DEMO_STEPS):
        DEMO_STEPS.append((order, step))
        DEMO_STEPS.sort(key=lambda pair: pair[0])


def register_banner(template: str, context: Callable) -> None:
    """A warning above every page for the users it concerns (e.g. a calendar year with no data)."""
    if all(existing != template for existing, _fn in PAGE_BANNERS):
        PAGE_BANNERS.append((template, context))


def render_banners(user, path: str) -> list[str]:
    rendered = []
    for template, context in PAGE_BANNERS:
        data = context(user, path)
        if data is not None:
            # No request here: rendering with one would run the context processors, which render banners.
            rendered.append(render_to_string(template, data))
    return rendered


def register_housekeeping(fn: Callable) -> None:
    if fn not in HOUSEKEEPING:
        HOUSEKEEPING.append(fn)


def register_context(fn: Callable) -> None:
    if fn not in CONTEXT_HOOKS:
        CONTEXT_HOOKS.append(fn)


def page_context(user) -> dict:
    context: dict = {}
    for fn in CONTEXT_HOOKS:
        context.update(fn(user))
    return context


def render_ticket_panels(ticket, user, request) -> dict[str, list[str]]:
    rendered: dict[str, list[str]] = {"top": [], "sidebar": []}
    for panel in TICKET_PANELS:
        context = panel.context(ticket, user)
        if context is not None:
            rendered[panel.placement].append(render_to_string(panel.template, context, request=request))
    return rendered


def register_message_badges(provider: Callable) -> None:
    if provider not in MESSAGE_BADGES:
        MESSAGE_BADGES.append(provider)


def badge_messages(messages) -> list:
    """The thread as a list whose messages carry `.badges` for the template."""
    messages = list(messages)
    for message in messages:
        message.badges = []
    for provider in MESSAGE_BADGES:
        found = provider(messages)
        for message in messages:
            message.badges.extend(found.get(message.pk, []))
    return messages
