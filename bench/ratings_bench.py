"""Agent star ratings at department scale on PostgreSQL (issue 14: 200 agents, 1M work orders and 1M QA
results, under 60 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_survey .venv/bin/python bench/ratings_bench.py

Data (generated once into an empty, migrated database; re-runs reuse it):
- the large department of bench/datagen (issue 9's generator: departments, 20 teams of 10 agents,
  customers) and a year of 1M orders in SQL with that generator's proportions (70 % closed with both
  SLA clocks stopped, 5 % complaints);
- this benchmark's own part, by INSERT ... SELECT over those orders: reopen and hand-on facts (3 % and
  5 %), surveys answered for 10 % of the closed orders (3 scored answers each), receipts on closed
  complaints and a third of them confirmed against their agent, and 1M current QA inspections (2 %
  fatal) with 1.2 findings each (when the qa app is installed).
Then it times `ratings_compute` for all 200 agents: the last full month, the last full quarter, and the
four quarters of the year one after the other (every order and QA result of the year). It prints the
figures; nothing is asserted.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.datagen.people import build_people  # noqa: E402
from kefu.accounts.models import Role, User  # noqa: E402
from kefu.complaints.models import Complaint  # noqa: E402
from kefu.complaints.visibility import COPIED  # noqa: E402
from kefu.ratings.periods import current_period, recent_periods  # noqa: E402
from kefu.ratings.services import ratings_compute  # noqa: E402
from kefu.sla.models import SlaClock  # noqa: E402
from kefu.surveys.models import Answer, Survey  # noqa: E402
from kefu.surveys.rules import default_questionnaire  # noqa: E402
from kefu.tickets.models import Ticket, TicketEvent  # noqa: E402

PREFIX = "rate"  # usernames rate_agent_00_0 ... of bench/datagen
QA_MARK = "ratings-bench-"


def _literal(field: models.Field) -> str:
    """SQL for a column left at its model default."""
    if field.null:
        return "NULL"
    default = field.get_default()
    if isinstance(field, models.JSONField):
        return "'[]'::jsonb" if default == [] else "'{}'::jsonb"
    if isinstance(field, models.DateTimeField):
        return "now()"
    if isinstance(field, models.BooleanField):
        return "true" if default else "false"
    if isinstance(field, models.IntegerField | models.FloatField):
        return str(default or 0)
    return "''" if default in (None, "") else f"'{default}'"


def insert_select(model, values: dict[str, str], source: str) -> int:
    """INSERT INTO model (every column) SELECT values (model defaults elsewhere) FROM source."""
    columns, exprs = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))  # "end", "start" are SQL words
        exprs.append(values.get(field.column) or values.get(field.name) or _literal(field))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
                       f"SELECT {', '.join(exprs)} FROM {source}")
        return cursor.rowcount


def _step(label: str, started: float) -> None:
    print(f"  {label}: {time.monotonic() - started:.0f} s", flush=True)


def generate_orders(orders: int, agents: int, seed: int = 7) -> None:
    """The department of bench/datagen (issue 9's generator: departments, teams of 10 agents, customers),
    then a year of orders in SQL with its proportions (70 % closed, 5 % complaints, clocks of closed
    orders): its per-order Python writer takes about half an hour for 1M orders on a 2-core machine."""
    started = time.monotonic()
    people = build_people(orders=agents * 2500, rng=random.Random(seed), prefix=PREFIX)  # 10 agents per 25,000
    _step(f"department: {len(people.agents)} agents, {len(people.customers)} customers", started)
    ids = ",".join(str(a) for a, _team in people.agents)
    teams = ",".join(str(t) for _a, t in people.agents)
    n, first_customer, n_customers = len(people.agents), people.customers.start, len(people.customers)
    end = timezone.now()
    created = f"'{end.isoformat()}'::timestamptz - (g::bigint * 7919 % 31449600 + 3600) * interval '1 second'"
    closed = "g % 10 < 7"
    with transaction.atomic():
        insert_select(Ticket, {
            "number": "'R' || g", "subject": "'咨询订单进度'", "type": "CASE WHEN g % 20 = 0 THEN 'complaint' "
            "ELSE 'consultation' END", "channel": "'phone'", "priority": "'normal'",
            "status": f"CASE WHEN {closed} THEN 'closed' ELSE 'open' END",
            "customer_id": f"{first_customer} + g % {n_customers}",
            "first_responder_id": f"(ARRAY[{ids}]::bigint[])[g % {n} + 1]",
            "assignee_id": f"(ARRAY[{ids}]::bigint[])[g % {n} + 1]",
            "team_id": f"(ARRAY[{teams}]::bigint[])[g % {n} + 1]", "department_id": str(people.service.pk),
            "version": "1", "created_at": created, "updated_at": "now()",
            "first_response_at": f"{created} + (g % 90 + 5) * interval '1 minute'",
            "resolved_at": f"CASE WHEN {closed} THEN {created} + (g % 96 + 1) * interval '1 hour' END",
            "closed_at": f"CASE WHEN {closed} THEN {created} + (g % 96 + 49) * interval '1 hour' END",
        }, f"generate_series(1, {orders}) g")
        _step("orders", started)
        for kind, stop, hours in (("first_response", "first_response_at", 1), ("resolution", "resolved_at", 72)):
            insert_select(SlaClock, {
                "ticket_id": "t.id", "kind": f"'{kind}'", "derived": "true", "target_amount": str(hours),
                "target_unit": "'calendar_hours'", "warning_share": "0.8", "started_at": "t.created_at",
                "stopped_at": f"t.{stop}", "due_at": f"t.created_at + interval '{hours} hours'",
                "warn_at": f"t.created_at + interval '{hours * 48} minutes'"},
                "tickets_ticket t WHERE t.resolved_at IS NOT NULL")
        _step("SLA clocks of closed orders", started)
        insert_select(Complaint, {
            "ticket_id": "t.id", "state": "CASE WHEN t.closed_at IS NULL THEN 'dispatched' ELSE 'archived' END",
            "round": "1", "received_at": "t.created_at", "severity": "'minor'", "source": "'direct'",
            "description": "'客户对服务不满意'",
            # the order's visibility columns, as kefu/complaints/visibility.py keeps them on every other path
            **{copy: f"t.{column}" for column, copy in COPIED.items()}}, "tickets_ticket t WHERE t.type = 'complaint'")
        _step("complaints", started)


def generate_evidence(agents: list[int]) -> None:
    """Facts the department generator leaves out and ratings read: reopens, hand-ons, surveys, receipts."""
    started = time.monotonic()
    n = len(agents)
    agent_arr = "ARRAY[" + ",".join(map(str, agents)) + "]::bigint[]"
    closed = "(SELECT id, assignee_id, customer_id, department_id, created_at, resolved_at FROM tickets_ticket " \
             "WHERE resolved_at IS NOT NULL) t"
    with transaction.atomic():
        insert_select(TicketEvent, {"ticket_id": "t.id", "actor_id": "t.assignee_id", "code": "'ticket.reopened'",
                                    "params": "'{\"old\": \"resolved\", \"new\": \"open\"}'::jsonb",
                                    "created_at": "t.resolved_at + interval '5 hours'"}, f"{closed} WHERE t.id % 100 < 3")
        insert_select(TicketEvent, {"ticket_id": "t.id", "actor_id": f"({agent_arr})[t.id % {n} + 1]",
                                    "code": "'ticket.assigned'", "created_at": "t.created_at + interval '10 minutes'"},
                      f"{closed} WHERE t.id % 100 BETWEEN 3 AND 7")
        _step("reopen and hand-on facts", started)
        questionnaire = default_questionnaire()
        insert_select(Survey, {
            "ticket_id": "t.id", "customer_id": "t.customer_id", "agent_id": "t.assignee_id",
            "department_id": "t.department_id", "questionnaire_id": str(questionnaire.pk), "trigger": "'resolved'",
            "delivery": "'sent'", "sent_at": "t.resolved_at", "expires_at": "t.resolved_at + interval '7 days'",
            "answered_at": "t.resolved_at + interval '1 day'"}, f"{closed} WHERE t.id % 10 = 0")
        for code, kind, expr in (("satisfaction", "stars", "1 + (s.id * 7 % 5)"),
                                 ("service_quality", "stars", "2 + (s.id * 3 % 4)"),
                                 ("resolved", "yes_no", "CASE WHEN s.id % 4 = 0 THEN 0 ELSE 1 END")):
            insert_select(Answer, {"survey_id": "s.id", "code": f"'{code}'", "kind": f"'{kind}'",
                                   "question_text": f"'{code}'", "score": expr}, "surveys_survey s")
        _step("surveys and answers", started)
        with connection.cursor() as cursor:  # receipts on closed complaints; a third about the agent, confirmed
            cursor.execute(
                "UPDATE complaints_complaint c SET receipt_satisfied = (c.id % 5 > 0), "
                "receipt_at = c.received_at + interval '4 days', object_kind = CASE WHEN c.id % 3 = 0 THEN 'staff' "
                "ELSE 'product' END, responsible_party = CASE WHEN c.id % 3 = 0 THEN 'ours' ELSE 'supplier' END, "
                "responsible_person = CASE WHEN c.id % 3 = 0 THEN u.username ELSE '' END "
                "FROM tickets_ticket t JOIN accounts_user u ON u.id = t.first_responder_id "
                "WHERE t.id = c.ticket_id AND c.state IN ('receipted', 'archived', 'summarised')")
        _step("complaint receipts", started)


def generate_qa(n_qa: int, agents: list[int]) -> None:
    if not apps.is_installed("kefu.qa") or not n_qa:
        return
    conversation = apps.get_model("qa", "Conversation")
    inspection = apps.get_model("qa", "Inspection")
    finding = apps.get_model("qa", "Finding")
    started = time.monotonic()
    n = len(agents)
    agent_arr = "ARRAY[" + ",".join(map(str, agents)) + "]::bigint[]"
    end = timezone.now()
    at = f"'{end.isoformat()}'::timestamptz - (g::bigint * 104729 % 31449600) * interval '1 second'"  # a year back
    with transaction.atomic():
        insert_select(conversation, {"external_id": f"'{QA_MARK}' || g", "source": "'import'", "channel": "'chat'",
                                     "agent_id": f"({agent_arr})[g % {n} + 1]", "started_at": at,
                                     "inspection_state": "'done'"}, f"generate_series(1, {n_qa}) g")
        insert_select(inspection, {
            "conversation_id": "c.id", "pack_name": "'default'", "pack_version": "'bench'", "trigger": "'import'",
            "is_current": "true", "auto_score": "90", "score": "90", "fatal": "c.id % 50 = 0",
            "agent_id": "c.agent_id", "channel": "'chat'", "started_at": "c.started_at",
            "created_at": "c.started_at"}, f"qa_conversation c WHERE c.external_id LIKE '{QA_MARK}%'")
        for category, tenths in (("impolite_address", 3), ("missing_closing", 2), ("forbidden_phrase", 1)):
            insert_select(finding, {"inspection_id": "i.id", "rule": f"'{category}'", "category": f"'{category}'",
                                    "severity": "'minor'", "turn": "0", "start": "0", "end": "1",
                                    "verdict": "'pending'", "counts": "true"},
                          f"qa_inspection i WHERE i.pack_version = 'bench' AND i.id % 10 < {tenths * 2}")
    _step(f"{n_qa} QA results", started)


def bench_agents(n: int) -> list[User]:
    return list(User.objects.filter(username__startswith=f"{PREFIX}_agent_", role=Role.AGENT).order_by("pk")[:n])


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--qa", type=int, default=1_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL=postgres://... (the figure is for PostgreSQL)")
    if not bench_agents(1):
        print(f"generating {args.orders} orders for {args.agents} agents ...", flush=True)
        generate_orders(args.orders, args.agents)
        generate_evidence([a.pk for a in bench_agents(args.agents)])
        analyze()
    if apps.is_installed("kefu.qa") and not apps.get_model("qa", "Conversation").objects.filter(
            external_id__startswith=QA_MARK).exists():
        generate_qa(args.qa, [a.pk for a in bench_agents(args.agents)])
        analyze()
    agents = bench_agents(args.agents)
    today = timezone.localdate()
    month = current_period("month", today).previous()
    quarter = current_period("quarter", today).previous()
    for period in (month, quarter):
        t0 = time.perf_counter()
        rows = ratings_compute(period=period, agents=agents)
        print(f"ratings_compute {period.code}: {len(rows)} agents, {sum(r.sample for r in rows)} orders handled "
              f"in the period, {sum(1 for r in rows if r.stars)} rated: {time.perf_counter() - t0:.2f} s", flush=True)
    t0 = time.perf_counter()
    year = recent_periods(current_period("quarter", today), 4)
    handled = sum(sum(r.sample for r in ratings_compute(period=p, agents=agents)) for p in year)
    print(f"ratings_compute {year[0].code}..{year[-1].code} (four quarters, one after the other): "
          f"{handled} orders handled: {time.perf_counter() - t0:.2f} s", flush=True)
    counts = {"agents": len(agents), "orders": Ticket.objects.count(), "history": TicketEvent.objects.count(),
              "sla_clocks": SlaClock.objects.count(), "survey_answers": Answer.objects.count(),
              "complaints": Complaint.objects.count()}
    if apps.is_installed("kefu.qa"):
        counts["qa_inspections"] = apps.get_model("qa", "Inspection").objects.count()
        counts["qa_findings"] = apps.get_model("qa", "Finding").objects.count()
    print("rows:", " ".join(f"{k}={v}" for k, v in counts.items()))
    print(f"machine: {os.cpu_count()} cores, PostgreSQL {connection.pg_version}")


if __name__ == "__main__":
    main()
