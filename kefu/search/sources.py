"""What is searchable: work orders (number, subject, every message), customers and complaints.

Kept up to date from model signals (so every write path, services and demo data alike, is covered)
and rebuilt from scratch by `kefu search_rebuild`.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models.signals import post_delete, post_save

from kefu.complaints.models import Complaint
from kefu.customers.models import Customer
from kefu.tickets.models import Message, Ticket

from .index import document_append, document_delete, document_put
from .models import Document
from .text import index_text, index_text_many

TICKET, CUSTOMER, COMPLAINT = "ticket", "customer", "complaint"
COMPLAINT_TEXT_FIELDS = (
    "object_detail", "place", "description", "demand", "key_quotes", "cause", "solution",
    "customer_response", "implementation", "result_report", "root_cause", "improvement", "invalid_reason",
)


def ticket_title(ticket: Ticket) -> str:
    return f"{ticket.number} {ticket.subject}"


def customer_texts(customer: Customer) -> tuple[str, str]:
    # Phones and e-mail are not put in the text index: roles that see them masked must not find a
    # customer by them. Phone lookups go through the customers app's indexed phone table.
    body = " ".join([customer.region, " ".join(customer.tags or []), customer.notes, customer.department])
    return f"{customer.name} {customer.company}", body


def complaint_texts(complaint: Complaint) -> tuple[str, str]:
    ticket = complaint.ticket
    body = " ".join(getattr(complaint, field) or "" for field in COMPLAINT_TEXT_FIELDS)
    return f"{ticket.number} {ticket.subject}", body


def _ticket_saved(sender, instance: Ticket, created: bool, update_fields=None, **kwargs) -> None:
    # Every work-order save passes here, so each path is at most one query (creating an order is
    # counted: tests/test_create_path.py).
    if kwargs.get("raw") or (created and instance.number.startswith("TMP")):
        return  # ticket_create saves the real number next
    if update_fields is not None and not {"number", "subject"} & set(update_fields):
        return
    title = index_text(ticket_title(instance))
    if created or (update_fields is not None and "subject" not in update_fields):
        # A new order, or its number being set: write the title whether or not a row exists (upsert).
        Document.objects.bulk_create([Document(kind=TICKET, object_id=instance.pk, title=title)],
                                     update_conflicts=True, unique_fields=["kind", "object_id"],
                                     update_fields=["title"])
        return
    changed = Document.objects.filter(kind=TICKET, object_id=instance.pk).exclude(title=title).update(title=title)
    if changed:
        complaint = Complaint.objects.filter(ticket=instance).first()
        if complaint is not None:  # a complaint is found by its order's number and subject too
            _complaint_saved(Complaint, complaint)


def _message_saved(sender, instance: Message, created: bool, **kwargs) -> None:
    if created and not kwargs.get("raw"):
        document_append(kind=TICKET, object_id=instance.ticket_id, body=instance.body)


def _customer_saved(sender, instance: Customer, **kwargs) -> None:
    if not kwargs.get("raw"):
        title, body = customer_texts(instance)
        document_put(kind=CUSTOMER, object_id=instance.pk, title=title, body=body)


def _complaint_saved(sender, instance: Complaint, created: bool = False, **kwargs) -> None:
    if not kwargs.get("raw"):
        title, body = complaint_texts(instance)
        document_put(kind=COMPLAINT, object_id=instance.pk, title=title, body=body)


def _deleted(kind: str):
    def handler(sender, instance, **kwargs) -> None:
        document_delete(kind=kind, object_id=instance.pk)
    return handler


_on_ticket_deleted, _on_customer_deleted, _on_complaint_deleted = (
    _deleted(TICKET), _deleted(CUSTOMER), _deleted(COMPLAINT))


def connect() -> None:
    uid = "kefu.search"
    post_save.connect(_ticket_saved, sender=Ticket, dispatch_uid=f"{uid}.ticket")
    post_save.connect(_message_saved, sender=Message, dispatch_uid=f"{uid}.message")
    post_save.connect(_customer_saved, sender=Customer, dispatch_uid=f"{uid}.customer")
    post_save.connect(_complaint_saved, sender=Complaint, dispatch_uid=f"{uid}.complaint")
    post_delete.connect(_on_ticket_deleted, sender=Ticket, dispatch_uid=f"{uid}.ticket.delete")
    post_delete.connect(_on_customer_deleted, sender=Customer, dispatch_uid=f"{uid}.customer.delete")
    post_delete.connect(_on_complaint_deleted, sender=Complaint, dispatch_uid=f"{uid}.complaint.delete")


# -- rebuild ---------------------------------------------------------------------------------------

def _ticket_documents(batch: list[Ticket]) -> Iterator[Document]:
    bodies: dict[int, list[str]] = {t.pk: [] for t in batch}
    for ticket_id, body in (Message.objects.filter(ticket_id__in=bodies).order_by("created_at", "id")
                            .values_list("ticket_id", "body")):
        bodies[ticket_id].append(body)
    for ticket in batch:
        yield Document(kind=TICKET, object_id=ticket.pk, title=index_text_many([ticket.number, ticket.subject]),
                       body=index_text_many(bodies[ticket.pk]))


def _batches(qs, size: int) -> Iterator[list]:
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def rebuild(*, batch_size: int = 1000, progress=None) -> dict[str, int]:
    """Re-indexes everything from the source tables (after an import, an upgrade or a restore)."""
    counts = {TICKET: 0, CUSTOMER: 0, COMPLAINT: 0}
    sources = [
        (TICKET, Ticket.objects.only("pk", "number", "subject"), _ticket_documents),
        (CUSTOMER, Customer.objects.all(),
         lambda batch: (Document(kind=CUSTOMER, object_id=c.pk, **_tokens(customer_texts(c))) for c in batch)),
        (COMPLAINT, Complaint.objects.select_related("ticket"),
         lambda batch: (Document(kind=COMPLAINT, object_id=c.pk, **_tokens(complaint_texts(c))) for c in batch)),
    ]
    for kind, qs, build in sources:
        Document.objects.filter(kind=kind).delete()
        for batch in _batches(qs, batch_size):
            Document.objects.bulk_create(list(build(batch)))
            counts[kind] += len(batch)
            if progress:
                progress(kind, counts[kind])
    return counts


def reindex_tickets(qs, *, batch_size: int = 500) -> int:
    """Writes these orders' documents anew from their rows (after a bulk update that bypassed the signals)."""
    return _upsert(_batches(qs.only("pk", "number", "subject"), batch_size), _ticket_documents)


def reindex_complaints(qs, *, batch_size: int = 500) -> int:
    return _upsert(_batches(qs.select_related("ticket"), batch_size),
                   lambda batch: (Document(kind=COMPLAINT, object_id=c.pk, **_tokens(complaint_texts(c)))
                                  for c in batch))


def _upsert(batches, build) -> int:
    count = 0
    for batch in batches:
        Document.objects.bulk_create(list(build(batch)), update_conflicts=True, unique_fields=["kind", "object_id"],
                                     update_fields=["title", "body"])
        count += len(batch)
    return count


def _tokens(texts: tuple[str, str]) -> dict[str, str]:
    return {"title": index_text(texts[0]), "body": index_text(texts[1])}
