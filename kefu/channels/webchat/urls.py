from django.urls import path

from . import views

app_name = "webchat"
urlpatterns = [
    path("embed/", views.embed, name="embed"),
    path("panel/", views.panel, name="panel"),
    path("panel/queue/", views.queue, name="queue"),
    path("panel/presence/", views.presence, name="presence"),
    path("panel/assist/", views.assist, name="assist"),
    path("panel/<uuid:session>/", views.lines, name="lines"),
    path("panel/<uuid:session>/accept/", views.accept, name="accept"),
    path("panel/<uuid:session>/say/", views.say, name="say"),
    path("panel/<uuid:session>/transfer/", views.transfer, name="transfer"),
    path("panel/<uuid:session>/close/", views.close, name="close"),
    path("panel/<uuid:session>/typing/", views.typing, name="typing"),
]
