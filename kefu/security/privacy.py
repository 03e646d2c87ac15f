"""Personal data on request (个人信息保护法 PIPL): a customer's data exported (JSON, XLSX) or erased.

Erasure anonymises rather than deletes: the customer row, its work orders, their times, types and SLA
figures stay (statistics keep adding up), and the audit trail stays; what identifies the person goes.
"""

import io
import json

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook

from kefu import policy
from kefu.complaints.models import Complaint
from kefu.core.errors import DomainError
from kefu.core.spreadsheet import safe_cell
from kefu.customers.models import Customer
from kefu.tickets.models import Message, MessageKind, Ticket

from .audit import record
from .models import EventKind, PrivacyKind, PrivacyRequest, PrivacyState

ERASED = "（已删除）"
PROFILE_FIELDS = ["name", "salutation", "phones", "email", "wechat_id", "company", "department", "region",
                  "address", "tags", "vip_level", "notes", "intake"]


@transaction.atomic
def privacy_request_file(*, customer: Customer, kind: str, by, reason: str = "") -> PrivacyRequest:
    policy.require(policy.can_file_privacy_request(by, customer), "您没有权限为该客户提交个人信息请求")
    if kind not in PrivacyKind.values:
        raise DomainError(f"未知的请求类型：{kind}", field="kind")
    if len(reason or "") > 500:
        raise DomainError("说明不能超过 500 字", field="reason")
    if PrivacyRequest.objects.filter(customer=customer, kind=kind, state=PrivacyState.PENDING).exists():
        raise DomainError("该客户已有同类待审批的请求", field="kind")
    return PrivacyRequest.objects.create(customer=customer, kind=kind, reason=(reason or "").strip(),
                                         requested_by=by)


@transaction.atomic
def privacy_request_decide(*, request: PrivacyRequest, by, approve: bool) -> PrivacyRequest:
    request = PrivacyRequest.objects.select_for_update().select_related("customer").get(pk=request.pk)
    policy.require(policy.can_decide_privacy_request(by, request), "只有提交人以外的主管或管理员可以审批")
    if request.state != PrivacyState.PENDING:
        raise DomainError("该请求已处理", field="state")
    request.decided_by, request.decided_at = by, timezone.now()
    if not approve:
        request.state = PrivacyState.REJECTED
    elif request.kind == PrivacyKind.ERASE:
        customer_erase(customer=request.customer, by=by, request=request)
        request.state = PrivacyState.DONE
    else:
        request.state = PrivacyState.APPROVED
    request.save(update_fields=["state", "decided_by", "decided_at"])
    return request


def customer_export_data(customer: Customer) -> dict:
    tickets = Ticket.objects.filter(customer=customer).order_by("created_at")
    messages = Message.objects.filter(ticket__customer=customer).select_related("ticket").order_by("created_at")
    return {
        "customer": {field: getattr(customer, field) for field in PROFILE_FIELDS} | {
            "id": customer.pk, "created_at": customer.created_at.isoformat()},
        "tickets": [{"number": t.number, "subject": t.subject, "type": t.type, "channel": t.channel,
                     "status": t.status, "created_at": t.created_at.isoformat(), "intake": t.intake}
                    for t in tickets],
        "messages": [{"ticket": m.ticket.number, "kind": m.kind, "created_at": m.created_at.isoformat(),
                      "body": m.body} for m in messages if m.kind != MessageKind.NOTE],  # notes are internal
        **_other_channels(customer),
    }


def _other_channels(customer: Customer) -> dict:
    """What the customer gave on the other channels: complaints' records, web chats, survey answers and
    callback answers (the agents' callback notes are internal, as the order notes are)."""
    from kefu.callbacks.models import CallbackTask
    from kefu.channels.webchat.models import ChatLine, ChatSession
    from kefu.surveys.models import Answer

    complaints = Complaint.objects.filter(ticket__customer=customer).select_related("ticket").order_by("pk")
    sessions = ChatSession.objects.filter(Q(customer=customer) | Q(ticket__customer=customer))
    lines = ChatLine.objects.filter(session__in=sessions).select_related("session").order_by("created_at", "id")
    answers = (Answer.objects.filter(survey__customer=customer).select_related("survey__ticket")
               .order_by("survey__sent_at", "id"))
    tasks = CallbackTask.objects.filter(customer=customer).exclude(answers=[]).select_related("ticket").order_by("pk")
    return {
        "complaints": [{"ticket": c.ticket.number, "contact_name": c.contact_name, "contact_phone": c.contact_phone,
                        "description": c.description, "demand": c.demand, "key_quotes": c.key_quotes,
                        "customer_response": c.customer_response} for c in complaints],
        "chats": [{"session": str(line.session.public_id), "visitor_name": line.session.visitor_name,
                   "visitor_phone": line.session.visitor_phone, "sender": line.sender,
                   "created_at": line.created_at.isoformat(), "text": line.text} for line in lines],
        "survey_answers": [{"ticket": a.survey.ticket.number, "question": a.question_text, "score": a.score,
                            "text": a.text, "answered_at": a.survey.answered_at.isoformat()
                            if a.survey.answered_at else None} for a in answers],
        "callback_answers": [{"ticket": t.ticket.number if t.ticket else None, "result": t.result,
                              "answers": t.answers} for t in tasks],
    }


def export_for(*, request: PrivacyRequest, by, fmt: str) -> tuple[bytes, str]:
    """The approved export as (content, content type); every download is recorded."""
    policy.require(request.kind == PrivacyKind.EXPORT and request.state == PrivacyState.APPROVED
                   and (by.pk == request.requested_by_id or policy.can_decide_privacy_request(by, request)
                        or policy.is_admin(by)), "该导出请求尚未批准或您无权下载")
    if fmt not in {"json", "xlsx"}:
        raise DomainError("格式只能是 json 或 xlsx", field="format")
    data = customer_export_data(request.customer)
    record(EventKind.PERSONAL_DATA_EXPORTED, actor=by, customer=request.customer_id, privacy_request=request.pk,
           format=fmt)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2).encode(), "application/json"
    return _xlsx(data), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value) -> object:
    """Customer text is data, never a formula, and a stray control character must not fail the workbook."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return safe_cell(value)


def _xlsx(data: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "客户"
    for key, value in data["customer"].items():
        sheet.append([key, _cell(value)])
    for title, rows in (("工单", data["tickets"]), ("消息", data["messages"]), ("投诉", data["complaints"]),
                        ("在线咨询", data["chats"]), ("满意度回答", data["survey_answers"]),
                        ("回访回答", data["callback_answers"])):
        ws = book.create_sheet(title)
        if rows:
            ws.append(list(rows[0]))
            for row in rows:
                ws.append([_cell(v) for v in row.values()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def customer_erase(*, customer: Customer, by, request: PrivacyRequest | None = None) -> None:
    """Anonymises the customer and what they wrote; keeps orders, times and the audit (called on approval)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    _anonymise(customer)
    _erase_merged_records(customer)
    Ticket.objects.filter(customer=customer).update(intake={}, account_manager="")
    Message.objects.filter(ticket__customer=customer, kind=MessageKind.CUSTOMER).update(body=ERASED)
    _erase_their_files(customer)
    _erase_complaint_contacts(customer)
    _erase_channels_surveys_and_callbacks(customer)
    _erase_sent_mails(customer)
    _erase_inspection_copies(customer)
    _reindex(customer)
    record(EventKind.PERSONAL_DATA_ERASED, actor=by, customer=customer.pk,
           privacy_request=request.pk if request else None)


def _anonymise(customer: Customer) -> None:
    customer.name = f"已删除客户{customer.pk}"
    customer.salutation = ""
    customer.phones, customer.phones_index, customer.tags, customer.intake = [], "", [], {}
    for field in ("email", "wechat_id", "company", "department", "region", "address", "notes"):
        setattr(customer, field, "")
    customer.version += 1
    customer.save()


def _erase_merged_records(customer: Customer) -> None:
    """The duplicates merged into the customer (and those merged into them) stay as pointers that kept their
    name, address and notes, and each merge's audit row a snapshot of the whole record: the same person's
    data. The pointers are anonymised; the snapshots lose the personal fields (who merged what, when and
    what moved stay)."""
    from kefu.customers.models import CustomerMerge

    merged, frontier = [], [customer.pk]
    while frontier:
        found = list(Customer.objects.select_for_update().filter(merged_into_id__in=frontier).order_by("pk"))
        merged += found
        frontier = [c.pk for c in found]
    for pointer in merged:
        _anonymise(pointer)
    for merge in CustomerMerge.objects.filter(target_id__in=[customer.pk, *(c.pk for c in merged)]):
        kept = {k: v for k, v in merge.source_data.items() if k not in PROFILE_FIELDS and k != "phones_index"}
        CustomerMerge.objects.filter(pk=merge.pk).update(source_data=kept)


def _erase_their_files(customer: Customer) -> None:
    """The files attached to their messages (mail attachments too): the rows now, the files once the
    erasure commits (a rolled-back erasure keeps them). The agents' files stay, as their replies do."""
    from kefu.tickets.models import Attachment

    theirs = Attachment.objects.filter(message__ticket__customer=customer, message__kind=MessageKind.CUSTOMER)
    storage = Attachment._meta.get_field("file").storage
    names = [name for name in theirs.values_list("file", flat=True) if name]
    theirs.delete()
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _erase_complaint_contacts(customer: Customer) -> None:
    Complaint.objects.filter(ticket__customer=customer).update(contact_name="", contact_phone="", key_quotes=ERASED)


def _erase_channels_surveys_and_callbacks(customer: Customer) -> None:
    """What the customer said or gave on the other channels: the mails they sent, their chats, the words of
    their survey answers, the callback notes about them (scores, results and times stay for the reports).
    The do-not-call list keeps their number: it is their own wish not to be called."""
    from kefu.callbacks.models import Attempt, CallbackTask
    from kefu.channels.email.models import InboundMail
    from kefu.channels.webchat.models import ChatLine, ChatSession, Sender
    from kefu.surveys.models import Answer, QuestionKind

    _erase_order_subjects(customer)
    InboundMail.objects.filter(ticket__customer=customer).update(sender="", subject="", html="")
    sessions = ChatSession.objects.filter(Q(customer=customer) | Q(ticket__customer=customer))
    ChatLine.objects.filter(session__in=sessions, sender=Sender.VISITOR).update(text=ERASED)
    sessions.update(visitor_name="", visitor_phone="")
    Answer.objects.filter(survey__customer=customer, kind=QuestionKind.TEXT).exclude(text="").update(text=ERASED)
    CallbackTask.objects.filter(customer=customer).exclude(note="").update(note=ERASED)
    Attempt.objects.filter(task__customer=customer).exclude(note="").update(note=ERASED)


CHAT_SUBJECT_PREFIXES = ("在线咨询：", "在线留言：")  # kefu.channels.webchat.services._open_order


def _erase_order_subjects(customer: Customer) -> None:
    """A chat names the order it opens 在线咨询：<the visitor's first line>, a mail by its subject: those
    orders keep the prefix and lose the customer's words (an order whose subject an agent wrote stays)."""
    from kefu.channels.email.models import InboundMail, Outcome
    from kefu.tickets.models import Channel

    for prefix in CHAT_SUBJECT_PREFIXES:
        Ticket.objects.filter(customer=customer, channel=Channel.CHAT, subject__startswith=prefix).update(
            subject=prefix + ERASED)
    for ticket_id, subject in InboundMail.objects.filter(ticket__customer=customer, outcome=Outcome.CREATED) \
            .values_list("ticket_id", "subject"):
        Ticket.objects.filter(pk=ticket_id, subject=subject[:200] or "（无主题）").update(subject=ERASED)


def _erase_sent_mails(customer: Customer) -> None:
    """The mails sent to the customer: their address, and the subject (their own mail's, "Re: ..."); the
    order's history named the address too. One not sent yet has nobody to go to any more."""
    from kefu.channels.email.models import DeliveryState, OutboundMail
    from kefu.tickets.models import TicketEvent

    mails = OutboundMail.objects.filter(ticket__customer=customer)
    mails.filter(state=DeliveryState.PENDING).update(state=DeliveryState.FAILED, reason="客户个人信息已删除")
    mails.update(to="", subject=ERASED)
    for event in TicketEvent.objects.filter(ticket__customer=customer, code__in=["mail.sent", "mail.failed"],
                                            params__has_key="to"):
        TicketEvent.objects.filter(pk=event.pk).update(params={k: v for k, v in event.params.items() if k != "to"})


def _erase_inspection_copies(customer: Customer) -> None:
    """Quality inspection keeps its own copy of the conversation (its turns) and quotes it in findings: the
    customer's turns and the quotes from them go; the agent's turns, scores and offsets stay."""
    from kefu.qa.models import Conversation, Finding

    for conversation in Conversation.objects.filter(Q(customer=customer) | Q(ticket__customer=customer)).only(
            "pk", "turns"):
        turns = list(conversation.turns or [])
        theirs = [i for i, turn in enumerate(turns) if isinstance(turn, dict) and turn.get("role") == "customer"]
        if not theirs:
            continue
        for i in theirs:
            turns[i] = {**turns[i], "text": ERASED}
        Conversation.objects.filter(pk=conversation.pk).update(turns=turns)
        Finding.objects.filter(inspection__conversation=conversation, turn__in=theirs).update(evidence=ERASED)


def _reindex(customer: Customer) -> None:
    """The search index held the erased words too (updates above bypass the save signals): rebuild the
    customer's orders' and complaints' documents from what is left."""
    from kefu.search.sources import reindex_complaints, reindex_tickets

    reindex_tickets(Ticket.objects.filter(customer=customer))
    reindex_complaints(Complaint.objects.filter(ticket__customer=customer))
