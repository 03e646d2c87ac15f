"""A real `kefu worker` on PostgreSQL and Redis copies chat lines into the work order's thread (the
transcript), in order and once each, while visitors keep talking. In CI this runs in the PostgreSQL pass."""

import pytest

from kefu.channels.webchat.availability import presence_set
from kefu.channels.webchat.models import ChatLine, ChatSettings
from kefu.channels.webchat.services import chat_accept, chat_agent_says, chat_start, chat_visitor_says
from kefu.sla.models import Calendar
from kefu.tickets.models import MessageKind
from tests.factories import Desk
from tests.test_jobs_worker import queue, wait_for  # noqa: F401  (the real-worker fixture)

pytestmark = [pytest.mark.redis, pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
ALWAYS = {str(d): [["00:00", "24:00"]] for d in range(7)}


def test_worker_copies_every_chat_line_into_the_thread_in_order(queue):  # noqa: F811
    desk = Desk()
    calendar = Calendar.objects.create(name="全天", weekly=ALWAYS, observes_holidays=False)
    ChatSettings.objects.create(department=desk.service, owner=desk.supervisor, calendar=calendar)
    presence_set(user=desk.agent, online=True)
    queue()
    sessions = []
    for n in range(3):
        session, _token = chat_start(department=desk.service, name=f"访客{n}")
        chat_visitor_says(session=session, text=f"会话{n} 第0句")
        sessions.append(chat_accept(session=session, by=desk.agent))
    for i in range(1, 6):
        for n, session in enumerate(sessions):
            chat_visitor_says(session=session, text=f"会话{n} 第{i}句")
            if i == 3:
                chat_agent_says(session=session, by=desk.agent, text=f"会话{n} 客服答复")
    lines = ChatLine.objects.exclude(sender="system")
    wait_for(lambda: not lines.filter(thread_message__isnull=True).exists(), 60,
             "every line copied by the worker", queue.logs)
    for n, session in enumerate(sessions):
        thread = [(m.kind, m.body) for m in session.ticket.messages.order_by("id")]
        expected = [(MessageKind.CUSTOMER, f"会话{n} 第{i}句") for i in range(4)] + [
            (MessageKind.REPLY, f"会话{n} 客服答复")] + [(MessageKind.CUSTOMER, f"会话{n} 第{i}句") for i in (4, 5)]
        assert thread == expected
