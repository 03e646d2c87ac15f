import re

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
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
    # Count only the orders this user may see (another team's orders are not theirs to know about).
    visible = (policy.visible_tickets(user).filter(customer=OuterRef("pk")).order_by()
               .values("customer").annotate(n=Count("id")).values("n"))
    return qs.annotate(ticket_count=Coalesce(Subquery(visible), 0)).order_by("-updated_at", "-id")


def customer_get(user, pk: int) -> Customer:
    customer = policy.visible_customers(user).filter(pk=pk).first()
    if customer is None:
        raise Http404("客户不存在或无权查看")
    return customer
