"""Customers (客户) and their personal data."""

from django.db.models import Q, QuerySet

from kefu.accounts.models import Role, User
from kefu.customers.models import Customer


def customer_scope(user: User) -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.HANDLER:
        return Q(tickets__dispatched_to_id=user.department_id) if user.department_id else Q(pk__in=[])
    return Q()


def visible_customers(user: User) -> QuerySet[Customer]:
    scope = customer_scope(user)
    qs = Customer.objects.filter(scope)
    return qs.distinct() if scope else qs


def can_view_customer(user: User, customer: Customer) -> bool:
    return visible_customers(user).filter(pk=customer.pk).exists()


def can_edit_customer(user: User) -> bool:
    return user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}


def can_view_personal_data(user: User) -> bool:
    return bool(user.is_authenticated and (user.can_view_personal_data or user.is_superuser))


def can_merge_customers(user: User) -> bool:
    """Merging rewrites whose orders are whose: supervisors and admins who may see personal data."""
    return user.role in {Role.SUPERVISOR, Role.ADMIN} and can_view_personal_data(user)
