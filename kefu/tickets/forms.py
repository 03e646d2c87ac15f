from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.customers.intake import INTAKE_FIELDS

from .models import Channel, Priority, TicketType


class TicketCreateForm(forms.Form):
    customer_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    new_customer_name = forms.CharField(label=_("新客户姓名"), max_length=60, required=False)
    new_customer_salutation = forms.ChoiceField(
        label=_("称谓"), required=False, choices=[("", "—"), ("mr", _("先生")), ("ms", _("女士"))]
    )
    new_customer_phone = forms.CharField(label=_("新客户电话"), max_length=30, required=False)
    allow_duplicate = forms.BooleanField(label=_("确认是另一位客户（电话与已有客户相同）"), required=False)
    subject = forms.CharField(label=_("主题"), max_length=200)
    body = forms.CharField(label=_("客户诉求 / 来电内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    type = forms.ChoiceField(label=_("类型"), choices=TicketType.choices, initial=TicketType.CONSULTATION)
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(label=_("优先级"), choices=Priority.choices, initial=Priority.NORMAL)
    account_manager = forms.CharField(label=_("招商经理"), max_length=60, required=False)
    tags = forms.CharField(label=_("标签"), required=False, help_text=_("用逗号分隔"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, label in INTAKE_FIELDS:
            self.fields[f"intake_{key}"] = forms.CharField(label=label, max_length=200, required=False)

    def intake_fields(self):
        return [self[f"intake_{key}"] for key, _label in INTAKE_FIELDS]

    def intake(self) -> dict:
        return {key: self.cleaned_data.get(f"intake_{key}", "") for key, _label in INTAKE_FIELDS}

    def clean(self):
        data = super().clean()
        if not data.get("customer_id") and not data.get("new_customer_name"):
            raise forms.ValidationError(_("请选择已有客户，或填写新客户姓名"))
        return data
