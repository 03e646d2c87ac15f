import re

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from kefu import policy
from kefu.search import index as search

from .models import Customer, CustomerPhone
from .phones import looks_like_phone

PHONE_MATCHES = 200  # customers a phone query may name (a tail of four digits names many)


def customer_search(user, q: str = "") -> QuerySet[Customer]:
    """Find by name, phone (any part of the digits) or company."""
    qs = policy.visible_customers(user).filter(merged_into__isnull=True)
    q = (q or "").strip()
    ranked: list[int] = []
    if q:
        plan = search.plan_query(q)
        if plan.terms:  # name, company, region, tags and notes through the full-text index
            ranked = search.rank("customer", plan, within=qs)
            cond = Q(pk__in=ranked)
        else:  # one character: a substring of the newest customers (search.SUBSTRING_WINDOW)
            newest, _cut = search.newest_rows(qs)
            cond = Q(pk__in=newest.filter(Q(name__icontains=plan.substring) | Q(company__icontains=plan.substring))
                     .values("pk"))
        by_phone = customers_by_phone(user, q)
        if by_phone is not None:
            cond |= Q(pk__in=by_phone)
        qs = qs.filter(cond)
    # Count only the orders this user may see (another team's orders are not theirs to know about).
    visible = (policy.visible_tickets(user).filter(customer=OuterRef("pk")).order_by()
               .values("customer").annotate(n=Count("id")).values("n"))
    qs = qs.annotate(ticket_count=Coalesce(Subquery(visible), 0))
    if ranked:
        return qs.order_by(search.rank_order(ranked, '"customers_customer"."id"').asc(), "-updated_at", "-id")
    return qs.order_by("-updated_at", "-id")


def customers_by_phone(user, q: str) -> list[int] | None:
    """Ids of the customers a query names by phone, or None when it is not a number.

    A whole number (135 7744 6522, +86 135-7744-6522) is an indexed look-up in the phone table; a part
    of a number (three digits or more, e.g. the last four) is a substring match over the digits. A list,
    not a subquery: `customer_id IN (1, 2)` lets PostgreSQL combine indexes where a subquery inside an OR
    made it read every order. Not for roles that see numbers masked: finding a customer by number
    would tell them whose number it is."""
    if not policy.can_view_personal_data(user):
        return None
    number = looks_like_phone(q)
    if number:
        exact = list(CustomerPhone.objects.filter(number=number).values_list("customer_id", flat=True)[:PHONE_MATCHES])
        if exact:
            return exact
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 3 and len(digits) == len(re.sub(r"[\s\-+()]", "", q)):
        return list(Customer.objects.filter(phones_index__contains=digits).values_list("pk", flat=True)[:PHONE_MATCHES])
    return None


def customer_get(user, pk: int) -> Customer:
    customer = policy.visible_customers(user).filter(pk=pk).first()
    if customer is None:
        raise Http404("客户不存在或无权查看")
    return customer
