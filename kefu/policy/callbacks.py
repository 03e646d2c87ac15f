"""Callbacks (回访): who plans, reviews and archives campaigns, edits scripts, and works a callback.

- supervisors (客服主管) create, edit, review and archive their department's campaigns and edit scripts;
  admins do so for every department;
- agents (客服专员) work the callbacks assigned to them, and only those;
- a task's customer history is shown to whoever may work or review that task.
"""

from django.db.models import Q, QuerySet

from kefu.accounts.models import Role, User
from kefu.callbacks.models import CallbackTask, Campaign, CampaignState, TaskState
from kefu.policy.tickets import can_view_ticket


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _admin(user: User) -> bool:
    return user.role == Role.ADMIN or user.is_superuser


def can_manage_campaigns(user: User) -> bool:
    """Create campaigns, edit scripts and the do-not-call list."""
    return _active(user) and (_admin(user) or (user.role == Role.SUPERVISOR and user.department_id is not None))


def can_manage_campaign(user: User, campaign: Campaign) -> bool:
    """Review, archive, read the report of one campaign: its department's supervisors, or an admin."""
    if not can_manage_campaigns(user):
        return False
    return _admin(user) or campaign.department_id == user.department_id


def can_edit_campaign(user: User, campaign: Campaign) -> bool:
    return can_manage_campaign(user, campaign) and campaign.state == CampaignState.ACTIVE


def can_work_callbacks(user: User) -> bool:
    """The "my callbacks" queue: service-desk roles who take calls."""
    return _active(user) and user.role in {Role.AGENT, Role.SUPERVISOR}


def can_be_assigned_callbacks(user: User) -> bool:
    return user.is_active and user.role in {Role.AGENT, Role.SUPERVISOR}


def can_read_scripts(user: User) -> bool:
    return _active(user) and (_admin(user) or user.role in {Role.AGENT, Role.SUPERVISOR})


def can_work_task(user: User, task: CallbackTask) -> bool:
    """Record an attempt: only the agent the task is assigned to, while it is pending and its campaign runs."""
    return (_active(user) and task.assignee_id == user.pk and task.state == TaskState.PENDING
            and task.campaign.state == CampaignState.ACTIVE)


def can_view_task(user: User, task: CallbackTask) -> bool:
    return _active(user) and (task.assignee_id == user.pk or can_manage_campaign(user, task.campaign))


def task_scope(user: User) -> Q:
    if not _active(user):
        return Q(pk__in=[])
    if _admin(user):
        return Q()
    if user.role == Role.SUPERVISOR:
        return Q(assignee=user) | Q(campaign__department_id=user.department_id)
    return Q(assignee=user)


def visible_tasks(user: User) -> QuerySet[CallbackTask]:
    return CallbackTask.objects.filter(task_scope(user))


def visible_campaigns(user: User) -> QuerySet[Campaign]:
    if not can_manage_campaigns(user):
        return Campaign.objects.none()
    if _admin(user):
        return Campaign.objects.all()
    return Campaign.objects.filter(department_id=user.department_id)


def can_see_order_callbacks(user: User, ticket) -> bool:
    """The callbacks panel on a work order: whoever sees the order (results and links, no personal data)."""
    return _active(user) and can_view_ticket(user, ticket)


def callback_staff(department_id: int | None) -> QuerySet[User]:
    """Who a supervisor may give callbacks to: the department's active agents and supervisors."""
    return User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.SUPERVISOR],
                               department_id=department_id).order_by("role", "username")


def low_score_callers(department_id: int | None) -> QuerySet[User]:
    """Who calls back a customer who scored the department low: its active agents."""
    return User.objects.filter(is_active=True, role=Role.AGENT, department_id=department_id).order_by("username")
