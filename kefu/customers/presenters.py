"""Customer data as each role may see it: one place that applies masking for pages, API and exports."""

from kefu import policy

from .masking import mask_email, mask_phone, mask_text
from .models import Customer


def intake_for(intake: dict, user) -> dict:
    """Ten-question answers as the user may see them: the contact answer is personal data."""
    if policy.can_view_personal_data(user):
        return dict(intake)
    return {key: (mask_text(value) if key == "contact" else value) for key, value in intake.items()}


def customer_phones(customer: Customer, user) -> list[str]:
    if policy.can_view_personal_data(user):
        return list(customer.phones)
    return [mask_phone(p) for p in customer.phones]


def customer_dict(customer: Customer, user) -> dict:
    full = policy.can_view_personal_data(user)
    return {
        "id": customer.pk,
        "name": customer.name,
        "salutation": customer.salutation,
        "address_form": customer.address_form,
        "phones": customer_phones(customer, user),
        "email": customer.email if full else mask_email(customer.email),
        "wechat_id": customer.wechat_id if full else mask_text(customer.wechat_id),
        "company": customer.company,
        "department": customer.department,
        "region": customer.region,
        "address": customer.address if full else mask_text(customer.address),
        "tags": customer.tags,
        "vip_level": customer.vip_level,
        "notes": customer.notes,
        "intake": intake_for(customer.intake, user),
        "personal_data_masked": not full,
        "version": customer.version,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
    }
