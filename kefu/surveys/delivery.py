"""Sending a survey's link to the customer, and the reminder sweep (both run as background work)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import links, senders
from .models import Delivery, Survey

PURPOSE = "survey"


def survey_token(survey: Survey) -> str:
    return links.link_token(purpose=PURPOSE, pk=survey.pk, nonce=survey.nonce)


def survey_url(survey: Survey) -> str:
    """Absolute link for messages; empty once answered (the link is spent)."""
    if not survey.nonce:
        return ""
    return settings.KEFU_SITE_URL.rstrip("/") + reverse("surveys:answer", args=[survey_token(survey)])


def _message(survey: Survey, reminder: bool) -> tuple[str, str]:
    company = settings.KEFU_COMPANY_NAME
    subject = f"【{company}】" + ("提醒：请评价我们的服务" if reminder else "请评价我们的服务")
    text = (f"您好，感谢您联系{company}。关于工单 {survey.ticket.number}「{survey.ticket.subject}」，"
            f"请花一分钟评价我们的服务：{survey_url(survey)} （{settings.KEFU_SURVEY_LINK_DAYS} 天内有效）")
    return subject, text


def survey_deliver(*, survey_id: int, reminder: bool = False) -> Survey:
    """Sends the link on the customer's channel. The survey is marked sent before the message goes out
    (claim, then send): a rerun after a worker's death finds it sent and does nothing."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("ticket", "customer").get(pk=survey_id)
        if not survey.nonce or (not reminder and survey.delivery != Delivery.PENDING):
            return survey
        sender = senders.pick_sender(survey.customer, survey.ticket.channel)
        survey.delivery = Delivery.SENT if sender else Delivery.LINK_ONLY
        survey.channel = sender.channel if sender else "link"
        survey.save(update_fields=["delivery", "channel"])
        subject, text = _message(survey, reminder)
    if sender is None:
        return survey
    try:
        sender.send(customer=survey.customer, subject=subject, text=text)
    except senders.SendError as exc:
        Survey.objects.filter(pk=survey.pk).update(delivery=Delivery.FAILED, delivery_note=str(exc)[:200])
        survey.refresh_from_db()
    return survey


def surveys_send_reminders(now=None) -> int:
    """One reminder per unanswered survey, N days after sending, while its link is still valid."""
    now = now or timezone.now()
    due = Survey.objects.filter(answered_at__isnull=True, reminded_at__isnull=True, expires_at__gt=now,
                                delivery=Delivery.SENT,
                                sent_at__lte=now - timedelta(days=settings.KEFU_SURVEY_REMINDER_DAYS))
    count = 0
    for survey_id in due.values_list("pk", flat=True):
        # Claim first: a second worker running the same sweep skips what this one took.
        if Survey.objects.filter(pk=survey_id, reminded_at__isnull=True).update(reminded_at=now):
            survey_deliver(survey_id=survey_id, reminder=True)
            count += 1
    return count
