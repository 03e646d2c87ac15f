from django.urls import path

from . import views

app_name = "sla"
urlpatterns = [
    path("", views.calendar_list_view, name="calendar_list"),
    path("policies/", views.policy_list_view, name="policy_list"),
    path("policies/new/", views.policy_create_view, name="policy_create"),
    path("policies/<int:pk>/", views.policy_save_view, name="policy_save"),
    path("new/", views.calendar_save_view, name="calendar_create"),
    path("teams/<int:team_pk>/", views.team_calendar_view, name="team_calendar"),
    path("<int:pk>/", views.calendar_detail_view, name="calendar_detail"),
    path("<int:pk>/edit/", views.calendar_save_view, name="calendar_update"),
    path("<int:pk>/default/", views.calendar_default_view, name="calendar_default"),
    path("<int:pk>/exceptions/", views.exception_save_view, name="exception_save"),
    path("<int:pk>/exceptions/<int:exception_pk>/delete/", views.exception_delete_view, name="exception_delete"),
    path("<int:pk>/import/", views.exceptions_import_view, name="exceptions_import"),
    path("<int:pk>/year/", views.calendar_year_view, name="calendar_year"),
]
