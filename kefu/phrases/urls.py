from django.urls import path

from . import views

app_name = "phrases"
urlpatterns = [
    path("", views.phrase_list, name="list"),
    path("new/", views.phrase_save_view, name="create"),
    path("<int:pk>/", views.phrase_save_view, name="update"),
    path("<int:pk>/delete/", views.phrase_delete_view, name="delete"),
]
