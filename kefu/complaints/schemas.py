"""Typed request bodies of the complaint API: the fields of the pages' forms (kefu/complaints/forms.py), with
their coded values as enums. A field left out keeps the form's default; "" is "not given", as on the page.
tests/test_api_complaint_schemas.py checks that every form field has its place here."""

from ninja import Field, Schema

from kefu.core.schema import choice_enum
from kefu.tickets.models import Channel

from .models import ACTIONS, ContactMethod, Emotion, ObjectKind, Party, Severity, Source

ComplaintAction = choice_enum("ComplaintAction", ACTIONS, blank=False)
SourceChoice = choice_enum("ComplaintSourceChoice", Source.values)
ObjectKindChoice = choice_enum("ObjectKindChoice", ObjectKind.values)
EmotionChoice = choice_enum("EmotionChoice", Emotion.values)
SeverityChoice = choice_enum("SeverityChoice", Severity.values)
PartyChoice = choice_enum("PartyChoice", Party.values)
ContactMethodChoice = choice_enum("ContactMethodChoice", ContactMethod.values)

WHEN = "local date and time: 2026-09-30 16:00 (or 2026-09-30T16:00, seconds optional); empty = not given"
ID = "an id from the matching reference list"


class ComplaintRecordIn(Schema):
    """客户投诉处理记录表: the record form (`record` when filing, and the `record` action)."""

    contact_name: str | None = None
    contact_phone: str | None = None
    source: SourceChoice | None = None
    account_manager: str | None = Field(None, description="required when source is account_manager")
    object_kind: ObjectKindChoice | None = None
    object_detail: str | None = None
    description: str | None = None
    happened_at: str | None = Field(None, description=WHEN)
    place: str | None = None
    demand: str | None = None
    emotion: EmotionChoice | None = None
    key_quotes: str | None = None
    category: int | None = Field(None, description=ID + " (/api/v1/complaint-categories)")
    severity: SeverityChoice | None = None


class ComplaintActionIn(ComplaintRecordIn):
    """The body of POST /complaints/{number}/actions/{action}: the fields of that step's form (the others are
    ignored). reject: reason, explained_how, explained_at · dispatch: department, note · reply: method, note,
    replied_at · analyse: cause · assign_responsibility: party, department, person · propose: solution ·
    approve / send_back: comment · notify_customer: method, notified_at, customer_response · implement:
    implementation · report: result · receipt: satisfied, comment · archive: nothing · summarise: root_cause,
    improvement, owner · record: the record form."""

    reason: str | None = None
    explained_how: ContactMethodChoice | None = None
    explained_at: str | None = Field(None, description=WHEN)
    department: int | None = Field(None, description=ID + " (/api/v1/departments?kind=responsible)")
    note: str | None = None
    method: ContactMethodChoice | None = None
    replied_at: str | None = Field(None, description=WHEN)
    cause: str | None = None
    party: PartyChoice | None = None
    person: str | None = None
    solution: str | None = None
    comment: str | None = None
    notified_at: str | None = Field(None, description=WHEN)
    customer_response: str | None = None
    implementation: str | None = None
    result: str | None = None
    satisfied: bool | None = None
    root_cause: str | None = None
    improvement: str | None = None
    owner: str | None = None


class ComplaintIn(Schema):
    customer_id: int | None = Field(None, description="existing customer; or give `ticket` instead")
    ticket: str | None = Field(None, description="number of an existing work order of type complaint")
    subject: str = ""
    channel: Channel = Channel.PHONE
    record: ComplaintRecordIn | None = Field(None, description="record-form fields; when given the complaint is "
                                             "recorded at once (see the `record` action)")
    source: Source = Source.DIRECT
    account_manager: str = ""


def form_data(payload: Schema) -> dict:
    """The fields the caller sent, as an HTML form would send them (booleans as true/false, enums as values)."""
    data = {}
    for key, value in payload.dict(exclude_unset=True).items():
        if value is None:
            continue
        data[key] = "true" if value is True else "false" if value is False else str(value)
    return data
