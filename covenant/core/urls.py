from django.urls import path

from covenant.core import views

app_name = "core"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("activity/", views.audit_log, name="audit_log"),
    path("jobs/<uuid:job_id>/", views.job_status, name="job_status"),
]
