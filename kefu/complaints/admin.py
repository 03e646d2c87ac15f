from django.contrib import admin

from .models import Complaint, ComplaintCategory, ComplaintConfig


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(ComplaintConfig)
class ComplaintConfigAdmin(admin.ModelAdmin):
    list_display = ("reply_amount", "reply_unit", "implement_days")


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    # Read-only: the flow's state changes only through the services, never by editing rows.
    list_display = ("ticket", "state", "category", "dispatched_to", "received_at")
    list_filter = ("state", "category")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
