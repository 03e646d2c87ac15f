"""Puts the parts together: people, orders in batches (one transaction each), then SLA clocks."""

from __future__ import annotations

import random
import time

from django.db import transaction
from django.utils import timezone

from .orders import OrderWriter
from .people import build_people
from .writer import reset_sequences


def generate(*, orders: int, seed: int = 7, batch: int = 20_000, clocks: bool = True, log=print) -> dict:
    rng = random.Random(seed)
    started = time.monotonic()
    people = build_people(orders=orders, rng=rng)
    log(f"people: {len(people.agents)} agents in {len(people.teams)} teams, {len(people.customers)} customers "
        f"({time.monotonic() - started:.0f} s)")
    writer = OrderWriter(people, rng, end=timezone.now())
    done = 0
    while done < orders:
        with transaction.atomic():
            for _ in range(min(batch, orders - done)):
                writer.add_order()
            writer.flush()
        done = min(done + batch, orders)
        if done % (batch * 10) == 0 or done == orders:
            log(f"orders: {done}/{orders} ({time.monotonic() - started:.0f} s)")
    reset_sequences([*writer.models(), _customer_model()])
    counts = {"orders": writer.tickets.written, "open": writer.open_count, "messages": writer.messages.written,
              "history": writer.events.written, "complaints": writer.complaints.written,
              "complaint_steps": writer.steps.written, "closed_clocks": writer.clocks.written}
    if clocks:
        from kefu.sla.services import clocks_recompute_open

        t = time.monotonic()
        clocks_recompute_open()
        log(f"clocks of {writer.open_count} open orders computed by the product ({time.monotonic() - t:.0f} s)")
        mark_alerted()
    _analyze()
    counts["seconds"] = round(time.monotonic() - started)
    return counts


def add_extras(*, qa_results: int = 0, survey_answers: int = 0, seed: int = 7, log=print) -> dict:
    """QA results and survey answers on top of the orders already there (the reports benchmark)."""
    from kefu.qa.models import Conversation, Finding, Inspection
    from kefu.surveys.models import Answer, Survey

    from .qa_results import add_qa_results
    from .survey_answers import add_survey_answers

    rng = random.Random(seed + 15)
    started = time.monotonic()
    counts = {}
    if qa_results:
        counts["qa_results"] = add_qa_results(count=qa_results, rng=rng, end=timezone.now(), log=log)
    if survey_answers:
        counts["survey_answers"] = add_survey_answers(answers=survey_answers, rng=rng, log=log)
    reset_sequences([Conversation, Inspection, Finding, Survey, Answer])
    _analyze()
    counts["seconds"] = round(time.monotonic() - started)
    return counts


def mark_alerted() -> None:
    """The steady state of a running installation: the alert task has told everyone about every warning
    and breach up to now (otherwise the first alert run after generating would alert a year at once)."""
    from django.db.models import Q

    from kefu.sla.models import SlaClock

    now = timezone.now()
    running = SlaClock.objects.filter(stopped_at__isnull=True)
    running.filter(due_at__lte=now).exclude(alerted="breached").update(alerted="breached")
    running.filter(Q(warn_at__lte=now) & Q(due_at__gt=now), alerted="").update(alerted="warning")


def _customer_model():
    from kefu.customers.models import Customer

    return Customer


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
