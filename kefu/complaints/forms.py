"""Forms of the complaint pages and API: they only parse input (dates, choices, departments);
the services check what is required and say so, so pages and API give the same messages.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, DepartmentKind
from kefu.tickets.models import Channel

from . import services as cs
from .models import ComplaintCategory, ContactMethod, Emotion, ObjectKind, Party, Severity, Source

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
# A datetime-local input accepts only this shape; without an explicit format Django renders the
# active locale's (zh-hans: "2026/11/17 19:30"), the browser drops it and a re-save clears the field.
WIDGET_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
EMPTY_LABEL = "—"  # the blank choice of every select, instead of Django's "---------"


def _text(label: str, rows: int = 0, max_length: int | None = None) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, required=False, widget=widget, max_length=max_length)


def _choice(label: str, choices, blank: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=([("", EMPTY_LABEL)] if blank else []) + list(choices))


def _when(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=False, input_formats=DATETIME_FORMATS,
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                           format=WIDGET_DATETIME_FORMAT))


def _responsible_departments():
    return Department.objects.filter(kind=DepartmentKind.RESPONSIBLE, is_active=True)


class RecordForm(forms.Form):
    """客户投诉处理记录表 (seed 000 §2.1)."""

    contact_name = _text(_("联系人"), max_length=60)
    contact_phone = _text(_("联系电话"), max_length=40)
    source = _choice(_("投诉来源"), Source.choices, blank=False)
    account_manager = _text(_("招商经理姓名"), max_length=60)
    object_kind = _choice(_("投诉对象"), ObjectKind.choices)
    object_detail = _text(_("具体对象（哪个产品/服务/人员）"), max_length=120)
    description = _text(_("投诉事由（发生了什么）"), rows=3)
    happened_at = _when(_("发生时间"))
    place = _text(_("发生地点"), max_length=120)
    demand = _text(_("客户诉求"), rows=2)
    emotion = _choice(_("情绪状态"), Emotion.choices)
    key_quotes = _text(_("客户原话（关键语句）"), rows=2)
    category = forms.ModelChoiceField(label=_("投诉分类"), required=False, empty_label=EMPTY_LABEL,
                                      queryset=ComplaintCategory.objects.filter(is_active=True))
    severity = _choice(_("严重程度"), Severity.choices, blank=False)


class ComplaintCreateForm(RecordForm):
    """登记投诉: a new 投诉 work order for an existing or a new customer, with its record form."""

    customer_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    new_customer_name = forms.CharField(label=_("客户姓名"), max_length=60, required=False)
    new_customer_phone = forms.CharField(label=_("客户电话"), max_length=30, required=False)
    subject = forms.CharField(label=_("主题"), max_length=200)
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.PHONE)

    field_order = ["customer_id", "new_customer_name", "new_customer_phone", "subject", "channel"]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("customer_id") and not data.get("new_customer_name"):
            raise forms.ValidationError(_("请选择已有客户，或填写新客户姓名"))
        return data

    def record(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in RecordForm.base_fields}


class RejectForm(forms.Form):
    reason = _text(_("不成立的原因"), rows=3)
    explained_how = _choice(_("向客户解释的方式"), ContactMethod.choices)
    explained_at = _when(_("解释时间（默认现在）"))


class DispatchForm(forms.Form):
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=_responsible_departments(), required=False,
                                        empty_label=EMPTY_LABEL)
    note = _text(_("处理单说明"), rows=2)


class ReplyForm(forms.Form):
    method = _choice(_("答复方式"), ContactMethod.choices)
    note = _text(_("答复内容"), rows=2)
    replied_at = _when(_("答复时间（默认现在）"))


class AnalyseForm(forms.Form):
    cause = _text(_("原因分析"), rows=4)


class ResponsibilityForm(forms.Form):
    party = _choice(_("责任方"), Party.choices)
    department = forms.ModelChoiceField(label=_("责任部门（我方时必填）"), required=False, empty_label=EMPTY_LABEL,
                                        queryset=Department.objects.filter(is_active=True))
    person = _text(_("责任人"), max_length=60)


class ProposeForm(forms.Form):
    solution = _text(_("解决方案"), rows=4)


class CommentForm(forms.Form):
    comment = _text(_("意见"), rows=2)


class NotifyForm(forms.Form):
    method = _choice(_("告知方式"), ContactMethod.choices)
    notified_at = _when(_("告知时间（默认现在）"))
    customer_response = _text(_("客户的反应"), rows=2)


class ImplementForm(forms.Form):
    implementation = _text(_("实施情况"), rows=3)


class ReportForm(forms.Form):
    result = _text(_("处理结果（处理结果单）"), rows=3)


class ReceiptForm(forms.Form):
    satisfied = forms.TypedChoiceField(label=_("客户是否满意"), choices=[("true", _("满意")), ("false", _("不满意"))],
                                       coerce=lambda value: value == "true", empty_value=None, required=False,
                                       widget=forms.RadioSelect)
    comment = _text(_("客户意见（不满意时必填）"), rows=2)


class EmptyForm(forms.Form):
    pass


class SummaryForm(forms.Form):
    root_cause = _text(_("根本原因"), rows=2)
    improvement = _text(_("改进措施"), rows=2)
    owner = _text(_("改进负责人"), max_length=60)


# action name -> (form that parses the input, service that performs the step)
ACTION_FORMS = {
    "record": (RecordForm, cs.complaint_record),
    "reject": (RejectForm, cs.complaint_reject),
    "dispatch": (DispatchForm, cs.complaint_dispatch),
    "reply": (ReplyForm, cs.complaint_reply),
    "analyse": (AnalyseForm, cs.complaint_analyse),
    "assign_responsibility": (ResponsibilityForm, cs.complaint_assign_responsibility),
    "propose": (ProposeForm, cs.complaint_propose),
    "approve": (CommentForm, cs.complaint_approve),
    "send_back": (CommentForm, cs.complaint_send_back),
    "notify_customer": (NotifyForm, cs.complaint_notify_customer),
    "implement": (ImplementForm, cs.complaint_implement),
    "report": (ReportForm, cs.complaint_report),
    "receipt": (ReceiptForm, cs.complaint_receipt),
    "archive": (EmptyForm, cs.complaint_archive),
    "summarise": (SummaryForm, cs.complaint_summarise),
}


def run_action(name: str, *, complaint, by, data) -> tuple[forms.Form, object]:
    """Parses `data` with the action's form and runs its service; returns (form, result or None).

    A form that does not parse returns (form, None) with form.errors set; a DomainError from the
    service propagates to the caller, which shows its message (page) or maps it (API).
    """
    form_class, service = ACTION_FORMS[name]
    form = form_class(data)
    if not form.is_valid():
        return form, None
    return form, service(complaint=complaint, by=by, **form.cleaned_data)
