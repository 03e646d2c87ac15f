import re

from django.db import transaction

from kefu import policy
from kefu.core.errors import Conflict, DomainError
from kefu.core.limits import check_text, clean_tags

from .intake import clean_intake, merge_intake
from .models import Customer, CustomerPhone, Salutation
from .phones import normalise_phone, phone_digits

EDITABLE_FIELDS = [
    "name", "salutation", "phones", "email", "wechat_id", "company", "department",
    "region", "address", "tags", "vip_level", "notes",
]


class DuplicateCustomer(Conflict):
    """Another record already has this phone or e-mail: offer it instead of making a second one."""

    def __init__(self, existing: Customer, field: str, value: str) -> None:
        super().__init__(f"{value} 已属于客户 {existing.name}（编号 {existing.pk}）", field=field, code="duplicate")
        self.existing = existing


def _clean_phones(phones: list[str] | str | None) -> list[str]:
    if isinstance(phones, str):
        phones = re.split(r"[,，;；/、]+", phones)
    cleaned: list[str] = []
    for phone in phones or []:
        if str(phone).strip():
            number = normalise_phone(phone)
            if number not in cleaned:
                cleaned.append(number)
    return cleaned


def customer_find_duplicate(*, phones: list[str], email: str, exclude: int | None = None) -> DuplicateCustomer | None:
    """The first live record sharing a phone or the e-mail, as the error to raise (None if there is none)."""
    live = Customer.objects.filter(merged_into__isnull=True).exclude(pk=exclude)
    digits = [phone_digits(p) for p in phones]
    if digits:
        row = (CustomerPhone.objects.filter(number__in=digits, customer__in=live).select_related("customer")
               .order_by("customer_id").first())
        if row is not None:
            shown = next(p for p in phones if phone_digits(p) == row.number)
            return DuplicateCustomer(row.customer, "phones", shown)
    if email:
        existing = live.filter(email=email).order_by("pk").first()
        if existing is not None:
            return DuplicateCustomer(existing, "email", email)
    return None


def _clean_tags(tags: list[str] | str | None) -> list[str]:
    if isinstance(tags, str):
        tags = re.split(r"[,，\s]+", tags)
    return clean_tags(tags)


def _apply(customer: Customer, data: dict) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS) - {"intake"}
    if unknown:
        raise DomainError(f"未知字段：{', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(customer, field, data[field] if data[field] is not None else "")
    customer.name = (customer.name or "").strip()
    if not customer.name:
        raise DomainError("客户姓名不能为空", field="name")
    if customer.salutation not in Salutation.values:
        raise DomainError("称谓只能是先生、女士或留空", field="salutation")
    customer.phones = _clean_phones(customer.phones)
    customer.email = (customer.email or "").strip().lower()
    customer.tags = _clean_tags(customer.tags)
    check_text(customer.notes, field="notes", limit=5000, label="备注")
    try:
        customer.vip_level = int(customer.vip_level or 0)
    except (TypeError, ValueError) as exc:
        raise DomainError("VIP 等级必须是 0 到 5 的整数", field="vip_level") from exc
    if not 0 <= customer.vip_level <= 5:
        raise DomainError("VIP 等级必须是 0 到 5 的整数", field="vip_level")
    if "intake" in data:
        customer.intake = merge_intake(customer.intake, clean_intake(data["intake"]))
    customer.phones_index = " ".join(phone_digits(p) for p in customer.phones)


def _refuse_duplicate(customer: Customer, allow_duplicate: bool) -> None:
    if not allow_duplicate:
        duplicate = customer_find_duplicate(phones=customer.phones, email=customer.email, exclude=customer.pk)
        if duplicate is not None:
            raise duplicate


@transaction.atomic
def customer_create(*, by, allow_duplicate: bool = False, **data) -> Customer:
    """A new record; refused with DuplicateCustomer when its phone or e-mail is already someone's,
    unless the caller confirmed that this really is another person (allow_duplicate)."""
    customer = Customer(created_by=by)
    _apply(customer, data)
    customer.full_clean(exclude=["phones", "tags", "intake", "created_by", "merged_into"])
    _refuse_duplicate(customer, allow_duplicate)
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by, version: int | None = None, allow_duplicate: bool = False,
                    **data) -> Customer:
    """version: the one the editor read; another edit since then is refused (409), never overwritten."""
    # Editing shows and overwrites phones and addresses: not for roles that see them masked.
    policy.require(policy.can_edit_customer(by) and policy.can_view_personal_data(by),
                   "编辑客户档案需要查看个人信息的权限")
    if customer.merged_into_id:
        raise DomainError(f"该客户已合并到编号 {customer.merged_into_id}，请编辑那条档案", field="customer")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if version is not None and int(version) != customer.version:
        raise Conflict("该客户档案已被他人修改，请刷新后重试", field="version", code="conflict")
    customer.version += 1
    old_phones, old_email = list(customer.phones), customer.email
    _apply(customer, data)
    customer.full_clean(exclude=["phones", "tags", "intake", "created_by", "merged_into"])
    if customer.phones != old_phones or customer.email != old_email:
        _refuse_duplicate(customer, allow_duplicate)
    customer.save()
    return customer


def customer_sync_phones(customer: Customer) -> None:
    """Keeps the indexed phone rows equal to the record's phones (a merged record has none)."""
    wanted = set() if customer.merged_into_id else {phone_digits(p) for p in customer.phones or [] if phone_digits(p)}
    have = set(CustomerPhone.objects.filter(customer=customer).values_list("number", flat=True))
    if wanted != have:
        CustomerPhone.objects.filter(customer=customer, number__in=have - wanted).delete()
        CustomerPhone.objects.bulk_create([CustomerPhone(customer=customer, number=n) for n in wanted - have])


def customer_remember_intake(*, customer: Customer, answers: dict) -> None:
    """Keeps the ten-question answers of a work order on the profile."""
    if answers:
        customer.intake = merge_intake(customer.intake, answers)
        customer.save(update_fields=["intake", "updated_at"])
