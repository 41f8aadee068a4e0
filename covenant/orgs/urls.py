from django.urls import path

from covenant.orgs import views

app_name = "orgs"

urlpatterns = [
    path("organisation/", views.my_organisation, name="my_organisation"),
    path("organisation/edit/", views.edit_organisation, name="edit_organisation"),
    path("organisation/invite/", views.invite, name="invite"),
    path("organisation/members/<int:membership_id>/role/", views.change_role, name="change_role"),
    path("organisation/members/<int:membership_id>/remove/", views.remove_member, name="remove_member"),
    path("organisation/invitations/<uuid:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("organisations/", views.directory, name="directory"),
    path("organisations/new/", views.new_organisation, name="new_organisation"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/apsca-status/", views.set_apsca_status, name="set_apsca_status"),
    path(
        "organisations/<slug:slug>/branch-associations/",
        views.set_branch_associations,
        name="set_branch_associations",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("switch-organisation/", views.switch_organisation, name="switch_organisation"),
]
