"""Events as facts (issue 8): the migrated history reads exactly as before, and SLA figures depend on
facts only, never on a translation or LANGUAGE_CODE.

tests/fixtures/history_before_facts.json holds every distinct history row of the demo data as the
text-storing code wrote it (action, field, old, new, note) and the cells its history table showed,
dumped from an installation in Chinese and one in English (tests/fixtures/dump_history_before_facts.py).
"""

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from kefu.sla.models import SlaClock
from kefu.sla.services import clocks_recompute
from kefu.tickets import events, services
from kefu.tickets.models import Status, TicketEvent
from tests import factories

BEFORE = json.loads((Path(__file__).parent / "fixtures" / "history_before_facts.json").read_text())
OLD = [("tickets", "0002_due_warning_and_provisional"), ("complaints", "0002_default_categories")]


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


def _insert_old_rows(apps, rows: list) -> list[int]:
    """Writes the rows through the models as they were at tickets 0002 (text columns)."""
    Department = apps.get_model("accounts", "Department")
    User = apps.get_model("accounts", "User")
    Customer = apps.get_model("customers", "Customer")
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    department = Department.objects.create(name="迁移测试部")
    user = User.objects.create(username="migrator", department=department)
    customer = Customer.objects.create(name="迁移客户")
    ticket = Ticket.objects.create(number="GDMIGRATION", subject="s", customer=customer, first_responder=user,
                                   department=department, created_at=timezone.now())
    ids = []
    for action, field, old, new, note, _cells in rows:
        ids.append(TicketEvent.objects.create(ticket=ticket, actor=user, action=action, field=field, old_value=old,
                                              new_value=new, note=note, created_at=timezone.now()).pk)
    return ids


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("installed", ["zh-hans", "en"])
def test_migrated_demo_history_renders_exactly_as_before(installed):
    """An installation in Chinese read in Chinese, one in English read in English: every cell the same."""
    rows = BEFORE[installed]
    executor = MigrationExecutor(connection)
    latest = _latest(executor)
    executor.migrate(OLD)
    try:
        executor.loader.build_graph()
        ids = _insert_old_rows(executor.loader.project_state(OLD).apps, rows)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    migrated = {e.pk: e for e in TicketEvent.objects.filter(pk__in=ids)}
    with translation.override(installed):
        after = [events.render(migrated[pk]) for pk in ids]
    shown = [[line.title, line.field, line.old, line.new, line.note] for line in after]
    assert shown == [cells for *_old, cells in rows]
    # and they are facts now: status and complaint-state words became codes the SLA and reports read
    codes = {migrated[pk].code for pk in ids}
    assert {"ticket.status_changed", "complaint.receive", "complaint.dispatch"} <= codes
    for pk in ids:
        params = migrated[pk].params
        if migrated[pk].code == "ticket.status_changed":
            assert params["old"] in Status.values and params["new"] in Status.values
        if migrated[pk].code.startswith("complaint.") and migrated[pk].code != "complaint.record_corrected":
            assert "to" in params and "new_text" not in params


def _waiting_order(desk, start, *, language: str):
    """A work order that waited on the customer from hour 1 to hour 3, the status set by a reader of language."""
    ticket = factories.ticket(desk.agent, created_at=start)
    with translation.override(language):
        services.ticket_set_status(ticket=ticket, by=desk.agent, status=Status.WAITING)
        services.ticket_set_status(ticket=ticket, by=desk.agent, status=Status.OPEN)
    waits = list(ticket.events.filter(code="ticket.status_changed").order_by("id"))
    TicketEvent.objects.filter(pk=waits[0].pk).update(created_at=start + timedelta(hours=1))
    TicketEvent.objects.filter(pk=waits[1].pk).update(created_at=start + timedelta(hours=3))
    return ticket


def _clocks(ticket, now) -> list[tuple]:
    clocks_recompute(ticket=ticket, now=now)
    return sorted((c.kind, c.due_at - ticket.created_at, c.paused_seconds, c.warn_at - ticket.created_at)
                  for c in SlaClock.objects.filter(ticket=ticket))


@pytest.mark.django_db
def test_changing_a_translation_and_language_code_changes_no_sla_figure(desk, settings):
    start = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday: working hours
    now = start + timedelta(hours=6)
    ticket = _waiting_order(desk, start, language="zh-hans")
    ticket.refresh_from_db()
    before = _clocks(ticket, now)
    assert any(paused > 0 for _kind, _due, paused, _warn in before), "the wait must count as a pause"
    settings.LANGUAGE_CODE = "en"
    catalog = translation.trans_real.translation("en")._catalog
    original = catalog["等待客户"]
    catalog["等待客户"] = "On hold"  # an admin rewords the status
    try:
        with translation.override("en"):
            assert str(Status.WAITING.label) == "On hold"
            after = _clocks(ticket, now)
            english = _waiting_order(desk, start, language="en")
            english.refresh_from_db()
            written_in_english = _clocks(english, now)
    finally:
        catalog["等待客户"] = original
    assert after == before
    assert written_in_english == before  # the same figures when the history was written in English
