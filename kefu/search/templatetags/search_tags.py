from django import template
from django.utils.safestring import SafeString, mark_safe

from kefu.search.text import highlight as _highlight

register = template.Library()


@register.filter
def highlight(text: str, words) -> SafeString:
    """{{ ticket.subject|highlight:search_words }}: escaped text with the query's words in <mark>."""
    return mark_safe(_highlight(str(text or ""), list(words or ())))  # noqa: S308 - _highlight escapes


@register.filter
def snippet(text: str, words) -> SafeString:
    """A short window of a long text around the first match, marked like `highlight`."""
    return mark_safe(_highlight(str(text or ""), list(words or ()), limit=80))  # noqa: S308
