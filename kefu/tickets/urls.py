from django.urls import path

from . import downloads, inbox_views, views

app_name = "tickets"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.ticket_create, name="create"),
    path("overview/", views.overview, name="overview"),
    path("bulk/", inbox_views.inbox_bulk, name="bulk"),
    path("export.xlsx", inbox_views.inbox_export, name="export"),
    path("views/", inbox_views.saved_view_create, name="view_save"),
    path("views/<int:pk>/delete/", inbox_views.saved_view_remove, name="view_delete"),
    path("<str:number>/", views.ticket_detail, name="detail"),
    path("<str:number>/message/", views.ticket_message, name="message"),
    path("<str:number>/status/", views.ticket_status, name="status"),
    path("<str:number>/fields/", views.ticket_fields, name="fields"),
    path("<str:number>/assign/", views.ticket_assign, name="assign"),
    path("<str:number>/dispatch/", views.ticket_dispatch, name="dispatch"),
    path("<str:number>/hand-over/", views.ticket_hand_over, name="hand_over"),
    path("<str:number>/merge/", views.ticket_merge, name="merge"),
    path("<str:number>/claim/", inbox_views.inbox_claim, name="claim"),
    path("<str:number>/link/", views.ticket_link, name="link"),
    path("<str:number>/attachments/<int:attachment_id>/", downloads.attachment_download, name="attachment"),
]
