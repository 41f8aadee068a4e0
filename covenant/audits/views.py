"""Pages of audits, sharing, recognition and corrective action plans. Thin: parse, call, render."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.audits import selectors, services
from covenant.audits.forms import (
    ActionForm,
    AuditForm,
    EvidenceForm,
    FileForm,
    FindingForm,
    PolicyForm,
    RequestForm,
    SchemeForm,
    VerifyForm,
    initial_policy,
)
from covenant.core.decorators import org_required
from covenant.core.web import actor_of, flash_errors
from covenant.orgs.models import OrgKind
from covenant.registry import interface as registry


def _file(request: HttpRequest, name: str = "file") -> tuple[str, bytes] | None:
    uploaded = request.FILES.get(name)
    if uploaded is None:
        return None
    # One byte over the limit is enough for the service to refuse it; never hold a huge upload in memory.
    return uploaded.name or "upload", uploaded.read(services.max_report_bytes() + 1)


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
    form = AuditForm(request.POST or None, request.FILES or None, initial={"facility": request.GET.get("site", "")})
    if request.method == "POST" and form.is_valid():
        try:
            facility = registry.get_facility(actor, form.cleaned_data["facility"])
        except Http404:
            messages.error(request, _("There is no facility with that id."))
        else:
            report = _file(request, "report")
            data = services.AuditInput(
                facility=facility,
                scheme_version=form.cleaned_data["scheme_version"],
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                audit_firm_name=form.cleaned_data["audit_firm_name"],
                audit_type=form.cleaned_data["audit_type"],
                announcement=form.cleaned_data["announcement"],
                workers_female=form.cleaned_data["workers_female"],
                workers_male=form.cleaned_data["workers_male"],
                workers_other=form.cleaned_data["workers_other"],
                rating=form.cleaned_data["rating"],
                auditors=form.auditor_inputs(),
                findings=form.finding_inputs(),
                report_name=report[0] if report else "",
                report_data=report[1] if report else None,
            )
            try:
                audit = services.create_audit(actor, data)
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("The audit is saved. Only you see it until you share it."))
                return redirect("audits:detail", audit_id=audit.pk)
    return render(request, "audits/create.html", {"form": form, "versions": selectors.scheme_versions()})


@org_required
@require_safe
def detail(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    services.record_read(actor, audit, "viewed")
    is_owner = actor.org is not None and actor.org.pk == audit.owner_id
    context = {
        "audit": audit,
        "auditors": audit.auditors.all(),
        "findings": selectors.findings(actor, audit),
        "can_edit": services.can_edit(actor, audit),
        "is_owner": is_owner,
        "shares": selectors.recognition_for_members(actor, audit) if is_owner else [],
        "members": selectors.members() if is_owner else [],
        "recognised": selectors.is_recognised_for(audit, actor.org) if actor.kind == OrgKind.MEMBER else None,
        "finding_form": FindingForm(),
        "file_form": FileForm(),
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


@org_required
@require_safe
def report(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    return report_response(request, audit_id)


@org_required
@require_POST
def add_finding(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            services.add_finding(actor, audit, services.FindingInput(**form.cleaned_data))
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
    if upload is None:
        messages.error(request, _("Choose a CSV or Excel file."))
    else:
        try:
            created = services.import_findings(actor, audit, filename=upload[0], data=upload[1])
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
    if upload is None:
        messages.error(request, _("Choose the report's PDF file."))
    else:
        try:
            services.attach_report(actor, audit, filename=upload[0], data=upload[1])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The report is attached."))
    return redirect("audits:detail", audit_id=audit.pk)


@org_required
@require_POST
def share(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    member = selectors.members().filter(pk=_int(request.POST.get("member"))).first()
    if member is None:
        messages.error(request, _("Choose a member company."))
    elif request.POST.get("revoke"):
        services.revoke_access(actor, audit, member)
        messages.success(request, _("%(member)s can no longer see this audit.") % {"member": member.name})
    else:
        try:
            services.grant_access(actor, audit, member)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(member)s can now see this audit.") % {"member": member.name})
    return redirect("audits:detail", audit_id=audit.pk)


@org_required
@require_POST
def withdraw(request: HttpRequest, audit_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    audit = selectors.get_audit(actor, audit_id)
    services.withdraw_audit(actor, audit, request.POST.get("reason", ""))
    messages.success(request, _("The audit is withdrawn: it no longer counts and members no longer see it."))
    return redirect("audits:detail", audit_id=audit.pk)


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
    context = {
        "item": item,
        "form": form,
        "evidence_form": EvidenceForm(),
        "verify_form": VerifyForm(),
        "can_edit": services.can_edit(actor, item.audit),
        "can_verify": services.can_verify(actor, item),
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
    actions = selectors.overdue_actions(actor) if show == "overdue" else selectors.open_actions(actor)
    context = {
        "page": Paginator(actions, 50).get_page(request.GET.get("page")),
        "show": show,
        "kpis": selectors.cap_kpis(selectors.chain_actions(actor)),
        "joint": selectors.joint_action_candidates(actor)[:100] if actor.kind == OrgKind.MEMBER else [],
    }
    return render(request, "audits/caps.html", context)


# --- Recognition and coverage -------------------------------------------------------------------


@org_required
@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    state = request.GET.get("state", "")
    policy = selectors.effective_policy(actor.org)  # once for the counts, the filter and the table
    page = Paginator(selectors.coverage_sites(actor, state, policy), 50).get_page(request.GET.get("page"))
    rows = selectors.with_states(actor, list(page.object_list), policy)
    context = {"coverage": selectors.coverage(actor, policy), "page": page, "rows": rows, "state": state}
    return render(request, "audits/coverage.html", context)


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
    }
    return render(request, "audits/recognition.html", context)


@org_required
@require_safe
def sector(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    return render(request, "audits/sector.html", {"c": selectors.sector_counters()})


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
    return render(request, "audits/schemes.html", {"schemes": selectors.schemes(), "form": form})


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
