import re

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from kefu import policy

from .models import Customer


def customer_search(user, q: str = "") -> QuerySet[Customer]:
    """Find by name, phone (any part of the digits) or company."""
    qs = policy.visible_customers(user)
    q = (q or "").strip()
    if q:
        cond = Q(name__icontains=q) | Q(company__icontains=q)
        digits = re.sub(r"\D", "", q)
        # Looking a customer up by number would reveal whose a number is to roles that see it masked.
        if len(digits) >= 3 and policy.can_view_personal_data(user):
            cond |= Q(phones_index__contains=digits)
        qs = qs.filter(cond)
    return qs.annotate(ticket_count=Count("tickets", distinct=True)).order_by("-updated_at", "-id")


def customer_get(user, pk: int) -> Customer:
    customer = policy.visible_customers(user).filter(pk=pk).first()
    if customer is None:
        raise Http404("客户不存在或无权查看")
    return customer
