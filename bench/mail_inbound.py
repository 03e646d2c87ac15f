"""1,000 inbound e-mails through the e-mail channel, then the same 1,000 again (a second fetch).

The mails form threads the way customers write: a first mail, then replies that point at it by
In-Reply-To, by References only, at Kefu's own acknowledgement, or only by the order number in the
subject; some senders are known customers. Checks that every thread is exactly one order, different
threads never share one, and the second pass creates nothing. Prints throughput and the checks.

    .venv/bin/python bench/mail_inbound.py [--mails 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_chan .venv/bin/python bench/mail_inbound.py
"""

import argparse
import os
import random
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    os.environ.setdefault("KEFU_VAR_DIR", tempfile.mkdtemp(prefix="kefu-mailbench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    os.environ["KEFU_SMTP_URL"] = ""  # acknowledgements are recorded (and marked failed), nothing leaves
    os.environ["KEFU_MAIL_SENDER_LIMIT"] = "100000"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True  # background jobs run right after each commit, in this process


def raw_mail(sender: str, subject: str, mid: str, in_reply_to: str = "", references: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "bench@kefu.test"
    msg["Subject"] = subject
    msg["Message-ID"] = mid
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    msg.set_content(f"{subject}\n\n您好，这是第 {mid} 封邮件的正文。")
    return msg.as_bytes()


def _mid(raw: bytes) -> str:
    from email import message_from_bytes

    return message_from_bytes(raw)["Message-ID"].strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=300)
    parser.add_argument("--imap", action="store_true",
                        help="deliver every mail to a real IMAP server (Debian's dovecot, as the tests start it) "
                             "and take it by polling the mailbox; the second pass forgets the mailbox's last "
                             "UID and fetches the whole folder again")
    args = parser.parse_args()
    setup()
    if args.imap:
        sys.path.insert(0, str(ROOT))
        from tests.mailservers import imap_server

        server_cm = imap_server.__wrapped__()  # the tests' dovecot set-up, as a plain generator
        imap = next(server_cm)
    else:
        server_cm = imap = None
    try:
        run(args, imap)
    finally:
        if server_cm is not None:
            server_cm.close()  # stops dovecot, removes its folder


def run(args, imap) -> None:
    from kefu.accounts.models import Department, DepartmentKind, Role
    from kefu.accounts.services import user_create
    from kefu.channels.email.models import InboundMail, Mailbox, OutboundMail
    from kefu.channels.email.services import mail_receive
    from kefu.tickets.models import Message

    rng = random.Random(13)
    stamp = str(int(time.time()))
    dept = Department.objects.create(name=f"邮件压测{stamp}", code=f"mb-{stamp}", kind=DepartmentKind.SERVICE)
    owner = user_create(username=f"mbsup{stamp}", password="x-bench-123", role=Role.SUPERVISOR, department=dept)
    mailbox = Mailbox.objects.create(name="bench", address="bench@kefu.test", department=dept, owner=owner)
    if imap is not None:
        from kefu.channels.email.imap import mailbox_poll

        mailbox.imap_host, mailbox.imap_port, mailbox.imap_ssl = imap.host, imap.port, False
        mailbox.imap_user, mailbox.imap_password = imap.user, imap.password
        mailbox.save()

    threads: list[dict] = []  # each: sender, first id, ids so far, expected order
    mails: list[tuple[bytes, int]] = []  # (raw, thread index), in sending order
    seq = 0
    while len(mails) < args.mails:
        seq += 1
        if len(threads) < args.threads and (not threads or rng.random() < 0.35):
            sender = f"customer{len(threads)}@example{stamp}.cn"
            mid = f"<b{stamp}.{seq}@example.cn>"
            threads.append({"sender": sender, "ids": [mid], "subject": f"订单问题 {len(threads)}"})
            mails.append((raw_mail(sender, threads[-1]["subject"], mid), len(threads) - 1))
            continue
        index = rng.randrange(len(threads))
        thread = threads[index]
        mid = f"<b{stamp}.{seq}@example.cn>"
        style = rng.choice(["in_reply_to", "references", "ack", "subject"])
        mails.append(((style, thread["sender"], thread["subject"], mid, list(thread["ids"])), index))
        thread["ids"].append(mid)

    def materialise(item, index):
        if isinstance(item, bytes):
            return item
        style, sender, subject, mid, ids = item
        if style == "in_reply_to":
            return raw_mail(sender, f"Re: {subject}", mid, in_reply_to=ids[-1], references=" ".join(ids))
        if style == "references":
            return raw_mail(sender, f"Re: {subject}", mid, in_reply_to="<unknown@elsewhere.cn>",
                            references=" ".join(ids))
        ticket_id = thread_ticket[index]
        if style == "ack":
            ack = OutboundMail.objects.filter(ticket_id=ticket_id, automatic=True).values_list("message_id",
                                                                                              flat=True).first()
            return raw_mail(sender, f"回复：{subject}", mid, in_reply_to=ack)
        number = thread_number[index]
        return raw_mail(sender, f"补充 [{number}]", mid)  # only the order number ties it

    thread_ticket: dict[int, int] = {}
    thread_number: dict[int, str] = {}
    sent_raw: list[bytes] = []
    wrong = 0
    start = time.perf_counter()
    for item, index in mails:
        raw = materialise(item, index)
        sent_raw.append(raw)
        if imap is None:
            got = mail_receive(raw=raw).inbound
        else:  # delivered, then taken by the mailbox's poll (the `mail.poll` job's work)
            imap.deliver(raw)
            polled = mailbox_poll(mailbox)
            assert polled.fetched == 1 and not mailbox.last_error, (polled, mailbox.last_error)
            got = InboundMail.objects.select_related("ticket").get(message_id=_mid(raw))
        if index not in thread_ticket:
            thread_ticket[index], thread_number[index] = got.ticket_id, got.ticket.number
        elif got.ticket_id != thread_ticket[index]:
            wrong += 1
    first_pass = time.perf_counter() - start
    tickets, messages = len(set(thread_ticket.values())), Message.objects.filter(ticket__department=dept).count()
    start = time.perf_counter()
    if imap is None:
        duplicates = sum(mail_receive(raw=raw).duplicate for raw in sent_raw)
    else:  # the mailbox forgets where it was (as after a UIDVALIDITY change) and fetches everything again
        mailbox.last_uid = 0
        mailbox.save(update_fields=["last_uid"])
        duplicates = fetched = 0
        while True:
            polled = mailbox_poll(mailbox)
            if not polled.fetched:
                break
            duplicates += polled.duplicates
            fetched += polled.fetched
        assert fetched == len(sent_raw), fetched
    second_pass = time.perf_counter() - start
    tickets_after = len({t for t in InboundMail.objects.filter(mailbox__department=dept)
                         .values_list("ticket_id", flat=True)})
    messages_after = Message.objects.filter(ticket__department=dept).count()
    print(f"mails={len(mails)} threads={len(threads)} db={'postgres' if os.environ.get('DATABASE_URL') else 'sqlite'} "
          f"path={'IMAP (dovecot) poll' if imap else 'mail_receive (as the webhook)'} load={os.getloadavg()}")
    print(f"first pass: {first_pass:.1f} s ({len(mails) / first_pass:.0f} mails/s, acknowledgements included)")
    print(f"threading: orders={tickets} (expected {len(threads)}), mails in the wrong order={wrong}, "
          f"messages={messages}")
    print(f"second pass (same 1,000 again): {second_pass:.1f} s, duplicates recognised={duplicates}/{len(mails)}, "
          f"orders after={tickets_after}, messages after={messages_after} (before {messages})")
    ok = wrong == 0 and tickets == len(threads) and duplicates == len(mails) and messages_after == messages
    print("RESULT:", "threading right, no duplicate" if ok else "FAILED")


if __name__ == "__main__":
    main()
