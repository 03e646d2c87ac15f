"""The surveys' low-score hook (kefu/surveys/hooks.py): a customer who scored us low is called back.

Each department has one standing campaign a month (满意度低分回访 YYYY-MM) with the default script; the
callback goes to the department's agent with the fewest callbacks waiting, in the next calling window.
"""

from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.jobs import enqueue

from . import defaults, history
from .assignment import split
from .models import CallbackScript, CallbackTask, Campaign, CampaignState, SourceKind, TaskState
from .selection import do_not_call_ids
from .services import waiting_counts
from .windows import open_at_or_after, window_calendar


def _standing_campaign(department_id: int, now) -> Campaign | None:
    script = (CallbackScript.objects.filter(name=defaults.DEFAULT_SCRIPT_NAME, is_active=True).first()
              or CallbackScript.objects.filter(is_active=True).first())
    if script is None:
        return None
    name = f"{defaults.LOW_SCORE_CAMPAIGN} {timezone.localtime(now):%Y-%m}"
    campaign, created = Campaign.objects.get_or_create(
        name=name, department_id=department_id, source={"kind": SourceKind.LOW_SCORES},
        defaults={"script": script, "windows": defaults.DEFAULT_WINDOWS, "retry_rules": defaults.DEFAULT_RETRY_RULES,
                  "review_percent": 100, "created_at": now, "exclude_called_within_days": 0})
    if created:
        history.log(campaign, history.CREATED, at=now, targets=0, source=campaign.source)
    return campaign if campaign.state == CampaignState.ACTIVE else None


def on_low_score(survey) -> None:
    """The hook runs after the customer's answer commits: the callback is made in background work, so a
    problem here never fails the customer's page (and a worker's death never loses it)."""
    enqueue("callbacks.low_score", {"survey": survey.pk}, key=f"callbacks.low_score:{survey.pk}")


@transaction.atomic
def callback_for_low_score(survey) -> CallbackTask | None:
    now = timezone.now()
    if do_not_call_ids([survey.customer_id]):
        return None
    agents = list(policy.low_score_callers(survey.department_id))
    campaign = _standing_campaign(survey.department_id, now) if agents else None
    if campaign is None or campaign.tasks.filter(customer_id=survey.customer_id).exists():
        return None
    if CallbackTask.objects.filter(customer_id=survey.customer_id, state=TaskState.PENDING,
                                   campaign__state=CampaignState.ACTIVE).exists():
        return None  # already waiting for a call in another campaign
    waiting = waiting_counts([(a, 1.0) for a in agents])
    agent_id = split(1, [(a.pk, 1.0, waiting.get(a.pk, 0)) for a in agents])[0]
    task = CallbackTask.objects.create(campaign=campaign, customer_id=survey.customer_id, ticket_id=survey.ticket_id,
                                       assignee_id=agent_id, next_attempt_at=open_at_or_after(window_calendar(campaign), now))
    history.log(campaign, history.TASK_REASSIGNED, task=task, at=now, survey_id=survey.pk, agent_id=agent_id)
    return task
