"""Polling a mailbox over IMAP. Each mail goes through mail_receive (whose Message-ID check makes a second
fetch harmless); the mailbox remembers the last UID taken so a poll reads only new mail."""

import imaplib
import logging
import re
from dataclasses import dataclass

from django.utils import timezone

from kefu.core.errors import DomainError

from .models import Mailbox
from .services import mail_receive

log = logging.getLogger(__name__)
TIMEOUT = 30
BATCH = 200  # mails per poll; the rest waits for the next one


@dataclass
class Polled:
    fetched: int = 0
    created: int = 0
    duplicates: int = 0
    refused: int = 0


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    factory = imaplib.IMAP4_SSL if mailbox.imap_ssl else imaplib.IMAP4
    client = factory(mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT)
    client.login(mailbox.imap_user, mailbox.imap_password)
    return client


def _uid_validity(client: imaplib.IMAP4, folder: str) -> int:
    _typ, data = client.status(folder, "(UIDVALIDITY)")
    found = re.search(rb"UIDVALIDITY (\d+)", data[0] or b"")
    return int(found.group(1)) if found else 0


def mailbox_poll(mailbox: Mailbox) -> Polled:
    """Takes the mail that arrived since the last poll; errors are kept on the mailbox for the admin page."""
    result = Polled()
    try:
        client = _connect(mailbox)
        try:
            _take_new(client, mailbox, result)
        finally:
            try:
                client.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
        mailbox.last_error = ""
    except (imaplib.IMAP4.error, OSError) as exc:
        mailbox.last_error = f"{exc.__class__.__name__}: {exc}"[:300]
        log.warning("IMAP poll of %s failed: %s", mailbox.address, exc)
    mailbox.last_polled_at = timezone.now()
    mailbox.save(update_fields=["uid_validity", "last_uid", "last_polled_at", "last_error"])
    return result


def _take_new(client: imaplib.IMAP4, mailbox: Mailbox, result: Polled) -> None:
    validity = _uid_validity(client, mailbox.imap_folder)
    if validity != mailbox.uid_validity:  # the server renumbered the folder: read it again from the start
        mailbox.uid_validity, mailbox.last_uid = validity, 0
    typ, _data = client.select(mailbox.imap_folder)
    if typ != "OK":
        raise imaplib.IMAP4.error(f"cannot open folder {mailbox.imap_folder}")
    _typ, data = client.uid("search", None, f"UID {mailbox.last_uid + 1}:*")
    uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > mailbox.last_uid)[:BATCH]
    for uid in uids:
        _typ, fetched = client.uid("fetch", str(uid), "(BODY.PEEK[])")
        raw = next((part[1] for part in fetched if isinstance(part, tuple)), b"")
        result.fetched += 1
        try:
            received = mail_receive(raw=raw, mailbox=mailbox)
        except DomainError as exc:  # not a mail we can take: skip it, do not stop the mailbox
            result.refused += 1
            log.warning("IMAP %s uid %s refused: %s", mailbox.address, uid, exc.message)
        else:
            result.created += received.new_ticket
            result.duplicates += received.duplicate
        client.uid("store", str(uid), "+FLAGS", "(\\Seen)")
        mailbox.last_uid = uid
        Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=uid, uid_validity=mailbox.uid_validity)


def mailboxes_poll() -> dict[str, Polled]:
    """Every active mailbox with an IMAP server (periodic work)."""
    return {box.address: mailbox_poll(box)
            for box in Mailbox.objects.filter(is_active=True).exclude(imap_host="").select_related("owner")}
