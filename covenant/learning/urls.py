from django.urls import path

from covenant.learning import views

app_name = "learning"

urlpatterns = [
    path("learning/", views.library, name="library"),
    path("learning/progress/", views.my_progress, name="my_progress"),
    path("learning/contribute/", views.contribute, name="contribute"),
    path("learning/review/", views.review, name="review"),
    path("learning/resources/<int:resource_id>/", views.resource, name="resource"),
    path("learning/resources/<int:resource_id>/file/", views.resource_file, name="file"),
    path("learning/resources/<int:resource_id>/progress/", views.progress, name="progress"),
    path("learning/resources/<int:resource_id>/submit/", views.submit, name="submit"),
    path("learning/resources/<int:resource_id>/withdraw/", views.withdraw, name="withdraw"),
    path("learning/resources/<int:resource_id>/decide/", views.decide, name="decide"),
]
