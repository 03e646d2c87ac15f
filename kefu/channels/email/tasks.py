"""Background work of the e-mail channel (kefu.jobs: durable, retried with backoff)."""

from kefu.jobs import background

from .imap import mailboxes_poll
from .outbound import MAX_ATTEMPTS, mail_deliver


# Not atomic: the state must be written whether the send worked or not, and SMTP is outside the
# database. A worker that dies after the server accepted the mail but before 已发送 was written sends it
# again on the rerun, with the same Message-ID (at least once; mail clients fold the copies).
@background("mail.send", max_attempts=MAX_ATTEMPTS, lease_seconds=120, atomic=False)
def mail_send(payload: dict) -> None:
    mail_deliver(payload["outbound"])


@background("mail.poll", max_attempts=1, lease_seconds=600, atomic=False)
def mail_poll(payload: dict) -> None:
    """Every IMAP mailbox; a mail taken twice is a no-op (Message-ID), so a rerun is harmless."""
    mailboxes_poll()
