from django.urls import path

from . import rules_views, views

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
    path("rules/", rules_views.rule_versions, name="rules"),
    path("rules/<int:pk>/", rules_views.rule_version, name="rule_version"),
    path("rules/<int:pk>/rule/<str:code>/", rules_views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/scorecard/", rules_views.rule_scorecard, name="rule_scorecard"),
    path("rules/<int:pk>/yaml/", rules_views.rule_yaml, name="rule_yaml"),
    path("rules/<int:pk>/publish/", rules_views.rule_publish, name="rule_publish"),
    path("settings/", rules_views.qa_settings_page, name="settings"),
]
