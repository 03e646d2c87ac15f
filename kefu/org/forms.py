from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, DepartmentKind, Role, Team


class UserForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=False), required=False,
                               help_text=_("新建时必填；编辑时填写即重设密码"))
    display_name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.filter(is_active=True),
                                        required=False)
    team = forms.ModelChoiceField(label=_("班组"), queryset=Team.objects.select_related("department"), required=False)
    email = forms.EmailField(label=_("邮箱"), required=False)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    can_view_personal_data = forms.BooleanField(label=_("可查看客户个人信息"), required=False)


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    code = forms.CharField(label=_("代码"), max_length=40, help_text=_("小写字母、数字或短横线，如 after-sales"))
    kind = forms.ChoiceField(label=_("类型"), choices=DepartmentKind.choices)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.filter(is_active=True))
