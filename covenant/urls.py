"""URL map. Every route here is walked by tests/tenancy/test_routes.py: a new
route without a tenancy case makes that test fail."""

from django.urls import include, path

from covenant.api import api
from covenant.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("covenant.core.urls")),
    path("", include("covenant.orgs.urls")),
    path("", include("covenant.accounts.urls")),
    path("", include("covenant.registry.urls")),
    path("", include("covenant.audits.urls")),
    path("", include("covenant.risk.urls")),
    path("", include("covenant.grievances.urls")),
    path("", include("covenant.capability.urls")),
    path("", include("covenant.learning.urls")),
    path("", include("covenant.saq.urls")),
    path("", include("covenant.partners.urls")),
    path("", include("covenant.joint.urls")),
    path("", include("covenant.plans.urls")),
    path("", include("covenant.assessments.urls")),
]

handler400 = "covenant.core.views.error_400"
handler403 = "covenant.core.views.error_403"
handler404 = "covenant.core.views.error_404"
handler500 = "covenant.core.views.error_500"
