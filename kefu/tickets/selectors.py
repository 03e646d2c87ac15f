"""Reads of work orders, always through the permission policy."""


import re

from django.db.models import F, Q, QuerySet
from django.http import Http404

from kefu import policy
from kefu.accounts.models import User
from kefu.core.keyset import Key
from kefu.customers.phones import looks_like_phone
from kefu.customers.selectors import customers_by_phone
from kefu.search import index as search
from kefu.search import text as search_text

from . import drill as drilldown
from . import events
from .models import (
    ACTIVE_STATUSES,
    PRIORITY_RANK,
    STATUS_RANK,
    Channel,
    Message,
    Priority,
    Status,
    Ticket,
    TicketType,
)

INBOX_VIEWS = ("mine", "team", "unassigned", "all")
SORTS = {
    # Orders without a running clock go last whatever the database's NULL ordering.
    "due": (F("due_at").asc(nulls_last=True), "-created_at"),
    "-due": (F("due_at").desc(nulls_last=True), "-created_at"),
    "created": ("created_at",),
    "-created": ("-created_at",),
    "updated": ("-updated_at",),
    "priority": (PRIORITY_RANK.asc(), "-created_at"),  # urgent first
    "-priority": (PRIORITY_RANK.desc(), "-created_at"),
    "status": (STATUS_RANK.asc(), "-created_at"),  # in the order of the work: new first
    "-status": (STATUS_RANK.desc(), "-created_at"),
    "number": ("number",),
    "-number": ("-number",),
}


# The same orders as SORTS with the id as the last tie-breaker: what keyset (cursor) paging walks.
KEYSETS = {
    "due": [Key("due_at", nulls_last=True), Key("created_at", descending=True), Key("id", descending=True)],
    "-due": [Key("due_at", descending=True, nulls_last=True), Key("created_at", descending=True),
             Key("id", descending=True)],
    "created": [Key("created_at"), Key("id")],
    "-created": [Key("created_at", descending=True), Key("id", descending=True)],
    "updated": [Key("updated_at", descending=True), Key("id", descending=True)],
    # ranks, not the stored words: "high" < "low" < "normal" < "urgent" alphabetically
    "priority": [Key("priority_rank", expression=PRIORITY_RANK), Key("created_at", descending=True),
                 Key("id", descending=True)],
    "-priority": [Key("priority_rank", descending=True, expression=PRIORITY_RANK),
                  Key("created_at", descending=True), Key("id", descending=True)],
    "status": [Key("status_rank", expression=STATUS_RANK), Key("created_at", descending=True),
               Key("id", descending=True)],
    "-status": [Key("status_rank", descending=True, expression=STATUS_RANK), Key("created_at", descending=True),
                Key("id", descending=True)],
    "number": [Key("number"), Key("id")],
    "-number": [Key("number", descending=True), Key("id", descending=True)],
}


def ticket_list(
    user: User,
    *,
    view: str = "all",
    status: str = "",
    type: str = "",
    channel: str = "",
    priority: str = "",
    q: str = "",
    sort: str = "",
    customer_id: int | None = None,
    active_only: bool = False,
    drill: drilldown.Drill | None = None,
) -> QuerySet[Ticket]:
    qs = policy.visible_tickets(user).select_related(
        "customer", "assignee", "first_responder", "team", "department", "dispatched_to"
    )
    if view == "mine":
        qs = qs.filter(Q(assignee=user) | Q(first_responder=user))
    elif view == "team":
        qs = qs.filter(team_id=user.team_id) if user.team_id else qs.none()
    elif view == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    elif active_only:
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    if type in TicketType.values:
        qs = qs.filter(type=type)
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    if priority in Priority.values:
        qs = qs.filter(priority=priority)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if drill:  # the list behind a report figure (kefu.tickets.drill)
        qs = drilldown.apply(qs, drill)
    if q:
        qs, ranked, capped = _search(user, qs, q)
        if ranked and sort in ("", "relevance"):
            return _capped(qs.order_by(_rank_order(ranked), *SORTS["-created"]), capped)
        return _capped(qs.order_by(*SORTS.get(sort, SORTS["due"])), capped)
    return qs.order_by(*SORTS.get(sort, SORTS["due"]))


def _capped(qs: QuerySet[Ticket], how: str) -> QuerySet[Ticket]:
    """Marks a search result that may leave matches out (read with search_capped()): "ranked" when the
    full-text match stopped at RANK_LIMIT, "recent" when a one-character query read only the newest orders."""
    qs.search_capped = how
    return qs


def search_capped(qs: QuerySet[Ticket]) -> str:
    """"" when ticket_list() returned every match; else why not ("ranked" or "recent")."""
    return getattr(qs, "search_capped", "")


def _search(user: User, qs: QuerySet[Ticket], q: str) -> tuple[QuerySet[Ticket], list[int] | None, str]:
    """Orders matching a query: by full-text (number, subject, every message) ranked best first, by
    exact order number, by the customer's name or phone. A one-character query is a substring match
    over the newest orders (search.SUBSTRING_WINDOW). Returns the ranked ids (None when the query was
    too short to rank) and whether matches may have been left out ("", "ranked" or "recent")."""
    q = q.strip()
    direct = _direct_lookup(user, qs, q)
    if direct is not None:
        return direct, None, ""
    plan = search.plan_query(q)
    if plan.empty:
        return qs, None, ""
    if not plan.terms:
        recent, cut = search.newest_rows(qs)
        return recent.filter(Q(number__icontains=plan.substring) | Q(subject__icontains=plan.substring)
                             | Q(customer__name__icontains=plan.substring)), None, "recent" if cut else ""
    ranked = search.rank("ticket", plan, within=qs)
    cond = Q(pk__in=ranked) | Q(number=q.upper())
    customers = search.rank("customer", plan, limit=200, title_only=True)  # by name or company
    if customers:
        cond |= Q(customer_id__in=customers)
    by_phone = customers_by_phone(user, q)  # call centres look orders up by the caller's number
    if by_phone is not None:
        cond |= Q(customer_id__in=by_phone)
    return qs.filter(cond), ranked, "ranked" if len(ranked) >= search.RANK_LIMIT else ""


ORDER_NUMBER = re.compile(r"GD\d{9,}")


def _direct_lookup(user: User, qs: QuerySet[Ticket], q: str) -> QuerySet[Ticket] | None:
    """A whole order number or a whole phone number that names something is answered by its index alone
    (the unique order number, the phone table), without ranking the full-text index: a caller's number
    or an order number read out on the phone is the desk's commonest search, and at a million orders the
    ranked full-text read cost seconds. None when the query is neither, or names nothing: then the full
    search runs (the digits may still appear in a message)."""
    number = q.upper()
    if ORDER_NUMBER.fullmatch(number):
        return qs.filter(number=number) if Ticket.objects.filter(number=number).exists() else None
    if looks_like_phone(q):
        customers = customers_by_phone(user, q)
        if customers:
            return qs.filter(customer_id__in=customers)
    return None


def _rank_order(ranked: list[int]):
    """Full-text matches in rank order, then the others (matched by customer or number)."""
    return search.rank_order(ranked, '"tickets_ticket"."id"').asc()


def ticket_get(user: User, number: str) -> Ticket:
    """The work order if the user may see it; 404 otherwise, so existence itself stays private."""
    ticket = (
        policy.visible_tickets(user)
        .select_related("customer", "assignee", "first_responder", "team", "department", "dispatched_to",
                        "merged_into")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404("工单不存在或无权查看")
    return ticket


def ticket_thread(user: User, ticket: Ticket, *, include_notes: bool = True):
    qs = ticket.messages.select_related("author").prefetch_related("attachments")
    if not include_notes:
        qs = qs.exclude(kind="note")
    return qs


def ticket_history(ticket: Ticket) -> list[events.Line]:
    """The order's history as lines in the active language, newest first."""
    return events.lines(events.of_ticket(ticket))


def ticket_snippets(tickets: list[Ticket], words: tuple[str, ...]) -> dict[int, str]:
    """For a page of search results: the first message of each order that holds a searched word, for
    orders whose subject does not (so the reader sees why the order matched)."""
    wanted = [t.pk for t in tickets if words and not search_text.first_match([t.subject], words)]
    found: dict[int, str] = {}
    if not wanted:
        return found
    bodies: dict[int, list[str]] = {}
    for ticket_id, body in Message.objects.filter(ticket_id__in=wanted).order_by("created_at", "id").values_list(
            "ticket_id", "body"):
        bodies.setdefault(ticket_id, []).append(body)
    for ticket_id, texts in bodies.items():
        match = search_text.first_match(texts, words)
        if match:
            found[ticket_id] = match
    return found
