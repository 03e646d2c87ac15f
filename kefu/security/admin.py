from django.contrib import admin

from .models import SecurityEvent, TotpDevice


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the system and shown in full at /security/audit/."""

    list_display = ("created_at", "kind", "username", "actor", "address")
    list_filter = ("kind",)
    search_fields = ("username",)
    list_select_related = ("actor",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TotpDevice)
class TotpDeviceAdmin(admin.ModelAdmin):
    """Deleting a device resets a user's two-factor login (a lost phone); the next login sets it up again."""

    list_display = ("user", "confirmed_at", "created_at")
    fields = ("user", "confirmed_at", "created_at")
    readonly_fields = ("user", "confirmed_at", "created_at")

    def has_add_permission(self, request) -> bool:
        return False
