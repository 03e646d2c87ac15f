"""The whole API, fuzzed by schemathesis as each role: whatever the input, never a server error, never a
status code the operation does not declare, never an answer whose body or content type contradicts the
schema (issue 8: generated clients and schema-driven tests can trust it).

Bounded so CI stays fast: a few examples per operation and mode, and a time budget per role
(KEFU_FUZZ_EXAMPLES, KEFU_FUZZ_SECONDS). Each generated case runs twice over: with the path
parameters schemathesis makes up (mostly unknown objects) and pinned to real objects of the
caller's desk, so bodies reach the services instead of stopping at a 404.

Checks are plain functions (case, response) -> None in CHECKS. A run collects every contradiction (once
per operation, status and check) and fails listing them all, each with the request that shows it.
"""

import os
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from kefu.accounts.models import Role
from tests import factories

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.core.errors import SerializationNotPossible  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("KEFU_FUZZ_EXAMPLES", "3"))
BUDGET_SECONDS = float(os.environ.get("KEFU_FUZZ_SECONDS", "25"))
ROLES = [Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.HANDLER, Role.QA]


def no_server_error(case, response) -> None:
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}\n"
        f"query={case.query!r} body={case.body!r}\n{response.text[:2000]}"
    )


def conforms_to_schema(case, response) -> None:
    """The status code is declared for the operation and the body (and its content type) matches what the
    schema declares for that status: generated clients and schema-driven tests can trust the schema."""
    case.validate_response(response, checks=[status_code_conformance, content_type_conformance,
                                             response_schema_conformance])


CHECKS: list[Callable] = [no_server_error, conforms_to_schema]


@pytest.fixture
def _keep_connection():
    """The raw WSGI app closes the database connection after each request, as a server should; the test
    transaction lives on that connection, so do what Django's test client does and keep it open."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db, settings, _keep_connection):
    """A desk with a customer, open and complaint orders and a phrase, for the pinned path parameters."""
    settings.KEFU_API_RATE_LIMIT = 0  # fuzzing sends thousands of requests with one token
    from kefu.complaints.services import complaint_receive
    from kefu.phrases.models import Phrase
    from kefu.tickets.services import ticket_dispatch

    desk = factories.Desk()
    cust = factories.customer(desk.agent)
    ticket = factories.ticket(desk.agent, cust)
    other = factories.ticket(desk.agent, cust, subject="另一个问题")
    complaint = complaint_receive(by=desk.agent, customer=cust, subject="投诉：送货太慢",
                                  description="送货员态度不好")
    ticket_dispatch(ticket=other, by=desk.agent, department=desk.aftersales)
    phrase = Phrase.objects.create(situation="greeting", text="您好")
    return {
        "desk": desk, "customer_id": cust.pk, "number": ticket.number, "other": other.number,
        "complaint": complaint.ticket.number, "phrase_id": phrase.pk,
    }


def _pinned(operation, world) -> dict:
    names = {p.name for p in operation.path_parameters}
    values = {"customer_id": world["customer_id"], "number": world["number"], "phrase_id": world["phrase_id"]}
    if "/complaints/" in operation.path:
        values["number"] = world["complaint"]
    return {k: v for k, v in values.items() if k in names}


def _run_operation(operation, headers: dict, pinned: dict, mode, deadline: float, found: dict) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=pinned or None)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case) -> None:
        if time.monotonic() > deadline:
            return
        response = case.call(headers=headers)
        for check in CHECKS:
            try:
                check(case, response)
            except (AssertionError, FailureGroup) as exc:
                # Collected rather than raised, so one run reports every contradiction (once per operation,
                # status and check) instead of the first one hypothesis shrinks.
                found.setdefault((case.method, case.path, response.status_code, check.__name__), str(exc)[:3000])

    try:
        run()
    except (Unsatisfiable, SerializationNotPossible):
        pass  # e.g. the raw MIME mail webhook (message/rfc822): schemathesis cannot build such bodies


@pytest.mark.parametrize("role", ROLES)
def test_no_server_error_as_each_role(role, fuzz_world):
    from kefu.accounts.services import token_create
    from kefu.wsgi import application

    desk = fuzz_world["desk"]
    user = {Role.ADMIN: desk.admin, Role.SUPERVISOR: desk.supervisor, Role.AGENT: desk.agent,
            Role.HANDLER: desk.handler, Role.QA: desk.qa}[role]
    headers = {"Authorization": f"Bearer {token_create(user=user)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, headers=headers)
    deadline = time.monotonic() + BUDGET_SECONDS
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25, "the API schema lost operations"
    # Every operation gets its pinned positive run first (the cases most likely to reach the services),
    # then the other modes while the budget lasts; past the deadline nothing more is generated.
    plans = [(op, pinned, mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
             for op in operations for pinned in ([_pinned(op, fuzz_world)] if _pinned(op, fuzz_world) else []) + [{}]]
    found: dict = {}
    for operation, pinned, mode in plans:
        if time.monotonic() > deadline:
            break
        _run_operation(operation, headers, pinned, mode, deadline, found)
    assert not found, f"{len(found)} contradiction(s) as {role}:\n" + "\n\n".join(
        f"{method} {path} -> {status} [{check}]\n{message}" for (method, path, status, check), message in found.items())


def test_the_conformance_check_catches_an_undeclared_status_and_a_wrong_body(fuzz_world):
    """The check is not a formality: an answer the schema does not allow fails it."""
    import requests

    from kefu.accounts.services import token_create
    from kefu.wsgi import application

    headers = {"Authorization": f"Bearer {token_create(user=fuzz_world['desk'].admin)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, headers=headers)
    operation = schema["/api/v1/me"]["GET"]
    case = operation.Case()
    real = case.call(headers=headers)
    conforms_to_schema(case, real)  # the real answer passes

    def fake(status: int, body: bytes) -> requests.Response:
        response = requests.Response()
        response.status_code, response._content = status, body
        response.headers["Content-Type"] = "application/json"
        response.request = requests.Request("GET", "http://localhost/api/v1/me").prepare()
        return response

    with pytest.raises(FailureGroup, match="Undocumented status code"):
        conforms_to_schema(case, fake(418, b'{"detail": "teapot", "errors": []}'))
    with pytest.raises(FailureGroup, match="violates schema"):
        conforms_to_schema(case, fake(200, b'{"id": "not a number"}'))
