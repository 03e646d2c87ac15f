"""Regressions of the security review of the complaint app: formula injection in the XLSX files,
the contact phone in the record form, who may act (the complaint's own department), audited
corrections, undeletable records in the admin, and a refusal at registration being a refusal."""

import json
from io import BytesIO
from unittest import mock

import pytest
from openpyxl import load_workbook

from kefu.complaints import services as cs
from kefu.complaints.models import Complaint, ComplaintState, ComplaintStep
from kefu.core.errors import DomainError, Forbidden
from kefu.tickets import events
from kefu.tickets.models import TicketEvent
from tests import factories
from tests.test_complaint_support import received, record_data, walk_to

S = ComplaintState
pytestmark = pytest.mark.django_db
PHONE = "13800001111"
MASKED = "138****1111"


def _cells(response) -> list:
    book = load_workbook(BytesIO(response.content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


# ---- 1. XLSX formula injection ----------------------------------------------------------------


def _hostile_complaint(desk) -> Complaint:
    customer = factories.customer(desk.agent, name='=HYPERLINK("http://evil","x")')
    complaint = cs.complaint_receive(by=desk.agent, customer=customer, subject="=1+2", description="d")
    return cs.complaint_record(complaint=complaint, by=desk.agent, **record_data(
        demand="=cmd|' /C calc'!A0", description="+SUM(1,1)", key_quotes="@SUM(1)", object_detail="-2+3",
        place="\t=1"))


@pytest.mark.parametrize("path", ["record", "list"])
def test_customer_text_starting_like_a_formula_is_written_as_text(client, desk, path):
    complaint = _hostile_complaint(desk)
    client.force_login(desk.agent)
    url = f"/complaints/{complaint.ticket.number}/record.xlsx" if path == "record" else "/complaints/export.xlsx"
    cells = _cells(client.get(url, {"queue": "all"}))
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    values = {cell.value for cell in cells}
    assert "'=1+2" in values and "'=cmd|' /C calc'!A0" in values
    assert "'-2+3" in values


def test_step_log_sheet_writes_notes_as_text(client, desk):
    complaint = received(desk)
    cs.complaint_record(complaint=complaint, by=desk.agent, **record_data(description="=2*3"))
    client.force_login(desk.agent)
    cells = _cells(client.get(f"/complaints/{complaint.ticket.number}/record.xlsx"))
    log_notes = [cell for cell in cells if cell.parent.title == "处理过程" and "2*3" in str(cell.value)]
    assert log_notes and all(cell.data_type == "s" and cell.value.startswith("'=") for cell in log_notes)


# ---- 2. contact phone in the record form --------------------------------------------------------


def _recorded_for_masked_agent(desk) -> Complaint:
    desk.agent.can_view_personal_data = False
    desk.agent.save()
    complaint = received(desk)
    return cs.complaint_record(complaint=complaint, by=desk.supervisor, **record_data(contact_phone=PHONE))


def test_record_form_shows_the_masked_phone_to_roles_without_personal_data(client, desk):
    complaint = _recorded_for_masked_agent(desk)
    client.force_login(desk.agent)
    html = client.get(f"/complaints/{complaint.ticket.number}/").content.decode()
    assert MASKED in html
    assert PHONE not in html


def test_posting_the_masked_phone_back_keeps_the_stored_number(client, desk):
    complaint = _recorded_for_masked_agent(desk)
    client.force_login(desk.agent)
    data = {**record_data(contact_phone=MASKED, demand="只要退款"), "happened_at": ""}
    data["category"] = data["category"].pk
    client.post(f"/complaints/{complaint.ticket.number}/act/record/", data)
    complaint.refresh_from_db()
    assert complaint.demand == "只要退款"
    assert complaint.contact_phone == PHONE


def test_a_phone_with_stars_that_is_not_the_stored_one_is_refused(desk):
    complaint = _recorded_for_masked_agent(desk)
    with pytest.raises(DomainError) as refused:
        cs.complaint_record(complaint=complaint, by=desk.agent, **record_data(contact_phone="139****2222"))
    assert refused.value.field == "contact_phone"
    complaint.refresh_from_db()
    assert complaint.contact_phone == PHONE


def test_api_record_action_with_the_masked_phone_keeps_the_number(api_client, desk):
    complaint = _recorded_for_masked_agent(desk)
    data = {**record_data(contact_phone=MASKED, place="上海"), "happened_at": None}
    data["category"] = data["category"].pk
    data = {key: value for key, value in data.items() if value is not None}
    response = api_client.as_user(desk.agent).post(f"/api/v1/complaints/{complaint.ticket.number}/actions/record",
                                                   data)
    assert response.status_code == 200, response.content
    assert response.json()["record"]["contact_phone"] == MASKED
    complaint.refresh_from_db()
    assert (complaint.place, complaint.contact_phone) == ("上海", PHONE)


# ---- 3. who may act follows the complaint's department -------------------------------------------


def test_handlers_are_those_of_the_complaints_department_not_the_orders(desk):
    complaint = walk_to(desk, S.DISPATCHED)
    assert complaint.ticket.dispatched_to == desk.aftersales
    # Even if the work order were moved elsewhere, the handling order still names 售后部.
    type(complaint.ticket).objects.filter(pk=complaint.ticket_id).update(dispatched_to=desk.logistics)
    with pytest.raises(Forbidden):
        cs.complaint_analyse(complaint=complaint, by=desk.other_handler, cause="物流部分析")
    complaint = cs.complaint_analyse(complaint=complaint, by=desk.handler, cause="售后部分析")
    assert complaint.state == S.ANALYSED


def test_dispatch_moves_the_work_order_with_the_complaint_and_writes_its_history(desk):
    complaint = walk_to(desk, S.RECORDED)
    version = complaint.ticket.version
    complaint = cs.complaint_dispatch(complaint=complaint, by=desk.agent, department=desk.logistics)
    complaint.ticket.refresh_from_db()
    assert complaint.dispatched_to == complaint.ticket.dispatched_to == desk.logistics
    assert complaint.ticket.version > version
    event = TicketEvent.objects.get(ticket=complaint.ticket, code="ticket.dispatched")
    assert (event.params["new_id"], event.params["new"], event.actor) == (desk.logistics.pk, str(desk.logistics),
                                                                          desk.agent)


# ---- 4. corrections of the record form are audited ------------------------------------------------


def test_each_corrected_record_field_writes_one_history_row_with_masked_phones(desk):
    complaint = received(desk)
    cs.complaint_record(complaint=complaint, by=desk.agent, **record_data(contact_phone=PHONE, demand="换货"))
    cs.complaint_record(complaint=complaint, by=desk.supervisor,
                        **record_data(contact_phone="13999999999", demand="退款", severity="critical"))
    rows = {e.params["field"]: e for e in TicketEvent.objects.filter(ticket=complaint.ticket,
                                                                     code="complaint.record_corrected")}
    assert set(rows) == {"contact_phone", "demand", "severity"}
    assert (rows["demand"].params["old"], rows["demand"].params["new"]) == ("换货", "退款")
    phone = rows["contact_phone"]
    assert (phone.params["old"], phone.params["new"], phone.actor) == (MASKED, "139****9999", desk.supervisor)
    assert events.render(rows["severity"]).new == "重大"
    every_fact = json.dumps([e.params for e in TicketEvent.objects.filter(ticket=complaint.ticket)])
    assert PHONE not in every_fact


def test_first_recording_and_an_unchanged_re_recording_write_no_correction_rows(desk):
    complaint = walk_to(desk, S.RECORDED)
    cs.complaint_record(complaint=complaint, by=desk.agent, **record_data())
    assert not TicketEvent.objects.filter(ticket=complaint.ticket, code="complaint.record_corrected").exists()


# ---- 5. the admin cannot delete complaints or their step log ---------------------------------------


def test_admin_cannot_delete_a_complaint_or_its_step_log(client, desk):
    complaint = walk_to(desk, S.APPROVED)
    steps = ComplaintStep.objects.filter(complaint=complaint).count()
    client.force_login(desk.admin)
    response = client.post(f"/admin/complaints/complaint/{complaint.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    response = client.post("/admin/complaints/complaint/", {"action": "delete_selected", "_selected_action":
                                                            [complaint.pk], "post": "yes"})
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert ComplaintStep.objects.filter(complaint=complaint).count() == steps
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    assert "steps-0-note" not in page  # the step log is shown read-only, not as form inputs


# ---- 6. a refusal at registration is a refusal ----------------------------------------------------


def test_registration_refused_by_the_service_answers_403(client, desk):
    ticket = factories.ticket(desk.agent, type="complaint")
    client.force_login(desk.agent)
    data = {**record_data(), "subject": ticket.subject, "channel": "phone", "customer_id": ticket.customer_id,
            "happened_at": ""}
    data["category"] = data["category"].pk
    # The page's own check passes; the service (which re-checks the order) refuses.
    with mock.patch("kefu.policy.can_register_complaint", return_value=False):
        response = client.post(f"/complaints/new/?ticket={ticket.number}", data)
    assert response.status_code == 403
    assert not Complaint.objects.filter(ticket=ticket).exists()
