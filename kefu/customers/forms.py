from django import forms
from django.utils.translation import gettext_lazy as _

from .intake import INTAKE_FIELDS
from .models import Salutation


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    salutation = forms.ChoiceField(label=_("称谓"), choices=Salutation.choices, required=False)
    phones = forms.CharField(label=_("电话"), required=False, help_text=_("多个号码用逗号分隔"))
    email = forms.EmailField(label=_("邮箱"), required=False)
    wechat_id = forms.CharField(label=_("微信号"), max_length=60, required=False)
    company = forms.CharField(label=_("单位"), max_length=100, required=False)
    department = forms.CharField(label=_("部门"), max_length=60, required=False)
    region = forms.CharField(label=_("地区"), max_length=60, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    tags = forms.CharField(label=_("标签"), required=False, help_text=_("用逗号分隔"))
    vip_level = forms.IntegerField(label=_("VIP 等级"), min_value=0, max_value=5, initial=0)
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    allow_duplicate = forms.BooleanField(label=_("确认是另一位客户，仍然保存"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the edit's base (409 if stale)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, label in INTAKE_FIELDS:
            self.fields[f"intake_{key}"] = forms.CharField(label=label, max_length=200, required=False)

    def intake_fields(self):
        return [self[f"intake_{key}"] for key, _label in INTAKE_FIELDS]

    def main_fields(self):
        return [f for f in self if not f.name.startswith("intake_") and f.name not in ("allow_duplicate", "version")]

    def to_service(self) -> dict:
        data = dict(self.cleaned_data)
        intake = {key: data.pop(f"intake_{key}", "") for key, _label in INTAKE_FIELDS}
        data["phones"] = data["phones"]
        data["tags"] = (data["tags"] or "").replace("，", ",").split(",")
        data["intake"] = intake
        return data

    @classmethod
    def initial_for(cls, customer) -> dict:
        initial = {f: getattr(customer, f) for f in ("name", "salutation", "email", "wechat_id", "company",
                                                      "department", "region", "address", "vip_level", "notes",
                                                      "version")}
        initial["phones"] = ", ".join(customer.phones)
        initial["tags"] = ", ".join(customer.tags)
        initial.update({f"intake_{k}": v for k, v in customer.intake.items()})
        return initial
