from django.urls import path

from covenant.saq import views

app_name = "saq"

urlpatterns = [
    path("saq/", views.saq_list, name="list"),
    path("saq/shared/", views.shared, name="shared"),
    path("saq/sector/", views.sector, name="sector"),
    path("saq/sharing/", views.sharing, name="sharing"),
    path("saq/sites/<str:public_id>/start/", views.start, name="start"),
    path("saq/sites/<str:public_id>/share/", views.share, name="share"),
    path("saq/sites/<str:public_id>/share/<int:member_id>/withdraw/", views.withdraw, name="withdraw"),
    path("saq/sites/<str:public_id>/ask/", views.ask, name="ask"),
    path("saq/requests/<int:request_id>/decide/", views.decide, name="decide"),
    path("saq/<int:saq_id>/", views.detail, name="detail"),
    path("saq/<int:saq_id>/sections/<slug:code>/", views.section, name="section"),
    path("saq/<int:saq_id>/workforce/", views.workforce, name="workforce"),
    path("saq/<int:saq_id>/submit/", views.submit, name="submit"),
    path("saq/<int:saq_id>/gaps/", views.gap_report, name="gaps"),
]
