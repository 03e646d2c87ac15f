from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from kefu import policy

from .models import InboundMail


@login_required
def inbound_html(request, pk: int):
    """The sanitised HTML of a received mail, on its own page under a CSP that loads nothing remote."""
    inbound = get_object_or_404(InboundMail.objects.select_related("ticket"), pk=pk)
    if inbound.ticket is None or not policy.can_view_ticket(request.user, inbound.ticket):
        raise Http404("对象不存在")
    response = HttpResponse(render_to_string("mail/html.html", {"inbound": inbound}, request=request))
    response["Content-Security-Policy"] = "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'"
    return response
