from django.contrib import admin

from .models import Ticket, TicketEvent


class TicketEventInline(admin.TabularInline):
    """Audit history, read-only: rows are never edited or deleted."""

    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "actor", "code", "params")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only in the admin: work orders change through the workspace so every change is audited."""

    list_display = ("number", "subject", "type", "status", "assignee", "first_responder", "created_at")
    list_filter = ("type", "status", "channel")
    search_fields = ("number", "subject")
    list_select_related = ("assignee", "first_responder")
    inlines = [TicketEventInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
