"""Pages for grievance handlers and for the members cases are routed to. Thin: parse, call, render.

A handler reads content only after unlocking the organisation's key (keyring.py);
members see a redacted view (topics, site, stage, dates) unless given the full case.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from covenant.core.decorators import org_required
from covenant.core.web import actor_of, flash_errors
from covenant.grievances import crypto, keyring, public, selectors, services
from covenant.grievances.models import (
    STAGE_FLOW,
    Attachment,
    Channel,
    EntryKind,
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
    }
    return render(request, "grievances/list.html", context)


@org_required
@never_cache
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
        "may_hold": actor.kind in (OrgKind.SECRETARIAT, OrgKind.CSO, OrgKind.MEMBER),
    }
    return _no_store(render(request, "grievances/key.html", context))


@org_required
@never_cache
def detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    recipient = selectors.recipient(actor, case)
    handler = bool(recipient and recipient.handler and selectors.is_handler(actor))
    key = services.case_key_for(actor, case, _private_key(request))
    content = services.read_content(case, key) if key else None
    if content is not None:
        services.record_read(actor, case)
    entries = []
    for entry in case.entries.select_related("author_org"):
        if entry.kind == EntryKind.NOTE and not handler:
            continue
        entries.append({"entry": entry, "body": services.entry_body(entry, key) if key else ""})
    context = {
        "case": case,
        "handler": handler,
        "content": content,
        "locked": key is None and (handler or bool(recipient and recipient.full_access)),
        "entries": entries,
        "attachments": list(case.attachments.all()) if key else [],
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
    }
    return _no_store(render(request, "grievances/detail.html", context))


def _decimal(value: str) -> Decimal | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise ValidationError(_("Give the amount as a number.")) from exc


def _int(value: str) -> int:
    try:
        return int(value or 0)
    except ValueError as exc:
        raise ValidationError(_("Give numbers of people as whole numbers.")) from exc


@org_required
@require_POST
def act(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Every handler action on a case, chosen by ``action``."""
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    services.require_handler(actor, case)
    key = services.case_key_for(actor, case, _private_key(request))
    post = request.POST
    action = post.get("action", "")
    try:
        if action == "stage":
            services.move_to(actor, case, post.get("stage", ""), key, reason=post.get("reason", ""))
        elif action == "note":
            services.add_note(actor, case, key, post.get("text", ""))
        elif action == "message":
            services.message_reporter(actor, case, key, post.get("text", ""))
        elif action == "assign":
            services.assign(actor, case, [int(v) for v in post.getlist("handlers") if v.isdigit()])
        elif action == "retaliation":
            services.set_retaliation(actor, case, key, post.get("at_risk") == "on", post.get("measures", ""))
        elif action == "remedy":
            services.record_remedy(
                actor,
                case,
                key,
                services.RemedyInput(
                    type=post.get("type", ""),
                    amount=_decimal(post.get("amount", "")),
                    currency=post.get("currency", ""),
                    female=_int(post.get("female", "")),
                    male=_int(post.get("male", "")),
                    other=_int(post.get("other", "")),
                    implemented=post.get("implemented") == "on",
                    description=post.get("description", ""),
                ),
            )
        elif action == "grant":
            org_id = int(post.get("org", "0")) if post.get("org", "").isdigit() else 0
            member = case.recipients.filter(org_id=org_id, handler=False).first()
            if member is None:
                raise ValidationError(_("This organisation did not receive the case."))
            services.grant_full_access(actor, case, key, member.org)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("grievances:detail", case_id=case.pk)


@org_required
@never_cache
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


@org_required
@never_cache
def operator_intake(request: HttpRequest) -> HttpResponse:
    """Hotline staff enter a case for a caller; the receipt they read out changes at the first follow-up."""
    actor = actor_of(request)
    mechanism = selectors.mechanism_for(actor)
    if mechanism is None or not selectors.is_handler(actor):
        raise PermissionDenied(_("Only grievance handlers may enter a case for someone."))
    receipt = ""
    errors: list[str] = []
    lang = request.POST.get("language", "en")
    if lang not in public.LANGUAGE_CODES:
        lang = "en"
    if request.method == "POST":
        intake_input, errors = public.intake_from_post(request, mechanism, lang, Channel.OPERATOR)
        if not errors:
            try:
                submitted = services.submit(actor, intake_input)
            except ValidationError as exc:
                errors = list(exc.messages)
            else:
                receipt = crypto.format_receipt(submitted.receipt)
    context = {
        "mechanism": mechanism,
        "receipt": receipt,
        "errors": errors,
        "topics": Topic.choices,
        "languages": public.intake_languages(),
    }
    return _no_store(render(request, "grievances/operator.html", context, status=400 if errors else 200))


@org_required
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
    try:
        services.set_participation(actor, mechanism, request.POST.get("takes_part") == "on")
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("grievances:list")
