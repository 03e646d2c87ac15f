"""When a survey goes out: rules on resolve, suppression, manual and API sends, reminders, low scores."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kefu.complaints import receipts
from kefu.complaints.models import ComplaintState
from kefu.notifications.models import Notification
from kefu.surveys import hooks, senders
from kefu.surveys.delivery import survey_deliver, survey_token, surveys_send_reminders
from kefu.surveys.models import Delivery, Questionnaire, Survey, SurveyRule, Trigger
from kefu.surveys.rules import Suppressed
from kefu.surveys.services import survey_answer, survey_send, survey_with_receipt
from kefu.tickets.models import Status
from kefu.tickets.services import ticket_add_message, ticket_merge, ticket_set_status
from kefu.tickets.signals import ticket_changed
from tests import factories
from tests.test_complaint_support import walk_to


@pytest.fixture
def resolve(desk, django_capture_on_commit_callbacks):
    """Resolves an order (after an agent reply unless told otherwise); returns its surveys."""

    def run(ticket=None, *, reply=True, **ticket_data):
        ticket = ticket or factories.ticket(desk.agent, **ticket_data)
        if reply:
            ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="您好，已处理")
        with django_capture_on_commit_callbacks(execute=True):
            ticket_set_status(ticket=ticket, by=desk.agent, status=Status.RESOLVED)
        return list(Survey.objects.filter(ticket=ticket))

    return run


def test_resolving_sends_one_survey(resolve):
    surveys = resolve()
    assert len(surveys) == 1 and surveys[0].trigger == Trigger.RESOLVED


def test_no_survey_when_the_agent_never_replied(resolve):
    assert resolve(reply=False) == []


def test_no_survey_for_internal_orders(resolve, desk):
    assert resolve(tags=["内部"]) == []
    internal_customer = factories.customer(desk.agent, tags=["internal"])
    assert resolve(cust=internal_customer) == []


def test_no_survey_for_merged_orders(desk):
    customer = factories.customer(desk.agent)
    source = factories.ticket(desk.agent, customer)
    target = factories.ticket(desk.agent, customer)
    ticket_merge(source=source, target=target, by=desk.agent)
    with pytest.raises(Suppressed) as exc:
        survey_send(ticket=source, trigger=Trigger.MANUAL, by=desk.agent)
    assert exc.value.code == "merged"


def test_customer_surveyed_recently_is_not_asked_again(resolve, desk, settings):
    customer = factories.customer(desk.agent)
    assert len(resolve(cust=customer)) == 1
    assert resolve(cust=customer) == []
    Survey.objects.update(sent_at=timezone.now() - timedelta(days=settings.KEFU_SURVEY_QUIET_DAYS + 1))
    assert len(resolve(cust=customer)) == 1


def test_rules_per_type_and_channel(resolve):
    SurveyRule.objects.create(ticket_type="after_sales", channel="wechat", send_on_resolve=False)
    assert resolve(type="after_sales", channel="wechat") == []
    assert len(resolve(type="after_sales", channel="phone")) == 1
    assert resolve(type="complaint") == []  # complaints are surveyed with their receipt


def test_resolving_again_after_reopen_does_not_resend_while_link_lives(resolve, desk):
    ticket = factories.ticket(desk.agent)
    assert len(resolve(ticket)) == 1
    ticket.refresh_from_db()
    ticket_set_status(ticket=ticket, by=desk.agent, status=Status.OPEN)
    assert len(resolve(ticket, reply=False)) == 1


def test_manual_send_skips_automatic_rules_but_not_a_live_link(desk):
    ticket = factories.ticket(desk.agent)  # never replied, not resolved
    survey = survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.agent)
    assert survey.sent_by == desk.agent
    with pytest.raises(Suppressed) as exc:
        survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.agent)
    assert exc.value.code == "pending"


def test_qa_and_handlers_may_not_send(desk):
    ticket = factories.ticket(desk.agent)
    with pytest.raises(Exception) as exc:
        survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.qa)
    assert getattr(exc.value, "status_code", None) == 403


def test_complaint_receipt_hook_sends_a_survey(desk):
    ticket = factories.ticket(desk.agent, type="complaint")
    survey = survey_with_receipt(ticket=ticket)
    assert survey is not None and survey.trigger == Trigger.COMPLAINT_RECEIPT


def test_no_channel_falls_back_to_copy_link(desk, django_capture_on_commit_callbacks):
    customer = factories.customer(desk.agent)  # phone only, no SMS gateway configured
    ticket = factories.ticket(desk.agent, customer)
    with django_capture_on_commit_callbacks(execute=True):
        survey = survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.agent)
    survey.refresh_from_db()
    assert survey.delivery == Delivery.LINK_ONLY and not mail.outbox


class FakeSms(senders.SmsSender):
    sent: list = []

    def deliver(self, *, address: str, text: str) -> None:
        self.sent.append((address, text))


def test_sms_sender_plugs_in_and_reminder_goes_once(desk, django_capture_on_commit_callbacks, settings):
    sms = FakeSms()
    sms.sent.clear()
    senders.register_sender(sms)
    try:
        customer = factories.customer(desk.agent, phones=["13900001111"])
        ticket = factories.ticket(desk.agent, customer)
        with django_capture_on_commit_callbacks(execute=True):
            survey = survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.agent)
        survey.refresh_from_db()
        assert survey.delivery == Delivery.SENT and survey.channel == "sms"
        assert sms.sent[0][0] == "13900001111" and "/survey/" in sms.sent[0][1]
        assert surveys_send_reminders() == 0  # too early
        later = timezone.now() + timedelta(days=settings.KEFU_SURVEY_REMINDER_DAYS, minutes=1)
        assert surveys_send_reminders(now=later) == 1
        assert surveys_send_reminders(now=later) == 0
        assert len(sms.sent) == 2 and "提醒" in sms.sent[1][1]
    finally:
        senders.unregister_sender("sms")


def test_low_score_tells_supervisor_and_runs_callback_hook(desk, django_capture_on_commit_callbacks):
    opened = []
    handler = hooks.on_low_score(lambda survey: opened.append(survey.pk))
    try:
        ticket = factories.ticket(desk.agent)
        survey = survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.agent)
        data = {f"q_{q.pk}": {"stars": "4", "yes_no": "0"}.get(q.kind, "") for q in survey.questionnaire.questions.all()}
        data[f"q_{survey.questionnaire.questions.get(code='satisfaction').pk}"] = "1"
        with django_capture_on_commit_callbacks(execute=True):
            survey = survey_answer(token=survey_token(survey), data=data)
        assert survey.low_score
        assert Notification.objects.filter(user=desk.supervisor, text__contains=ticket.number,
                                           kind="survey.low_score").exists()
        assert opened == [survey.pk]
    finally:
        hooks.LOW_SCORE_HANDLERS.remove(handler)


def test_good_scores_are_not_low(desk):
    ticket = factories.ticket(desk.agent)
    survey = survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.agent)
    data = {f"q_{q.pk}": {"stars": "4", "yes_no": "1"}.get(q.kind, "") for q in survey.questionnaire.questions.all()}
    assert not survey_answer(token=survey_token(survey), data=data).low_score
    assert not Notification.objects.filter(user=desk.supervisor).exists()


def test_api_get_and_post_shapes(api_client, desk, client):
    ticket = factories.ticket(desk.agent)
    api = api_client.as_user(desk.agent)
    url = f"/api/v1/tickets/{ticket.number}/survey"
    assert api.get(url).json() == {"state": "none"}
    created = api.post(url)
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"state", "url"} and body["state"] == "sent" and "/survey/" in body["url"]
    again = api.post(url)
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "ticket"
    survey = Survey.objects.get(ticket=ticket)
    data = {f"q_{q.pk}": {"stars": "5", "yes_no": "1", "text": "<b>好</b>"}.get(q.kind, "")
            for q in survey.questionnaire.questions.all()}
    client.post(body["url"].split("127.0.0.1:8000", 1)[-1], data)
    answered = api.get(url).json()
    assert answered["state"] == "answered" and "url" not in answered
    by_code = {a["code"]: a["value"] for a in answered["answers"]}
    assert by_code["satisfaction"] == 5 and by_code["resolved"] is True and by_code["comment"] == "<b>好</b>"
    Survey.objects.update(answered_at=None, nonce="x", expires_at=timezone.now() - timedelta(days=1))
    assert api.get(url).json() == {"state": "expired"}


def test_api_refuses_roles_and_strangers(api_client, desk):
    ticket = factories.ticket(desk.agent)
    assert api_client.as_user(desk.qa).post(f"/api/v1/tickets/{ticket.number}/survey").status_code == 403
    assert api_client.as_user(desk.other_supervisor).get(f"/api/v1/tickets/{ticket.number}/survey").status_code == 404


def test_panel_on_the_order_page_offers_send_and_link(client, desk):
    ticket = factories.ticket(desk.agent)
    client.force_login(desk.agent)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="survey-send"' in page
    client.post(f"/survey/ticket/{ticket.number}/send/")
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="survey-link"' in page and "/survey/" in page


def test_default_questionnaire_comes_back_when_none_exists(desk):
    Survey.objects.all().delete()
    Questionnaire.objects.all().delete()
    survey = survey_send(ticket=factories.ticket(desk.agent), trigger=Trigger.MANUAL, by=desk.agent)
    codes = list(survey.questionnaire.questions.values_list("code", flat=True))
    assert codes == ["satisfaction", "service_quality", "response_time", "product_quality", "resolved", "comment"]


def test_delivery_rerun_after_a_worker_death_does_not_mail_twice(desk, django_capture_on_commit_callbacks):
    customer = factories.customer(desk.agent, email="twice@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        survey = survey_send(ticket=factories.ticket(desk.agent, customer), trigger=Trigger.API, by=desk.agent)
    assert len(mail.outbox) == 1
    survey_deliver(survey_id=survey.pk)  # the job runs again (at least once)
    assert len(mail.outbox) == 1


def test_satisfied_complaint_receipt_sends_the_receipt_survey_once(desk, django_capture_on_commit_callbacks):

    complaint = walk_to(desk, ComplaintState.REPORTED)
    assert not Survey.objects.filter(ticket=complaint.ticket).exists()
    with django_capture_on_commit_callbacks(execute=True):
        receipts.complaint_receipt_by_link(token=receipts.receipt_token(complaint), satisfied=True, comment="")
    surveys = list(Survey.objects.filter(ticket=complaint.ticket))
    assert [s.trigger for s in surveys] == [Trigger.COMPLAINT_RECEIPT]
    ticket_changed.send(sender=type(complaint.ticket), ticket=complaint.ticket)  # any later change
    assert Survey.objects.filter(ticket=complaint.ticket).count() == 1


def test_unsatisfied_receipt_sends_no_survey_yet(desk, django_capture_on_commit_callbacks):

    complaint = walk_to(desk, ComplaintState.REPORTED)
    with django_capture_on_commit_callbacks(execute=True):
        receipts.complaint_receipt_by_link(token=receipts.receipt_token(complaint), satisfied=False, comment="没修好")
    assert not Survey.objects.filter(ticket=complaint.ticket).exists()


def test_email_goes_through_the_email_channels_smtp_when_configured(desk, settings, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(senders, "smtp_send", sent.append)
    settings.KEFU_SMTP_URL = "smtp://127.0.0.1:2525"
    customer = factories.customer(desk.agent, email="smtp@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        survey = survey_send(ticket=factories.ticket(desk.agent, customer), trigger=Trigger.API, by=desk.agent)
    survey.refresh_from_db()
    assert survey.delivery == Delivery.SENT and not mail.outbox
    [message] = sent
    assert message["To"] == "smtp@example.com" and message["Auto-Submitted"] == "auto-generated"
    assert "/survey/" in message.get_content()


def test_smtp_failure_marks_the_survey_failed_and_keeps_the_link(desk, settings, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    def refuse(message):
        raise OSError("connection refused")

    monkeypatch.setattr(senders, "smtp_send", refuse)
    settings.KEFU_SMTP_URL = "smtp://127.0.0.1:2525"
    customer = factories.customer(desk.agent, email="down@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        survey = survey_send(ticket=factories.ticket(desk.agent, customer), trigger=Trigger.API, by=desk.agent)
    survey.refresh_from_db()
    assert survey.delivery == Delivery.FAILED and "refused" in survey.delivery_note and survey.nonce
