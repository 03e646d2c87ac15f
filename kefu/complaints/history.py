"""The complaint flow's facts in the work order's history (through kefu.tickets.events).

Each step writes one event ``complaint.<action>`` with params: from/to (state codes), text (what the
person wrote) and the step's own facts (method, party, department, person, satisfied). Corrections of
the record form (客户投诉处理记录表) write one ``complaint.record_corrected`` per changed field, old and
new value, so a corrected phone number or demand can be traced to who and when. The history table is
read by roles without access to personal data, so phone numbers are masked before they are written.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from kefu.accounts.models import User
from kefu.customers.masking import mask_phone
from kefu.tickets import events
from kefu.tickets.models import TicketEvent

from .models import ACTIONS, RECEIVE_LABEL, Complaint, ComplaintCategory, ComplaintState, ContactMethod, Party

CORRECTED = "complaint.record_corrected"
STEP_PREFIX = "complaint."


def step_code(action: str) -> str:
    return STEP_PREFIX + action


# ---- writing --------------------------------------------------------------------------------------


def _fact(name: str, value: object) -> object:
    """A record field's value as a fact: codes for choices (rendered as labels), masked phones."""
    if value is None or value == "":
        return ""
    if name == "contact_phone":
        return mask_phone(str(value))
    if isinstance(value, ComplaintCategory):
        return value.name
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


def record_corrections(complaint: Complaint, cleaned: dict) -> list[tuple[str, object, object]]:
    """(field, old, new) for each record field the new values change."""
    return [(name, _fact(name, getattr(complaint, name)), _fact(name, new))
            for name, new in cleaned.items() if getattr(complaint, name) != new]


def write_record_corrections(complaint: Complaint, by: User, cleaned: dict) -> list[str]:
    """Called when an already recorded form is recorded again (the first recording is the
    complaint.record step itself, whose history row carries the description)."""
    now = timezone.now()
    rows = [events.build(complaint.ticket, CORRECTED, by=by, at=now, field=name, old=old, new=new)
            for name, old, new in record_corrections(complaint, cleaned)]
    TicketEvent.objects.bulk_create(rows)
    return [row.params["field"] for row in rows]


# ---- reading ----------------------------------------------------------------------------------------


def _state(params: dict, key: str, legacy: str) -> str:
    value = params.get(key)
    if value in ComplaintState.values:
        return str(ComplaintState(value).label)
    return params.get(legacy, "")  # a label the migration could not map: shown as it was written


def _label(choices, value: object) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def _detail(action: str, params: dict) -> str:
    text = params.get("text", "")
    if action == "reply":
        return gettext("%(method)s：%(text)s") % {"method": _label(ContactMethod, params.get("method")), "text": text}
    if action == "dispatch":
        return " ".join(part for part in (params.get("department", ""), text) if part)
    if action == "assign_responsibility":
        parts = (_label(Party, params.get("party")), params.get("department", ""), params.get("person", ""))
        return " ".join(part for part in parts if part)
    if action == "receipt":
        verdict = gettext("满意") if params.get("satisfied") else gettext("不满意")
        return gettext("%(verdict)s：%(text)s") % {"verdict": verdict, "text": text} if text else verdict
    return text


def _note(action: str) -> events.Render:
    def note(params: dict) -> str:
        if "note" in params:  # migrated from the text rows: reads exactly as it did
            return params["note"]
        title = gettext(ACTIONS[action].label if action in ACTIONS else RECEIVE_LABEL)
        detail = _detail(action, params)
        return gettext("%(step)s：%(detail)s") % {"step": title, "detail": detail} if detail else title
    return note


def _corrected_field(params: dict) -> str:
    name = params.get("field", "")
    try:
        return str(Complaint._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field removed since the row was written keeps its name
        return name


def _corrected_value(key: str) -> events.Render:
    def value(params: dict) -> str:
        raw = params.get(key, "")
        try:
            choices = dict(Complaint._meta.get_field(params.get("field", "")).flatchoices)
        except Exception:  # noqa: BLE001
            choices = {}
        return str(choices.get(raw, raw)) if choices else str(raw)
    return value


def register_history() -> None:
    """Names the complaint facts in the work order's history table (from the app config)."""
    complaint = gettext_lazy("投诉")
    state = gettext_lazy("投诉状态")
    steps = {"receive": gettext_lazy("投诉·受理")}
    steps.update({name: format_lazy("{}·{}", complaint, gettext_lazy(a.label)) for name, a in ACTIONS.items()})
    for name, title in steps.items():
        events.register(step_code(name), title=title, field=state, old=lambda p: _state(p, "from", "old_text"),
                        new=lambda p: _state(p, "to", "new_text"), note=_note(name))
    events.register(CORRECTED, title=gettext_lazy("投诉·更正记录"), field_of=_corrected_field,
                    old=_corrected_value("old"), new=_corrected_value("new"))
    for code, label in REASONS.items():
        events.register_reason(code, label)


# Why a complaint step moved its work order's status (ticket.status_changed params["reason"]).
REASONS = {
    "complaint_recorded": gettext_lazy("投诉已记录"),
    "complaint_invalid": gettext_lazy("投诉不成立"),
    "complaint_archived": gettext_lazy("投诉已归档"),
}
