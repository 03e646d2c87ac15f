"""Agent star ratings (星级评定): who sees whose rating and evidence, and who adjusts it.

- an agent sees their own rating and its evidence, nobody else's;
- a supervisor (客服主管) sees and adjusts the agents of their department (never their own rating);
- an administrator sees and adjusts everyone's;
- QA inspectors and handlers see none (a rating decides pay and promotion: seed 004).
"""

from django.db.models import QuerySet

from kefu.accounts.models import Role, User


def rated_agents(user: User) -> QuerySet[User]:
    """The agents whose ratings the user may see."""
    agents = User.objects.filter(role=Role.AGENT)
    if not user.is_authenticated or not user.is_active:
        return agents.none()
    if user.role == Role.ADMIN or user.is_superuser:
        return agents
    if user.role == Role.SUPERVISOR and user.department_id:
        return agents.filter(department_id=user.department_id)
    if user.role == Role.AGENT:
        return agents.filter(pk=user.pk)
    return agents.none()


def can_view_rating(user: User, agent: User) -> bool:
    return rated_agents(user).filter(pk=agent.pk).exists()


def can_adjust_rating(user: User, agent: User) -> bool:
    return user.pk != agent.pk and user.role in {Role.SUPERVISOR, Role.ADMIN} and can_view_rating(user, agent)


def can_see_ratings(user: User) -> bool:
    """The sidebar entry: anyone with at least one rating to look at."""
    return user.is_authenticated and (user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN} or user.is_superuser)


def rateable_agents() -> QuerySet[User]:
    """Whom the nightly rating covers: active agents (supervisors, inspectors and handlers are not rated)."""
    return User.objects.filter(role=Role.AGENT, is_active=True)
