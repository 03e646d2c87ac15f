"""The raw MIME webhook for mail gateways: POST /api/v1/channels/email/inbound."""

from django.conf import settings
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kefu import policy
from kefu.api import BearerToken
from kefu.core.schema import ErrorOut

from .services import mail_receive

router = Router(tags=["channels"])


class InboundOut(Schema):
    ticket: str | None  # null only for an auto-reply or bounce that answers no known order
    message: int | None
    new_ticket: bool


_RAW_BODY = {"requestBody": {"required": True, "content": {"message/rfc822": {
    "schema": {"type": "string", "format": "binary"}}}}}


def _read_raw(request) -> bytes:
    limit = settings.KEFU_MAIL_MAX_BYTES
    raw = request.read(limit + 1)  # not request.body: Django caps that far below a mail with attachments
    if len(raw) > limit:
        raise HttpError(413, f"邮件超过 {limit // (1024 * 1024)} MB 的上限")
    return raw


@router.post(
    "/email/inbound", auth=BearerToken(), openapi_extra=_RAW_BODY,
    response={202: InboundOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 415: ErrorOut},
    summary="Take one raw mail (message/rfc822); the same Message-ID twice creates nothing new",
)
def email_inbound(request):
    policy.require(policy.can_feed_mail(request.user), "此令牌无权投递邮件")
    content_type = (request.content_type or "").lower()
    if content_type != "message/rfc822":
        raise HttpError(415, "Content-Type 应为 message/rfc822")
    received = mail_receive(raw=_read_raw(request), by=request.user)
    inbound = received.inbound
    return Status(202, {"ticket": inbound.ticket.number if inbound.ticket_id else None,
                        "message": inbound.thread_message_id,
                        "new_ticket": received.new_ticket})
