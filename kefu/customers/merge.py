"""Merging two records of one customer: orders, complaints and anything else that points at the merged
record move to the kept one; nothing of the merged record is lost (its data is kept in the audit row)."""

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from kefu import policy
from kefu.core.errors import DomainError
from kefu.tickets.models import Ticket
from kefu.tickets.services import tickets_move_customer

from .intake import merge_intake
from .models import Customer, CustomerMerge, CustomerPhone


def _locked_pair(source: Customer, target: Customer) -> tuple[Customer, Customer]:
    # Always lock in id order, so two merges of the same pair in opposite directions cannot deadlock.
    rows = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    return rows[source.pk], rows[target.pk]


def _move_other_references(source: Customer, target: Customer) -> dict[str, int]:
    """Rows of other apps (conversations, surveys ...) that point at the merged record follow it."""
    moved = {}
    skip = {Ticket, CustomerPhone, CustomerMerge, Customer}
    for relation in Customer._meta.related_objects:
        if not relation.one_to_many or relation.related_model in skip:
            continue
        name = relation.field.name
        count = relation.related_model._default_manager.filter(**{name: source}).update(**{name: target})
        if count:
            moved[relation.related_model._meta.label] = count
    return moved


def _absorb(target: Customer, source: Customer) -> None:
    """The kept record gains what only the merged one knew; where both know something, the kept wins."""
    target.phones = target.phones + [p for p in source.phones if p not in target.phones]
    target.phones_index = " ".join(p for p in [target.phones_index, source.phones_index] if p)
    target.tags = sorted(set(target.tags) | set(source.tags))
    target.intake = merge_intake(source.intake, target.intake)
    target.vip_level = max(target.vip_level, source.vip_level)
    for field in ("salutation", "email", "wechat_id", "company", "department", "region", "address"):
        if not getattr(target, field) and getattr(source, field):
            setattr(target, field, getattr(source, field))
    if source.notes and source.notes not in target.notes:
        target.notes = "\n".join(n for n in [target.notes, source.notes] if n)


@transaction.atomic
def customer_merge(*, source: Customer, target: Customer, by) -> CustomerMerge:
    """Merge `source` into `target` (客户合并). Audited; the merged record stays as an empty pointer."""
    policy.require(policy.can_merge_customers(by), "合并客户需要主管或管理员权限")
    if source.pk == target.pk:
        raise DomainError("不能把客户合并到自己", field="into")
    source, target = _locked_pair(source, target)
    for customer in (source, target):
        if customer.merged_into_id:
            raise DomainError(f"客户 {customer.name}（{customer.pk}）已合并到 {customer.merged_into_id}", field="into")
    snapshot = model_to_dict(source, exclude=["merged_into", "created_by"])
    moved = {"tickets.Ticket": tickets_move_customer(source=source, target=target, by=by)}
    moved.update(_move_other_references(source, target))
    _absorb(target, source)
    target.save()
    source.merged_into = target
    source.phones, source.phones_index, source.email = [], "", ""
    source.save()
    return CustomerMerge.objects.create(source=source, target=target, by=by, at=timezone.now(),
                                        source_data=snapshot, moved=moved)
