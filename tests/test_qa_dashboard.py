"""The inspector's home figures read from index ranges and the few reviewed findings: they must still
say what every result says (per-day trend, rule hit rates and the share rejected on review or appeal)."""

from datetime import timedelta

from django.utils import timezone

from kefu.qa import dashboard, selectors
from kefu.qa.models import Finding, Inspection
from kefu.qa.review import finding_review
from kefu.qa.services import conversation_submit


def _submit(desk, capture, external_id, text, started_at=None):
    body = {"external_id": external_id, "channel": "chat", "agent": "agent_a",
            "turns": [{"role": "customer", "text": "我的快递呢"}, {"role": "agent", "text": text}]}
    if started_at is not None:
        body["started_at"] = started_at.isoformat()
    with capture(execute=True):
        conversation_submit(by=desk.qa, data=body)


def test_trend_and_rule_rates_match_the_results(desk, django_capture_on_commit_callbacks):
    now = timezone.localtime()
    days = [now - timedelta(days=d) for d in (0, 0, 1, 3, 3, 3, 20)]
    for i, moment in enumerate(days):
        _submit(desk, django_capture_on_commit_callbacks, f"d{i}", "这个我们不管的" if i % 2 else "您好，请问有什么可以帮您",
                started_at=moment)
    trend = {row["day"]: row for row in dashboard.score_trend(desk.qa, now=now)}
    current = Inspection.objects.filter(is_current=True)
    for offset in (0, 1, 2, 3):
        day = (now - timedelta(days=offset)).date()
        rows = [i for i in current if timezone.localtime(i.started_at).date() == day]
        assert trend[day]["n"] == len(rows)
        if rows:
            assert trend[day]["avg"] == round(sum(i.score for i in rows) / len(rows), 1)
    assert sum(row["n"] for row in trend.values()) == 6  # the one 20 days ago is outside the 14 days

    fp02 = list(Finding.objects.filter(rule="FP02", inspection__is_current=True).order_by("id"))
    assert len(fp02) == 3
    finding_review(finding=fp02[0], by=desk.qa, verdict="rejected", comment="误报")
    finding_review(finding=fp02[1], by=desk.qa, verdict="confirmed")
    rates = {row["rule"]: row for row in dashboard.rule_hit_rates(desk.qa, now=now)}
    in_window = current.filter(started_at__gte=now - timedelta(days=29, hours=now.hour + 1))
    assert rates["FP02"]["conversations"] == in_window.filter(findings__rule="FP02").distinct().count() == 3
    assert rates["FP02"]["reviewed"] == 2 and rates["FP02"]["rejected_share"] == 0.5
    precision = {row["rule"]: row for row in selectors.rule_precision(desk.qa)}
    assert precision["FP02"]["hits"] == 3 and precision["FP02"]["rejected"] == 1
    # A supervisor of another department sees none of the reviews; an agent only their own results.
    assert selectors.rule_reviews(desk.other_supervisor) == {}
    assert selectors.rule_reviews(desk.other_agent) == {} and selectors.rule_reviews(desk.agent)["FP02"] == (2, 1)
    assert dashboard.counts(desk.qa, now=now)["week"] == 6
