from django.urls import path

from covenant.audits import views

app_name = "audits"

urlpatterns = [
    path("audits/", views.audit_list, name="list"),
    path("audits/new/", views.create, name="create"),
    path("audits/sharing/", views.share_all, name="share_all"),
    path("audits/access-requests/", views.request_access, name="request_access"),
    path("audits/access-requests/<int:request_id>/decide/", views.decide_request, name="decide_request"),
    path("audits/coverage/", views.coverage, name="coverage"),
    path("audits/requests/", views.requests, name="requests"),
    path("audits/recognition/", views.recognition, name="recognition"),
    path("audits/sector/", views.sector, name="sector"),
    path("audits/schemes/", views.schemes, name="schemes"),
    path("audits/apsca/", views.apsca, name="apsca"),
    path("audits/caps/", views.caps, name="caps"),
    path("audits/actions/<int:action_id>/", views.action, name="action"),
    path("audits/actions/<int:action_id>/evidence/", views.add_evidence, name="add_evidence"),
    path("audits/actions/<int:action_id>/verify/", views.verify, name="verify"),
    path("audits/actions/<int:action_id>/extension/", views.request_extension, name="request_extension"),
    path("audits/extensions/<int:extension_id>/decide/", views.decide_extension, name="decide_extension"),
    path("audits/evidence/<int:evidence_id>/", views.evidence, name="evidence"),
    path("audits/<uuid:audit_id>/", views.detail, name="detail"),
    path("audits/<uuid:audit_id>/report/", views.report, name="report"),
    path("audits/<uuid:audit_id>/report/upload/", views.attach_report, name="attach_report"),
    path("audits/<uuid:audit_id>/findings/", views.add_finding, name="add_finding"),
    path("audits/<uuid:audit_id>/findings/import/", views.import_findings, name="import_findings"),
    path("audits/<uuid:audit_id>/sharing/", views.share, name="share"),
    path("audits/<uuid:audit_id>/withdraw/", views.withdraw, name="withdraw"),
    path("audits/<uuid:audit_id>/submit/", views.submit, name="submit"),
    path("audits/<uuid:audit_id>/revise/", views.revise, name="revise"),
    path("audits/<uuid:audit_id>/findings/<int:number>/edit/", views.edit_finding, name="edit_finding"),
    path("audits/<uuid:audit_id>/versions/<int:number>/", views.version, name="version"),
]
