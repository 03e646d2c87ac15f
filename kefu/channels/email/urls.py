from django.urls import path

from . import views

app_name = "mail"
urlpatterns = [path("inbound/<int:pk>/html/", views.inbound_html, name="html")]
