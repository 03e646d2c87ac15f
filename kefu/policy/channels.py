"""Channels (e-mail, web chat) and the live workspace."""

from kefu.accounts.models import Role, User


def can_feed_mail(user: User) -> bool:
    """Posting raw mail into Kefu (a mail gateway's token): administrators and supervisors."""
    return user.is_active and (user.is_superuser or user.role in {Role.ADMIN, Role.SUPERVISOR})


def can_chat(user: User) -> bool:
    """Taking web chats from the queue: the service desk."""
    return user.is_active and user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}


def can_see_chat(user: User, session) -> bool:
    """A chat session belongs to its department's desk (the queue is shared before anyone accepts)."""
    return can_chat(user) and (user.is_superuser or user.role == Role.ADMIN
                               or user.department_id == session.department_id)


def hears_department(user: User) -> bool:
    """Live updates of every order of the user's department (received or dispatched there)."""
    return bool(user.department_id) and user.role in {Role.SUPERVISOR, Role.ADMIN, Role.QA, Role.HANDLER}


def hears_team(user: User) -> bool:
    """Live updates of the team queue: agents see their team's orders."""
    return bool(user.team_id) and user.role == Role.AGENT
