"""Audit rows for corrections of the record form (客户投诉处理记录表): one work-order history row per
changed field, old and new value, so a corrected phone number or demand can be traced to who and when.

The history table is read by roles without access to personal data, so phone numbers are masked here.
"""

from datetime import datetime

from django.utils import timezone, translation

from kefu.accounts.models import User
from kefu.customers.masking import mask_phone
from kefu.tickets.models import TicketEvent

from .models import Complaint, ComplaintCategory

CORRECTION_ACTION = "complaint_record_corrected"
FIELD_PREFIX = "complaint_"  # TicketEvent.field: complaint_<record field>, distinct from the order's own fields


def _display(name: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if name == "contact_phone":
        return mask_phone(str(value))
    if isinstance(value, ComplaintCategory):
        return value.name
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    choices = dict(Complaint._meta.get_field(name).flatchoices)
    with translation.override("zh-hans"):  # audit rows are stored text, Chinese like the rest of the record
        return str(choices.get(value, value))


def record_corrections(complaint: Complaint, cleaned: dict) -> list[tuple[str, str, str]]:
    """(field, old, new) for each record field the new values change."""
    return [(name, _display(name, getattr(complaint, name)), _display(name, new))
            for name, new in cleaned.items() if getattr(complaint, name) != new]


def write_record_corrections(complaint: Complaint, by: User, cleaned: dict) -> int:
    """Called when an already recorded form is recorded again (the first recording is the
    complaint_record step itself, whose history row carries the description)."""
    now = timezone.now()
    rows = [TicketEvent(ticket=complaint.ticket, actor=by, action=CORRECTION_ACTION, field=FIELD_PREFIX + name,
                        old_value=old, new_value=new, created_at=now)
            for name, old, new in record_corrections(complaint, cleaned)]
    TicketEvent.objects.bulk_create(rows)
    return len(rows)


def history_field_labels(names: tuple[str, ...]) -> dict[str, object]:
    """Labels for the work order's history table (registered by the app config)."""
    # verbose names are lazy: kept lazy so the table shows them in the reader's language
    return {FIELD_PREFIX + name: Complaint._meta.get_field(name).verbose_name for name in names}
