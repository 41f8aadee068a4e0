from django.urls import path

from covenant.accounts import views

app_name = "accounts"

urlpatterns = [
    path("language/", views.language, name="language"),
    path("organisation/api-tokens/", views.tokens, name="tokens"),
    path("organisation/api-tokens/<uuid:token_id>/revoke/", views.revoke, name="revoke_token"),
]
