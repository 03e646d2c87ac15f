from django.contrib import admin

from .models import CallbackScript, Campaign, DoNotCall


@admin.register(CallbackScript)
class CallbackScriptAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "updated_at"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "state", "created_at"]
    list_filter = ["state"]
    readonly_fields = ["source", "excluded"]


@admin.register(DoNotCall)
class DoNotCallAdmin(admin.ModelAdmin):
    list_display = ["customer", "phone", "reason", "added_at"]
