from django.urls import path

from . import downloads, views

app_name = "tickets"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.ticket_create, name="create"),
    path("overview/", views.overview, name="overview"),
    path("<str:number>/", views.ticket_detail, name="detail"),
    path("<str:number>/message/", views.ticket_message, name="message"),
    path("<str:number>/status/", views.ticket_status, name="status"),
    path("<str:number>/fields/", views.ticket_fields, name="fields"),
    path("<str:number>/assign/", views.ticket_assign, name="assign"),
    path("<str:number>/dispatch/", views.ticket_dispatch, name="dispatch"),
    path("<str:number>/hand-over/", views.ticket_hand_over, name="hand_over"),
    path("<str:number>/merge/", views.ticket_merge, name="merge"),
    path("<str:number>/link/", views.ticket_link, name="link"),
    path("<str:number>/attachments/<int:attachment_id>/", downloads.attachment_download, name="attachment"),
]
