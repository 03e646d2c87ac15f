from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("ticket/<str:number>/send/", views.send_now, name="send"),
    path("<str:token>/", views.answer, name="answer"),
]
