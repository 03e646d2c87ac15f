from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Department, Team, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "department")
    list_filter = ("department",)
    list_select_related = ("department",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "department", "team", "can_view_personal_data", "is_active")
    list_filter = ("role", "department", "is_active")
    list_select_related = ("department", "team", "team__department")
    search_fields = ("username", "display_name", "email")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("客服"), {"fields": ("display_name", "role", "department", "team", "phone", "can_view_personal_data")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("客服"), {"fields": ("display_name", "role", "department", "team", "can_view_personal_data")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `kefu token create` (the value is shown once); here they are listed and revoked."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked")
    list_filter = ("revoked",)
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at", "user", "revoked_at", "revoked_reason")
    list_select_related = ("user",)

    def has_add_permission(self, request) -> bool:
        return False
