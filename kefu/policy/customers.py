"""Customers (客户) and their personal data.

Who sees a customer follows the department (KEFU_CUSTOMER_DIRECTORY = "department", the default): staff
of a service department see the customers their department created or has work orders for (received
or dispatched to it); handlers see the customers of orders dispatched to their department; admins see
all. KEFU_CUSTOMER_DIRECTORY = "shared" gives every service-desk role one shared directory instead.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from kefu.accounts.models import Role, User
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket


def _has_orders(condition: Q) -> Exists:
    return Exists(Ticket.objects.filter(condition, customer=OuterRef("pk")))


def customer_scope(user: User) -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.ADMIN or user.is_superuser:
        return Q()
    department = user.department_id
    if user.role == Role.HANDLER:
        return Q(_has_orders(Q(dispatched_to_id=department))) if department else Q(pk__in=[])
    if settings.KEFU_CUSTOMER_DIRECTORY == "shared":
        return Q()
    if department is None:
        return Q(pk__in=[])
    return (Q(created_by__department_id=department)
            | Q(_has_orders(Q(department_id=department) | Q(dispatched_to_id=department))))


def visible_customers(user: User) -> QuerySet[Customer]:
    return Customer.objects.filter(customer_scope(user))


def can_view_customer(user: User, customer: Customer) -> bool:
    return visible_customers(user).filter(pk=customer.pk).exists()


def can_edit_customer(user: User) -> bool:
    return user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}


def can_view_personal_data(user: User) -> bool:
    return bool(user.is_authenticated and (user.can_view_personal_data or user.is_superuser))


def can_merge_customers(user: User) -> bool:
    """Merging rewrites whose orders are whose: supervisors and admins who may see personal data."""
    return user.role in {Role.SUPERVISOR, Role.ADMIN} and can_view_personal_data(user)
