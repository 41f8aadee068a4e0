from django.urls import path

from covenant.registry import views

app_name = "registry"

urlpatterns = [
    path("facilities/", views.facilities, name="facilities"),
    path("facilities/<str:public_id>/", views.facility, name="facility"),
    path("facilities/<str:public_id>/claim/", views.claim, name="claim"),
    path("facilities/<str:public_id>/split/", views.split, name="split"),
    path("lists/", views.lists, name="lists"),
    path("lists/uploads/<uuid:upload_id>/", views.upload, name="upload"),
    path("lists/uploads/<uuid:upload_id>/mapping/", views.upload_mapping, name="upload_mapping"),
    path("lists/uploads/<uuid:upload_id>/results/", views.upload_export, name="upload_export"),
    path("lists/uploads/<uuid:upload_id>/ends/", views.upload_ends, name="upload_ends"),
    path("lists/<uuid:list_id>/archive/", views.list_archive, name="list_archive"),
    path("lists/<uuid:list_id>/delete/", views.list_delete, name="list_delete"),
    path("review/", views.review, name="review"),
    path("review/bulk/", views.review_bulk, name="review_bulk"),
    path("review/<int:row_id>/confirm/", views.review_confirm, name="review_confirm"),
    path("review/<int:row_id>/reject/", views.review_reject, name="review_reject"),
    path("review/<int:row_id>/new/", views.review_new, name="review_new"),
    path("review/<int:row_id>/undo/", views.review_undo, name="review_undo"),
    path("review/<int:row_id>/search/", views.review_search, name="review_search"),
    path("supply-chain/", views.chain, name="chain"),
    path("supply-chain/export/", views.chain_export, name="chain_export"),
    path("supply-chain/links/<int:link_id>/", views.link, name="link"),
    path("supply-chain/sites/new/", views.add_site, name="add_site"),
    path("supply-chain/sites/suggestions/", views.site_suggestions, name="site_suggestions"),
    path("supply-chain/edges/", views.add_edge, name="add_edge"),
    path("supply-chain/preferences/", views.preferences, name="preferences"),
    path("register/claims/", views.claims, name="claims"),
    path("register/claims/<uuid:claim_id>/decide/", views.claim_decide, name="claim_decide"),
    path("register/merge/", views.merge, name="merge"),
    path("register/duplicates/", views.duplicates, name="duplicates"),
    path("register/duplicates/scan/", views.duplicates_scan, name="duplicates_scan"),
    path("register/duplicates/<int:pair_id>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
    path("register/moderation/", views.moderation, name="moderation"),
    path("register/moderation/<str:public_id>/accept/", views.moderation_accept, name="moderation_accept"),
    path("register/moderation/<str:public_id>/reject/", views.moderation_reject, name="moderation_reject"),
    path("register/disclosure/", views.disclosure, name="disclosure"),
    path("disclosed/production-locations.<str:fmt>", views.disclosed, name="disclosed"),
]
