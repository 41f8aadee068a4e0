"""Pages for grievance handlers and for the members cases are routed to. Thin: parse, call, render.

A handler reads content only after unlocking the organisation's key (keyring.py);
members see a redacted view (topics, site, stage, dates) unless given the full case.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.core.actors import Actor
from covenant.core.decorators import org_required
from covenant.core.web import F, actor_of, flash_errors, form_action, form_error_messages
from covenant.grievances import crypto, forms, keyring, public, remediation, selectors, services
from covenant.grievances.models import (
    STAGE_FLOW,
    Attachment,
    Case,
    EntryKind,
    Outcome,
    RemedyType,
    Stage,
    Topic,
)
from covenant.orgs.models import OrgKind


def _private_key(request: HttpRequest) -> bytes | None:
    actor = actor_of(request)
    return keyring.load(request, actor.org.pk if actor.org is not None else None)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@org_required
@never_cache
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    show = request.GET.get("show", "open")
    cases = list(selectors.case_list(actor, show=show)[:500])
    mechanism = selectors.mechanism_for(actor)
    context = {
        "cases": cases,
        "show": show,
        "handler": selectors.is_handler(actor),
        "mechanism": mechanism,
        "participation": selectors.participation(actor, mechanism) if mechanism else None,
        "is_member": actor.kind == OrgKind.MEMBER,
        "has_key": selectors.has_key(actor),
        "unlocked": _private_key(request) is not None,
        "today": timezone.localdate(),
        "urgent_waiting": selectors.urgent_waiting(actor),
    }
    return render(request, "grievances/list.html", context)


@org_required
@never_cache
@require_http_methods(["GET", "POST"])
def key(request: HttpRequest) -> HttpResponse:
    """Set up, unlock, lock or recover the organisation's grievance key."""
    actor = actor_of(request)
    recovery_key = ""
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("grievances:list")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("grievances:list")
    if request.method == "POST":
        action = request.POST.get("action", "")
        org_id = actor.require_org().pk
        try:
            if action == "setup":
                if request.POST.get("passphrase", "") != request.POST.get("passphrase2", ""):
                    raise ValidationError(_("The two passphrases differ."))
                recovery_key = services.set_up_key(actor, request.POST.get("passphrase", ""))
            elif action == "unlock":
                private = services.unlock_key(actor, request.POST.get("passphrase", ""))
                response = redirect(next_url)
                keyring.store(request, response, org_id, private)
                return response
            elif action == "lock":
                response = redirect("grievances:list")
                keyring.forget(request, response)
                return response
            elif action == "recover":
                recovery_key = services.recover_key(
                    actor, request.POST.get("recovery_key", ""), request.POST.get("passphrase", "")
                )
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            flash_errors(request, exc)
    context = {
        "has_key": selectors.has_key(actor),
        "unlocked": _private_key(request) is not None,
        "recovery_key": recovery_key,
        "next": next_url,
        "may_hold": actor.kind in (OrgKind.SECRETARIAT, OrgKind.CSO, OrgKind.MEMBER, OrgKind.SUPPLIER),
    }
    return _no_store(render(request, "grievances/key.html", context))


@org_required
@never_cache
@require_safe
def detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    return _render_detail(request, actor, case)


def _render_detail(
    request: HttpRequest, actor: Actor, case: Case, extra: Mapping[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The case page; the link search and the closing preview render it with their part filled in."""
    recipient = selectors.recipient(actor, case)
    handler = bool(recipient and recipient.handler and selectors.is_handler(actor))
    private = _private_key(request)
    key = services.case_key_for(actor, case, private)
    content = services.read_content(case, key) if key else None
    new_message = bool(recipient and recipient.unread)
    # The site's supplier without the reporter's consent follows the stages only, no messages.
    stages_only = bool(recipient and recipient.supplier and not recipient.full_access)
    if content is not None:
        services.record_read(actor, case)
        if handler:
            # Read with its content: the reporter's new messages were shown, the marker goes.
            services.mark_seen(actor, case)
    # Handlers' translations, shown beside what they translate (seq 0: the report itself).
    translated: dict[int, list[dict[str, str]]] = {}
    if key:
        for t in case.translations.select_related("entry").order_by("created_on", "pk"):
            t.case = case  # the key's associated data names the case; no query per translation
            seq = t.entry.seq if t.entry is not None else 0
            translated.setdefault(seq, []).append({"language": t.language, "text": services.translation_body(t, key)})
    entries = []
    for entry in case.entries.select_related("author_org"):
        if entry.kind == EntryKind.NOTE and not handler:
            continue
        if stages_only and entry.kind != EntryKind.STAGE:
            continue
        entries.append(
            {
                "entry": entry,
                "body": services.entry_body(entry, key) if key else "",
                "translations": translated.get(entry.seq, []),
            }
        )
    case_attachments = list(case.attachments.all()) if key else []
    context = {
        "case": case,
        "handler": handler,
        "content": content,
        "locked": key is None and (handler or bool(recipient and recipient.full_access)),
        "entries": entries,
        "attachments": [a for a in case_attachments if not a.content_type.startswith("audio/")],
        "recordings": [a for a in case_attachments if a.content_type.startswith("audio/")],
        "report_translations": translated.get(0, []),
        "translatable": [row["entry"] for row in entries if row["body"]] if handler else [],
        "translation_languages": forms._translation_languages() if handler else [],
        "inadmissible_reason": services.open_text(case, key, "inadmissible", case.inadmissible_reason_enc)
        if key
        else "",
        "measures": services.open_text(case, key, "measures", case.protective_measures_enc) if key else "",
        "next_stages": [(s, Stage(s).label) for s in STAGE_FLOW.get(case.stage, ())] if handler else [],
        "topics": [Topic(t).label for t in case.topics if t in Topic.values],
        "remedies": list(case.remedies.all()),
        "remedy_types": RemedyType.choices,
        "handlers": selectors.handlers_of(case) if handler else [],
        "assigned": set(case.assigned_to.values_list("pk", flat=True)) if handler else set(),
        "members": selectors.member_recipients(case) if handler else [],
        "overdue": case.overdue(),
        "full_access": bool(recipient and recipient.full_access),
        "is_member": actor.kind == OrgKind.MEMBER,
        "new_message": new_message and handler,
        "outcomes": Outcome.choices,
        "may_close": handler and Stage.CLOSED in STAGE_FLOW.get(case.stage, ()),
        **remediation.remediation(actor, case, private),
        **(extra or {}),
    }
    return _no_store(render(request, "grievances/detail.html", context, status=status))


def _handling(request: HttpRequest, case_id: uuid.UUID) -> tuple[Actor, Case, bytes | None]:
    """The case a handler acts on (404 for outsiders, 403 for routed members), and its key
    when the organisation's key is unlocked in this session."""
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    services.require_handler(actor, case)
    return actor, case, services.case_key_for(actor, case, _private_key(request))


def _on_case(
    request: HttpRequest,
    case: Case,
    form_class: type[F],
    service: Callable[[F], object],
    form_kwargs: Mapping[str, Any] | None = None,
) -> HttpResponse:
    return form_action(
        request,
        form_class,
        service,
        success_message=_("Saved."),
        redirect_to=reverse("grievances:detail", args=[case.pk]),
        form_kwargs=form_kwargs,
    )


@org_required
@require_POST
def acknowledge(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor, case, _key = _handling(request, case_id)
    return _on_case(request, case, forms.AcknowledgeForm, lambda form: services.acknowledge(actor, case))


@org_required
@require_POST
def move(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The next stage of the flow; closing as not admissible takes the reason."""
    actor, case, key = _handling(request, case_id)
    return _on_case(
        request,
        case,
        forms.MoveForm,
        lambda form: services.move_to(actor, case, form.cleaned_data["stage"], key, reason=form.cleaned_data["reason"]),
    )


@org_required
@require_POST
def add_message(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor, case, key = _handling(request, case_id)
    return _on_case(
        request,
        case,
        forms.MessageForm,
        lambda form: services.message_reporter(actor, case, key, form.cleaned_data["text"]),
    )


@org_required
@require_POST
def add_note(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor, case, key = _handling(request, case_id)
    return _on_case(
        request, case, forms.NoteForm, lambda form: services.add_note(actor, case, key, form.cleaned_data["text"])
    )


@org_required
@require_POST
def assign(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor, case, _key = _handling(request, case_id)
    return _on_case(
        request,
        case,
        forms.AssignForm,
        lambda form: services.assign(actor, case, form.cleaned_data["handlers"]),
        form_kwargs={"case": case},
    )


@org_required
@require_POST
def set_retaliation(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor, case, key = _handling(request, case_id)
    return _on_case(
        request,
        case,
        forms.RetaliationForm,
        lambda form: services.set_retaliation(
            actor, case, key, form.cleaned_data["at_risk"], form.cleaned_data["measures"]
        ),
    )


@org_required
@require_POST
def record_remedy(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor, case, key = _handling(request, case_id)
    return _on_case(
        request, case, forms.RemedyForm, lambda form: services.record_remedy(actor, case, key, form.remedy_input())
    )


@org_required
@require_POST
def link_site(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Find a register site (``action=search``: a POST, so the terms stay out of access logs;
    the page comes back with the results) or link the case to one / re-route it."""
    actor, case, key = _handling(request, case_id)
    if request.POST.get("action") == "search":
        q = request.POST.get("site_q", "")
        found = selectors.site_candidates(actor, q)
        return _render_detail(request, actor, case, {"site_q": q, "site_found": found, "site_searched": True})
    return _on_case(
        request,
        case,
        forms.LinkForm,
        lambda form: services.link_case_to_site(actor, case, key, form.site_facility(), form.cleaned_data["reason"]),
        form_kwargs={"actor": actor},
    )


@org_required
@require_POST
def set_urgent(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor, case, key = _handling(request, case_id)
    return _on_case(
        request,
        case,
        forms.UrgentForm,
        lambda form: services.set_urgent(actor, case, key, form.cleaned_data["urgent"], form.cleaned_data["reason"]),
    )


@org_required
@require_POST
def close(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Close with an outcome and a message to the reporter: first a preview, then the confirmation."""
    actor, case, key = _handling(request, case_id)
    form = forms.CloseForm(request.POST)
    if form.is_valid() and not form.cleaned_data["confirm"]:
        data = form.cleaned_data
        preview = {"outcome": data["outcome"], "outcome_label": Outcome(data["outcome"]).label, **data}
        return _render_detail(request, actor, case, {"close_preview": preview})
    return _on_case(
        request,
        case,
        forms.CloseForm,
        lambda form: services.close_case(
            actor,
            case,
            key,
            form.cleaned_data["outcome"],
            form.cleaned_data["message"],
            reason=form.cleaned_data["reason"],
        ),
    )


@org_required
@require_POST
def grant_access(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Give a member the case routed to it in full (its key gets a sealed copy of the case key)."""
    actor, case, key = _handling(request, case_id)
    return _on_case(
        request,
        case,
        forms.GrantForm,
        lambda form: services.grant_full_access(actor, case, key, form.cleaned_data["org"]),
        form_kwargs={"case": case},
    )


@org_required
@never_cache
@require_safe
def photo(request: HttpRequest, case_id: uuid.UUID, attachment_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    key = services.case_key_for(actor, case, _private_key(request))
    if key is None:
        raise Http404
    try:
        attachment = case.attachments.get(pk=attachment_id)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc
    try:
        data = services.attachment_bytes(attachment, key)
    except (FileNotFoundError, crypto.DecryptionError) as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one range of a ``Range: bytes=a-b`` header (what an audio element asks for to seek)."""
    unit, _sep, spec = header.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        return None
    first, _dash, last = spec.strip().partition("-")
    try:
        if first:
            start, end = int(first), int(last) if last else size - 1
        else:
            start, end = max(0, size - int(last)), size - 1
    except ValueError:
        return None
    end = min(end, size - 1)
    return (start, end) if 0 <= start <= end else None


@org_required
@never_cache
@require_safe
def recording(request: HttpRequest, case_id: uuid.UUID, attachment_id: uuid.UUID) -> HttpResponse:
    """A voice report's recording, decrypted for whoever may read the case in full (an audio
    element plays it; it has no public URL and is never cached)."""
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    key = services.case_key_for(actor, case, _private_key(request))
    if key is None:
        raise Http404
    attachment = case.attachments.filter(pk=attachment_id, content_type__startswith="audio/").first()
    if attachment is None:
        raise Http404
    try:
        data = services.attachment_bytes(attachment, key)
    except (FileNotFoundError, crypto.DecryptionError) as exc:
        raise Http404 from exc
    wanted = _byte_range(request.headers.get("Range", ""), len(data)) if request.headers.get("Range") else None
    if wanted is not None:
        start, end = wanted
        response = HttpResponse(data[start : end + 1], content_type=attachment.content_type, status=206)
        response["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
    else:
        response = HttpResponse(data, content_type=attachment.content_type)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


@org_required
@require_POST
def add_translation(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor, case, key = _handling(request, case_id)
    return _on_case(
        request,
        case,
        forms.TranslationForm,
        lambda form: services.add_translation(
            actor,
            case,
            key,
            entry_seq=form.cleaned_data["entry"] or None,
            language=form.cleaned_data["language"],
            text=form.cleaned_data["text"],
        ),
    )


@org_required
@never_cache
@require_http_methods(["GET", "POST"])
def operator_intake(request: HttpRequest) -> HttpResponse:
    """Hotline staff enter a case for a caller; the receipt they read out changes at the first follow-up."""
    actor = actor_of(request)
    mechanism = selectors.mechanism_for(actor)
    if mechanism is None or not selectors.is_handler(actor):
        raise PermissionDenied(_("Only grievance handlers may enter a case for someone."))
    receipt = ""
    errors: list[str] = []
    form = forms.OperatorIntakeForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        if not form.is_valid():
            errors = form_error_messages(form)
        else:
            try:
                submitted = services.submit(actor, form.intake(mechanism))
            except ValidationError as exc:
                errors = list(exc.messages)
            else:
                receipt = crypto.format_receipt(submitted.receipt)
                form = forms.OperatorIntakeForm()  # the next caller starts from an empty form
    context = {
        "mechanism": mechanism,
        "form": form,
        "receipt": receipt,
        "errors": errors,
        "topics": Topic.choices,
        "languages": public.intake_languages(),
    }
    return _no_store(render(request, "grievances/operator.html", context, status=400 if errors else 200))


@org_required
@require_safe
def review(request: HttpRequest) -> HttpResponse:
    """The annual effectiveness review (secretariat staff and co-handlers): aggregates only."""
    actor = actor_of(request)
    mechanism = selectors.mechanism_for(actor)
    if mechanism is None or not (
        (actor.is_secretariat and actor.org == mechanism.secretariat) or selectors.is_handler(actor)
    ):
        raise PermissionDenied(_("Only the initiative's secretariat sees the effectiveness review."))
    if actor.kind == OrgKind.CSO and not mechanism.participants.filter(org=actor.org, role="handler").exists():
        raise PermissionDenied(_("Only the initiative's secretariat sees the effectiveness review."))
    try:
        year = int(request.GET.get("year", "") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    context = {"mechanism": mechanism, "review": selectors.effectiveness_review(mechanism, year), "year": year}
    return render(request, "grievances/review.html", context)


@org_required
@require_POST
def participation(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    mechanism = selectors.mechanism_for(actor)
    if mechanism is None:
        raise Http404
    return form_action(
        request,
        forms.ParticipationForm,
        lambda form: services.set_participation(actor, mechanism, form.cleaned_data["takes_part"]),
        success_message=_("Saved."),
        redirect_to=reverse("grievances:list"),
    )


# --- Remedy with the site's supplier and the routed members (remediation.py) -----------------------


def _back(case: Case) -> str:
    return reverse("grievances:detail", args=[case.pk]) + "#remediation"


def _remedy_action(
    request: HttpRequest, case: Case, form_class: type[F], service: Callable[[F], object]
) -> HttpResponse:
    return form_action(request, form_class, service, success_message=_("Saved."), redirect_to=_back(case))


@org_required
@require_POST
def share_supplier(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor, case, key = _handling(request, case_id)
    return _remedy_action(
        request, case, forms.ShareSupplierForm, lambda form: remediation.share_with_supplier(actor, case, key)
    )


@org_required
@require_POST
def open_action(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor, case, key = _handling(request, case_id)
    return _remedy_action(
        request,
        case,
        forms.ActionForm,
        lambda form: remediation.open_action(actor, case, key, form.cleaned_data["text"], form.cleaned_data["due_on"]),
    )


def _case_action(request: HttpRequest, case_id: uuid.UUID, number: int) -> tuple[Actor, Case, Any]:
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    action = case.actions.filter(number=number).first()
    if action is None:
        raise Http404
    action.case = case
    return actor, case, action


@org_required
@require_POST
def add_evidence(request: HttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    actor, case, action = _case_action(request, case_id, number)
    if remediation.supplier_recipient(actor, case) is None:
        raise PermissionDenied(_("Only the site's supplier adds evidence."))
    return _remedy_action(
        request,
        case,
        forms.EvidenceForm,
        lambda form: remediation.add_evidence(actor, action, form.cleaned_data["note"]),
    )


@org_required
@require_POST
def verify_action(request: HttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    actor, case, action = _case_action(request, case_id, number)
    if not (remediation.is_case_handler(actor, case) or remediation.member_recipient(actor, case)):
        raise PermissionDenied(_("You may not verify this action."))
    return _remedy_action(
        request,
        case,
        forms.VerifyForm,
        lambda form: remediation.verify_action(actor, action, form.cleaned_data["method"], form.cleaned_data["note"]),
    )


@org_required
@require_POST
def add_member_entry(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    if remediation.member_recipient(actor, case) is None:
        raise PermissionDenied(_("Only the members the case is routed to add entries."))
    return _remedy_action(
        request,
        case,
        forms.MemberEntryForm,
        lambda form: remediation.add_member_entry(actor, case, form.entry_input()),
    )


def _member_entry(request: HttpRequest, case_id: uuid.UUID, number: int) -> tuple[Actor, Case, Any]:
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    entries = case.member_entries.filter(number=number)
    if not remediation.is_case_handler(actor, case):
        entries = entries.filter(org=actor.org)  # a member finds its own entries only
    entry = entries.first()
    if entry is None:
        raise Http404
    entry.case = case
    return actor, case, entry


@org_required
@require_POST
def commitment_status(request: HttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    actor, case, entry = _member_entry(request, case_id, number)
    return _remedy_action(
        request,
        case,
        forms.CommitmentStatusForm,
        lambda form: remediation.set_commitment_status(actor, entry, form.cleaned_data["status"]),
    )


@org_required
@require_POST
def show_member_entry(request: HttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    actor, case, _key = _handling(request, case_id)
    _actor, _case, entry = _member_entry(request, case_id, number)
    return _remedy_action(
        request,
        case,
        forms.ShowToReporterForm,
        lambda form: remediation.show_to_reporter(actor, entry, form.cleaned_data["shown"]),
    )
