from django.templatetags.static import static
from django.urls import path
from django.views.generic.base import RedirectView

from . import views

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page links; answer with the icon instead of a 404.
    path("favicon.ico", RedirectView.as_view(url=static("kefu/favicon.svg"), permanent=True)),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/preferences/", views.preferences, name="notification_preferences"),
]
