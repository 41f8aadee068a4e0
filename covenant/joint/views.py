"""Pages of joint action: the list (mine and invitations), a new action, one action with its
sections, the forms that change it, and the public page of published summaries."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.core.actors import Actor
from covenant.core.decorators import org_required
from covenant.core.roles import OrgKind
from covenant.core.web import actor_of, flash_errors, flash_form_errors, form_action
from covenant.joint import forms as f
from covenant.joint import selectors, services
from covenant.joint.models import CLOSED_STATUSES, ActionStatus, JointAction, ParticipantRole, ParticipantStatus
from covenant.risk import interface as risk
from covenant.risk.models import RiskEvent, Topic

# --- Choices the forms offer ---------------------------------------------------------------------


def _topic_choices() -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in Topic.objects.order_by("position", "code")]


def _active_events() -> list[tuple[int, str]]:
    """Declared events still running: a joint action may be the response to one."""
    return [(e.pk, e.title) for e in RiskEvent.objects.order_by("-starts_on", "-pk") if e.is_active]


def _action_form(
    data: Any = None, initial: dict[str, Any] | None = None, event: RiskEvent | None = None
) -> f.ActionForm:
    events = _active_events()
    if event is not None and event.pk not in {pk for pk, _t in events}:
        events.append((event.pk, event.title))  # an ended event the action already answers stays choosable
    return f.ActionForm(data, initial=initial, topics=_topic_choices(), events=events)


def _accepted_orgs(action: JointAction) -> list[tuple[int, str]]:
    return [(p.org_id, p.org.name) for p in selectors.participants(action) if p.status == ParticipantStatus.ACCEPTED]


def _finding_choices(actor: Actor) -> list[tuple[int, str]]:
    out = []
    for finding in services.attachable_findings(actor):
        section = finding.audit.scheme_version.section(finding.section) or {}
        out.append(
            (
                finding.pk,
                f"{finding.audit.scheme_version.label} · {section.get('name') or finding.section} · "
                f"{finding.severity} · {finding.audit.facility.country or ''}",
            )
        )
    return out


def _all_events() -> list[tuple[int, str]]:
    return [(e.pk, e.title) for e in RiskEvent.objects.order_by("-starts_on", "-pk")[:200]]


# --- Lists and the new action ------------------------------------------------------------------


@org_required
@require_safe
def action_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    context: dict[str, Any] = {
        "actions": selectors.visible_actions(actor).order_by("-updated_at", "-pk"),
        "invitations": selectors.invitations(actor),
        "may_create": actor.kind in selectors.CREATOR_KINDS and actor.can_edit,
        "counts": selectors.sector_counts(actor) if actor.kind == OrgKind.SECRETARIAT else None,
    }
    return render(request, "joint/list.html", context)


@org_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(*selectors.CREATOR_KINDS)
    if request.method == "POST":
        form = _action_form(request.POST)
        if form.is_valid():
            try:
                action = services.create_action(actor, form.to_input())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The joint action was created: invite the others now."))
                return redirect("joint:detail", public_id=action.public_id)
    else:
        event = request.GET.get("event", "")
        form = _action_form(initial={"event": event} if event.isdigit() else None)
    return render(request, "joint/form.html", {"form": form, "goods": services.goods(), "action": None})


@require_safe
def published(request: HttpRequest) -> HttpResponse:
    """Published summaries, for anyone (no account): title, aim, topics, countries, progress, how many take part."""
    topics = risk.scanner().topic_labels()
    return render(request, "joint/published.html", {"summaries": selectors.published_summaries(), "topics": topics})


# --- One joint action ---------------------------------------------------------------------------


@org_required
@require_safe
def action_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    action = selectors.get_action(actor, public_id)
    mine = selectors.participation(actor, action)
    assert mine is not None and mine.status == ParticipantStatus.ACCEPTED
    lead = mine.role == ParticipantRole.LEAD and actor.can_edit
    contributes = mine.role != ParticipantRole.OBSERVER and actor.can_edit and action.status not in CLOSED_STATUSES
    orgs = _accepted_orgs(action)
    context: dict[str, Any] = {
        "action": action,
        "mine": mine,
        "lead": lead,
        "contributes": contributes,
        "participants": selectors.participants(action),
        "milestones": action.milestones.select_related("owner"),
        "budget": action.budget_shares.select_related("org"),
        "documents": action.documents.select_related("uploaded_by"),
        "gender_targets": action.gender_targets.all(),
        "updates": action.updates.select_related("author_org"),
        "attachments": selectors.attachments(action),
        "sites": action.sites.order_by("name"),
        "topic_labels": risk.scanner().topic_labels(),
        "today": timezone.localdate(),
        "named_form": f.NamedForm(initial={"named": mine.named_in_summary}),
        "role_choices": ParticipantRole.choices,
    }
    if lead and action.status not in CLOSED_STATUSES:
        context["invite_form"] = f.InviteForm(
            orgs=[(str(o.pk), f"{o.name} ({o.get_kind_display()})") for o in selectors.invitable_orgs(action)]
        )
    if lead:
        context["status_form"] = f.StatusForm(initial={"status": action.status})
    if contributes:
        context.update(
            milestone_form=f.MilestoneForm(owners=orgs),
            budget_form=f.BudgetForm(orgs=orgs if lead else [(mine.org_id, mine.org.name)]),
            document_form=f.DocumentForm(),
            gender_form=f.GenderTargetForm(),
            progress_form=f.ProgressForm(initial={"progress": action.progress}),
            finding_form=f.AttachFindingForm(findings=_finding_choices(actor)),
            case_form=f.AttachCaseForm(),
            event_form=f.AttachEventForm(events=_all_events()),
        )
    return render(request, "joint/detail.html", context)


@org_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    action = selectors.get_action(actor, public_id)
    if not selectors.is_lead(actor, action):
        raise Http404
    if request.method == "POST":
        form = _action_form(request.POST, event=action.responds_to_event)
        if form.is_valid():
            try:
                services.edit_action(actor, action, form.to_input())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The joint action was saved."))
                return redirect("joint:detail", public_id=action.public_id)
    else:
        form = _action_form(
            initial={
                "title": action.title,
                "aim": action.aim,
                "topics": [t.code for t in action.topics.all()],
                "countries": ", ".join(action.countries),
                "commodities": ", ".join(action.commodities),
                "sites": ", ".join(action.sites.values_list("public_id", flat=True)),
                "gender_dimension": action.gender_dimension,
                "event": action.responds_to_event_id or "",
            },
            event=action.responds_to_event,
        )
    return render(request, "joint/form.html", {"form": form, "goods": services.goods(), "action": action})


@org_required
@require_safe
def invitation(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """What an invited organisation sees before it answers: title, aim and who invites, nothing else."""
    item = selectors.get_invitation(actor_of(request), public_id)
    return render(request, "joint/invitation.html", {"invitation": item})


def _answer(request: HttpRequest, public_id: uuid.UUID, service: Callable[..., Any], done: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_invitation(actor, public_id)
    try:
        service(actor, item)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("joint:list")
    messages.success(request, done)
    if item.status == ParticipantStatus.ACCEPTED:
        return redirect("joint:detail", public_id=public_id)
    return redirect("joint:list")


@org_required
@require_POST
def accept(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _answer(request, public_id, services.accept, _("You take part in the joint action now."))


@org_required
@require_POST
def decline(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _answer(request, public_id, services.decline, _("You declined the invitation."))


@org_required
@require_POST
def leave(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    action = selectors.get_action(actor, public_id)
    try:
        services.leave(actor, action)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("joint:detail", public_id=public_id)
    messages.success(request, _("Your organisation left the joint action."))
    return redirect("joint:list")


def _post(
    request: HttpRequest,
    public_id: uuid.UUID,
    form_class: type[forms.Form],
    write: Callable[[Actor, JointAction, Any], object],
    success: str,
    form_kwargs: Callable[[Actor, JointAction], dict[str, Any]] | None = None,
) -> HttpResponse:
    """A form posted to one joint action: the action as the actor sees it (404 otherwise), the
    form, the service, and back to the action's page."""
    actor = actor_of(request)
    action = selectors.get_action(actor, public_id)
    return form_action(
        request,
        form_class,
        lambda form: write(actor, action, form.cleaned_data),
        success_message=success,
        redirect_to=reverse("joint:detail", args=[action.public_id]),
        form_kwargs=form_kwargs(actor, action) if form_kwargs else None,
    )


def _org_of(action: JointAction, org_id: int) -> Any:
    participant = action.participants.filter(org_id=org_id, status=ParticipantStatus.ACCEPTED).select_related("org")
    found = participant.first()
    if found is None:
        raise ValidationError(_("Choose an organisation taking part."))
    return found.org


@org_required
@require_POST
def invite(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def write(actor: Actor, action: JointAction, data: dict[str, Any]) -> object:
        org = selectors.invitable_orgs(action).filter(pk=int(data["org"])).first()
        if org is None:
            raise ValidationError(_("Choose an organisation that may take part and is not in the action yet."))
        return services.invite(actor, action, org, data["role"])

    def kwargs(actor: Actor, action: JointAction) -> dict[str, Any]:
        return {"orgs": [(str(o.pk), o.name) for o in selectors.invitable_orgs(action)]}

    return _post(request, public_id, f.InviteForm, write, _("The organisation was invited."), kwargs)


@org_required
@require_POST
def set_role(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def write(actor: Actor, action: JointAction, data: dict[str, Any]) -> object:
        participant = action.participants.filter(pk=data["participant"]).first()
        if participant is None:
            raise ValidationError(_("Choose a participant."))
        return services.set_role(actor, action, participant, data["role"])

    return _post(request, public_id, f.RoleForm, write, _("The role was changed."))


@org_required
@require_POST
def set_named(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _post(
        request,
        public_id,
        f.NamedForm,
        lambda actor, action, data: services.set_named(actor, action, data["named"]),
        _("Your choice was saved."),
    )


@org_required
@require_POST
def add_milestone(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def write(actor: Actor, action: JointAction, data: dict[str, Any]) -> object:
        return services.add_milestone(
            actor,
            action,
            title=data["title"],
            due_on=data["due_on"],
            owner=_org_of(action, data["owner"]),
            note=data["note"],
        )

    return _post(
        request,
        public_id,
        f.MilestoneForm,
        write,
        _("The milestone was added."),
        lambda actor, action: {"owners": _accepted_orgs(action)},
    )


@org_required
@require_POST
def milestone_done(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def write(actor: Actor, action: JointAction, data: dict[str, Any]) -> object:
        milestone = action.milestones.filter(pk=data["milestone"]).first()
        if milestone is None:
            raise ValidationError(_("Choose a milestone."))
        return services.complete_milestone(actor, action, milestone, data["done_on"])

    return _post(request, public_id, f.MilestoneDoneForm, write, _("The milestone is done."))


@org_required
@require_POST
def add_budget(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def write(actor: Actor, action: JointAction, data: dict[str, Any]) -> object:
        return services.add_budget_share(
            actor,
            action,
            org=_org_of(action, data["org"]),
            amount=data["amount"],
            currency=data["currency"],
            note=data["note"],
        )

    return _post(
        request,
        public_id,
        f.BudgetForm,
        write,
        _("The budget share was added."),
        lambda actor, action: {"orgs": _accepted_orgs(action)},
    )


@org_required
@require_POST
def add_document(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def write(actor: Actor, action: JointAction, data: dict[str, Any]) -> object:
        upload = data["file"]
        # One byte over the limit is enough for the service to refuse it.
        content = upload.read(services.max_document_bytes() + 1)
        return services.add_document(actor, action, title=data["title"], filename=upload.name or "", data=content)

    return _post(request, public_id, f.DocumentForm, write, _("The document was added."))


@org_required
@require_safe
def document_file(request: HttpRequest, public_id: uuid.UUID, document_id: int) -> HttpResponse:
    document = selectors.get_document(actor_of(request), public_id, document_id)
    try:
        handle = default_storage.open(str(document.file.name), "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=document.filename, content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)


@org_required
@require_POST
def add_gender_target(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _post(
        request,
        public_id,
        f.GenderTargetForm,
        lambda actor, action, data: services.add_gender_target(actor, action, **data),
        _("The gender target was added."),
    )


@org_required
@require_POST
def gender_actuals(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def write(actor: Actor, action: JointAction, data: dict[str, Any]) -> object:
        target = action.gender_targets.filter(pk=data["target"]).first()
        if target is None:
            raise ValidationError(_("Choose a target."))
        return services.record_gender_actuals(
            actor, action, target, actual_women=data["actual_women"], actual_men=data["actual_men"]
        )

    return _post(request, public_id, f.GenderActualsForm, write, _("The results were saved."))


@org_required
@require_POST
def add_progress(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _post(
        request,
        public_id,
        f.ProgressForm,
        lambda actor, action, data: services.add_progress_update(
            actor, action, text=data["text"], progress=data["progress"]
        ),
        _("The progress update was posted."),
    )


@org_required
@require_POST
def attach_finding(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _post(
        request,
        public_id,
        f.AttachFindingForm,
        lambda actor, action, data: services.attach_finding(actor, action, data["finding"]),
        _("The finding was attached."),
        lambda actor, action: {"findings": _finding_choices(actor)},
    )


@org_required
@require_POST
def attach_case(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _post(
        request,
        public_id,
        f.AttachCaseForm,
        lambda actor, action, data: services.attach_case(actor, action, data["reference"]),
        _("The case was attached (topics, country, stage and month only)."),
    )


@org_required
@require_POST
def attach_event(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _post(
        request,
        public_id,
        f.AttachEventForm,
        lambda actor, action, data: services.attach_event(actor, action, data["event"]),
        _("The event was attached."),
        lambda actor, action: {"events": _all_events()},
    )


# --- Status and the published summary (preview, then confirm) -------------------------------------


@org_required
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET ?status=… previews what completing or stopping leaves open; POST changes it (with the
    preview's fingerprint when it closes the action)."""
    actor = actor_of(request)
    action = selectors.get_action(actor, public_id)
    if not selectors.is_lead(actor, action):
        raise Http404
    if request.method == "POST":
        form = f.StatusForm(request.POST)
        if not form.is_valid():
            flash_form_errors(request, form)
            return redirect("joint:detail", public_id=public_id)
        status = form.cleaned_data["status"]
        try:
            services.change_status(actor, action, status, confirm=form.cleaned_data["confirm"])
        except ValidationError as exc:
            flash_errors(request, exc)
            if status in CLOSED_STATUSES:
                return redirect(f"{reverse('joint:status', args=[public_id])}?status={status}")
            return redirect("joint:detail", public_id=public_id)
        messages.success(request, _("The status was changed."))
        return redirect("joint:detail", public_id=public_id)
    form = f.StatusForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else action.status
    preview = services.status_preview(action, status)
    context = {
        "action": action,
        "preview": preview,
        "status": status,
        "status_label": dict(ActionStatus.choices).get(status, status),
        "confirm": services.fingerprint(preview),
    }
    return render(request, "joint/status.html", context)


@org_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET previews the public summary exactly as it would appear; POST publishes that preview."""
    actor = actor_of(request)
    action = selectors.get_action(actor, public_id)
    if not selectors.is_lead(actor, action):
        raise Http404
    if request.method == "POST":
        form = f.ConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Publish from the preview."))
            services.publish_summary(actor, action, confirm=form.cleaned_data["confirm"])
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect("joint:publish", public_id=public_id)
        messages.success(request, _("The summary is published."))
        return redirect("joint:detail", public_id=public_id)
    summary = services.publish_preview(action)
    context = {
        "action": action,
        "summary": summary,
        "confirm": services.summary_fingerprint(summary),
        "topics": risk.scanner().topic_labels(),
    }
    return render(request, "joint/publish.html", context)


@org_required
@require_POST
def unpublish(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    action = selectors.get_action(actor, public_id)
    try:
        services.unpublish_summary(actor, action)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The summary is no longer published."))
    return redirect("joint:detail", public_id=public_id)
