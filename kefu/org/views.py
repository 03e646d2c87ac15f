"""Pages for admins: users, teams, departments (list, create, edit, deactivate) and the change log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import Department, Team, User
from kefu.complaints.models import ComplaintConfig
from kefu.core.errors import DomainError
from kefu.security.models import TotpDevice

from . import services
from .forms import ComplaintLimitsForm, DepartmentForm, TeamForm, UserForm
from .models import OrgChange


def _admin_only(request) -> None:
    policy.require(policy.can_manage_org(request.user), _("只有管理员可以管理用户、班组和部门"))


@login_required
def users(request):
    _admin_only(request)
    rows = User.objects.select_related("department", "team").order_by("-is_active", "department__name", "username")
    return render(request, "org/users.html", {"rows": rows, "tab": "users"})


@login_required
def user_edit(request, pk: int | None = None):
    _admin_only(request)
    user = get_object_or_404(User, pk=pk) if pk else None
    initial = None
    if user is not None:
        initial = {f: getattr(user, f) for f in ("username", "display_name", "role", "department", "team", "email",
                                                  "phone", "can_view_personal_data")}
    form = UserForm(request.POST or None, initial=initial)
    if user is not None:
        form.fields["username"].disabled = True
        if user.team_id:  # a user kept in a retired team can still be saved (and moved out of it)
            form.fields["team"].queryset = Team.objects.filter(Q(is_active=True) | Q(pk=user.team_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if user is None:
                user = services.org_user_create(
                    by=request.user, username=data["username"], password=data["password"], role=data["role"],
                    display_name=data["display_name"], department=data["department"], team=data["team"],
                    email=data["email"])
            else:
                services.org_user_update(by=request.user, user=user, **{
                    f: data[f] for f in services.USER_FIELDS})
                if data["password"]:
                    services.org_user_set_password(by=request.user, user=user, password=data["password"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已保存用户 %(name)s") % {"name": user.username})
            return redirect("org:users")
    device = TotpDevice.objects.filter(user=user).first() if user is not None else None
    return render(request, "org/edit.html", {
        "form": form, "object": user, "tab": "users", "title": _("编辑用户") if user else _("新建用户"),
        "two_factor": device, "is_self": user is not None and user.pk == request.user.pk})


@login_required
@require_POST
def user_two_factor_reset(request, pk: int):
    _admin_only(request)
    user = get_object_or_404(User, pk=pk)
    return _run(request, lambda: services.org_user_reset_two_factor(by=request.user, user=user), "org:users")


@login_required
@require_POST
def user_active(request, pk: int):
    _admin_only(request)
    user = get_object_or_404(User, pk=pk)
    return _run(request, lambda: services.org_user_set_active(
        by=request.user, user=user, active=request.POST.get("active") == "1"), "org:users")


@login_required
def departments(request):
    _admin_only(request)
    rows = Department.objects.prefetch_related("teams").order_by("-is_active", "kind", "name")
    return render(request, "org/departments.html", {"rows": rows, "tab": "departments"})


@login_required
def department_edit(request, pk: int | None = None):
    _admin_only(request)
    department = get_object_or_404(Department, pk=pk) if pk else None
    initial = {"name": department.name, "code": department.code, "kind": department.kind} if department else None
    form = DepartmentForm(request.POST or None, initial=initial)
    return _edit_page(request, form, lambda data: services.org_department_save(
        by=request.user, department=department, **data), done=_("部门已保存"), obj=department,
        title=_("编辑部门") if department else _("新建部门"))


@login_required
@require_POST
def department_active(request, pk: int):
    _admin_only(request)
    department = get_object_or_404(Department, pk=pk)
    return _run(request, lambda: services.org_department_set_active(
        by=request.user, department=department, active=request.POST.get("active") == "1"), "org:departments")


@login_required
def team_edit(request, pk: int | None = None):
    _admin_only(request)
    team = get_object_or_404(Team, pk=pk) if pk else None
    initial = {"name": team.name, "department": team.department} if team else {
        "department": request.GET.get("department")}
    form = TeamForm(request.POST or None, initial=initial)
    return _edit_page(request, form, lambda data: services.org_team_save(by=request.user, team=team, **data),
                      done=_("班组已保存"), obj=team, title=_("编辑班组") if team else _("新建班组"))


@login_required
@require_POST
def team_active(request, pk: int):
    _admin_only(request)
    team = get_object_or_404(Team, pk=pk)
    return _run(request, lambda: services.org_team_set_active(
        by=request.user, team=team, active=request.POST.get("active") == "1"), "org:departments")


@login_required
def complaint_limits(request):
    _admin_only(request)
    config = ComplaintConfig.current()
    initial = {"reply_amount": config.reply_amount, "reply_unit": config.reply_unit,
               "approve_days": config.approve_days, "implement_days": config.implement_days,
               "warning_percent": round(config.warning_share * 100)}
    form = ComplaintLimitsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["warning_share"] = data.pop("warning_percent") / 100
        try:
            services.org_complaint_limits_save(by=request.user, **data)
        except DomainError as exc:
            field = "warning_percent" if exc.field == "warning_share" else exc.field
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("投诉时限已保存，新受理的投诉按新时限计时"))
            return redirect("org:complaint_limits")
    return render(request, "org/complaint_limits.html", {"form": form, "tab": "complaint_limits"})


@login_required
def changes(request):
    _admin_only(request)
    rows = OrgChange.objects.select_related("actor")[:300]
    return render(request, "org/changes.html", {"rows": rows, "tab": "changes"})


def _run(request, action, back: str):
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已更新"))
    return redirect(back)


def _edit_page(request, form, save, *, done: str, obj, title: str, back: str = "org:departments",
               tab: str = "departments"):
    """A create/edit form of the departments tab: save(cleaned_data) on a valid POST; a domain error
    lands on the field it names."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(request, "org/edit.html", {"form": form, "object": obj, "tab": tab, "title": title})
