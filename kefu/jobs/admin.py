from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Job, JobState
from .selectors import progress_text


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "key", "state", "progress_shown", "attempts", "max_attempts", "run_after",
                    "finished_at", "worker"]
    list_filter = ["state", "name"]
    search_fields = ["name", "key"]
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["retry"]

    @admin.display(description=_("进度"))
    def progress_shown(self, job: Job) -> str:
        return progress_text(job)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("重新运行所选失败任务"))
    def retry(self, request, queryset) -> None:
        from .services import ring

        count = queryset.filter(state=JobState.FAILED).update(
            state=JobState.PENDING, attempts=0, run_after=timezone.now(), finished_at=None)
        if count:
            ring(None)
        self.message_user(request, _("%(count)s 个任务已重新排队") % {"count": count}, messages.SUCCESS)
