"""Pages of audits, sharing, recognition and corrective action plans. Thin: parse, call, render."""

from __future__ import annotations

import uuid
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.audits import entry, exports, selectors, services
from covenant.audits.forms import (
    ActionForm,
    CommentForm,
    EvidenceForm,
    ExtensionDecisionForm,
    ExtensionForm,
    FileForm,
    FindingEditForm,
    FindingForm,
    JointJoinForm,
    JointLinkForm,
    JointOpenForm,
    JointPlanForm,
    PolicyForm,
    ReasonFileForm,
    ReasonFindingForm,
    RequestForm,
    RevisionForm,
    SchemeForm,
    StopSharingForm,
    VerifyForm,
    auditor_lines,
    initial_policy,
)
from covenant.audits.models import AuditStatus, CorrectiveAction
from covenant.audits.protocol import reference_protocol
from covenant.core.actors import Actor
from covenant.core.decorators import org_required
from covenant.core.web import actor_of, flash_errors, flash_form_errors, form_action
from covenant.orgs.models import OrgKind
from covenant.registry import interface as registry
from covenant.risk import lists as risk_lists


def _file(request: HttpRequest, name: str = "file") -> tuple[str, bytes] | None:
    return entry.upload(request, name)


def _download(path: str | None, filename: str, content_type: str) -> HttpResponse:
    """Stream a private file as an attachment, never cached by the browser or a proxy."""
    if not path:
        raise Http404
    try:
        handle = default_storage.open(path, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    # FileResponse streams; typed as HttpResponse so the view decorators' signature holds.
    return cast(HttpResponse, response)


# --- Audits -------------------------------------------------------------------------------


@org_required
@require_safe
def audit_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = request.GET.get("q", "")
    page = Paginator(selectors.audit_list(actor, q=q), 50).get_page(request.GET.get("page"))
    context: dict[str, object] = {"page": page, "q": q}
    if actor.kind == OrgKind.MEMBER:
        context["alerts"] = selectors.zero_tolerance_alerts(actor)[:20]
    if actor.kind in (OrgKind.MEMBER, OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM):
        context["extensions"] = selectors.pending_extensions(actor)[:50]
    if actor.kind == OrgKind.SUPPLIER:
        context.update(
            sharing=selectors.sharing_choice(actor),
            access_requests=selectors.access_requests(actor),
            burden=selectors.supplier_burden(actor),
            own_sites=registry.own_facilities(actor),
        )
    return render(request, "audits/list.html", context)


@org_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM)
    # The site picker, the findings rows and file, and the report kept across errors: entry.py.
    page = entry.Entry(request, actor)
    form = page.form
    if page.saving and page.is_valid():
        facility = page.facility
        assert facility is not None
        report = page.report
        data = services.AuditInput(
            facility=facility,
            scheme_version=form.cleaned_data["scheme_version"],
            start_date=form.cleaned_data["start_date"],
            end_date=form.cleaned_data["end_date"],
            audit_firm=form.cleaned_data.get("audit_firm"),
            commissioned_by=form.cleaned_data.get("commissioned_by"),
            audit_type=form.cleaned_data["audit_type"],
            announcement=form.cleaned_data["announcement"],
            workers_female=form.cleaned_data["workers_female"],
            workers_male=form.cleaned_data["workers_male"],
            workers_other=form.cleaned_data["workers_other"],
            rating=form.cleaned_data["rating"],
            auditors=form.auditor_inputs(),
            findings=page.findings,
            report_name=report[0] if report else "",
            report_data=report[1] if report else None,
        )
        try:
            audit = services.create_audit(actor, data, submit=not form.cleaned_data["draft"])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            page.saved()
            if audit.status == AuditStatus.DRAFT:
                messages.success(request, _("The draft is saved. Submit it when it is complete."))
            elif audit.owner_id is None:
                messages.success(
                    request,
                    _(
                        "The audit is submitted and locked. It is held for the site: the member that "
                        "commissioned it reads it, and the supplier whose claim to the site is verified "
                        "will decide who else does."
                    ),
                )
            elif audit.self_reported:
                messages.success(request, _("The audit is saved. Only you see it until you share it."))
            else:
                messages.success(
                    request, _("The audit is submitted and locked. The site's supplier decides who else reads it.")
                )
            return redirect("audits:detail", audit_id=audit.pk)
    return render(request, "audits/create.html", page.context())


@org_required
@require_safe
def site_suggestions(request: HttpRequest) -> HttpResponse:
    """Sites the actor may enter an audit of, as it types (name, alias in any script, facility id);
    the site already chosen stays first, still chosen."""
    actor = actor_of(request)
    actor.require_kind(OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM)
    q = request.GET.get("site_q", "")[:200]
    chosen = entry.visible_site(actor, request.GET.get("facility", ""))
    context = {"site_q": q.strip(), "chosen": chosen, "suggestions": entry.site_choices(actor, q, chosen)}
    return render(request, "audits/_site_choices.html", context)


@org_required
@require_safe
def detail(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    services.record_read(actor, audit, "viewed")
    is_owner = actor.org is not None and actor.org.pk == audit.owner_id
    can_edit = services.can_edit(actor, audit)
    locked = audit.is_locked
    context = {
        "audit": audit,
        "auditors": audit.auditors.all(),
        "findings": selectors.with_comments(actor, audit, selectors.findings(actor, audit)),
        "can_comment": services.can_comment(actor, audit),
        # Who read it: the supplier person by person, the firm per organisation, members nothing.
        "reads": selectors.audit_reads(actor, audit) if is_owner else [],
        "reads_by_org": selectors.audit_reads_by_org(actor, audit) if not is_owner else [],
        "can_edit": can_edit,
        "locked": locked,
        "is_firm": actor.org is not None and actor.org.pk == audit.audit_firm_org_id,
        "revisions": selectors.revisions(actor, audit),
        "is_owner": is_owner,
        "shares": selectors.recognition_for_members(actor, audit) if is_owner else [],
        "candidates": selectors.share_candidates(actor, audit) if is_owner else [],
        "recognised": selectors.is_recognised_for(audit, actor.org) if actor.kind == OrgKind.MEMBER else None,
        "finding_form": ReasonFindingForm() if locked else FindingForm(),
        "file_form": ReasonFileForm() if locked else FileForm(),
        "edit_form": FindingEditForm() if locked else None,
    }
    return render(request, "audits/detail.html", context)


def report_response(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    """The audit's report, for anyone who may read the audit; the download is on the trail.
    Shared by the page and the API route."""
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    if not audit.report:
        raise Http404
    response = _download(audit.report.name, audit.report_name or "report.pdf", "application/pdf")
    services.record_read(actor, audit, "downloaded")
    return response


def version_report_response(request: HttpRequest, audit_id: uuid.UUID, number: int) -> HttpResponse:
    """The report an earlier version had (kept on file when a revision replaced it), for anyone
    who may read the audit; on the trail like the current report. Shared by the page and the API."""
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    revision = selectors.revisions(actor, audit).filter(number=number).first()
    if revision is None or not revision.snapshot.get("report"):
        raise Http404
    name = str(revision.snapshot.get("report_name") or f"report-v{revision.number}.pdf")
    response = _download(str(revision.snapshot["report"]), name, "application/pdf")
    services.record_read(actor, audit, "downloaded")
    return response


@org_required
@require_safe
def version_report(request: HttpRequest, audit_id: uuid.UUID, number: int) -> HttpResponse:
    return version_report_response(request, audit_id, number)


@org_required
@require_safe
def report(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    return report_response(request, audit_id)


@org_required
@require_POST
def add_finding(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    form = ReasonFindingForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data.pop("reason")
        try:
            services.add_finding(actor, audit, services.FindingInput(**form.cleaned_data), reason=reason)
        except ValidationError as exc:
            flash_errors(request, exc)
    else:
        messages.error(request, _("Give the section, the grade and a description."))
    return redirect("audits:detail", audit_id=audit.pk)


@org_required
@require_POST
def import_findings(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    upload = _file(request)
    reason = _reason(request)
    if upload is None:
        messages.error(request, _("Choose a CSV or Excel file."))
    else:
        try:
            created = services.import_findings(actor, audit, filename=upload[0], data=upload[1], reason=reason)
        except ValidationError as exc:
            flash_errors(request, exc)
            messages.error(request, _("Nothing from this file was saved."))
        else:
            messages.success(request, _("%(n)s findings imported.") % {"n": len(created)})
    return redirect("audits:detail", audit_id=audit.pk)


@org_required
@require_POST
def attach_report(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    upload = _file(request)
    reason = _reason(request)
    if upload is None:
        messages.error(request, _("Choose the report's PDF file."))
    else:
        try:
            services.attach_report(actor, audit, filename=upload[0], data=upload[1], reason=reason)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The report is attached."))
    return redirect("audits:detail", audit_id=audit.pk)


@org_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    """The supplier's sharing form: the members it knows for the site first, then a search of the
    rest (GET ``q``, no script needed); POST shares the audit with one member."""
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    if request.method == "GET":
        if actor.org is None or actor.org.pk != audit.owner_id:
            raise PermissionDenied
        q = request.GET.get("q", "")[:100]
        context = {
            "audit": audit,
            "shares": selectors.recognition_for_members(actor, audit),
            "candidates": selectors.share_candidates(actor, audit),
            "q": q,
            "results": selectors.member_search(audit, q),
        }
        return render(request, "audits/share.html", context)
    member = selectors.members().filter(pk=_int(request.POST.get("member"))).first()
    if member is None:
        messages.error(request, _("Choose a member company."))
    elif request.POST.get("revoke"):
        # Stopping a share asks first (audits:stop_sharing); nothing ends from here.
        return redirect("audits:stop_sharing", audit_id=audit.pk, member_id=member.pk)
    else:
        try:
            services.grant_access(actor, audit, member)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(member)s can now see this audit.") % {"member": member.name})
    return redirect("audits:detail", audit_id=audit.pk)


@org_required
@require_http_methods(["GET", "POST"])
def stop_sharing(request: HttpRequest, audit_id: uuid.UUID, member_id: int) -> HttpResponse:
    """Stopping a share asks first: the page says which member loses what (the audit and its
    corrective action plan, and the recognition the audit gives it); POST with the confirmation ends it."""
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    share = selectors.get_share(actor, audit, member_id)
    form = StopSharingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.revoke_access(actor, audit, share.org)
        messages.success(request, _("%(member)s can no longer see this audit.") % {"member": share.org.name})
        return redirect("audits:detail", audit_id=audit.pk)
    context = {
        "audit": audit,
        "member": share.org,
        "form": form,
        "recognised": selectors.is_recognised_for(audit, share.org),
        # With "share all our audits" on, the member keeps reading it through that choice.
        "share_all": selectors.sharing_choice(actor).share_all_members,
        "open_actions": audit.actions.exclude(status="closed").count(),
    }
    return render(request, "audits/stop_sharing.html", context)


@org_required
@require_POST
def comment(request: HttpRequest, audit_id: uuid.UUID, number: int) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    finding = selectors.get_finding(actor, audit, number)
    return form_action(
        request,
        CommentForm,
        lambda form: services.comment_on_finding(actor, finding, form.cleaned_data["text"]),
        success_message=_("Your comment is added."),
        redirect_to=reverse("audits:detail", args=[audit.pk]) + f"#finding-{finding.number}",
    )


@org_required
@require_POST
def withdraw(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    services.withdraw_audit(actor, audit, request.POST.get("reason", ""))
    messages.success(request, _("The audit is withdrawn: it no longer counts and members no longer see it."))
    return redirect("audits:detail", audit_id=audit.pk)


def _reason(request: HttpRequest) -> str:
    """The reason for a new version, sent with a file (the file itself is read by ``_file``)."""
    form = ReasonFileForm(request.POST, request.FILES)
    form.is_valid()
    return str(form.cleaned_data.get("reason", ""))


@org_required
@require_POST
def submit(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    try:
        services.submit_audit(actor, audit)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The audit is submitted. It is locked: changes now make a new version."))
    return redirect("audits:detail", audit_id=audit.pk)


@org_required
@require_http_methods(["GET", "POST"])
def revise(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    """The firm corrects its audit's facts (dates, rating, auditors); findings are changed one by one."""
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    if not services.can_edit(actor, audit):
        raise PermissionDenied
    auditors = "\n".join(
        " | ".join([a.name, a.apsca_number, a.level]) for a in audit.auditors.order_by("-is_lead", "pk")
    )
    form = RevisionForm(
        request.POST or None,
        initial={
            "audit_type": audit.audit_type,
            "announcement": audit.announcement,
            "start_date": audit.start_date,
            "end_date": audit.end_date,
            "workers_female": audit.workers_female,
            "workers_male": audit.workers_male,
            "workers_other": audit.workers_other,
            "rating": audit.rating,
            "auditors": auditors,
        },
        findings=selectors.findings(actor, audit),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = services.AuditChange(
            start_date=data["start_date"],
            end_date=data["end_date"],
            rating=data["rating"],
            audit_type=data["audit_type"],
            announcement=data["announcement"],
            workers_female=data["workers_female"],
            workers_male=data["workers_male"],
            workers_other=data["workers_other"],
            auditors=auditor_lines(data["auditors"]),
            remove_findings=data["remove_findings"],
        )
        try:
            services.revise_audit(actor, audit, change, reason=data["reason"])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The audit is changed."))
            return redirect("audits:detail", audit_id=audit.pk)
    return render(request, "audits/revise.html", {"audit": audit, "form": form})


@org_required
@require_POST
def edit_finding(request: HttpRequest, audit_id: uuid.UUID, number: int) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    form = FindingEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the section, the grade and a description."))
        return redirect("audits:detail", audit_id=audit.pk)
    data = form.cleaned_data
    change = services.AuditChange(
        findings=[
            services.FindingChange(
                number=number,
                section=data["section"],
                grade=data["grade"],
                description=data["description"],
                legal_reference=data["legal_reference"],
            )
        ]
    )
    try:
        services.revise_audit(actor, audit, change, reason=data["reason"])
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The finding is changed."))
    return redirect("audits:detail", audit_id=audit.pk)


@org_required
@require_safe
def version(request: HttpRequest, audit_id: uuid.UUID, number: int) -> HttpResponse:
    """An earlier version of the audit, as it was, for whoever may read the audit."""
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    revision = selectors.revisions(actor, audit).filter(number=number).first()
    if revision is None:
        raise Http404
    services.record_read(actor, audit, "viewed")
    return render(request, "audits/version.html", {"audit": audit, "revision": revision, "old": revision.snapshot})


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


# --- Sharing choices and access requests ---------------------------------------------------------


@org_required
@require_POST
def share_all(request: HttpRequest) -> HttpResponse:
    services.set_share_all(actor_of(request), request.POST.get("share_all_members") == "on")
    messages.success(request, _("Your sharing choice is saved."))
    return redirect("audits:list")


@org_required
@require_POST
def request_access(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    facility = selectors.linked_facility(actor, request.POST.get("facility", ""))
    try:
        services.request_access(actor, facility, request.POST.get("message", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Your request is sent to the supplier."))
    return redirect("registry:facility", public_id=facility.public_id)


@org_required
@require_POST
def decide_request(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_access_request(actor, request_id)
    try:
        services.decide_access_request(actor, item, grant=request.POST.get("decision") == "grant")
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("audits:list")


# --- Corrective action plans --------------------------------------------------------------------


@org_required
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_action(actor, action_id)
    form = ActionForm(
        request.POST or None,
        initial={"action": item.action, "responsible": item.responsible, "due_date": item.due_date},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action(
                actor,
                item,
                action_text=form.cleaned_data["action"],
                responsible=form.cleaned_data["responsible"],
                due_date=form.cleaned_data["due_date"],
                progress=form.cleaned_data["progress"],
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("audits:action", action_id=item.pk)
    is_owner = actor.org is not None and actor.org.pk == item.audit.owner_id
    context = {
        "item": item,
        "form": form,
        "evidence_form": EvidenceForm(),
        "verify_form": VerifyForm(),
        "can_edit": services.is_site_side(actor, item.audit),
        # Only the firm sets deadlines itself, while its audit is a draft; others ask or decide.
        "can_set_deadline": item.audit.status == AuditStatus.DRAFT
        and actor.org is not None
        and actor.org.pk == item.audit.audit_firm_org_id,
        "can_verify": services.can_verify(actor, item),
        "can_ask": is_owner and actor.can_edit and item.due_date is not None and item.status != "closed",
        "can_decide": services.can_decide_extension(actor, item),
        "extension_form": ExtensionForm(),
        "decision_form": ExtensionDecisionForm(),
        "extensions": selectors.extensions(actor, item),
        "evidence": item.evidence.all(),
    }
    return render(request, "audits/action.html", context)


@org_required
@require_POST
def add_evidence(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_action(actor, action_id)
    upload = _file(request)
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            services.add_evidence(actor, item, filename=upload[0], data=upload[1], note=request.POST.get("note", ""))
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Evidence added."))
    return redirect("audits:action", action_id=item.pk)


@org_required
@require_POST
def request_extension(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_action(actor, action_id)
    return form_action(
        request,
        ExtensionForm,
        lambda form: services.request_extension(
            actor, item, to_date=form.cleaned_data["due_date"], reason=form.cleaned_data["reason"]
        ),
        success_message=_("Your request is sent. The deadline changes once it is approved."),
        redirect_to=reverse("audits:action", args=[item.pk]),
    )


@org_required
@require_POST
def decide_extension(request: HttpRequest, extension_id: int) -> HttpResponse:
    actor = actor_of(request)
    extension = selectors.get_extension(actor, extension_id)
    return form_action(
        request,
        ExtensionDecisionForm,
        lambda form: services.decide_extension(
            actor, extension, approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"]
        ),
        success_message=_("Your decision is saved."),
        redirect_to=reverse("audits:action", args=[extension.action_id]),
    )


@org_required
@require_safe
def evidence(request: HttpRequest, evidence_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_evidence(actor, evidence_id)
    kind = "application/pdf" if item.filename.lower().endswith(".pdf") else "application/octet-stream"
    response = _download(item.file.name, item.filename, kind)
    services.record_evidence_download(actor, item)
    return response


@org_required
@require_POST
def verify(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_action(actor, action_id)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the action was verified: desk review or follow-up audit."))
    else:
        try:
            services.verify_action(actor, item, method=form.cleaned_data["method"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Verified and closed."))
    return redirect("audits:action", action_id=item.pk)


@org_required
@require_safe
def caps(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER, OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM)
    show = request.GET.get("show", "overdue")
    risk = risk_lists.parse(request.GET)
    page = Paginator(_caps(actor, show, risk), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(a, selectors.section_topic(a)) for a in page.object_list],
        "show": show,
        "kpis": selectors.cap_kpis(selectors.chain_actions(actor)),
        "joint": selectors.joint_action_candidates(actor)[:100] if actor.kind == OrgKind.MEMBER else [],
        **_risk_context(risk),
    }
    return render(request, "audits/caps.html", context)


def _caps(actor: Actor, show: str, risk: risk_lists.RiskQuery) -> QuerySet[CorrectiveAction]:
    actions = selectors.overdue_actions(actor) if show == "overdue" else selectors.open_actions(actor)
    return selectors.actions_by_risk(actor, actions, risk)


def _risk_context(risk: risk_lists.RiskQuery) -> dict[str, object]:
    """The band and topic filters and the risk sort, for ``audits/_risk_filters.html``."""
    return {
        "risk": risk,
        "band_choices": risk_lists.band_choices(),
        "topic_choices": risk_lists.topic_choices(),
        "topic_names": risk_lists.topic_names(),
    }


def _format(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    return fmt


@org_required
@require_safe
def caps_export(request: HttpRequest) -> HttpResponse:
    """The corrective actions as the page lists them (same tab, filters and order), with risk columns."""
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER, OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM)
    fmt = _format(request)
    risk = risk_lists.parse(request.GET)
    return exports.caps_response(_caps(actor, request.GET.get("show", "overdue"), risk), risk, fmt)


# --- Recognition and coverage -------------------------------------------------------------------


@org_required
@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    state = request.GET.get("state", "")
    risk = risk_lists.parse(request.GET)
    # Once for the counts, the list to act on and the table: the policy and the member's view.
    policy = selectors.effective_policy(actor.org)
    own = selectors.member_view(actor)
    page = Paginator(selectors.coverage_sites(actor, state, policy, risk, own), 50).get_page(request.GET.get("page"))
    rows = selectors.with_states(actor, list(page.object_list), policy)
    act_on = selectors.sites_to_act_on(actor, policy, own)
    context = {
        "coverage": selectors.coverage(actor, policy, own),
        "page": page,
        "rows": rows,
        "state": state,
        # The first few high-risk sites without a recognised audit; the rest through the filter.
        "act_on": list(act_on[:ACT_ON_SHOWN]),
        "act_on_count": act_on.count(),
        **_risk_context(risk),
    }
    return render(request, "audits/coverage.html", context)


ACT_ON_SHOWN = 10


@org_required
@require_safe
def coverage_export(request: HttpRequest) -> HttpResponse:
    """The coverage table (same state, filters and order), each site's state and risk columns."""
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    fmt = _format(request)
    risk = risk_lists.parse(request.GET)
    links = selectors.coverage_export_rows(actor, request.GET.get("state", ""), risk=risk)
    return exports.coverage_response(links, risk, fmt)


@org_required
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    form = RequestForm(request.POST or None, initial={"facility": request.GET.get("site", "")})
    if request.method == "POST" and form.is_valid():
        try:
            facility = selectors.linked_facility(actor, form.cleaned_data["facility"])
            item = services.request_audit(
                actor, facility, note=form.cleaned_data["note"], estimated_cost=form.cleaned_data["estimated_cost"]
            )
        except Http404:
            messages.error(request, _("That site is not in your supply chain."))
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            if item.status == "covered":
                messages.success(request, _("A recognised audit of this site exists already: no new audit is needed."))
            else:
                messages.success(request, _("Your request is joined with other members' requests into one audit."))
            return redirect("audits:requests")
    items = [(r, services.cost_share(r.joint) if r.joint else None) for r in selectors.own_audit_requests(actor)]
    return render(request, "audits/requests.html", {"form": form, "items": items})


@org_required
@require_http_methods(["GET", "POST"])
def recognition(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    org = actor.require_kind(OrgKind.SECRETARIAT, OrgKind.MEMBER)
    own = selectors.sector_policy() if org.kind == OrgKind.SECRETARIAT else selectors.member_policy(org)
    initial = initial_policy(own) if own is not None else initial_policy(selectors.sector_policy())
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not actor.can_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.set_policy(
                    actor,
                    version_ids=[v.pk for v in form.cleaned_data["versions"]],
                    max_age_months=form.cleaned_data["max_age_months"],
                    require_qualified_auditor=form.cleaned_data["require_qualified_auditor"],
                    required_pillars=form.cleaned_data["required_pillars"],
                    accept_self_reported=form.cleaned_data["accept_self_reported"],
                    min_overlap=form.cleaned_data["min_overlap"],
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("The recognition policy is saved."))
                return redirect("audits:recognition")
    effective = selectors.effective_policy(org if org.kind == OrgKind.MEMBER else None)
    context = {
        "form": form,
        "sector": selectors.sector_policy(),
        "effective_versions": selectors.scheme_versions().filter(pk__in=effective.version_ids),
        "effective": effective,
        # Every version with its overlap with the reference protocol, and whether it counts now.
        "versions": selectors.scheme_versions(),
        "protocol": reference_protocol(),
    }
    return render(request, "audits/recognition.html", context)


@org_required
@require_safe
def sector(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    count = services.sector_count_for_page()
    every = settings.AUDIT_SECTOR_COUNT_MAX_AGE // 60
    return render(request, "audits/sector.html", {"c": count.figures, "count": count, "every": every})


@org_required
@require_http_methods(["GET", "POST"])
def schemes(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = SchemeForm(request.POST or None)
    if request.method == "POST":
        actor.require_kind(OrgKind.SECRETARIAT)
        if form.is_valid():
            try:
                services.add_scheme_version(actor, **form.cleaned_data)
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("The scheme is added."))
                return redirect("audits:schemes")
    context = {"schemes": selectors.schemes(), "form": form, "protocol": reference_protocol()}
    return render(request, "audits/schemes.html", context)


@org_required
@require_http_methods(["GET", "POST"])
def apsca(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    if request.method == "POST":
        upload = _file(request)
        if upload is None:
            messages.error(request, _("Choose the register's CSV or Excel file."))
        else:
            try:
                n = services.import_apsca_register(actor, filename=upload[0], data=upload[1])
            except ValidationError as exc:
                flash_errors(request, exc)
                messages.error(request, _("Nothing from this file was saved."))
            else:
                messages.success(request, _("%(n)s auditors imported.") % {"n": n})
                return redirect("audits:apsca")
    q = request.GET.get("q", "")
    page = Paginator(selectors.apsca_register(q), 50).get_page(request.GET.get("page"))
    return render(request, "audits/apsca.html", {"page": page, "q": q, "form": FileForm()})


# --- Joint audits ---------------------------------------------------------------------------------


@org_required
@require_safe
def joint_audits(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER, OrgKind.AUDIT_FIRM, OrgKind.SUPPLIER)
    is_member = actor.kind == OrgKind.MEMBER
    context = {
        "joints": selectors.joint_audits(actor)[:200],
        "needs": selectors.joint_needs(actor) if is_member else [],
        "open_form": JointOpenForm(initial={"facility": request.GET.get("site", "")}) if is_member else None,
    }
    return render(request, "audits/joint_list.html", context)


@org_required
@require_POST
def joint_open(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    form = JointOpenForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("audits:joint")
    try:
        facility = selectors.linked_facility(actor, form.cleaned_data["facility"])
        joint = services.open_joint_audit(
            actor,
            facility,
            scheme_version=form.cleaned_data["scheme_version"],
            target_date=form.cleaned_data["target_date"],
            estimated_cost=form.cleaned_data["estimated_cost"],
            note=form.cleaned_data["note"],
            cost_share_percent=form.cleaned_data["cost_share_percent"],
        )
    except Http404:
        messages.error(request, _("That site is not in your supply chain."))
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The joint audit is open. Members that source from the site can join it."))
        return redirect("audits:joint_detail", joint_id=joint.pk)
    return redirect("audits:joint")


@org_required
@require_safe
def joint_detail(request: HttpRequest, joint_id: int) -> HttpResponse:
    actor = actor_of(request)
    joint = selectors.get_joint_audit(actor, joint_id)
    org_id = actor.org.pk if actor.org else None
    cofunders = selectors.joint_cofunders(actor, joint)
    own = next(((r, amount) for r, amount in cofunders if r.org_id == org_id), None)
    can_plan = services.can_plan_joint(actor, joint)
    may_link = (
        actor.can_edit
        and joint.audit_id is None
        and org_id is not None
        and org_id in (joint.audit_firm_id, joint.facility.owner_id)
    )
    context = {
        "joint": joint,
        "cofunders": cofunders,
        "own": own,
        "audit_readable": joint.audit_id is not None
        and selectors.visible_audits(actor).filter(pk=joint.audit_id).exists(),
        "plan_form": JointPlanForm(
            initial={
                "audit_firm": joint.audit_firm_id,
                "scheme_version": joint.scheme_version_id,
                "target_date": joint.target_date,
                "estimated_cost": joint.estimated_cost,
                "note": joint.note,
            }
        )
        if can_plan
        else None,
        "join_form": JointJoinForm(initial={"cost_share_percent": own[0].cost_share_percent if own else None})
        if own and joint.audit_id is None
        else None,
        "candidates": selectors.audits_to_link(actor, joint) if may_link else [],
        "may_link": may_link,
    }
    return render(request, "audits/joint_detail.html", context)


@org_required
@require_POST
def joint_join(request: HttpRequest, joint_id: int) -> HttpResponse:
    actor = actor_of(request)
    joint = selectors.joinable_joint_audit(actor, joint_id)
    return form_action(
        request,
        JointJoinForm,
        lambda form: services.join_joint_audit(
            actor, joint, cost_share_percent=form.cleaned_data["cost_share_percent"]
        ),
        success_message=_("You are a co-funder of this joint audit."),
        redirect_to=reverse("audits:joint_detail", args=[joint.pk]),
    )


@org_required
@require_POST
def joint_leave(request: HttpRequest, joint_id: int) -> HttpResponse:
    actor = actor_of(request)
    joint = selectors.get_joint_audit(actor, joint_id)
    try:
        services.leave_joint_audit(actor, joint)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("audits:joint_detail", joint_id=joint.pk)
    messages.success(request, _("You left the joint audit."))
    return redirect("audits:joint")


@org_required
@require_POST
def joint_plan(request: HttpRequest, joint_id: int) -> HttpResponse:
    actor = actor_of(request)
    joint = selectors.get_joint_audit(actor, joint_id)
    return form_action(
        request,
        JointPlanForm,
        lambda form: services.plan_joint_audit(actor, joint, **form.cleaned_data),
        success_message=_("The plan is saved."),
        redirect_to=reverse("audits:joint_detail", args=[joint.pk]),
    )


@org_required
@require_POST
def joint_link(request: HttpRequest, joint_id: int) -> HttpResponse:
    actor = actor_of(request)
    joint = selectors.get_joint_audit(actor, joint_id)

    def link(form: JointLinkForm) -> object:
        audit = selectors.audits_to_link(actor, joint).filter(pk=form.cleaned_data["audit"]).first()
        if audit is None:
            raise ValidationError(_("Choose a submitted audit of this site that you entered or own."))
        return services.link_joint_audit(actor, joint, audit)

    return form_action(
        request,
        JointLinkForm,
        link,
        success_message=_("The audit is linked. Co-funders read it once the supplier shares it with them."),
        redirect_to=reverse("audits:joint_detail", args=[joint.pk]),
    )
