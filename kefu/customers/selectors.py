import re

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from kefu import policy
from kefu.search import index as search

from .models import Customer


def customer_search(user, q: str = "") -> QuerySet[Customer]:
    """Find by name, phone (any part of the digits) or company."""
    qs = policy.visible_customers(user)
    q = (q or "").strip()
    ranked: list[int] = []
    if q:
        plan = search.plan_query(q)
        if plan.terms:  # name, company, region, tags and notes through the full-text index
            ranked = search.rank("customer", plan, within=qs)
            cond = Q(pk__in=ranked)
        else:
            cond = Q(name__icontains=plan.substring) | Q(company__icontains=plan.substring)
        digits = re.sub(r"\D", "", q)
        # Looking a customer up by number would reveal whose a number is to roles that see it masked.
        if len(digits) >= 3 and policy.can_view_personal_data(user):
            cond |= Q(phones_index__contains=digits)
        qs = qs.filter(cond)
    # Count only the orders this user may see (another team's orders are not theirs to know about).
    visible = (policy.visible_tickets(user).filter(customer=OuterRef("pk")).order_by()
               .values("customer").annotate(n=Count("id")).values("n"))
    qs = qs.annotate(ticket_count=Coalesce(Subquery(visible), 0))
    if ranked:
        best = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked)], default=Value(len(ranked)),
                    output_field=IntegerField())
        return qs.order_by(best.asc(), "-updated_at", "-id")
    return qs.order_by("-updated_at", "-id")


def customer_get(user, pk: int) -> Customer:
    customer = policy.visible_customers(user).filter(pk=pk).first()
    if customer is None:
        raise Http404("客户不存在或无权查看")
    return customer
