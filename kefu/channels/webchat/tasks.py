from kefu.jobs import background

from .services import chat_transcript_copy


@background("chat.transcript", max_attempts=5, lease_seconds=120)
def chat_transcript(payload: dict) -> None:
    """A chat's new lines join its work order's thread (idempotent: copied lines are marked)."""
    chat_transcript_copy(session_id=payload["session"])
