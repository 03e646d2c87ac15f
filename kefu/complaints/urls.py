from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_index, name="list"),
    path("new/", views.complaint_create, name="create"),
    path("analysis/", views.analysis, name="analysis"),
    path("export.xlsx", views.complaint_export, name="export"),
    path("receipt/<str:token>/", views.receipt, name="receipt"),
    path("<str:number>/", views.complaint_detail, name="detail"),
    path("<str:number>/act/<str:action>/", views.complaint_act, name="act"),
    path("<str:number>/print/", views.complaint_print, name="print"),
    path("<str:number>/record.xlsx", views.complaint_xlsx, name="xlsx"),
]
