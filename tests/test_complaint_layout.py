"""The complaint page leads with the reader's next step, shows the solution above the approval, tells
everyone who acts next; registration starts from the order's contact; the receipt keeps its choice."""

import re

import pytest

from kefu.complaints import receipts
from kefu.complaints.models import ComplaintState as S
from tests import factories
from tests.test_complaint_support import received, walk_to

pytestmark = pytest.mark.django_db


def _html(client, user, complaint) -> str:
    client.force_login(user)
    return client.get(f"/complaints/{complaint.ticket.number}/").content.decode()


def test_after_recording_dispatch_comes_first_and_the_rest_are_folded(client, desk):
    html = _html(client, desk.agent, walk_to(desk, S.RECORDED))
    first_form = re.search(r'data-testid="action-(\w+)"', html).group(1)
    assert first_form == "dispatch"
    assert 'data-testid="folded-reject"' in html and 'data-testid="folded-reply"' in html
    assert 'data-testid="folded-dispatch"' not in html


def test_approval_shows_the_solution_above_the_decision(client, desk):
    complaint = walk_to(desk, S.PROPOSED)
    html = _html(client, desk.supervisor, complaint)
    assert complaint.solution and complaint.solution in html
    assert html.index('data-testid="proposed-solution"') < html.index('data-testid="action-approve"')
    assert html.index('data-testid="action-approve"') < html.index('data-testid="folded-send_back"')


def test_a_reader_with_nothing_to_do_is_told_who_acts_next(client, desk):
    complaint = walk_to(desk, S.DISPATCHED)
    html = _html(client, desk.agent, complaint)
    next_step = re.search(r'data-testid="next-step">(.*?)</div>', html, re.S).group(1)
    assert "原因分析" in next_step and complaint.dispatched_to.name in next_step
    html = _html(client, desk.handler, walk_to(desk, S.PROPOSED))
    assert 'data-testid="no-action"' in html
    assert "客服主管" in re.search(r'data-testid="next-step">(.*?)</div>', html, re.S).group(1)


def test_registration_from_an_order_prefills_its_customer_as_contact(client, desk):
    customer = factories.customer(desk.agent, name="周杰", phones=["13566667777"])
    ticket = factories.ticket(desk.agent, customer, type="complaint", subject="投诉送货晚了")
    client.force_login(desk.agent)
    html = client.get("/complaints/new/", {"ticket": ticket.number}).content.decode()
    assert re.search(r'name="contact_name"[^>]*value="周杰"', html)
    assert re.search(r'name="contact_phone"[^>]*value="13566667777"', html)


def test_receipt_link_has_a_copy_button_and_a_local_qr_code(client, desk):
    complaint = walk_to(desk, S.REPORTED)
    html = _html(client, desk.agent, complaint)
    assert 'data-copy-target="receipt-url"' in html
    qr = re.search(r'data-testid="receipt-qr"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert qr.startswith("<svg") and "http" not in qr  # drawn here, no image fetched from anywhere
    assert "onclick" not in html


def test_receipt_page_keeps_the_choice_after_a_validation_error(client, desk):
    complaint = walk_to(desk, S.REPORTED)
    url = f"/complaints/receipt/{receipts.receipt_token(complaint)}/"
    html = client.post(url, {"satisfied": "false", "comment": ""}).content.decode()
    assert "请填写不满意的原因" in html
    assert re.search(r'value="false"[^>]*checked', html) and not re.search(r'value="true"[^>]*checked', html)


def test_received_complaint_leads_with_the_record_form(client, desk):
    html = _html(client, desk.agent, received(desk))
    assert re.search(r'data-testid="action-(\w+)"', html).group(1) == "record"
