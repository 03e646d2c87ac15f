from django.contrib import admin

from .models import Complaint, ComplaintCategory, ComplaintConfig, ComplaintStep


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(ComplaintConfig)
class ComplaintConfigAdmin(admin.ModelAdmin):
    list_display = ("reply_amount", "reply_unit", "implement_days")


class ComplaintStepInline(admin.TabularInline):
    """The flow's step log is an audit trail: shown, never added, edited or deleted here."""

    model = ComplaintStep
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "action", "from_state", "to_state", "actor", "round", "note")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    # Read-only: the flow's state changes only through the services, never by editing rows; deleting
    # one would also delete its step log, the department's record of what was done (as TicketAdmin).
    list_display = ("ticket", "state", "category", "dispatched_to", "received_at")
    list_filter = ("state", "category")
    inlines = [ComplaintStepInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
