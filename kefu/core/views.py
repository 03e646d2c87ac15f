from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


@login_required
def notifications(request):
    items = request.user.notifications.all()[:100]
    return render(request, "core/notifications.html", {"items": items})


@login_required
def notification_open(request, pk: int):
    """Follows a notice to what it is about and marks it read (only the user's own notices)."""
    notice = get_object_or_404(request.user.notifications, pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return redirect(notice.url if url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) and notice.url
                    else "notifications")


@login_required
@require_POST
def notifications_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")
