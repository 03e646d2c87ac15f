from django.urls import path

from . import views

app_name = "qa"
urlpatterns = [
    path("", views.home, name="home"),
    path("results/", views.results, name="results"),
    path("results/reinspect/", views.reinspect, name="reinspect"),
    path("conversations/<int:pk>/", views.conversation, name="conversation"),
    path("findings/<int:pk>/review/", views.finding_review, name="finding_review"),
    path("inspections/<int:pk>/review/", views.review_done, name="review_done"),
    path("inspections/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/ruling/", views.ruling, name="ruling"),
    path("import/", views.import_page, name="import"),
    path("import/example.csv", views.import_example, name="import_example"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
]
