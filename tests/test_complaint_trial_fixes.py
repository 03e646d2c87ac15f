"""Regressions from the new-user trial of the complaint pages: the datetime widgets, the empty choice of
selects, filters that must not 500, the analysis period and the company on the receipt page."""

import re

import pytest
from django.test import override_settings

from kefu.complaints import receipts
from kefu.complaints.forms import RecordForm
from kefu.complaints.models import ComplaintState
from tests.test_complaint_support import aware, received, record_data, walk_to

S = ComplaintState
pytestmark = pytest.mark.django_db


def _input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def test_record_form_renders_the_occurrence_time_as_iso_and_a_resave_keeps_it(client, desk):
    from kefu.complaints import services as cs

    complaint = cs.complaint_record(complaint=received(desk), by=desk.agent,
                                    **record_data(happened_at=aware("2026-11-17 19:30")))
    client.force_login(desk.agent)
    html = client.get(f"/complaints/{complaint.ticket.number}/").content.decode()
    assert _input_value(html, "happened_at") == "2026-11-17T19:30"
    # what the browser sends back: the stored values, and the widget's own value of the datetime input
    posted = {name: getattr(complaint, name) for name in RecordForm.base_fields if name != "category"}
    posted.update(happened_at=_input_value(html, "happened_at"), category=complaint.category_id)
    client.post(f"/complaints/{complaint.ticket.number}/act/record/", posted)
    complaint.refresh_from_db()
    assert complaint.happened_at == aware("2026-11-17 19:30")


def test_every_datetime_widget_of_the_complaint_forms_uses_the_iso_format():
    from django.forms import DateTimeInput

    from kefu.complaints.forms import ACTION_FORMS

    when = aware("2026-11-17 19:30")
    for form_class, _service in ACTION_FORMS.values():
        for name, field in form_class.base_fields.items():
            if isinstance(field.widget, DateTimeInput):
                html = str(form_class(initial={name: when})[name])
                assert 'value="2026-11-17T19:30"' in html, (form_class.__name__, name)


def test_selects_offer_a_dash_not_dashes_as_the_empty_choice(client, desk):
    complaint = walk_to(desk, S.RECORDED)
    client.force_login(desk.agent)
    html = client.get(f"/complaints/{complaint.ticket.number}/").content.decode()
    assert "---------" not in html
    assert re.search(r'<select name="category"[^>]*>\s*<option value="">—</option>', html)


@pytest.mark.parametrize("query", ["department=²", "category=99999999999999999999999", "department=-1",
                                   "page=abc", "queue=nonsense&state=nope", "overdue=2"])
def test_odd_list_filters_never_give_a_server_error(client, desk, query):
    walk_to(desk, S.RECORDED)
    client.force_login(desk.supervisor)
    assert client.get(f"/complaints/?{query}").status_code == 200


def test_analysis_filters_by_received_date(client, desk):
    from kefu.complaints.models import Complaint

    early, late = walk_to(desk, S.RECORDED), walk_to(desk, S.RECORDED)
    Complaint.objects.filter(pk=early.pk).update(received_at=aware("2026-10-31 23:30"))
    Complaint.objects.filter(pk=late.pk).update(received_at=aware("2026-11-01 00:10"))
    client.force_login(desk.supervisor)
    assert client.get("/complaints/analysis/").context["a"].total == 2
    assert client.get("/complaints/analysis/?from=2026-11-01").context["a"].total == 1
    assert client.get("/complaints/analysis/?to=2026-10-31").context["a"].total == 1
    assert client.get("/complaints/analysis/?from=2026-10-31&to=2026-10-31").context["a"].total == 1
    response = client.get("/complaints/analysis/?from=2026-13-01&to=9999-12-31")
    assert response.status_code == 200 and response.context["a"].total == 2
    html = response.content.decode()
    assert "起始日期「2026-13-01」无效" in html and "截止日期「9999-12-31」无效" in html


@override_settings(KEFU_COMPANY_NAME="安心家居", KEFU_HOTLINE="400-820-1234")
def test_receipt_page_and_used_link_message_name_the_company_and_hotline(client, desk):
    complaint = walk_to(desk, S.REPORTED)
    url = f"/complaints/receipt/{receipts.receipt_token(complaint)}/"
    html = client.get(url).content.decode()
    assert "安心家居" in html and "400-820-1234" in html
    client.post(url, {"satisfied": "true"})
    used = client.get(url)
    assert used.status_code == 410
    assert "已使用" in used.content.decode() and "400-820-1234" in used.context["error"]


@override_settings(KEFU_COMPANY_NAME="", KEFU_HOTLINE="")
def test_receipt_page_falls_back_to_a_neutral_name_without_settings(client, desk, monkeypatch):
    monkeypatch.delenv("KEFU_COMPANY_NAME", raising=False)
    monkeypatch.delenv("KEFU_HOTLINE", raising=False)
    assert receipts.company() == {"name": "客服中心", "hotline": ""}
    complaint = walk_to(desk, S.REPORTED)
    html = client.get(f"/complaints/receipt/{receipts.receipt_token(complaint)}/").content.decode()
    assert "客服中心" in html and 'data-testid="hotline"' not in html
