from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, DepartmentKind, Role, Team
from kefu.complaints.models import ComplaintConfig


class UserForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=False), required=False,
                               help_text=_("新建时必填；编辑时填写即重设密码"))
    display_name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.filter(is_active=True),
                                        required=False)
    team = forms.ModelChoiceField(label=_("班组"), queryset=Team.objects.filter(is_active=True).select_related("department"),
                                  required=False)
    email = forms.EmailField(label=_("邮箱"), required=False)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    can_view_personal_data = forms.BooleanField(label=_("可查看客户个人信息"), required=False)


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    code = forms.CharField(label=_("代码"), max_length=40, help_text=_("小写字母、数字或短横线，如 after-sales"))
    kind = forms.ChoiceField(label=_("类型"), choices=DepartmentKind.choices)


class ComplaintLimitsForm(forms.Form):
    """The complaint time limits (投诉时限); the service checks the ranges and names the field."""

    reply_amount = forms.FloatField(label=_("答复时限"), help_text=_("受理后多久内答复客户（默认 24）"))
    reply_unit = forms.ChoiceField(label=_("答复时限单位"), choices=ComplaintConfig._meta.get_field("reply_unit").choices)
    approve_days = forms.IntegerField(label=_("审批时限（工作日）"), help_text=_("主管审批方案的期限"))
    implement_days = forms.IntegerField(label=_("实施时限（工作日）"), help_text=_("方案批准后实施完成的期限（默认 5）"))
    warning_percent = forms.IntegerField(label=_("预警比例（%）"), help_text=_("用去这一比例的时间后显示预警"))


class TeamForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.filter(is_active=True))
