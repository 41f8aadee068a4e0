"""The public side: the intake form, the rules of procedure and follow-up by receipt.

No account, no JavaScript, one small stylesheet. The language is part of the URL and
activated for the request only (the staff UI keeps its own language list). Nothing about
the person is kept: no IP address or user agent is stored or logged (the throttle keeps a
keyed hash of the source address in the cache, with an expiry, and nothing else). The
reporter's own browser keeps a keyed hash of its receipts (``DEVICE_COOKIE``), so that a
shared address's limit does not lock the reporter out of their own case.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods, require_safe

from covenant.core.actors import Actor
from covenant.grievances import crypto, remediation, selectors, services
from covenant.grievances.models import Case, Channel, Mechanism, Satisfaction, Stage, Topic
from covenant.registry.interface import facility_by_public_id

LANGUAGE_CODES = [code for code, _name in settings.GRIEVANCE_LANGUAGES]


def intake_languages() -> list[tuple[str, str]]:
    return list(settings.GRIEVANCE_LANGUAGES)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    # The site-wide "same-origin" referrer policy stays: "no-referrer" would make browsers send
    # "Origin: null" with the form, and CSRF protection would (rightly) refuse it.
    return response


def in_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Activate the URL's intake language while the view runs and renders."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, lang: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if lang not in LANGUAGE_CODES:
            raise Http404
        mechanism = selectors.public_mechanism(slug)
        with translation.override(lang):
            response = view(request, mechanism, lang, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response["Content-Language"] = lang
        return _no_store(response)

    return wrapper


def heading(mechanism: Mechanism) -> str:
    """The mechanism's name in the active language. The name it opened with is English
    ("<secretariat>: grievances"); the secretariat's own name is a proper name and stays. A name
    the initiative chose itself is shown as it is."""
    secretariat = mechanism.secretariat.name
    if mechanism.name != services.default_mechanism_name(secretariat):
        return mechanism.name
    return translation.gettext("%(name)s: complaints") % {"name": secretariat}


def _context(mechanism: Mechanism, lang: str, **extra: Any) -> dict[str, Any]:
    return {
        "mechanism": mechanism,
        "heading": heading(mechanism),
        "lang": lang,
        "rtl": lang in settings.GRIEVANCE_RTL_LANGUAGES,
        "languages": intake_languages(),
        **extra,
    }


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, context, status=status)


@require_safe
def choose_language(request: HttpRequest, slug: str) -> HttpResponse:
    mechanism = selectors.public_mechanism(slug)
    # Each choice says what it leads to in its own language, so nobody needs English to pick.
    choices = []
    for code, name in intake_languages():
        with translation.override(code):
            choices.append((code, name, translation.gettext("Report a problem at work")))
    context = {
        "mechanism": mechanism,
        "heading": heading(mechanism),
        "languages": intake_languages(),
        "choices": choices,
        "rtl_languages": settings.GRIEVANCE_RTL_LANGUAGES,
    }
    return _no_store(render(request, "grievances/public/languages.html", context))


@in_language
@require_safe
def rules(request: HttpRequest, mechanism: Mechanism, lang: str) -> HttpResponse:
    stage_days = mechanism.stage_days or {}
    stages = [
        (Stage(code).label, stage_days.get(code))
        for code in (
            Stage.ADMISSIBILITY,
            Stage.INVESTIGATION,
            Stage.REMEDY_PLAN,
            Stage.REMEDY_IMPLEMENTED,
            Stage.APPEAL,
        )
    ]
    return _render(request, "grievances/public/rules.html", _context(mechanism, lang, stages=stages))


# --- Workplace lookup --------------------------------------------------------------------------


# The search lives with the reads (the handlers' link search uses it too); the intake and the
# SMS/WhatsApp dialogue call it from here.
find_workplaces = selectors.find_workplaces


def _photos(request: HttpRequest) -> list[bytes]:
    limit = int(settings.GRIEVANCE_PHOTO_MAX_BYTES) + 1  # one byte over is enough to refuse
    return [f.read(limit) for f in request.FILES.getlist("photos")[: int(settings.GRIEVANCE_PHOTOS_MAX) + 1] if f.size]


def intake_from_post(
    request: HttpRequest, mechanism: Mechanism, lang: str, channel: str
) -> tuple[services.Intake, list[str]]:
    """Build the service's input from the form; returns it and any problems with the workplace."""
    post = request.POST
    errors: list[str] = []
    facility = None
    site_id = post.get("site_id", "").strip()
    chosen = post.get("facility", "").strip()
    if site_id:
        facility = facility_by_public_id(site_id)
        if facility is None:
            errors.append(
                translation.gettext("We do not know this site id. Check it, or write the name of the workplace.")
            )
    elif chosen:
        facility = facility_by_public_id(chosen)
    intake = services.Intake(
        mechanism=mechanism,
        channel=channel,
        language=lang,
        what=post.get("what", ""),
        topics=post.getlist("topics"),
        facility=facility,
        workplace=post.get("workplace", ""),
        contact=post.get("contact", "") if post.get("share_contact") or channel == Channel.OPERATOR else "",
        photos=_photos(request),
        supplier_consent=bool(post.get("supplier_consent")) and channel == Channel.WEB,
    )
    return intake, errors


@in_language
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, mechanism: Mechanism, lang: str) -> HttpResponse:
    # The workplace search is a POST too: what people type must not end up in access logs.
    post = request.POST
    q, town = post.get("q", ""), post.get("town", "")
    searching = request.method == "POST" and post.get("action") == "search"
    found = find_workplaces(q, town) if searching and q else []
    errors: list[str] = []
    values: dict[str, Any] = {
        k: post.get(k, "") for k in ("what", "workplace", "contact", "site_id", "facility", "supplier_consent")
    }
    values["topics"] = post.getlist("topics")
    if request.method == "POST" and not searching:
        intake_input, errors = intake_from_post(request, mechanism, lang, Channel.WEB)
        if intake_input.facility is not None:
            found = [intake_input.facility]
        if not errors:
            try:
                services.count_submission(_source(request))
                submitted = services.submit(Actor.anonymous(), intake_input)
            except services.Throttled:
                context = _context(mechanism, lang, throttled=True, topics=Topic.choices, values=values, found=found)
                return _render(request, "grievances/public/intake.html", context, status=429)
            except ValidationError as exc:
                errors = list(exc.messages)
            else:
                response = _render(
                    request,
                    "grievances/public/receipt.html",
                    _context(mechanism, lang, receipt=crypto.format_receipt(submitted.receipt)),
                )
                _remember_device(request, response, mechanism, submitted.receipt)
                return response
    context = _context(
        mechanism,
        lang,
        topics=Topic.choices,
        found=found,
        q=q,
        town=town,
        searched=searching and bool(q),
        errors=errors,
        values=values,
        max_mb=int(settings.GRIEVANCE_PHOTO_MAX_BYTES) // (1024 * 1024),
    )
    return _render(request, "grievances/public/intake.html", context, status=400 if errors else 200)


# A browser that sent a report or opened a case keeps its receipt's ``services.device_token``
# (at most three, the latest first), only for this mechanism's public pages: with it, a shared
# address's limit on failed look-ups does not lock its own case (docs/grievances.md).
DEVICE_COOKIE = "grv_device"
DEVICE_COOKIE_DAYS = 180
DEVICE_TOKENS_KEPT = 3


def _devices(request: HttpRequest) -> list[str]:
    return [t for t in request.COOKIES.get(DEVICE_COOKIE, "").split(".") if t][:DEVICE_TOKENS_KEPT]


def _remember_device(request: HttpRequest, response: HttpResponse, mechanism: Mechanism, receipt: str) -> None:
    token = services.device_token(receipt)
    tokens = [token] + [t for t in _devices(request) if t != token]
    response.set_cookie(
        DEVICE_COOKIE,
        ".".join(tokens[:DEVICE_TOKENS_KEPT]),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        path=reverse("grievances:languages", args=[mechanism.slug]),
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )


def _source(request: HttpRequest) -> str:
    """The client address as the throttle's key: only ever kept as a keyed hash in the cache,
    with an expiry. Behind ``AXES_IPWARE_PROXY_COUNT`` proxies, the address they forwarded."""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", ""))


def reporter_entries(case: Case, key: bytes) -> list[dict[str, Any]]:
    rows = []
    for entry in case.entries.all():
        if not entry.reporter_sees:
            continue
        rows.append(
            {
                "kind": entry.kind,
                "stage": Stage(entry.stage).label if entry.stage else "",
                "on": entry.created_on,
                "body": services.entry_body(entry, key),
            }
        )
    return rows


def reporter_remedies(case: Case, key: bytes) -> list[dict[str, Any]]:
    """The remedies agreed, as the reporter sees them: type, amount, whether done, and the text."""
    return [
        {
            "type": remedy.get_type_display(),
            "amount": f"{remedy.amount} {remedy.currency}".strip() if remedy.amount else "",
            "implemented": remedy.implemented,
            "description": services.open_text(case, key, f"remedy:{remedy.pk}", remedy.description_enc),
        }
        for remedy in case.remedies.order_by("pk")
    ]


@in_language
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, mechanism: Mechanism, lang: str) -> HttpResponse:
    if request.method == "GET":
        return _render(request, "grievances/public/follow_up.html", _context(mechanism, lang))
    try:
        opened = services.open_case(request.POST.get("receipt", ""), _source(request), _devices(request))
    except services.Throttled:
        return _render(
            request, "grievances/public/follow_up.html", _context(mechanism, lang, throttled=True), status=429
        )
    if opened is None or opened.case.mechanism_id != mechanism.pk:
        return _render(
            request, "grievances/public/follow_up.html", _context(mechanism, lang, not_found=True), status=404
        )
    notice = ""
    errors: list[str] = []
    action = request.POST.get("action", "")
    try:
        if action == "reply":
            services.reporter_reply(opened, request.POST.get("text", ""), _photos(request))
            notice = "added"
        elif action == "satisfaction":
            services.reporter_satisfaction(opened, request.POST.get("satisfaction", ""))
            notice = "thanks"
    except ValidationError as exc:
        errors = list(exc.messages)
    case = opened.case
    receipt = opened.new_receipt or crypto.normalize_receipt(request.POST.get("receipt", "")) or ""
    context = _context(
        mechanism,
        lang,
        case=case,
        stage=case.get_stage_display(),
        entries=reporter_entries(case, opened.key),
        # What they wrote, so they can check it; never the contact details they left.
        what=services.read_content(case, opened.key).what,
        receipt=receipt,
        new_receipt=crypto.format_receipt(opened.new_receipt) if opened.new_receipt else "",
        notice=notice,
        errors=errors,
        ask_satisfaction=case.stage == Stage.CLOSED and not case.satisfaction,
        outcome=case.get_outcome_display() if case.stage == Stage.CLOSED and case.outcome else "",
        remedies=reporter_remedies(case, opened.key),
        # Members' entries a handler chose to show (remediation.py).
        member_entries=remediation.reporter_member_entries(case, opened.key),
        satisfaction_choices=Satisfaction.choices,
        max_mb=int(settings.GRIEVANCE_PHOTO_MAX_BYTES) // (1024 * 1024),
    )
    response = _render(request, "grievances/public/case.html", context, status=400 if errors else 200)
    if receipt:
        _remember_device(request, response, mechanism, receipt)
    return response
