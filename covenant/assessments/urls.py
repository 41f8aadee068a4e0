from django.urls import path

from covenant.assessments import views

app_name = "assessments"

urlpatterns = [
    path("self-assessment/", views.home, name="home"),
    path("self-assessment/start/", views.start, name="start"),
    path("self-assessment/cycles/", views.cycles, name="cycles"),
    path("self-assessment/cycles/<int:year>/", views.cycle, name="cycle"),
    path("self-assessment/cycles/<int:year>/close/", views.cycle_close, name="cycle_close"),
    path("self-assessment/cycles/<int:year>/reopen/", views.reopen, name="reopen"),
    path("self-assessment/aggregates/", views.aggregates, name="aggregates"),
    path("self-assessment/evidence/<uuid:evidence_id>/", views.evidence, name="evidence"),
    path("self-assessment/evidence/<uuid:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
    path("self-assessment/<uuid:assessment_id>/", views.assessment_page, name="assessment"),
    path("self-assessment/<uuid:assessment_id>/steps/<int:step>/", views.step, name="step"),
    path("self-assessment/<uuid:assessment_id>/evidence/", views.evidence_add, name="evidence_add"),
    path("self-assessment/<uuid:assessment_id>/submit/", views.submit, name="submit"),
    path("self-assessment/<uuid:assessment_id>/result/", views.result, name="result"),
]
