"""Two supervisors approving at the same instant on PostgreSQL: the row lock lets exactly one through.

SQLite serialises writers anyway (and has no SELECT ... FOR UPDATE), so there the sequential version in
test_complaint_flow.py covers the rule; this one runs only when DATABASE_URL points at PostgreSQL.
"""

import threading

import pytest
from django.db import connection, connections

from kefu.complaints import services as cs
from kefu.complaints.models import ComplaintState
from kefu.core.errors import DomainError
from tests import factories
from tests.test_complaint_support import ensure_seed_data, walk_to

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_supervisors_approving_at_once_record_one_approval(desk):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL=postgres://...)")
    ensure_seed_data()
    complaint = walk_to(desk, ComplaintState.PROPOSED)
    supervisors = [desk.supervisor, factories.user("supervisor", dept=desk.service)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(by) -> None:
        try:
            barrier.wait()
            cs.complaint_approve(complaint=complaint, by=by)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(s,)) for s in supervisors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("ok") == 1
    assert complaint.steps.filter(action="approve").count() == 1
