"""QA's background work: inspecting a conversation, keeping a work order's conversation in step,
importing a file, re-inspecting a range with a new pack version. Each handler is idempotent."""

from __future__ import annotations

from kefu.jobs import background
from kefu.tickets.models import Ticket

from .imports import import_run
from .inspect import inspect_conversations, reinspect
from .models import Conversation
from .packs import active_pack
from .services import conversation_sync_ticket


@background("qa.inspect", max_attempts=5, lease_seconds=300)
def inspect_conversation(payload: dict) -> None:
    conversation = Conversation.objects.filter(pk=payload["conversation"]).first()
    if conversation is not None:
        inspect_conversations(conversations=[conversation], trigger=payload.get("trigger", "import"))


@background("qa.ticket", max_attempts=5, lease_seconds=120)
def sync_ticket(payload: dict) -> None:
    ticket = Ticket.objects.filter(pk=payload["ticket"]).first()
    if ticket is not None:
        conversation_sync_ticket(ticket=ticket)


@background("qa.import", max_attempts=10, lease_seconds=600, atomic=False)
def import_file(payload: dict) -> None:
    import_run(payload["job"])


@background("qa.reinspect", max_attempts=5, lease_seconds=600, atomic=False)
def reinspect_range(payload: dict) -> None:
    """Re-inspects the given conversations with the active pack, in chunks of 500 (each committed)."""
    pack = active_pack()
    ids = list(payload["conversations"])
    for start in range(0, len(ids), 500):
        reinspect(conversations=list(Conversation.objects.filter(pk__in=ids[start:start + 500])), pack=pack)
