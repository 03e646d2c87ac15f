"""Sidebar entries added by domain apps (complaints, calendar, QA ...) from their AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable  # (user) -> bool
    order: int = 50


NAV_ITEMS: list[NavItem] = []


def register_nav(label: str, url_name: str, allowed: Callable = lambda user: True, order: int = 50) -> None:
    if all(item.url_name != url_name for item in NAV_ITEMS):
        NAV_ITEMS.append(NavItem(label, url_name, allowed, order))
        NAV_ITEMS.sort(key=lambda item: item.order)
