"""Quality inspection (质检): who sees results, reviews, appeals, rules and manages the rules.

- agent (客服专员): only their own conversations and results; appeals their own findings and scores;
- QA inspector (质检员): results of their department's agents (all, without a department); reviews them,
  imports conversations, manages rule packs and re-inspects;
- supervisor (客服主管): as an inspector for their department, and rules on appeals, never on one
  against their own review;
- admin: everything.
Nobody reviews their own conversation.
"""

from django.db.models import Q, QuerySet

from kefu.accounts.models import Role, User

QA_STAFF = {Role.QA, Role.SUPERVISOR, Role.ADMIN}


def _is_admin(user: User) -> bool:
    return user.role == Role.ADMIN or user.is_superuser


def qa_scope(user: User, agent_field: str = "agent") -> Q:
    """The results a user may see, as a filter on a model with an agent foreign key."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if _is_admin(user):
        return Q()
    if user.role in (Role.QA, Role.SUPERVISOR):
        if not user.department_id:
            return Q()
        return Q(**{f"{agent_field}__department_id": user.department_id}) | Q(**{f"{agent_field}__isnull": True})
    if user.role == Role.AGENT:
        return Q(**{agent_field: user})
    return Q(pk__in=[])


def can_use_qa(user: User) -> bool:
    return user.is_authenticated and (user.role in QA_STAFF or user.role == Role.AGENT or user.is_superuser)


def can_inspect(user: User) -> bool:
    """The inspector's pages: home, review queue, lists of everyone's results."""
    return user.is_authenticated and (user.role in QA_STAFF or user.is_superuser)


def can_view_conversation(user: User, conversation) -> bool:
    if not can_use_qa(user):
        return False
    if _is_admin(user):
        return True
    if user.role == Role.AGENT:
        return conversation.agent_id == user.pk
    if not user.department_id or conversation.agent_id is None:
        return True
    return conversation.agent is not None and conversation.agent.department_id == user.department_id


def can_import_conversations(user: User) -> bool:
    return can_inspect(user)


def can_review(user: User, inspection) -> bool:
    return (can_inspect(user) and inspection.agent_id != user.pk
            and can_view_conversation(user, inspection.conversation))


def can_appeal(user: User, inspection) -> bool:
    """Only the agent whose conversation it is; the window and the lock are the service's state checks."""
    return user.is_authenticated and inspection.agent_id is not None and inspection.agent_id == user.pk


def reviewer_of(appeal) -> int | None:
    if appeal.finding_id is not None and appeal.finding.verdict_by_id:
        return appeal.finding.verdict_by_id
    review = getattr(appeal.inspection, "review", None)
    return review.reviewer_id if review is not None else None


def can_rule_appeal(user: User, appeal) -> bool:
    if not (user.role == Role.SUPERVISOR or _is_admin(user)):
        return False
    if appeal.agent_id == user.pk or reviewer_of(appeal) == user.pk:
        return False  # nobody judges their own case or their own review
    return can_view_conversation(user, appeal.inspection.conversation)


def can_manage_rules(user: User) -> bool:
    return user.is_authenticated and (user.role in {Role.QA, Role.ADMIN} or user.is_superuser)


def can_reinspect(user: User) -> bool:
    return can_manage_rules(user)


def can_edit_qa_settings(user: User) -> bool:
    return user.is_authenticated and (user.role in QA_STAFF or user.is_superuser)


def can_check_text(user: User) -> bool:
    return user.is_authenticated and user.is_active


def qa_inspectors() -> QuerySet[User]:
    """Who receives sampled conversations to review."""
    return User.objects.filter(role=Role.QA, is_active=True)


def appeal_judges(agent: User) -> QuerySet[User]:
    """Who rules on an agent's appeal: the supervisors of the agent's department (all, without one)."""
    users = User.objects.filter(is_active=True, role=Role.SUPERVISOR)
    return users.filter(department_id=agent.department_id) if agent.department_id else users


def inspected_agents(user: User) -> QuerySet[User]:
    """The agents an inspector may filter results by (none for anyone else)."""
    if not can_inspect(user):
        return User.objects.none()
    return User.objects.filter(role=Role.AGENT, is_active=True)
