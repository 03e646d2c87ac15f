"""Durable background work: the state of every job lives here, not in the queue (see docs/jobs.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    PENDING = "pending", _("等待")  # waiting for a worker (run_after says from when)
    RUNNING = "running", _("运行中")  # claimed by ``worker`` until ``lease_until``
    DONE = "done", _("完成")
    FAILED = "failed", _("失败")  # max_attempts used up; last_error says why
    SUPERSEDED = "superseded", _("已被取代")  # its lease expired while a pending twin (same key) waited


class Job(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    payload = models.JSONField(_("参数"), default=dict)
    # At most one pending job per key: enqueueing the same work twice before it starts runs it once.
    key = models.CharField(_("去重键"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=JobState.choices, default=JobState.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    lease_seconds = models.PositiveIntegerField(default=300)
    run_after = models.DateTimeField(_("最早运行时间"))
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=120, blank=True)  # host:pid:nonce of the holder
    rung_at = models.DateTimeField(null=True, blank=True)  # when a worker was last told about it
    last_error = models.TextField(blank=True)
    # How far a long job got ({"done": n, "total": m, ...its own checkpoint}), committed with each chunk's
    # writes: the admin sees it, and a rerun after a crash resumes from it (kefu.jobs.progress).
    progress = models.JSONField(_("进度"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        constraints = [models.UniqueConstraint(fields=["key"], condition=Q(state="pending") & ~Q(key=""),
                                               name="one_pending_job_per_key")]
        # Partial indexes stay as small as the backlog, however many finished jobs are kept.
        indexes = [models.Index(fields=["run_after", "id"], condition=Q(state="pending"), name="job_due"),
                   models.Index(fields=["lease_until"], condition=Q(state="running"), name="job_lease"),
                   models.Index(fields=["finished_at"], name="job_finished")]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk} ({self.state})"


class JobProbe(models.Model):
    """What the ``jobs.probe`` job leaves behind: proves a worker fleet runs work end to end, once each."""

    key = models.CharField(max_length=120, unique=True)
    attempt = models.PositiveIntegerField()
    worker = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.key} (attempt {self.attempt})"
