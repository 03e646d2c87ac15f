from django.urls import path

from . import campaign_views, script_views, work_views

app_name = "callbacks"
urlpatterns = [
    path("", work_views.my_callbacks, name="mine"),
    path("next/", work_views.next_callback, name="next"),
    path("tasks/<int:task_id>/", work_views.task_page, name="task"),
    path("tasks/<int:task_id>/attempt/", work_views.record_attempt, name="attempt"),
    path("tasks/<int:task_id>/review/", campaign_views.task_review_view, name="review_task"),
    path("campaigns/", campaign_views.campaigns, name="campaigns"),
    path("campaigns/new/", campaign_views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/review/", campaign_views.campaign_review, name="review"),
    path("campaigns/<int:pk>/archive/", campaign_views.campaign_archive_view, name="archive"),
    path("campaigns/<int:pk>/export.xlsx", campaign_views.campaign_export, name="export"),
    path("scripts/", script_views.script_list, name="scripts"),
    path("scripts/new/", script_views.script_edit, name="script_new"),
    path("scripts/<int:pk>/", script_views.script_edit, name="script"),
    path("do-not-call/", script_views.do_not_call, name="dnc"),
    path("do-not-call/<int:pk>/delete/", script_views.do_not_call_delete, name="dnc_delete"),
]
