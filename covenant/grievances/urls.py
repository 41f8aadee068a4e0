from django.urls import path

from covenant.grievances import public, views, voice, webhooks

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
    path("hooks/grievances/voice/", voice.call, name="voice_webhook"),
    # Handlers and the members cases are routed to.
    path("grievances/", views.case_list, name="list"),
    path("grievances/key/", views.key, name="key"),
    path("grievances/new/", views.operator_intake, name="operator_intake"),
    path("grievances/review/", views.review, name="review"),
    path("grievances/participation/", views.participation, name="participation"),
    path("grievances/cases/<uuid:case_id>/", views.detail, name="detail"),
    # One route per handler action; each answers with a redirect to the case.
    path("grievances/cases/<uuid:case_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("grievances/cases/<uuid:case_id>/stage/", views.move, name="move"),
    path("grievances/cases/<uuid:case_id>/messages/", views.add_message, name="add_message"),
    path("grievances/cases/<uuid:case_id>/notes/", views.add_note, name="add_note"),
    path("grievances/cases/<uuid:case_id>/assign/", views.assign, name="assign"),
    path("grievances/cases/<uuid:case_id>/retaliation/", views.set_retaliation, name="set_retaliation"),
    path("grievances/cases/<uuid:case_id>/remedies/", views.record_remedy, name="record_remedy"),
    path("grievances/cases/<uuid:case_id>/full-access/", views.grant_access, name="grant_access"),
    path("grievances/cases/<uuid:case_id>/site/", views.link_site, name="link_site"),
    path("grievances/cases/<uuid:case_id>/urgent/", views.set_urgent, name="set_urgent"),
    path("grievances/cases/<uuid:case_id>/close/", views.close, name="close"),
    path("grievances/cases/<uuid:case_id>/photos/<uuid:attachment_id>/", views.photo, name="photo"),
    # Remedy with the site's supplier and the routed members (remediation.py).
    path("grievances/cases/<uuid:case_id>/supplier/", views.share_supplier, name="share_supplier"),
    path("grievances/cases/<uuid:case_id>/actions/", views.open_action, name="open_action"),
    path("grievances/cases/<uuid:case_id>/actions/<int:number>/evidence/", views.add_evidence, name="add_evidence"),
    path("grievances/cases/<uuid:case_id>/actions/<int:number>/verify/", views.verify_action, name="verify_action"),
    path("grievances/cases/<uuid:case_id>/member-entries/", views.add_member_entry, name="add_member_entry"),
    path(
        "grievances/cases/<uuid:case_id>/member-entries/<int:number>/status/",
        views.commitment_status,
        name="commitment_status",
    ),
    path(
        "grievances/cases/<uuid:case_id>/member-entries/<int:number>/reporter/",
        views.show_member_entry,
        name="show_member_entry",
    ),
    path("grievances/cases/<uuid:case_id>/recordings/<uuid:attachment_id>/", views.recording, name="recording"),
    path("grievances/cases/<uuid:case_id>/translations/", views.add_translation, name="add_translation"),
]
