from django.urls import path

from . import privacy_views, views

app_name = "security"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("audit/", views.audit, name="audit"),
    path("privacy/", privacy_views.privacy_list, name="privacy"),
    path("privacy/customer/<int:customer_id>/", privacy_views.privacy_customer, name="privacy_customer"),
    path("privacy/<int:pk>/decide/", privacy_views.privacy_decide, name="privacy_decide"),
    path("privacy/<int:pk>/export.<str:fmt>", privacy_views.privacy_export, name="privacy_export"),
]
