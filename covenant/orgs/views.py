"""Pages for organisations, their people and invitations."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.core.decorators import org_required
from covenant.core.web import actor_of, flash_errors, form_action
from covenant.orgs import selectors, services
from covenant.orgs.forms import (
    AcceptInvitationForm,
    ApscaStatusForm,
    BranchAssociationsForm,
    InviteForm,
    NewOrganisationForm,
    OrganisationProfileForm,
    RoleForm,
    role_choices,
)
from covenant.orgs.middleware import ACTIVE_ORG_SESSION_KEY
from covenant.orgs.models import OrgKind


@org_required
@require_safe
def my_organisation(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    org = actor.require_org()
    context = {
        "org": org,
        "members": selectors.org_members(actor),
        "invitations": selectors.org_invitations(actor).filter(accepted_at=None, revoked_at=None)
        if actor.can_admin
        else [],
        "invite_form": InviteForm(org_kind=org.kind),
        "roles": role_choices(org.kind),
    }
    return render(request, "orgs/my_organisation.html", context)


@org_required
@require_http_methods(["GET", "POST"])
def edit_organisation(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    org = actor.require_admin()
    form = OrganisationProfileForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.get_organisation(actor, org.slug)
        try:
            services.update_organisation(actor, fresh, **{k: form.cleaned_data[k] for k in form.fields})
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("orgs:my_organisation")
    return render(request, "orgs/edit_organisation.html", {"form": form})


@org_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    org = actor.require_admin()
    form = InviteForm(request.POST, org_kind=org.kind)
    if form.is_valid():
        try:
            services.invite(actor, email=form.cleaned_data["email"], role=form.cleaned_data["role"])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("orgs:my_organisation")


@org_required
@require_POST
def change_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = actor_of(request)
    membership = selectors.get_membership(actor, membership_id)
    form = RoleForm(request.POST, org_kind=membership.org.kind)
    if form.is_valid():
        try:
            services.change_role(actor, membership, form.cleaned_data["role"])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Role changed."))
    return redirect("orgs:my_organisation")


@org_required
@require_POST
def remove_member(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = actor_of(request)
    membership = selectors.get_membership(actor, membership_id)
    try:
        services.remove_member(actor, membership)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("%(email)s no longer has access.") % {"email": membership.user.email})
    return redirect("orgs:my_organisation")


@org_required
@require_POST
def revoke_invitation(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    invitation = selectors.get_invitation(actor, invitation_id)
    try:
        services.revoke_invitation(actor, invitation)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("orgs:my_organisation")


@org_required
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    kind = request.GET.get("kind", "")
    orgs = selectors.visible_organisations(actor)
    if kind in OrgKind.values:
        orgs = orgs.filter(kind=kind)
    return render(
        request,
        "orgs/directory.html",
        {"organisations": orgs, "kind": kind, "kinds": OrgKind.choices},
    )


@org_required
@require_safe
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_of(request)
    org = selectors.get_organisation(actor, slug)
    members = selectors.org_members(actor, org) if (actor.org == org or actor.is_secretariat) else None
    apsca_form = None
    if org.kind == OrgKind.AUDIT_FIRM and actor.is_secretariat and actor.can_admin:
        apsca_form = ApscaStatusForm(initial={"apsca_status": org.apsca_status})
    branch_form = None
    if org.kind == OrgKind.MEMBER and actor.is_secretariat and actor.can_admin:
        branch_form = BranchAssociationsForm(initial={"branch_associations": list(org.branch_associations.all())})
    context = {
        "org": org,
        "members": members,
        "apsca_form": apsca_form,
        "branch_form": branch_form,
        # Which branch associations group a member is the member's and the secretariat's to know.
        "branches": org.branch_associations.all() if (actor.org == org or actor.is_secretariat) else None,
    }
    return render(request, "orgs/organisation_detail.html", context)


@org_required
@require_POST
def set_apsca_status(request: HttpRequest, slug: str) -> HttpResponse:
    """The secretariat records an audit firm's APSCA status (others: 404, as for any object)."""
    actor = actor_of(request)
    if not actor.is_secretariat:
        raise Http404
    org = selectors.get_organisation(actor, slug)
    form = ApscaStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_apsca_status(actor, org, form.cleaned_data["apsca_status"])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The APSCA firm status is saved."))
    return redirect("orgs:organisation_detail", slug=org.slug)


@org_required
@require_POST
def set_branch_associations(request: HttpRequest, slug: str) -> HttpResponse:
    """The secretariat records the branch associations a member belongs to (others: 404)."""
    actor = actor_of(request)
    if not actor.is_secretariat:
        raise Http404
    org = selectors.get_organisation(actor, slug)
    return form_action(
        request,
        BranchAssociationsForm,
        lambda form: services.set_branch_associations(actor, org, list(form.cleaned_data["branch_associations"])),
        success_message=_("The branch associations are saved."),
        redirect_to=reverse("orgs:organisation_detail", args=[org.slug]),
    )


@org_required
@require_http_methods(["GET", "POST"])
def new_organisation(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    actor.require_admin()
    form = NewOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = services.create_organisation(
                actor, name=data["name"], kind=data["kind"], size=data["size"], country=data["country"]
            )
            if data["admin_email"]:
                services.invite(actor, email=data["admin_email"], role="admin", org=org)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": org.name})
            return redirect("orgs:organisation_detail", slug=org.slug)
    return render(request, "orgs/new_organisation.html", {"form": form})


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the link in an invitation e-mail."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "orgs/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    form = AcceptInvitationForm(request.POST or None) if user is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if user is not None:
                membership = services.accept_invitation(token, user=user)  # type: ignore[arg-type]
            else:
                assert form is not None
                membership = services.accept_invitation(
                    token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password"]
                )
                login(request, membership.user, backend="allauth.account.auth_backends.AuthenticationBackend")
        except ValidationError as exc:
            if form is not None:
                form.add_error(None, exc)
            else:
                flash_errors(request, exc)
        except PermissionDenied:
            raise
        else:
            request.session[ACTIVE_ORG_SESSION_KEY] = membership.org_id
            messages.success(request, _("Welcome to %(org)s.") % {"org": membership.org.name})
            return redirect("core:dashboard")
    return render(request, "orgs/accept_invitation.html", {"invitation": invitation, "form": form})


@org_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    """Act for another of one's organisations from now on (the menu under the person's name)."""
    wanted = request.POST.get("org", "")
    org_id = int(wanted) if wanted.isdigit() else 0
    if selectors.memberships_of(request.user).filter(org_id=org_id).exists():  # type: ignore[arg-type]
        request.session[ACTIVE_ORG_SESSION_KEY] = org_id
    return redirect("core:dashboard")
