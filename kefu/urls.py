from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from kefu.accounts.views import ThrottledLoginView
from kefu.api import api
from kefu.channels.webchat import views as chat_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tickets:inbox", permanent=False)),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tickets/", include("kefu.tickets.urls")),
    path("customers/", include("kefu.customers.urls")),
    path("phrases/", include("kefu.phrases.urls")),
    path("calendars/", include("kefu.sla.urls")),
    path("complaints/", include("kefu.complaints.urls")),
    path("manage/", include("kefu.org.urls")),
    path("qa/", include("kefu.qa.urls")),
    path("channels/email/", include("kefu.channels.email.urls")),
    path("live/", include("kefu.live.urls")),
    path("chat/", include("kefu.channels.webchat.urls")),
    path("survey/", include("kefu.surveys.urls")),
    path("ratings/", include("kefu.ratings.urls")),
    path("reports/", include("kefu.reports.urls")),
    path("callbacks/", include("kefu.callbacks.urls")),
    path("", include("kefu.notifications.urls")),
    # Server-sent events, outside django-ninja (which does not stream); listed before the API it extends.
    path("api/v1/chat/sessions/<uuid:session>/stream", chat_views.visitor_stream, name="chat_stream"),
    path("api/v1/", api.urls),
    path("security/", include("kefu.security.urls")),
    # The admin signs in through the same throttled, two-factor login as the workspace.
    path("admin/login/", ThrottledLoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
]
# No /media/ route, even with DEBUG: attachments are served only by tickets:attachment, which checks access.
