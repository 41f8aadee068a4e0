from django.urls import path

from covenant.joint import views

app_name = "joint"

A = "joint-actions/<uuid:public_id>/"

urlpatterns = [
    path("joint-actions/", views.action_list, name="list"),
    path("joint-actions/new/", views.action_new, name="new"),
    path("joint-actions/published/", views.published, name="published"),
    path(A, views.action_detail, name="detail"),
    path(A + "edit/", views.action_edit, name="edit"),
    path(A + "invitation/", views.invitation, name="invitation"),
    path(A + "accept/", views.accept, name="accept"),
    path(A + "decline/", views.decline, name="decline"),
    path(A + "leave/", views.leave, name="leave"),
    path(A + "invite/", views.invite, name="invite"),
    path(A + "role/", views.set_role, name="role"),
    path(A + "named/", views.set_named, name="named"),
    path(A + "milestones/", views.add_milestone, name="milestone"),
    path(A + "milestones/done/", views.milestone_done, name="milestone_done"),
    path(A + "budget/", views.add_budget, name="budget"),
    path(A + "documents/", views.add_document, name="document"),
    path(A + "documents/<int:document_id>/", views.document_file, name="document_file"),
    path(A + "gender/", views.add_gender_target, name="gender"),
    path(A + "gender/results/", views.gender_actuals, name="gender_actuals"),
    path(A + "updates/", views.add_progress, name="progress"),
    path(A + "attach/finding/", views.attach_finding, name="attach_finding"),
    path(A + "attach/case/", views.attach_case, name="attach_case"),
    path(A + "attach/event/", views.attach_event, name="attach_event"),
    path(A + "status/", views.change_status, name="status"),
    path(A + "publish/", views.publish, name="publish"),
    path(A + "unpublish/", views.unpublish, name="unpublish"),
]
