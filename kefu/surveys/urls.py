from django.urls import path

from . import manage, views

app_name = "surveys"
urlpatterns = [
    path("manage/", manage.survey_manage, name="manage"),
    path("ticket/<str:number>/send/", views.send_now, name="send"),
    path("<str:token>/", views.answer, name="answer"),
]
