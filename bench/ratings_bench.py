"""Agent star ratings at department scale on PostgreSQL (issue 14: 200 agents, 1M work orders and
1M QA results, under 60 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_survey .venv/bin/python bench/ratings_bench.py

Generates the data once with INSERT ... SELECT generate_series (re-runs reuse it when the marker
customer and the counts match; --fresh deletes it first): 200 agents; 1M orders over one quarter, 80 %
resolved, 3 % reopened, 5 % handed on; two SLA clocks per order (first response, resolution); 10 % of
orders answered a survey (3 scored answers); 1 % complaints with receipts, some against the agent;
1M current QA inspections (2 % fatal) with 0.6 findings each when the qa app is installed. Then times
`ratings_compute` for all agents over the quarter (every record) and over one month, and prints the
figures. Nothing here is asserted: it measures.
"""

import argparse
import os
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

from kefu.accounts.models import Department, Role, Team, User  # noqa: E402
from kefu.complaints.models import Complaint  # noqa: E402
from kefu.customers.models import Customer  # noqa: E402
from kefu.ratings.periods import parse_period  # noqa: E402
from kefu.ratings.services import bounds, ratings_compute  # noqa: E402
from kefu.sla.models import SlaClock  # noqa: E402
from kefu.surveys.models import Answer, Questionnaire, Survey  # noqa: E402
from kefu.surveys.rules import default_questionnaire  # noqa: E402
from kefu.tickets.models import Ticket, TicketEvent  # noqa: E402

MARK = "ratings-bench"
QUARTER = "2026-Q3"


def _literal(field: models.Field) -> str:
    """SQL for a column the generator leaves at its model default."""
    if field.null:
        return "NULL"
    default = field.get_default()
    if isinstance(field, models.JSONField):
        return "'[]'::jsonb" if default == [] else "'{}'::jsonb"
    if isinstance(field, models.DateTimeField):
        return "now()"
    if isinstance(field, models.BooleanField):
        return "true" if default else "false"
    if isinstance(field, (models.IntegerField, models.FloatField)):
        return str(default or 0)
    return "''" if default in (None, "") else f"'{default}'"


def insert_select(model, values: dict[str, str], source: str) -> int:
    """INSERT INTO model (every column) SELECT values (defaults elsewhere) FROM source."""
    columns, exprs = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        exprs.append(values.get(field.column) or values.get(field.name) or _literal(field))
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def people(n_agents: int) -> tuple[list[int], int, int]:
    dept, _ = Department.objects.get_or_create(code=MARK, defaults={"name": MARK, "kind": "service"})
    team, _ = Team.objects.get_or_create(department=dept, name=MARK)
    have = User.objects.filter(username__startswith=f"{MARK}-a").count()
    User.objects.bulk_create([User(username=f"{MARK}-a{i:04d}", role=Role.AGENT, department=dept, team=team,
                                   password="!") for i in range(have, n_agents)])
    agents = list(User.objects.filter(username__startswith=f"{MARK}-a").order_by("pk")
                  .values_list("pk", flat=True)[:n_agents])
    return agents, dept.pk, team.pk


def generate(n_orders: int, n_agents: int, n_qa: int) -> None:
    agents, dept, team = people(n_agents)
    start, end = bounds(parse_period(QUARTER))
    span = int((end - start).total_seconds()) - 86400
    agent_arr = "ARRAY[" + ",".join(map(str, agents)) + "]::bigint[]"
    customer = Customer.objects.create(name=MARK, phones=[])
    t0 = time.perf_counter()
    with transaction.atomic():
        # an order: agent = g % n, created spread over the quarter; status by g % 100
        insert_select(Ticket, {
            "number": "'B' || g", "subject": "'bench'", "type": "'consultation'", "channel": "'phone'",
            "priority": "'normal'",
            "status": "CASE WHEN g % 100 < 80 THEN 'resolved' ELSE 'open' END",
            "customer_id": str(customer.pk), "first_responder_id": f"({agent_arr})[g % {n_agents} + 1]",
            "assignee_id": f"({agent_arr})[g % {n_agents} + 1]", "team_id": str(team), "department_id": str(dept),
            "version": "1", "created_at": f"'{start.isoformat()}'::timestamptz + (g::bigint * 7919 % {span}) * interval '1 second'",
            "updated_at": "now()",
            "resolved_at": f"CASE WHEN g % 100 < 80 THEN '{start.isoformat()}'::timestamptz + ((g::bigint * 7919 % {span}) + 3600) * interval '1 second' END",
        }, f"generate_series(1, {n_orders}) g")
        print(f"  orders: {time.perf_counter() - t0:.1f}s", flush=True)
        base = f"(SELECT id, assignee_id, created_at, resolved_at, row_number() OVER (ORDER BY id) AS g FROM tickets_ticket WHERE customer_id = {customer.pk}) t"
        insert_select(TicketEvent, {"ticket_id": "t.id", "actor_id": "t.assignee_id", "code": "'ticket.reopened'",
                                    "params": "'{\"old\": \"resolved\", \"new\": \"open\"}'::jsonb",
                                    "created_at": "t.created_at + interval '2 hours'"},
                      f"{base} WHERE t.g % 100 < 3")
        insert_select(TicketEvent, {"ticket_id": "t.id", "actor_id": f"({agent_arr})[(t.g + 1) % {n_agents} + 1]",
                                    "code": "'ticket.assigned'", "created_at": "t.created_at + interval '10 minutes'"},
                      f"{base} WHERE t.g % 100 BETWEEN 3 AND 7")
        print(f"  events: {time.perf_counter() - t0:.1f}s", flush=True)
        for kind, minutes, met in (("first_response", 60, 90), ("resolution", 2880, 85)):
            insert_select(SlaClock, {
                "ticket_id": "t.id", "kind": f"'{kind}'", "derived": "true", "target_amount": "1",
                "target_unit": "'business_hours'", "warning_share": "0.8", "started_at": "t.created_at",
                "stopped_at": f"t.created_at + interval '{minutes} minutes' * (CASE WHEN t.g % 100 < {met} THEN 0.5 ELSE 1.5 END)",
                "due_at": f"t.created_at + interval '{minutes} minutes'", "warn_at": "t.created_at",
            }, base)
        print(f"  SLA clocks: {time.perf_counter() - t0:.1f}s", flush=True)
        questionnaire = default_questionnaire() or Questionnaire.objects.get()
        insert_select(Survey, {
            "ticket_id": "t.id", "customer_id": str(customer.pk), "agent_id": "t.assignee_id",
            "department_id": str(dept), "questionnaire_id": str(questionnaire.pk), "trigger": "'resolved'",
            "delivery": "'sent'", "sent_at": "t.resolved_at", "expires_at": "t.resolved_at + interval '7 days'",
            "answered_at": "t.resolved_at + interval '1 day'",
        }, f"{base} WHERE t.g % 10 = 0 AND t.resolved_at IS NOT NULL")
        for code, expr in (("satisfaction", "1 + (s.id % 5)"), ("service_quality", "2 + (s.id % 4)"),
                           ("resolved", "CASE WHEN s.id % 4 = 0 THEN 0 ELSE 1 END")):
            insert_select(Answer, {"survey_id": "s.id", "code": f"'{code}'",
                                   "kind": "'yes_no'" if code == "resolved" else "'stars'",
                                   "question_text": f"'{code}'", "score": expr},
                          f"surveys_survey s WHERE s.customer_id = {customer.pk}")
        print(f"  surveys: {time.perf_counter() - t0:.1f}s", flush=True)
        insert_select(Complaint, {
            "ticket_id": "t.id", "state": "CASE WHEN t.g % 3 = 0 THEN 'notified' ELSE 'receipted' END",
            "round": "1", "received_at": "t.created_at", "severity": "'minor'", "source": "'direct'",
            "object_kind": "CASE WHEN t.g % 3 = 0 THEN 'staff' ELSE 'product' END",
            "responsible_party": "CASE WHEN t.g % 3 = 0 THEN 'ours' ELSE '' END",
            "responsible_person": f"CASE WHEN t.g % 3 = 0 THEN '{MARK}-a' || lpad(((t.g % {n_agents}))::text, 4, '0') ELSE '' END",
            "receipt_satisfied": "CASE WHEN t.g % 3 = 0 THEN NULL ELSE t.g % 5 > 0 END",
            "receipt_at": "CASE WHEN t.g % 3 = 0 THEN NULL ELSE t.created_at + interval '3 days' END",
        }, f"{base} WHERE t.g % 100 = 50")
        print(f"  complaints: {time.perf_counter() - t0:.1f}s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def ensure_qa(n_qa: int, n_agents: int) -> None:
    """QA results are generated separately, so they can be added once the qa app exists."""
    if not apps.is_installed("kefu.qa") or not n_qa:
        return
    conversation = apps.get_model("qa", "Conversation")
    if conversation.objects.filter(external_id__startswith=f"{MARK}-").count() == n_qa:
        return
    print(f"generating {n_qa} QA results ...", flush=True)
    agents, _dept, team = people(n_agents)
    agent_arr = "ARRAY[" + ",".join(map(str, agents)) + "]::bigint[]"
    start, end = bounds(parse_period(QUARTER))
    customer = Customer.objects.filter(name=MARK).first()
    t0 = time.perf_counter()
    with transaction.atomic():
        conversation.objects.filter(external_id__startswith=f"{MARK}-").delete()
        generate_qa(n_qa, agent_arr, n_agents, team, start, int((end - start).total_seconds()) - 86400, customer.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  QA results: {time.perf_counter() - t0:.1f}s", flush=True)


def generate_qa(n_qa: int, agent_arr: str, n_agents: int, team: int, start, span: int, customer: int) -> None:
    conversation = apps.get_model("qa", "Conversation")
    inspection = apps.get_model("qa", "Inspection")
    finding = apps.get_model("qa", "Finding")
    at = f"'{start.isoformat()}'::timestamptz + (g::bigint * 104729 % {span}) * interval '1 second'"
    insert_select(conversation, {"external_id": f"'{MARK}-' || g", "source": "'import'", "channel": "'chat'",
                                 "agent_id": f"({agent_arr})[g % {n_agents} + 1]", "customer_id": str(customer),
                                 "started_at": at, "inspection_state": "'done'", "created_at": "now()",
                                 "updated_at": "now()"}, f"generate_series(1, {n_qa}) g")
    insert_select(inspection, {
        "conversation_id": "c.id", "pack_name": "'default'", "pack_version": "'bench'", "trigger": "'import'",
        "is_current": "true", "auto_score": "90", "score": "90", "fatal": "c.id % 50 = 0",
        "agent_id": "c.agent_id", "team_id": str(team), "channel": "'chat'", "started_at": "c.started_at",
        "created_at": "c.started_at"}, f"qa_conversation c WHERE c.external_id LIKE '{MARK}-%'")
    for category, share in (("impolite_address", 3), ("missing_closing", 2), ("forbidden_phrase", 1)):
        insert_select(finding, {"inspection_id": "i.id", "rule": f"'{category}'", "category": f"'{category}'",
                                "severity": "'minor'", "turn": "0", "start": "0", "end": "1",
                                "verdict": "'pending'", "counts": "true"},
                      f"qa_inspection i WHERE i.pack_version = 'bench' AND i.id % 10 < {share * 2}")


def existing(n_orders: int) -> bool:
    customer = Customer.objects.filter(name=MARK).first()
    return customer is not None and Ticket.objects.filter(customer=customer).count() == n_orders


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM customers_customer WHERE name = %s", [MARK])
        ids = [r[0] for r in cursor.fetchall()]
        if not ids:
            return
        # No ON DELETE CASCADE in Django's schema: children first.
        tickets = "(SELECT id FROM tickets_ticket WHERE customer_id = ANY(%s))"
        cursor.execute("DELETE FROM surveys_answer WHERE survey_id IN (SELECT id FROM surveys_survey "
                       "WHERE customer_id = ANY(%s))", [ids])
        cursor.execute("DELETE FROM surveys_survey WHERE customer_id = ANY(%s)", [ids])
        for table in ("tickets_ticketevent", "sla_slaclock", "complaints_complaint"):
            cursor.execute(f"DELETE FROM {table} WHERE ticket_id IN {tickets}", [ids])
        cursor.execute("DELETE FROM tickets_ticket WHERE customer_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM customers_customer WHERE id = ANY(%s)", [ids])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--qa", type=int, default=1_000_000)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL=postgres://... (the figure is for PostgreSQL)")
    if args.fresh or not existing(args.orders):
        print(f"generating {args.orders} orders, {args.qa} QA results, {args.agents} agents ...", flush=True)
        clear()
        generate(args.orders, args.agents, args.qa)
    ensure_qa(args.qa, args.agents)
    agents = list(User.objects.filter(username__startswith=f"{MARK}-a").order_by("pk")[: args.agents])
    for code in (QUARTER, "2026-08"):
        period = parse_period(code)
        t0 = time.perf_counter()
        rows = ratings_compute(period=period, agents=agents)
        seconds = time.perf_counter() - t0
        rated = sum(1 for r in rows if r.stars is not None)
        sample = sum(r.sample for r in rows)
        print(f"ratings_compute {code}: {len(rows)} agents, {sample} orders in period, {rated} rated, "
              f"{seconds:.2f} s", flush=True)
    counts = {"orders": Ticket.objects.count(), "events": TicketEvent.objects.count(),
              "sla_clocks": SlaClock.objects.count(), "survey_answers": Answer.objects.count(),
              "complaints": Complaint.objects.count()}
    if apps.is_installed("kefu.qa"):
        counts["qa_inspections"] = apps.get_model("qa", "Inspection").objects.count()
        counts["qa_findings"] = apps.get_model("qa", "Finding").objects.count()
    print("rows in the database:", counts)
    print(f"machine: {os.cpu_count()} cores; PostgreSQL {connection.pg_version}; date {timezone.localdate()}")


if __name__ == "__main__":
    main()
