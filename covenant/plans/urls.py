from django.urls import path

from covenant.plans import views

app_name = "plans"

urlpatterns = [
    path("action-plan/", views.plan, name="plan"),
    path("action-plan/export/", views.export, name="export"),
    path("action-plan/risks/", views.add_risk, name="add_risk"),
    path("action-plan/risks/<int:risk_id>/", views.risk, name="risk"),
    path("action-plan/risks/<int:risk_id>/actions/", views.add_action, name="add_action"),
    path("action-plan/actions/<int:action_id>/", views.action, name="action"),
    path("action-plan/exits/", views.exits, name="exits"),
    path("action-plan/exits/summary/", views.exit_summary, name="exit_summary"),
    path("action-plan/exits/<int:decision_id>/", views.exit_decision, name="exit"),
]
