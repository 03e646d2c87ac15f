from django.contrib import admin

from .models import AgentAlias, Conversation, ImportJob, PackVersion, QaSettings


@admin.register(AgentAlias)
class AgentAliasAdmin(admin.ModelAdmin):
    """工号 of call-centre and chat systems, so imports can name agents by them."""

    list_display = ("code", "user")
    search_fields = ("code", "user__username", "user__display_name")
    autocomplete_fields = ("user",)


@admin.register(QaSettings)
class QaSettingsAdmin(admin.ModelAdmin):
    list_display = ("sample_fatal", "sample_below", "sample_percent", "daily_cap", "appeal_working_days")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("filename", "state", "done", "total", "imported", "created_by", "created_at")
    readonly_fields = ("file", "filename", "kind", "state", "total", "done", "position", "errors", "imported",
                       "created_by", "finished_at")


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "source", "channel", "agent", "inspection_state", "started_at")
    list_filter = ("source", "channel", "inspection_state")
    search_fields = ("external_id",)
    raw_id_fields = ("agent", "customer", "ticket")


@admin.register(PackVersion)
class PackVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "state", "published_at")
    readonly_fields = ("data",)
