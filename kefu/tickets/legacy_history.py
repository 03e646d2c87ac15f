"""The one-time conversion of history rows written as display text (before events became facts).

Used by the data migrations (tickets 0003, complaints 0003) and by the test that renders the demo
data's history before and after. Frozen: it describes the old rows, so it never changes with the code.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import TextChoices
from django.utils import translation

# old action -> new code; the old (field, old_value, new_value) become params
TICKET_CODES = {
    "created": "ticket.created", "field_changed": "ticket.field_changed", "status_changed": "ticket.status_changed",
    "reopened": "ticket.reopened", "assigned": "ticket.assigned", "transferred": "ticket.transferred",
    "dispatched": "ticket.dispatched", "first_responder_changed": "ticket.first_responder_changed",
    "replied": "ticket.replied", "noted": "ticket.noted", "customer_message": "ticket.customer_message",
    "linked": "ticket.linked", "merged": "ticket.merged", "merged_from": "ticket.merged_from",
}
CORRECTION_ACTION = "complaint_record_corrected"


def label_codes(choices: type[TextChoices]) -> dict[str, str]:
    """Every label the rows may hold (in each language the installation ever ran in) -> its code."""
    found = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.update({str(choice.label): choice.value for choice in choices})
    found.update({choice.value: choice.value for choice in choices})
    return found


def _state(params: dict, key: str, value: str, codes: dict[str, str]) -> None:
    """A label that maps to a code becomes the code; anything else is kept as the text it was."""
    if not value:
        return
    if value in codes:
        params[key] = codes[value]
    else:
        params[key + "_text"] = value


def convert(action: str, field: str, old: str, new: str, note: str,
            status_codes: dict[str, str]) -> tuple[str, dict]:
    """(code, params) of an old row. Notes were free text or Chinese system text: kept verbatim, so the
    row reads as it did; complaint rows keep their state labels as text until complaints 0003 maps them."""
    params: dict = {}
    if note:
        params["note"] = note
    if action in ("status_changed", "reopened"):
        _state(params, "old", old, status_codes)
        _state(params, "new", new, status_codes)
        return TICKET_CODES[action], params
    if action == "created":
        return "ticket.created", {**params, "number": new}
    if action == "field_changed":
        return "ticket.field_changed", {**params, "field": field, "old": old, "new": new}
    if action == "linked":
        return "ticket.linked", {**params, "other": new}
    if action == "merged":
        return "ticket.merged", {**params, "into": new}
    if action == "merged_from":
        return "ticket.merged_from", {**params, "source": new}
    if action == CORRECTION_ACTION:
        return "complaint.record_corrected", {"field": field.removeprefix("complaint_"), "old": old, "new": new}
    if action.startswith("complaint_"):
        if old:
            params["old_text"] = old
        if new:
            params["new_text"] = new
        return "complaint." + action.removeprefix("complaint_"), params
    if action in TICKET_CODES:  # assigned, transferred, dispatched, first_responder_changed, messages
        if old:
            params["old"] = old
        if new:
            params["new"] = new
        return TICKET_CODES[action], params
    return action, {**params, "field": field, "old": old, "new": new}  # unknown: keep every fact
