from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError

from . import kinds, selectors, services


@login_required
def notifications(request):
    return render(request, "notifications/list.html", {"items": selectors.recent(request.user)})


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
    services.notifications_mark_read(user=request.user)
    return redirect("notifications")


@login_required
def preferences(request):
    """Which notices to receive, grouped; work waiting for the user is always delivered."""
    muted = selectors.muted_kinds(request.user)
    if request.method == "POST":
        wanted = set(request.POST.getlist("kind"))
        try:
            services.preference_set(user=request.user, muted=[code for code, kind in kinds.KINDS.items()
                                                              if code not in wanted and not kind.mandatory])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("通知设置已保存"))
            return redirect("notification_preferences")
    groups = [(label, [(kind, kind.code not in muted) for kind in group]) for label, group in kinds.grouped()]
    return render(request, "notifications/preferences.html", {"groups": groups})
