"""Saved inbox views (我的视图): a name for a set of filters, per user."""

from urllib.parse import parse_qsl, urlencode

from django.db import transaction

from kefu.accounts.models import User
from kefu.core.errors import DomainError

from .models import SavedView

FILTER_KEYS = ("status", "type", "channel", "priority", "q", "sort")
MAX_VIEWS = 20


def _clean_query(query: str) -> str:
    """Only the inbox's own filters are kept, so a saved view can never carry anything else."""
    pairs = [(k, v[:100]) for k, v in parse_qsl(query.lstrip("?")) if k in ("view", *FILTER_KEYS)]
    return urlencode(pairs)


@transaction.atomic
def saved_view_save(*, user: User, name: str, query: str) -> SavedView:
    name = (name or "").strip()[:40]
    if not name:
        raise DomainError("请给视图起个名字", field="name")
    if not SavedView.objects.filter(user=user, name=name).exists() and \
            SavedView.objects.filter(user=user).count() >= MAX_VIEWS:
        raise DomainError(f"最多保存 {MAX_VIEWS} 个视图", field="name")
    view, _created = SavedView.objects.update_or_create(user=user, name=name,
                                                        defaults={"query": _clean_query(query)})
    return view


def saved_view_delete(*, user: User, pk: int) -> None:
    SavedView.objects.filter(user=user, pk=pk).delete()  # another user's view: nothing to delete
