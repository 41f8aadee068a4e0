"""Pages of the supplier self-assessment: the supplier's sites and SAQs (sections, workforce profile,
submission, sharing, gap report), members' shared SAQs, and the secretariat's counts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.core.decorators import org_required
from covenant.core.roles import OrgKind
from covenant.core.web import actor_of, flash_errors, flash_form_errors, form_action
from covenant.registry import interface as registry
from covenant.saq import gaps, questionnaire, selectors, services
from covenant.saq.forms import (
    DecideForm,
    SectionForm,
    ShareForm,
    ShareLinkedForm,
    SubmitForm,
    WorkforceForm,
    nationalities_text,
)
from covenant.saq.models import Saq, SaqStatus


@require_safe
@org_required
def saq_list(request: HttpRequest) -> HttpResponse:
    """The supplier's sites, each with its current SAQ (valid until, completeness) and open draft."""
    actor = actor_of(request)
    rows = selectors.own_sites(actor)
    context = {
        "rows": rows,
        "today": timezone.localdate(),
        "sharing": selectors.sharing_choice(actor),
        "sharing_form": ShareLinkedForm(
            initial={"share_with_linked": selectors.sharing_choice(actor).share_with_linked}
        ),
        "requests": selectors.requests(actor),
        "actor": actor,
    }
    return render(request, "saq/list.html", context)


@require_POST
@org_required
def start(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = actor_of(request)
    site = selectors.own_site(actor, public_id)
    saq = services.start(actor, site)
    return redirect("saq:detail", saq.pk)


def _sections(saq: Saq) -> list[dict[str, object]]:
    version = questionnaire.load(saq.version)
    rows = []
    for section in version.sections:
        done, total = version.section_completeness(section, saq.answers)
        answers = [
            (q, q.answer_label(saq.answers.get(q.code), version.answer_texts), q.risk_delta(saq.answers.get(q.code)))
            for q in section.questions
        ]
        rows.append({"section": section, "done": done, "total": total, "answers": answers})
    return rows


def _nationalities(saq: Saq) -> list[tuple[str, int]]:
    from covenant.risk.explain import country_label

    return [(country_label(r["country"]), r["count"]) for r in saq.nationalities]


@require_safe
@org_required
def detail(request: HttpRequest, saq_id: int) -> HttpResponse:
    """A SAQ as its owner or a reader sees it: answers by section, workforce profile, validity."""
    actor = actor_of(request)
    saq = selectors.get_saq(actor, saq_id)
    owner = actor.org is not None and saq.owner_id == actor.org.pk
    version = questionnaire.load(saq.version)
    context = {
        "saq": saq,
        "version": version,
        "sections": _sections(saq),
        "nationalities": _nationalities(saq),
        "owner": owner,
        "editable": owner and actor.can_edit and saq.status == SaqStatus.DRAFT,
        "missing": services.missing(saq) if owner and saq.status == SaqStatus.DRAFT else [],
        "submit_form": SubmitForm(),
        "actor": actor,
        "shares": selectors.shares_of(actor, saq.facility).filter(withdrawn_at__isnull=True).count() if owner else None,
    }
    return render(request, "saq/detail.html", context)


def _own_draft(request: HttpRequest, saq_id: int) -> Saq:
    """The supplier's own SAQ (404 for anyone else)."""
    return selectors.own_saq(actor_of(request), saq_id)


@require_http_methods(["GET", "POST"])
@org_required
def section(request: HttpRequest, saq_id: int, code: str) -> HttpResponse:
    actor = actor_of(request)
    saq = _own_draft(request, saq_id)
    version = questionnaire.load(saq.version)
    part = version.section(code)
    if part is None:
        raise Http404
    if request.method == "POST":
        form = SectionForm(request.POST, version=version, section=part)
        if form.is_valid():
            try:
                services.save_section(actor, saq, code, form.answers())
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("Answers saved."))
                following = [s.code for s in version.sections]
                nxt = following.index(code) + 1
                if "next" in request.POST and nxt < len(following):
                    return redirect("saq:section", saq.pk, following[nxt])
                return redirect("saq:detail", saq.pk)
        else:
            flash_form_errors(request, form)
    else:
        form = SectionForm(initial=saq.answers, version=version, section=part)
    index = [s.code for s in version.sections].index(code)
    context = {
        "saq": saq,
        "form": form,
        "section": part,
        "position": index + 1,
        "count": len(version.sections),
        "editable": actor.can_edit and saq.status == SaqStatus.DRAFT,
    }
    return render(request, "saq/section.html", context)


@require_http_methods(["GET", "POST"])
@org_required
def workforce(request: HttpRequest, saq_id: int) -> HttpResponse:
    actor = actor_of(request)
    saq = _own_draft(request, saq_id)
    if request.method == "POST":
        form = WorkforceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_workforce(
                    actor,
                    saq,
                    services.Workforce(
                        **{n: data[n] for n in services.WORKFORCE_FIELDS}, nationalities=data["nationalities"]
                    ),
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("Workforce profile saved."))
                return redirect("saq:detail", saq.pk)
        else:
            flash_form_errors(request, form)
    else:
        initial: dict[str, object] = {n: getattr(saq, n) for n in services.WORKFORCE_FIELDS}
        initial["nationalities"] = nationalities_text(saq.nationalities)
        form = WorkforceForm(initial=initial)
    context = {"saq": saq, "form": form, "editable": actor.can_edit and saq.status == SaqStatus.DRAFT}
    return render(request, "saq/workforce.html", context)


@require_POST
@org_required
def submit(request: HttpRequest, saq_id: int) -> HttpResponse:
    actor = actor_of(request)
    saq = _own_draft(request, saq_id)
    return form_action(
        request,
        SubmitForm,
        lambda form: services.submit(actor, saq),
        success_message=_("Self-assessment submitted: it is valid for 12 months."),
        redirect_to=reverse("saq:detail", args=[saq.pk]),
    )


@require_safe
@org_required
def gap_report(request: HttpRequest, saq_id: int) -> HttpResponse:
    """The supplier's own: its answers that signal risk, by topic, with first steps and resources."""
    saq = _own_draft(request, saq_id)
    return render(request, "saq/gaps.html", {"saq": saq, "topics": gaps.gap_report(saq)})


@require_http_methods(["GET", "POST"])
@org_required
def share(request: HttpRequest, public_id: str) -> HttpResponse:
    """The supplier's sharing page for one site: whom it shares the site's SAQs with, and requests."""
    actor = actor_of(request)
    site = selectors.own_site(actor, public_id)
    if request.method == "POST":
        return form_action(
            request,
            ShareForm,
            lambda form: services.share(actor, site, form.cleaned_data["member"]),
            success_message=_("Shared."),
            redirect_to=reverse("saq:share", args=[site.public_id]),
        )
    context = {
        "site": site,
        "shares": selectors.shares_of(actor, site),
        "requests": selectors.requests(actor).filter(facility=site),
        "form": ShareForm(),
        "sharing": selectors.sharing_choice(actor),
        "actor": actor,
    }
    return render(request, "saq/share.html", context)


@require_POST
@org_required
def withdraw(request: HttpRequest, public_id: str, member_id: int) -> HttpResponse:
    actor = actor_of(request)
    site = selectors.own_site(actor, public_id)
    item = selectors.get_share(actor, site, member_id)
    try:
        services.withdraw(actor, site, item.org)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Sharing withdrawn."))
    return redirect("saq:share", site.public_id)


@require_POST
@org_required
def sharing(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SUPPLIER)
    return form_action(
        request,
        ShareLinkedForm,
        lambda form: services.set_share_with_linked(actor, form.cleaned_data["share_with_linked"]),
        success_message=_("Your sharing choice is saved."),
        redirect_to="saq:list",
    )


@require_POST
@org_required
def decide(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_request(actor, request_id)
    return form_action(
        request,
        DecideForm,
        lambda form: services.decide_request(actor, item, grant=form.cleaned_data["grant"]),
        success_message=_("Request answered."),
        redirect_to=reverse("saq:share", args=[item.facility.public_id]),
    )


@require_POST
@org_required
def ask(request: HttpRequest, public_id: str) -> HttpResponse:
    """A member linked to the site asks its supplier for the site's SAQ."""
    actor = actor_of(request)
    site = registry.get_facility(actor, public_id)
    try:
        services.request_saq(actor, site)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Your request was sent to the site's supplier."))
    return redirect("registry:facility", site.public_id)


@require_safe
@org_required
def shared(request: HttpRequest) -> HttpResponse:
    """A member's list of the current SAQs shared with it, and the requests it sent."""
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    context = {
        "saqs": selectors.shared_with_me(actor),
        "requests": selectors.requests(actor, status=""),
        "today": timezone.localdate(),
    }
    return render(request, "saq/shared.html", context)


@require_safe
@org_required
def sector(request: HttpRequest) -> HttpResponse:
    """The secretariat's counts: how many sites have a valid SAQ. No site, no supplier, no answer."""
    return render(request, "saq/sector.html", {"counts": selectors.sector_counts(actor_of(request))})
