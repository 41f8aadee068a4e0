from django.urls import path

from covenant.capability import views

app_name = "capability"

urlpatterns = [
    path("quick-scan/", views.quick_scan_page, name="quick_scan"),
    path("quick-scan/pdf/", views.quick_scan_pdf, name="quick_scan_pdf"),
    path("quick-scan/drafts/", views.drafts, name="drafts"),
    path("quick-scan/drafts/<uuid:draft_id>/", views.draft, name="draft"),
    path("quick-scan/drafts/<uuid:draft_id>/supplier-list/", views.draft_list_file, name="draft_list_file"),
    path("quick-scan/drafts/<uuid:draft_id>/delete/", views.draft_delete, name="draft_delete"),
]
