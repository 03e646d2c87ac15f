from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.core.errors import DomainError
from kefu.security.audit import personal_data_read
from kefu.tickets.selectors import ticket_list

from .forms import CustomerForm
from .intake import INTAKE_FIELDS
from .merge import customer_merge
from .presenters import customer_dict
from .selectors import customer_get, customer_search
from .services import DuplicateCustomer, customer_create, customer_update


@login_required
def customer_list(request):
    q = request.GET.get("q", "")
    page = Paginator(customer_search(request.user, q), 50).get_page(request.GET.get("page"))
    rows = [(customer_dict(c, request.user), c.ticket_count) for c in page.object_list]
    personal_data_read(request.user, [c.pk for c in page.object_list], where="customer_list", request=request)
    return render(request, "customers/list.html", {"page": page, "rows": rows, "q": q})


@login_required
def customer_lookup(request):
    """htmx partial for the create-order page: matching customers to pick from."""
    # The lookup box posts itself (name=lookup): no script computes the query (CSP forbids eval).
    q = (request.GET.get("q") or request.GET.get("lookup") or "").strip()
    rows = [customer_dict(c, request.user) for c in customer_search(request.user, q)[:8]] if q else []
    personal_data_read(request.user, [c["id"] for c in rows], where="customer_lookup", request=request)
    return render(request, "customers/_lookup.html", {"rows": rows, "q": q})


@login_required
def customer_detail(request, pk: int):
    customer = customer_get(request.user, pk)
    personal_data_read(request.user, [customer.pk], where="customer_page", request=request)
    tickets = ticket_list(request.user, customer_id=customer.pk, sort="-created")
    data = customer_dict(customer, request.user)
    intake = [(label, data["intake"].get(key, "")) for key, label in INTAKE_FIELDS]
    return render(request, "customers/detail.html", {
        "customer": customer, "c": data, "tickets": tickets, "intake": intake,
        "can_edit": policy.can_edit_customer(request.user),
        "can_merge": policy.can_merge_customers(request.user) and not customer.merged_into_id,
    })


@login_required
def customer_edit(request, pk: int | None = None):
    policy.require(policy.can_edit_customer(request.user), _("您没有权限编辑客户档案"))
    customer = customer_get(request.user, pk) if pk else None
    if customer is not None and not policy.can_view_personal_data(request.user):
        raise DomainError(_("编辑客户档案需要查看个人信息的权限"))
    initial = CustomerForm.initial_for(customer) if customer else None
    duplicate = None
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.to_service()
            version = data.pop("version", None)
            if customer:
                customer = customer_update(customer=customer, by=request.user, version=version, **data)
            else:
                customer = customer_create(by=request.user, **data)
        except DuplicateCustomer as exc:
            duplicate = customer_dict(exc.existing, request.user)
            form.add_error(exc.field, exc.message)
        except DomainError as exc:
            # The hidden version field shows no errors: a conflict is said above the form.
            visible = exc.field in form.fields and exc.field != "version"
            form.add_error(exc.field if visible else None, exc.message)
        else:
            messages.success(request, _("客户档案已保存"))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/edit.html", {"form": form, "customer": customer, "duplicate": duplicate})


@login_required
@require_POST
def customer_merge_view(request, pk: int):
    """Merge this record into the one whose id is given (客户合并); both must be visible to the user."""
    source = customer_get(request.user, pk)
    try:
        target = customer_get(request.user, int(request.POST.get("into", "")))
    except (ValueError, Http404):
        messages.error(request, _("请填写要保留的客户编号"))
        return redirect("customers:detail", pk=pk)
    try:
        merge = customer_merge(source=source, target=target, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("customers:detail", pk=pk)
    messages.success(request, _("已合并到 %(name)s：%(n)s 张工单随之转移") % {
        "name": target.name, "n": merge.moved.get("tickets.Ticket", 0)})
    return redirect("customers:detail", pk=target.pk)
