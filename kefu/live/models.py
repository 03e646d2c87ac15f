from django.db import models


class LiveEvent(models.Model):
    """One message for the live workspace, on one channel ("user:7", "ticket:42", "chat:<session>").

    Rows are the transport between processes (web workers under uvicorn, the background worker): every
    stream reads the rows after its cursor, so a reconnecting browser replays what it missed. Old rows are
    pruned by periodic work."""

    id = models.BigAutoField(primary_key=True)
    channel = models.CharField(max_length=80)
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "id"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind}"
