"""Template tags every app may use; ticket tags live in kefu/tickets/templatetags/tickets.py."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced or, given "", removed (pagination keeps the
    filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in ("", None):  # an empty value drops the parameter (e.g. cursor="" back to the top)
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, key)
