from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/new/", views.user_edit, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    path("users/<int:pk>/two-factor-reset/", views.user_two_factor_reset, name="user_two_factor_reset"),
    path("departments/", views.departments, name="departments"),
    path("departments/new/", views.department_edit, name="department_create"),
    path("departments/<int:pk>/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/active/", views.department_active, name="department_active"),
    path("teams/new/", views.team_edit, name="team_create"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/active/", views.team_active, name="team_active"),
    path("complaint-limits/", views.complaint_limits, name="complaint_limits"),
    path("changes/", views.changes, name="changes"),
]
