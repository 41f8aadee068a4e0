from django.urls import path

from covenant.partners import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.home, name="home"),
    path("partners/interests/", views.signal, name="signal"),
    path("partners/interests/<int:interest_id>/withdraw/", views.withdraw, name="withdraw"),
    path("partners/overview/", views.overview, name="overview"),
]
