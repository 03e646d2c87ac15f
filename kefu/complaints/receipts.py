"""The customer's receipt link (回执链接): signed, single use, opened without logging in.

The token signs the complaint id and the nonce issued with the result report. A tampered token fails
the signature; a used one (or one replaced by a later round's link) no longer matches the stored nonce.
"""

import os

from django.conf import settings
from django.core import signing
from django.db import transaction

from kefu.core.errors import DomainError

from .flow import lock_order
from .models import Complaint, ComplaintState, ReceiptVia
from .services import apply_receipt

SALT = "kefu.complaints.receipt"
MAX_AGE_DAYS = 30


class ReceiptLinkError(DomainError):
    """The link cannot be used; the message is shown to the customer as is."""


def company() -> dict[str, str]:
    """Who the customer is dealing with: the receipt page is opened from an SMS without any other context.

    Settings KEFU_COMPANY_NAME / KEFU_HOTLINE win; the environment is the fallback before they exist.
    """
    name = getattr(settings, "KEFU_COMPANY_NAME", None) or os.environ.get("KEFU_COMPANY_NAME") or "客服中心"
    hotline = getattr(settings, "KEFU_HOTLINE", None) or os.environ.get("KEFU_HOTLINE") or ""
    return {"name": name, "hotline": hotline}


def _contact_us() -> str:
    info = company()
    if info["hotline"]:
        return f"如需帮助请致电{info['name']}客服热线 {info['hotline']}"
    return f"如需帮助请联系{info['name']}"


def receipt_token(complaint: Complaint) -> str:
    if not complaint.receipt_nonce:
        raise DomainError("当前没有待客户确认的处理结果，无法生成回执链接", field="state")
    return signing.dumps({"c": complaint.pk, "n": complaint.receipt_nonce}, salt=SALT, compress=True)


def _payload(token: str) -> dict:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_DAYS * 86400)
    except signing.SignatureExpired as exc:
        raise ReceiptLinkError(f"回执链接已过期。{_contact_us()}，我们会重新发送") from exc
    except signing.BadSignature as exc:
        raise ReceiptLinkError(f"回执链接无效，请确认链接完整。{_contact_us()}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not data.get("n"):
        raise ReceiptLinkError(f"回执链接无效，请确认链接完整。{_contact_us()}")
    return data


def _check(complaint: Complaint | None, nonce: str) -> Complaint:
    if complaint is None:
        raise ReceiptLinkError(f"回执链接无效，请确认链接完整。{_contact_us()}")
    if complaint.receipt_nonce != nonce:
        raise ReceiptLinkError(f"此回执链接已使用或已失效，感谢您的反馈。{_contact_us()}")
    if complaint.state != ComplaintState.REPORTED:
        raise ReceiptLinkError(f"该投诉当前不需要回执。{_contact_us()}")
    return complaint


def receipt_open(token: str) -> Complaint:
    """The complaint a valid, unused link points to (for showing the result to the customer)."""
    data = _payload(token)
    complaint = Complaint.objects.select_related("ticket", "ticket__customer").filter(pk=data["c"]).first()
    return _check(complaint, data["n"])


@transaction.atomic
def complaint_receipt_by_link(*, token: str, satisfied: bool, comment: str = "") -> Complaint:
    """The customer's own receipt; the nonce is re-checked under the row lock so a double submit fails."""
    data = _payload(token)
    lock_order(Complaint.objects.filter(pk=data["c"]).values_list("ticket_id", flat=True).first())
    complaint = (Complaint.objects.select_for_update(of=("self",)).select_related("ticket", "ticket__first_responder")
                 .filter(pk=data["c"]).first())
    complaint = _check(complaint, data["n"])
    return apply_receipt(complaint, None, satisfied, comment, ReceiptVia.LINK)
