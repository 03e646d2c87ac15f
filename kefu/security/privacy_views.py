"""Pages of PIPL requests: file one from the customer's page, approve or reject, download an export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.core.errors import DomainError
from kefu.customers.selectors import customer_get

from .models import PrivacyKind, PrivacyRequest, PrivacyState
from .privacy import export_for, privacy_request_decide, privacy_request_file


@login_required
def privacy_list(request):
    rows = PrivacyRequest.objects.select_related("customer", "requested_by", "decided_by")
    rows = list(rows.filter(policy.privacy_request_scope(request.user))[:200])
    return render(request, "security/privacy_list.html", {
        "rows": [(r, policy.can_decide_privacy_request(request.user, r)) for r in rows],
        "pending": PrivacyState.PENDING, "approved": PrivacyState.APPROVED, "export": PrivacyKind.EXPORT,
    })


@login_required
def privacy_customer(request, customer_id: int):
    customer = customer_get(request.user, customer_id)
    policy.require(policy.can_file_privacy_request(request.user, customer), _("您没有权限为该客户提交个人信息请求"))
    if request.method == "POST":
        try:
            privacy_request_file(customer=customer, kind=request.POST.get("kind", ""), by=request.user,
                                 reason=request.POST.get("reason", ""))
            messages.success(request, _("请求已提交，等待主管审批"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("security:privacy_customer", customer_id=customer.pk)
    return render(request, "security/privacy_customer.html", {
        "customer": customer, "kinds": PrivacyKind.choices,
        "rows": [(r, policy.can_decide_privacy_request(request.user, r)) for r in
                 PrivacyRequest.objects.filter(customer=customer).select_related("customer", "requested_by",
                                                                                 "decided_by")],
    })


@login_required
@require_POST
def privacy_decide(request, pk: int):
    item = get_object_or_404(PrivacyRequest, pk=pk)
    try:
        privacy_request_decide(request=item, by=request.user, approve=request.POST.get("approve") == "1")
        messages.success(request, _("已处理"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("security:privacy")


@login_required
def privacy_export(request, pk: int, fmt: str):
    item = get_object_or_404(PrivacyRequest.objects.select_related("customer"), pk=pk)
    content, content_type = export_for(request=item, by=request.user, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="customer-{item.customer_id}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
