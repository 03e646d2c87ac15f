import re

from django.db import transaction

from kefu import policy
from kefu.core.errors import Conflict, DomainError
from kefu.core.limits import check_text, clean_tags

from .intake import clean_intake, merge_intake
from .models import Customer, Salutation

_PHONE = re.compile(r"^\+?[\d\- ]{5,20}$")
EDITABLE_FIELDS = [
    "name", "salutation", "phones", "email", "wechat_id", "company", "department",
    "region", "address", "tags", "vip_level", "notes",
]


def _clean_phones(phones: list[str] | str | None) -> list[str]:
    if isinstance(phones, str):
        phones = re.split(r"[,，;；\s]+", phones)
    cleaned = []
    for phone in phones or []:
        phone = str(phone).strip()
        if not phone:
            continue
        if not _PHONE.match(phone):
            raise DomainError(f"电话号码格式不正确：{phone}", field="phones")
        cleaned.append(phone)
    return cleaned


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
    customer.phones_index = " ".join(re.sub(r"\D", "", p) for p in customer.phones)


@transaction.atomic
def customer_create(*, by, **data) -> Customer:
    customer = Customer(created_by=by)
    _apply(customer, data)
    customer.full_clean(exclude=["phones", "tags", "intake", "created_by"])
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by, version: int | None = None, **data) -> Customer:
    """version: the one the editor read; another edit since then is refused (409), never overwritten."""
    # Editing shows and overwrites phones and addresses: not for roles that see them masked.
    policy.require(policy.can_edit_customer(by) and policy.can_view_personal_data(by),
                   "编辑客户档案需要查看个人信息的权限")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if version is not None and int(version) != customer.version:
        raise Conflict("该客户档案已被他人修改，请刷新后重试", field="version", code="conflict")
    customer.version += 1
    _apply(customer, data)
    customer.full_clean(exclude=["phones", "tags", "intake", "created_by"])
    customer.save()
    return customer


def customer_remember_intake(*, customer: Customer, answers: dict) -> None:
    """Keeps the ten-question answers of a work order on the profile."""
    if answers:
        customer.intake = merge_intake(customer.intake, answers)
        customer.save(update_fields=["intake", "updated_at"])
