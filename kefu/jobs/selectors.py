"""Reads of jobs for people: how far long work got."""

from django.utils.translation import gettext as _

from .models import Job


def progress_text(job: Job) -> str:
    """"12,000 / 300,199 (4%)" for a job that records its progress; "" for one that does not."""
    done, total = (job.progress or {}).get("done"), (job.progress or {}).get("total")
    if done is None or not total:
        return ""
    return _("%(done)s / %(total)s（%(share)s%%）") % {
        "done": f"{done:,}", "total": f"{total:,}", "share": min(100, done * 100 // total)}


def running_jobs(name: str) -> list[Job]:
    """Jobs of this name not yet finished (pending or running), oldest first."""
    return list(Job.objects.filter(name=name, state__in=["pending", "running"]).order_by("created_at", "id"))
