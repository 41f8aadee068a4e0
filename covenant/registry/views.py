"""Pages of the shared register and of a member's supply chain."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.core.actors import Actor
from covenant.core.decorators import org_required
from covenant.core.mapsvg import MapPoint, render_world_map
from covenant.core.web import actor_of, flash_errors, form_action
from covenant.orgs.models import OrgKind
from covenant.registry import exports, selectors, services
from covenant.registry.countries import parse_country
from covenant.registry.extensions import chain_view
from covenant.registry.forms import (
    ClaimForm,
    EdgeForm,
    LinkEndsForm,
    LinkForm,
    MappingForm,
    MergeForm,
    ModerationForm,
    PairForm,
    PublishForm,
    RejectSiteForm,
    SiteChoiceForm,
    SiteForm,
    SplitForm,
    UploadForm,
)
from covenant.registry.models import RowStatus, SpendBand, UploadMode, UploadStatus


def _member(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    return actor


# --- The register -------------------------------------------------------------------------


@org_required
@require_safe
def facilities(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = request.GET.get("q", "")
    country = request.GET.get("country", "")
    page = Paginator(selectors.search_facilities(actor, q=q, country=country), 50).get_page(request.GET.get("page"))
    return render(request, "registry/facilities.html", {"page": page, "q": q, "country": country})


@org_required
@require_safe
def facility(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = actor_of(request)
    site = selectors.get_facility(actor, public_id)
    if site.public_id != public_id.upper():
        messages.info(
            request, _("%(old)s was merged into %(new)s.") % {"old": public_id.upper(), "new": site.public_id}
        )
        return redirect("registry:facility", public_id=site.public_id)
    link = selectors.own_link(actor, site) if actor.kind == OrgKind.MEMBER else None
    map_svg = ""
    if site.has_coordinates:
        assert site.lat is not None and site.lng is not None
        map_svg = render_world_map(
            points=[MapPoint(site.lat, site.lng, site.name, "site")], focus=site.country, title=site.name, width=640
        )
    context = {
        "site": site,
        "aliases": site.aliases.all(),
        "identifiers": site.identifiers.all(),
        "peers": selectors.peer_summary(actor, site) if actor.kind == OrgKind.MEMBER else None,
        "link": link,
        "map_svg": map_svg,
        "claim_form": ClaimForm() if actor.kind == OrgKind.SUPPLIER and site.owner_id != actor.org.pk else None,  # type: ignore[union-attr]
        "edge_form": EdgeForm(initial={"buyer": site.public_id}) if link else None,
    }
    return render(request, "registry/facility.html", context)


# --- Supplier lists -------------------------------------------------------------------------


@org_required
@require_http_methods(["GET", "POST"])
def lists(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            supplier_list = services.create_list(actor, form.cleaned_data["list_name"])
            # One byte over the limit is enough for the service to refuse it; never hold a huge upload in memory.
            data = uploaded.read(services.MAX_UPLOAD_BYTES + 1)
            upload = services.start_upload(
                actor,
                supplier_list,
                filename=uploaded.name,
                data=data,
                mode=form.cleaned_data["mode"] or UploadMode.FULL,
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            if upload.status == UploadStatus.MAPPING:
                return redirect("registry:upload_mapping", upload_id=upload.pk)
            return redirect("registry:upload", upload_id=upload.pk)
    # Archived lists (and their uploads) are out of the way unless asked for.
    show_archived = request.GET.get("archived") == "1"
    uploads = selectors.member_uploads(actor)
    if not show_archived:
        uploads = uploads.filter(supplier_list__archived_at__isnull=True)
    context = {
        "form": form,
        "lists": selectors.member_lists(actor, archived=None if show_archived else False),
        "uploads": uploads[:20],
        "show_archived": show_archived,
    }
    return render(request, "registry/lists.html", context)


@org_required
@require_safe
def upload(request: HttpRequest, upload_id: uuid.UUID) -> HttpResponse:
    actor = _member(request)
    item = selectors.get_upload(actor, upload_id)
    status = request.GET.get("status", "")
    rows = selectors.upload_rows(actor, item, status if status in RowStatus.values else "")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    bands = dict(SpendBand.choices)
    pending = [p | {"spend_band_label": bands.get(p["spend_band"], "")} for p in item.diff.get("pending_ends", [])]
    return render(
        request,
        "registry/upload.html",
        {"upload": item, "page": page, "status": status, "statuses": RowStatus.choices, "pending_ends": pending},
    )


@org_required
@require_POST
def upload_ends(request: HttpRequest, upload_id: uuid.UUID) -> HttpResponse:
    actor = _member(request)
    item = selectors.get_upload(actor, upload_id)

    def decide(form: LinkEndsForm) -> object:
        return services.decide_link_ends(actor, item, end_links=form.cleaned_data["decision"] == "end")

    return form_action(
        request,
        LinkEndsForm,
        decide,
        success_message=_("Done: your answer is recorded."),
        redirect_to=reverse("registry:upload", args=[item.pk]),
    )


@org_required
@require_http_methods(["GET", "POST"])
def upload_mapping(request: HttpRequest, upload_id: uuid.UUID) -> HttpResponse:
    actor = _member(request)
    item = selectors.get_upload(actor, upload_id)
    form = MappingForm(request.POST or None, headers=item.headers, initial_mapping=item.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_mapping(actor, item, form.mapping())
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            return redirect("registry:upload", upload_id=item.pk)
    samples = selectors.column_samples(actor, item)
    return render(request, "registry/upload_mapping.html", {"upload": item, "form": form, "samples": samples})


@org_required
@require_safe
def upload_export(request: HttpRequest, upload_id: uuid.UUID) -> HttpResponse:
    """The upload's results as CSV or XLSX, with the register's facility ids added."""
    actor = _member(request)
    item = selectors.get_upload(actor, upload_id)
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    return exports.results_response(item, selectors.upload_results(actor, item), fmt)


@org_required
@require_http_methods(["GET", "POST"])
def list_archive(request: HttpRequest, list_id: uuid.UUID) -> HttpResponse:
    """Archive a list after a page that says how many links end (and whether it can be deleted)."""
    actor = _member(request)
    supplier_list = selectors.get_list(actor, list_id)
    if request.method == "POST":
        try:
            ended = services.archive_list(actor, supplier_list)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request,
                ngettext("%(name)s is archived; %(n)s link ended.", "%(name)s is archived; %(n)s links ended.", ended)
                % {"name": supplier_list.name, "n": ended},
            )
            return redirect("registry:lists")
    context = {
        "supplier_list": supplier_list,
        "links": selectors.list_links_count(actor, supplier_list),
        "blockers": services.list_deletion_blockers(supplier_list),
    }
    return render(request, "registry/list_archive.html", context)


@org_required
@require_POST
def list_delete(request: HttpRequest, list_id: uuid.UUID) -> HttpResponse:
    actor = _member(request)
    supplier_list = selectors.get_list(actor, list_id)
    try:
        services.delete_list(actor, supplier_list)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("registry:list_archive", list_id=supplier_list.pk)
    messages.success(request, _("%(name)s is deleted.") % {"name": supplier_list.name})
    return redirect("registry:lists")


# --- Review -------------------------------------------------------------------------------


@org_required
@require_safe
def review(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    supplier_list = _list_filter(actor, request.GET.get("list", ""))
    list_id = supplier_list.pk if supplier_list else None
    page = Paginator(selectors.review_queue(actor, list_id=list_id), 10).get_page(request.GET.get("page"))
    items = selectors.with_candidates(list(page.object_list), actor)
    context = {
        "page": page,
        "items": items,
        "lists": selectors.member_lists(actor),
        "current_list": supplier_list,
        "decided": selectors.recently_decided(actor, list_id=list_id),
    }
    return render(request, "registry/review.html", context)


def _list_filter(actor: Actor, value: str) -> Any:
    """The member's list a review page is filtered by (None: all lists; an unknown id: 404)."""
    if not value:
        return None
    try:
        return selectors.get_list(actor, uuid.UUID(value))
    except ValueError as exc:
        raise Http404 from exc


def _back_to_review(request: HttpRequest) -> HttpResponse:
    query = {"page": request.POST.get("page", "1")}
    if request.POST.get("list"):
        query["list"] = request.POST["list"]
    return redirect(f"{reverse('registry:review')}?{urlencode(query)}")


@org_required
@require_POST
def review_confirm(request: HttpRequest, row_id: int) -> HttpResponse:
    actor = _member(request)
    row = selectors.get_row(actor, row_id)
    try:
        target = selectors.get_facility(actor, request.POST.get("facility", ""))
        services.confirm_row(actor, row, target, searched=request.POST.get("searched") == "1")
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Row %(row)s is %(id)s.") % {"row": row.row_number, "id": target.public_id})
    return _back_to_review(request)


@org_required
@require_POST
def review_reject(request: HttpRequest, row_id: int) -> HttpResponse:
    actor = _member(request)
    row = selectors.get_row(actor, row_id)
    try:
        services.reject_candidate(actor, row, request.POST.get("facility", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back_to_review(request)


@org_required
@require_POST
def review_new(request: HttpRequest, row_id: int) -> HttpResponse:
    actor = _member(request)
    row = selectors.get_row(actor, row_id)
    try:
        services.create_facility_from_row(actor, row)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Row %(row)s added to the register as a new facility.") % {"row": row.row_number})
    return _back_to_review(request)


@org_required
@require_POST
def review_bulk(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    ids = [int(i) for i in request.POST.getlist("rows") if i.isdigit()]
    rows = [selectors.get_row(actor, i) for i in ids]
    try:
        done = services.bulk_confirm_best(actor, rows)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, ngettext("%(n)s row confirmed.", "%(n)s rows confirmed.", done) % {"n": done})
    return _back_to_review(request)


@org_required
@require_POST
def review_undo(request: HttpRequest, row_id: int) -> HttpResponse:
    """Take a review decision back: the row is in review again (see services.undo_decision)."""
    actor = _member(request)
    row = selectors.get_row(actor, row_id)
    try:
        services.undo_decision(actor, row)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Row %(row)s is back in review.") % {"row": row.row_number})
    return _back_to_review(request)


@org_required
@require_safe
def review_search(request: HttpRequest, row_id: int) -> HttpResponse:
    """Register sites for a row in review, as the reviewer types a name or a facility id
    (the same live suggestions as the add-a-site form, in the row's country)."""
    actor = _member(request)
    row = selectors.get_row(actor, row_id)
    q = request.GET.get("q", "").strip()[:300]
    candidates: tuple[selectors.SiteCandidate, ...] = ()
    if len(q) >= 3 and row.country:
        candidates = selectors.match_site(actor, name=q, address=row.address, country=row.country).candidates
        by_id = selectors.facility_by_public_id(q) if len(q) <= 15 else None
        if (
            by_id is not None
            and by_id.country == row.country
            and by_id.public_id not in {c.facility.public_id for c in candidates}
        ):
            visible = selectors.visible_facilities(actor).filter(pk=by_id.pk).exists()
            if visible:
                candidates = (selectors.SiteCandidate(by_id, 1.0, {}), *candidates)
    context = {"candidates": candidates, "row": row, "q": q, "page": request.GET.get("page", "1")}
    return render(request, "registry/_review_search.html", context)


# --- The member's chain --------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@org_required
@require_safe
def chain(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    tier = _int(request.GET.get("tier"))
    country = request.GET.get("country", "")
    q = request.GET.get("q", "")
    # Ended links are history: listed (marked, with their end date) only when asked for.
    include_ended = request.GET.get("ended") == "1"
    links = selectors.member_links(actor, tier=tier, country=country, q=q, include_ended=include_ended)
    # Apps above the register add their filters, sort and columns (risk: band, score, topic).
    view = chain_view(actor, links, request.GET)
    links = view.links
    # Plain values: the providers' columns (risk's CASE per row) are not computed for the map.
    located = links.filter(facility__lat__isnull=False, facility__lng__isnull=False)
    points = [
        MapPoint(lat, lng, name, f"tier-{min(tier, 3)}", href=reverse("registry:facility", args=[public_id]))
        for lat, lng, name, tier, public_id in located.values_list(
            "facility__lat", "facility__lng", "facility__name", "tier", "facility__public_id"
        )
        if lat is not None and lng is not None  # filtered above; says so to the type checker
    ]
    page = Paginator(links, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(link, view.cells(link)) for link in page.object_list],
        "extra": view,
        "summary": selectors.chain_summary(actor),
        "map_svg": render_world_map(points=points, title=_("Your supply chain"), focus="points" if points else None),
        "tier": tier,
        "country": country,
        "q": q,
        "include_ended": include_ended,
        "preferences": selectors.preferences(actor),
        "edges": selectors.member_edges(actor)[:50],
    }
    return render(request, "registry/chain.html", context)


@org_required
@require_safe
def chain_export(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    # The page's filters and sort carry over to the download, with the providers' columns.
    view = chain_view(actor, selectors.member_links(actor, include_ended=True), request.GET)
    return exports.chain_response(view.links, fmt, view)


@org_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, link_id: int) -> HttpResponse:
    actor = _member(request)
    item = selectors.get_link(actor, link_id)
    form = LinkForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.get_link(actor, link_id)
        try:
            services.update_link(actor, fresh, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:facility", public_id=item.facility.public_id)
    return render(request, "registry/link.html", {"link": item, "form": form})


@org_required
@require_http_methods(["GET", "POST"])
def add_site(request: HttpRequest) -> HttpResponse:
    """One site by hand: matched as it is typed; an unsure match comes back with the suggestions."""
    actor = _member(request)
    form = SiteForm(request.POST or None)
    candidates: tuple[selectors.SiteCandidate, ...] = ()
    if request.method == "POST" and form.is_valid():
        choice = SiteChoiceForm(request.POST)
        choice.is_valid()
        picked = choice.cleaned_data.get("facility") or ""
        data = form.cleaned_data
        try:
            outcome = services.add_site(
                actor,
                name=data["name"],
                address=data["address"],
                country=data["country"],
                identifiers=form.identifiers(),
                tier=data["tier"],
                products=data["products"],
                spend_band=data["spend_band"],
                facility=selectors.get_facility(actor, picked) if picked else None,
                create=bool(choice.cleaned_data.get("create")),
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            if outcome.decision == "review":
                candidates = outcome.candidates
            else:
                assert outcome.facility is not None
                text = (
                    _("%(name)s was added to the register and to your supply chain.")
                    if outcome.decision == "created"
                    else _("%(name)s is now in your supply chain.")
                )
                messages.success(request, text % {"name": outcome.facility.name})
                return redirect("registry:facility", public_id=outcome.facility.public_id)
    return render(request, "registry/add_site.html", {"form": form, "candidates": candidates})


@org_required
@require_safe
def site_suggestions(request: HttpRequest) -> HttpResponse:
    """The register sites that match what is typed so far (the add-a-site form asks as one types)."""
    actor = _member(request)
    name = request.GET.get("name", "").strip()[:300]
    country = parse_country(request.GET.get("country", "")[:60])
    candidates: tuple[selectors.SiteCandidate, ...] = ()
    if len(name) >= 3 and country is not None:
        candidates = selectors.match_site(
            actor, name=name, address=request.GET.get("address", "")[:500], country=country
        ).candidates
    context = {"candidates": candidates, "name": name, "country_known": country is not None}
    return render(request, "registry/_site_suggestions.html", context)


@org_required
@require_POST
def add_edge(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    form = EdgeForm(request.POST)
    if form.is_valid():
        try:
            supplier = selectors.get_facility(actor, form.cleaned_data["supplier"])
            buyer = selectors.get_facility(actor, form.cleaned_data["buyer"])
            products = [p.strip() for p in form.cleaned_data["products"].split(",") if p.strip()]
            services.add_edge(actor, supplier=supplier, buyer=buyer, products=products)
        except ValidationError as exc:
            flash_errors(request, exc)
        except Http404:
            messages.error(request, _("There is no facility with that id."))
        else:
            messages.success(request, _("%(a)s now shows as supplying %(b)s.") % {"a": supplier.name, "b": buyer.name})
    return redirect("registry:chain")


@org_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    services.set_preferences(
        actor,
        visible_to_peers=request.POST.get("visible_to_peers") == "on",
        disclose_publicly=request.POST.get("disclose_publicly") == "on",
    )
    messages.success(request, _("Your sharing choices are saved."))
    return redirect("registry:chain")


# --- Suppliers' claims and the secretariat's tools ----------------------------------------


@org_required
@require_POST
def claim(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = actor_of(request)
    site = selectors.get_facility(actor, public_id)
    form = ClaimForm(request.POST)
    if form.is_valid():
        try:
            services.claim_facility(actor, site, form.cleaned_data["evidence"])
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Your claim is sent to the secretariat."))
    return redirect("registry:facility", public_id=site.public_id)


@org_required
@require_safe
def claims(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.kind not in {OrgKind.SECRETARIAT, OrgKind.SUPPLIER}:
        raise PermissionDenied
    status = request.GET.get("status", "pending")
    return render(
        request,
        "registry/claims.html",
        {"claims": selectors.claims(actor, status=status), "status": status, "own": selectors.own_facilities(actor)},
    )


@org_required
@require_POST
def claim_decide(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_claim(actor, claim_id)
    try:
        services.decide_claim(
            actor, item, verified=request.POST.get("decision") == "verify", note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("registry:claims")


@org_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    source: QueryDict = request.POST if request.method == "POST" else request.GET
    pair = None
    picked = PairForm(source)
    if picked.is_valid():
        pair = selectors.get_duplicate_pair(actor, picked.cleaned_data["pair"])
        if request.method == "GET" and "loser" not in source and "survivor" not in source:
            # From the duplicates queue: the record more people rely on is proposed to remain.
            loser, survivor = selectors.suggested_survivor(pair)
            source = QueryDict(mutable=True)
            source.update({"loser": loser.public_id, "survivor": survivor.public_id, "pair": str(pair.pk)})
    form = MergeForm(source or None)
    preview = None
    if form.is_bound and form.is_valid():
        try:
            loser = selectors.get_facility(actor, form.cleaned_data["loser"])
            survivor = selectors.get_facility(actor, form.cleaned_data["survivor"])
        except Http404:
            messages.error(request, _("There is no facility with that id."))
        else:
            preview = (loser, survivor)
            if request.method == "POST" and request.POST.get("confirm") == "yes":
                try:
                    services.merge_facilities(actor, loser, survivor)
                except ValidationError as exc:
                    flash_errors(request, exc)
                else:
                    messages.success(
                        request,
                        _("Merged. %(old)s now points to %(new)s.")
                        % {"old": loser.public_id, "new": survivor.public_id},
                    )
                    if pair is not None:
                        return redirect("registry:duplicates")
                    return redirect("registry:facility", public_id=survivor.public_id)
    return render(request, "registry/merge.html", {"form": form, "preview": preview, "pair": pair})


# --- The moderation queue: provisional sites, for the secretariat ------------------------


def _secretariat(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    return actor


@org_required
@require_safe
def moderation(request: HttpRequest) -> HttpResponse:
    """Provisional sites, oldest first, each beside the confirmed register sites nearest to it."""
    actor = _secretariat(request)
    page = Paginator(selectors.moderation_queue(actor), 20).get_page(request.GET.get("page"))
    items = selectors.moderation_items(actor, list(page.object_list))
    return render(request, "registry/moderation.html", {"page": page, "items": items})


@org_required
@require_POST
def moderation_accept(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _secretariat(request)
    site = selectors.get_provisional(actor, public_id)
    return form_action(
        request,
        ModerationForm,
        lambda _form: services.accept_facility(actor, site),
        success_message=_("%(name)s is now part of the register.") % {"name": site.name},
        redirect_to="registry:moderation",
    )


@org_required
@require_http_methods(["GET", "POST"])
def moderation_reject(request: HttpRequest, public_id: str) -> HttpResponse:
    """Rejecting is final, so it asks first: what the site is and what rejecting it does."""
    actor = _secretariat(request)
    site = selectors.get_provisional(actor, public_id)
    form = RejectSiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reject_facility(actor, site)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(name)s was removed from the register.") % {"name": site.name})
            return redirect("registry:moderation")
    context = {"site": site, "form": form, "footprint": selectors.provisional_footprint(actor, site)}
    return render(request, "registry/moderation_reject.html", context)


@org_required
@require_http_methods(["GET", "POST"])
def split(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    site = selectors.get_facility(actor, public_id)
    form = SplitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.split_facility(
                actor,
                site,
                name=form.cleaned_data["name"],
                address=form.cleaned_data["address"],
                alias_ids=[int(i) for i in request.POST.getlist("aliases") if i.isdigit()],
                link_ids=[int(i) for i in request.POST.getlist("links") if i.isdigit()],
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("%(id)s was split off.") % {"id": new.public_id})
            return redirect("registry:facility", public_id=new.public_id)
    links = site.links.select_related("org").order_by("org__name")
    return render(
        request, "registry/split.html", {"site": site, "form": form, "aliases": site.aliases.all(), "links": links}
    )


@org_required
@require_http_methods(["GET", "POST"])
def disclosure(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    if request.method == "POST":
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Publish from the preview below."))
        else:
            try:
                publication = services.publish_disclosure(actor, fingerprint=form.cleaned_data["fingerprint"])
            except ValidationError as exc:
                # A stale preview: the page below is the new one, to check again.
                flash_errors(request, exc)
            else:
                messages.success(
                    request, _("Published %(n)s production locations.") % {"n": publication.facility_count}
                )
                return redirect("registry:disclosure")
    preview = selectors.disclosure_preview(actor)
    return render(
        request,
        "registry/disclosure.html",
        {
            "publication": preview.previous,
            "summary": selectors.register_summary(),
            "preview": preview,
            "rows": Paginator(preview.rows, 100).get_page(request.GET.get("page")),
            "form": PublishForm(initial={"fingerprint": preview.fingerprint}),
        },
    )


# --- The duplicates queue (secretariat) ---------------------------------------------------------


def _duplicates_page(request: HttpRequest, actor: Actor, job: Any = None) -> HttpResponse:
    country = parse_country(request.GET.get("country", "")[:60]) or ""
    pairs = selectors.duplicate_pairs(actor, country=country)
    return render(
        request,
        "registry/duplicates.html",
        {
            "page": Paginator(pairs, 25).get_page(request.GET.get("page")),
            "country": country,
            "countries": selectors.duplicate_countries(actor),
            "job": job,
        },
    )


@org_required
@require_safe
def duplicates(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    return _duplicates_page(request, actor)


@org_required
@require_POST
def duplicates_scan(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    job = services.start_duplicate_scan(actor)
    return _duplicates_page(request, actor, job)


@org_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pair_id: int) -> HttpResponse:
    actor = actor_of(request)
    pair = selectors.get_duplicate_pair(actor, pair_id)
    try:
        services.dismiss_duplicate(actor, pair)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Marked as two different sites; it will not be proposed again."))
    return redirect("registry:duplicates")


@require_safe
def disclosed(request: HttpRequest, fmt: str) -> HttpResponse:
    """Public: the latest published list of the sector's production locations."""
    publication = selectors.latest_publication()
    if publication is None:
        raise Http404
    if fmt == "json":
        return JsonResponse(
            {"published_at": publication.published_at.isoformat(), "facilities": publication.data},
            json_dumps_params={"ensure_ascii": False},
        )
    return exports.disclosure_csv(publication)
