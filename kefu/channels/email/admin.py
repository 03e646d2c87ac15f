from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import DepartmentMail, InboundMail, Mailbox, OutboundMail, ReplyTemplate


class MailboxForm(forms.ModelForm):
    imap_password = forms.CharField(label=_("IMAP 密码"), required=False, widget=forms.PasswordInput(render_value=True))

    class Meta:
        model = Mailbox
        fields = ["name", "address", "department", "team", "owner", "imap_host", "imap_port", "imap_ssl",
                  "imap_user", "imap_password", "imap_folder", "is_active"]

    def clean(self):
        data = super().clean()
        owner, department, team = data.get("owner"), data.get("department"), data.get("team")
        if owner and department and owner.department_id != department.pk:
            self.add_error("owner", _("首问负责人必须属于受理部门"))
        if team and department and team.department_id != department.pk:
            self.add_error("team", _("班组必须属于受理部门"))
        return data


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "address", "department", "team", "is_active", "last_polled_at", "last_error"]
    readonly_fields = ["last_polled_at", "last_error"]


@admin.register(DepartmentMail)
class DepartmentMailAdmin(admin.ModelAdmin):
    list_display = ["department", "acknowledge"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "department"]
    list_filter = ["department"]


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    list_display = ["ticket", "to", "subject", "state", "attempts", "reason", "created_at", "sent_at"]
    list_filter = ["state", "automatic"]
    readonly_fields = [f.name for f in OutboundMail._meta.fields]


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "outcome", "ticket"]
    list_filter = ["outcome"]
    readonly_fields = [f.name for f in InboundMail._meta.fields]
