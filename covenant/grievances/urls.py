from django.urls import path

from covenant.grievances import public, views, webhooks

app_name = "grievances"

urlpatterns = [
    # Public: no account needed.
    path("report/<slug:slug>/", public.choose_language, name="languages"),
    path("report/<slug:slug>/<str:lang>/", public.intake, name="intake"),
    path("report/<slug:slug>/<str:lang>/rules/", public.rules, name="rules"),
    path("report/<slug:slug>/<str:lang>/follow-up/", public.follow_up, name="follow_up"),
    # SMS gateway and WhatsApp Cloud API webhooks (signed; see webhooks.py).
    path("hooks/grievances/sms/", webhooks.sms, name="sms_webhook"),
    path("hooks/grievances/whatsapp/", webhooks.whatsapp, name="whatsapp_webhook"),
    # Handlers and the members cases are routed to.
    path("grievances/", views.case_list, name="list"),
    path("grievances/key/", views.key, name="key"),
    path("grievances/new/", views.operator_intake, name="operator_intake"),
    path("grievances/review/", views.review, name="review"),
    path("grievances/participation/", views.participation, name="participation"),
    path("grievances/cases/<uuid:case_id>/", views.detail, name="detail"),
    path("grievances/cases/<uuid:case_id>/act/", views.act, name="act"),
    path("grievances/cases/<uuid:case_id>/photos/<uuid:attachment_id>/", views.photo, name="photo"),
]
