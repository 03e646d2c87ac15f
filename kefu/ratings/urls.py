from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("", views.rating_list, name="list"),
    path("export.xlsx", views.rating_export, name="export"),
    path("<str:username>/", views.rating_detail, name="detail"),
    path("<str:username>/<str:period>/adjust/", views.rating_adjust_view, name="adjust"),
    path("<str:username>/<str:period>/<slug:criterion>/", views.rating_evidence, name="evidence"),
]
