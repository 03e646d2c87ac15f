"""Callback campaigns: selection by the saved query, the exclusions, and the split among agents."""

import pytest

from kefu.callbacks.assignment import split
from kefu.callbacks.models import CallbackTask, DoNotCall
from kefu.callbacks.services import do_not_call_add
from kefu.core.errors import DomainError, Forbidden
from kefu.customers.merge import customer_merge
from tests import factories
from tests.callback_helpers import at, campaign, resolved_order

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 16, 10, 0)  # a Monday inside the morning window


def test_resolved_orders_in_the_period_and_of_the_types_are_selected(desk):
    inside = resolved_order(desk.agent, when=at(2026, 11, 5, 15))
    consult = resolved_order(desk.agent, when=at(2026, 11, 6, 15), type="consultation")
    resolved_order(desk.agent, when=at(2026, 10, 20, 15))  # before the period
    resolved_order(desk.agent, when=at(2026, 11, 16, 9))  # after it
    factories.ticket(desk.agent, subject="还在处理")  # not resolved
    other = factories.user("agent", dept=desk.other_service)
    resolved_order(other, when=at(2026, 11, 5, 15))  # another department's order
    made = campaign(desk, now=NOW, source={"kind": "resolved_orders", "from": "2026-11-01", "to": "2026-11-15",
                                           "types": ["after_sales"]})
    assert list(made.tasks.values_list("ticket_id", flat=True)) == [inside.pk]
    both = campaign(desk, now=NOW, exclude_called_within_days=0,
                    source={"kind": "resolved_orders", "from": "2026-11-01", "to": "2026-11-15"})
    # the after-sales customer waits in the first campaign: left out as in progress
    assert list(both.tasks.values_list("ticket_id", flat=True)) == [consult.pk]
    assert both.excluded == {"in_progress": 1}


def test_one_target_per_customer_with_the_latest_order(desk):
    customer = factories.customer(desk.agent)
    resolved_order(desk.agent, customer, when=at(2026, 11, 3, 10))
    latest = resolved_order(desk.agent, customer, when=at(2026, 11, 9, 10))
    made = campaign(desk, now=NOW)
    assert [(t.customer_id, t.ticket_id) for t in made.tasks.all()] == [(customer.pk, latest.pk)]


def test_exclusions_recent_calls_do_not_call_and_merged_duplicates(desk):
    recent = resolved_order(desk.agent, when=at(2026, 11, 4, 10))
    earlier = campaign(desk, now=at(2026, 11, 2, 10),
                       source={"kind": "resolved_orders", "from": "2026-11-04", "to": "2026-11-04"})
    earlier.tasks.update(state="done", attempts=1, last_attempt_at=at(2026, 11, 10, 10))  # called on 11-10
    listed = resolved_order(desk.agent, when=at(2026, 11, 5, 10))
    DoNotCall.objects.create(customer=listed.customer, added_at=NOW)
    by_number = resolved_order(desk.agent, factories.customer(desk.agent, phones=["13900001111"]), when=at(2026, 11, 5, 11))
    do_not_call_add(by=desk.supervisor, phone="139-0000-1111", reason="投诉骚扰")
    kept = factories.customer(desk.agent, name="王先生")
    duplicate = factories.customer(desk.agent, name="王先生（重复）")
    resolved_order(desk.agent, kept, when=at(2026, 11, 6, 10))
    resolved_order(desk.agent, duplicate, when=at(2026, 11, 7, 10))
    customer_merge(source=duplicate, target=kept, by=desk.supervisor)
    fine = resolved_order(desk.agent, when=at(2026, 11, 8, 10))
    made = campaign(desk, now=NOW, exclude_called_within_days=30)
    targets = set(made.tasks.values_list("customer_id", flat=True))
    assert targets == {kept.pk, fine.customer_id}
    assert recent.customer_id not in targets and listed.customer_id not in targets
    assert by_number.customer_id not in targets
    assert made.excluded["called_recently"] == 1 and made.excluded["do_not_call"] == 2
    # within 5 days the call of 11-10 is too old to exclude
    again = campaign(desk, now=at(2026, 11, 17, 10), exclude_called_within_days=5,
                     source={"kind": "resolved_orders", "from": "2026-11-04", "to": "2026-11-04"})
    assert list(again.tasks.values_list("customer_id", flat=True)) == [recent.customer_id]


def test_customers_by_tag_or_level(desk):
    tagged = factories.customer(desk.agent, tags=["宽带用户"])
    factories.customer(desk.agent, tags=["非宽带用户"])
    vip = factories.customer(desk.agent, vip_level=3)
    factories.customer(desk.agent, vip_level=1)
    made = campaign(desk, now=NOW, source={"kind": "customers", "tags": ["宽带用户"], "levels": [3]})
    assert set(made.tasks.values_list("customer_id", flat=True)) == {tagged.pk, vip.pk}
    assert set(made.tasks.values_list("ticket_id", flat=True)) == {None}


def test_bad_input_names_the_field_and_writes_nothing(desk):
    resolved_order(desk.agent, when=at(2026, 11, 5, 15))
    cases = [({"source": {"kind": "orders"}}, "source.kind"),
             ({"source": {"kind": "resolved_orders", "from": "2026-11-20", "to": "2026-11-01"}}, "source.to"),
             ({"source": {"kind": "resolved_orders", "types": ["tea"]}}, "source.types"),
             ({"agents": ["nobody"]}, "agents"),
             ({"agents": [desk.other_agent.username, desk.handler.username]}, "agents"),
             ({"source": {"kind": "resolved_orders", "from": "2025-01-01", "to": "2025-01-02"}}, "source")]
    for extra, field in cases:
        with pytest.raises(DomainError) as caught:
            campaign(desk, now=NOW, **extra) if "agents" not in extra else campaign(desk, now=NOW, agents=extra["agents"],
                                                                                   source=extra.get("source"))
        assert caught.value.field == field, extra
    assert not CallbackTask.objects.exists()


def test_agents_cannot_plan_campaigns(desk):
    resolved_order(desk.agent, when=at(2026, 11, 5, 15))
    from kefu.callbacks.services import campaign_create
    from tests.callback_helpers import default_script

    with pytest.raises(Forbidden):
        campaign_create(by=desk.agent, name="x", script=default_script(), agents=[desk.agent.username],
                        source={"kind": "resolved_orders"}, now=NOW)


def test_split_by_capacity_counts_what_is_already_waiting():
    assert split(9, [("a", 2, 0), ("b", 1, 0)]).count("a") == 6
    shares = split(6, [("a", 1, 4), ("b", 1, 0)])
    assert shares.count("b") == 5 and shares.count("a") == 1
    assert split(3, []) == []


def test_campaign_splits_targets_among_agents_by_weight(desk):
    for day in range(1, 10):
        resolved_order(desk.agent, when=at(2026, 11, day, 15))
    made = campaign(desk, now=NOW, agents=[desk.agent.username, desk.teammate.username],
                    capacities={desk.agent.username: 2, desk.teammate.username: 1})
    counts = {u: made.tasks.filter(assignee__username=u).count() for u in (desk.agent.username, desk.teammate.username)}
    assert counts == {desk.agent.username: 6, desk.teammate.username: 3}
    assert set(made.tasks.values_list("next_attempt_at", flat=True)) == {NOW}  # inside a window: due now
