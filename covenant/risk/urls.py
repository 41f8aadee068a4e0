from django.urls import path

from covenant.risk import views

app_name = "risk"

urlpatterns = [
    path("risk/", views.overview, name="overview"),
    path("risk/export/", views.export, name="export"),
    path("risk/sites/<str:public_id>/override/", views.override, name="override"),
    path("risk/overrides/", views.overrides, name="overrides"),
    path("risk/overrides/<int:override_id>/remove/", views.remove_override, name="remove_override"),
    path("risk/events/", views.events, name="events"),
    path("risk/events/<int:event_id>/", views.event, name="event"),
    path("risk/events/<int:event_id>/end/", views.event_end, name="event_end"),
    path("risk/events/<int:event_id>/sites/<str:public_id>/", views.event_respond, name="event_respond"),
    path("risk/indicators/", views.indicators, name="indicators"),
    path("risk/indicators/<int:indicator_id>/", views.indicator, name="indicator"),
    path("risk/indicators/<int:indicator_id>/preview/", views.indicator_preview, name="indicator_preview"),
    path("risk/indicators/<int:indicator_id>/publish/", views.indicator_publish, name="indicator_publish"),
    path("risk/indicators/<int:indicator_id>/discard/", views.indicator_discard, name="indicator_discard"),
    path("risk/recompute/", views.recompute, name="recompute"),
    path("risk/sanctions/", views.sanctions, name="sanctions"),
    path("risk/sanctions/hits/<int:hit_id>/decide/", views.hit_decide, name="hit_decide"),
]
