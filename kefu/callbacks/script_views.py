"""Scripts (回访话术, edited as text with a line-numbered error and a tree preview) and the do-not-call list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.core.errors import DomainError
from kefu.customers.masking import mask_phone

from . import scripts
from .defaults import DEFAULT_SCRIPT
from .models import CallbackScript, DoNotCall
from .services import do_not_call_add, do_not_call_remove, script_save


def _tree_rows(tree: dict) -> list[dict]:
    return [{"id": node_id, **node} for node_id, node in scripts.ordered_nodes(tree)]


@login_required
def script_list(request):
    policy.require(policy.can_manage_campaigns(request.user))
    return render(request, "callbacks/scripts.html", {"scripts": CallbackScript.objects.all()})


@login_required
def script_edit(request, pk: int | None = None):
    policy.require(policy.can_manage_campaigns(request.user), _("只有客服主管或管理员可以编辑回访话术"))
    script = get_object_or_404(CallbackScript, pk=pk) if pk else None
    name = script.name if script else ""
    text = (script.source or scripts.render(script.tree)) if script else DEFAULT_SCRIPT
    error = ""
    if request.method == "POST":
        name, text = request.POST.get("name", ""), request.POST.get("text", "")
        try:
            script = script_save(by=request.user, script=script, name=name, text=text,
                                 is_active=request.POST.get("is_active") == "1")
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("话术已保存"))
            return redirect("callbacks:script", pk=script.pk)
    return render(request, "callbacks/script_edit.html", {
        "script": script, "name": name, "text": text, "error": error,
        "tree": _tree_rows(script.tree) if script and not error else [],
    }, status=400 if error else 200)


@login_required
def do_not_call(request):
    policy.require(policy.can_manage_campaigns(request.user))
    if request.method == "POST":
        try:
            do_not_call_add(by=request.user, phone=request.POST.get("phone", ""), reason=request.POST.get("reason", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已加入勿扰名单"))
        return redirect("callbacks:dnc")
    rows = DoNotCall.objects.select_related("customer", "added_by")[:500]
    full = policy.can_view_personal_data(request.user)
    return render(request, "callbacks/dnc.html", {"rows": [
        {"entry": e, "phone": e.phone if full else mask_phone(e.phone)} for e in rows]})


@login_required
@require_POST
def do_not_call_delete(request, pk: int):
    entry = get_object_or_404(DoNotCall, pk=pk)
    do_not_call_remove(by=request.user, entry=entry)
    messages.success(request, _("已移出勿扰名单"))
    return redirect("callbacks:dnc")
