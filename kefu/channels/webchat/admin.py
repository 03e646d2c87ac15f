from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ChatSession, ChatSettings


class ChatSettingsForm(forms.ModelForm):
    class Meta:
        model = ChatSettings
        fields = ["department", "is_enabled", "greeting", "offline_text", "pre_chat_form", "owner", "calendar"]

    def clean(self):
        data = super().clean()
        owner, department = data.get("owner"), data.get("department")
        if owner and department and owner.department_id != department.pk:
            self.add_error("owner", _("首问负责人必须属于该部门"))
        return data


@admin.register(ChatSettings)
class ChatSettingsAdmin(admin.ModelAdmin):
    form = ChatSettingsForm
    list_display = ["department", "is_enabled", "pre_chat_form", "owner", "calendar"]


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = ["public_id", "department", "visitor_name", "state", "agent", "ticket", "created_at"]
    list_filter = ["state", "department"]
    readonly_fields = ["public_id", "token_digest", "department", "customer", "ticket", "agent", "state",
                       "created_at", "updated_at"]
