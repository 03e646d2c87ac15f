from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse

from kefu import policy
from kefu.core.asgi_threads import streams
from kefu.tickets.models import Ticket

from .broadcast import latest_id
from .channels import user_channels
from .streams import last_event_id, stream_response


@streams
@login_required
def stream(request):
    """The signed-in user's live events (server-sent events): notifications, their inbox, and the order
    they have open (?ticket=<number>, only when they may see it)."""
    channels = user_channels(request.user)
    number = request.GET.get("ticket", "")
    if number:
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is None or not policy.can_view_ticket(request.user, ticket):
            raise Http404("对象不存在")
        channels.append(f"ticket:{ticket.pk}")
    return stream_response(request, channels, last_event_id(request))


@login_required
def cursor(request):
    """Where a page's stream starts, so nothing between rendering and connecting is lost."""
    return JsonResponse({"after": latest_id()})
