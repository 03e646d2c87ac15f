from django.urls import path

from . import panels, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables/<slug:name>/", views.table, name="table"),
    path("orders.xlsx", views.orders_export, name="orders"),
    path("monthly/", views.monthly, name="monthly"),
    path("panels/<slug:name>/", panels.panel, name="panel"),
    path("wall/", views.wall, name="wall"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/delete/", views.subscription_remove, name="subscription_remove"),
    path("deliveries/<int:pk>/", views.delivery_download, name="delivery"),
]
