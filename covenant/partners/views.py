"""Pages of finding partners: the member's shared sites and hotspots, and the secretariat's counts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_countries import countries

from covenant.core.decorators import org_required
from covenant.core.roles import OrgKind
from covenant.core.web import actor_of, form_action
from covenant.partners import selectors, services
from covenant.partners.forms import FilterForm, InterestForm, WithdrawForm


@require_safe
@org_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    filters = FilterForm(request.GET)
    topic = country = ""
    if filters.is_valid():
        topic, country = filters.cleaned_data["topic"], filters.cleaned_data["country"].upper()
    view = selectors.shared(actor, topic=topic, country=country)
    return render(
        request,
        "partners/home.html",
        {
            "view": view,
            "topic": topic,
            "country": country,
            "country_choices": [(cc, countries.name(cc) or cc) for cc in view.countries],
            "can_edit": actor.can_edit,
            "form": InterestForm(),
        },
    )


@require_POST
@org_required
def signal(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    return form_action(
        request,
        InterestForm,
        lambda form: services.signal_interest(
            actor,
            form.cleaned_data["kind"],
            form.cleaned_data["key"],
            note=form.cleaned_data["note"],
            show_contact=form.cleaned_data["show_contact"],
        ),
        success_message=_("Your interest is noted. Others see nothing of it until they signal interest too."),
        redirect_to="partners:home",
    )


@require_POST
@org_required
def withdraw(request: HttpRequest, interest_id: int) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    interest = selectors.get_own_interest(actor, interest_id)
    return form_action(
        request,
        WithdrawForm,
        lambda _form: services.withdraw_interest(actor, interest),
        success_message=_("Your interest is withdrawn: partners no longer see you on this subject."),
        redirect_to="partners:home",
    )


@require_safe
@org_required
def overview(request: HttpRequest) -> HttpResponse:
    counts = selectors.sector_counts(actor_of(request))
    return render(request, "partners/overview.html", {"counts": counts})
