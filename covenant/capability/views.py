"""Pages of capability building: the quick scan (no account), and a member's drafts from it."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_countries import countries

from covenant.capability import library, selectors, services
from covenant.capability.forms import QuickScanForm
from covenant.capability.pdf import render_pdf
from covenant.capability.scan import BAND_LABELS, MAX_COUNTRIES, MAX_ITEMS, QuickScan, quick_scan
from covenant.core.decorators import org_required
from covenant.core.downloads import table_response
from covenant.core.roles import OrgKind
from covenant.core.web import actor_of, flash_errors, flash_form_errors
from covenant.risk import interface as risk


def _query(form: QuickScanForm) -> str:
    """The scan's inputs as a query string (for the PDF link, the printable page and the draft)."""
    return urlencode({"country": form.data.get("country", ""), "product": form.data.get("product", "")})


def _scan_of(request: HttpRequest) -> tuple[QuickScanForm, QuickScan | None]:
    asked = "country" in request.GET or "product" in request.GET
    form = QuickScanForm(request.GET if asked else None)
    if asked and form.is_valid():
        return form, quick_scan(form.cleaned_data["country"], form.cleaned_data["product"])
    return form, None


@require_safe
def quick_scan_page(request: HttpRequest) -> HttpResponse:
    """Countries × products or sectors in, risk per topic with sources and first actions out."""
    form, scan = _scan_of(request)
    chosen = {i.code for i in form.cleaned_data.get("product", [])} if scan else set()
    # The text box keeps what no tick box stands for (goods typed by their indicator name).
    typed = (
        ", ".join(i.en for i in form.cleaned_data["product"] if library.item(i.code) is None)
        if scan
        else form.data.get("product", "")
    )
    actor = actor_of(request)
    context = {
        "form": form,
        "scan": scan,
        "query": _query(form) if scan else "",
        "products": [i for i in library.items() if i.kind == "product"],
        "sectors": [i for i in library.items() if i.kind == "sector"],
        "chosen": chosen,
        "typed_products": typed,
        "can_keep": actor.kind == OrgKind.MEMBER and actor.can_edit,
        "max_countries": MAX_COUNTRIES,
        "max_items": MAX_ITEMS,
    }
    return render(request, "capability/quick_scan.html", context)


@require_safe
def quick_scan_pdf(request: HttpRequest) -> HttpResponse:
    form, scan = _scan_of(request)
    if scan is None:
        # The page shows what is missing or wrong.
        return redirect(f"{reverse('capability:quick_scan')}?{request.GET.urlencode()}")
    page_url = request.build_absolute_uri(f"{reverse('capability:quick_scan')}?{_query(form)}")
    response = HttpResponse(render_pdf(scan, page_url=page_url), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="covenant-quick-scan.pdf"'
    return response


@org_required
@require_http_methods(["GET", "POST"])
def drafts(request: HttpRequest) -> HttpResponse:
    """A member's drafts from quick scans; POST keeps the scan it names as a new draft."""
    actor = actor_of(request)
    if request.method == "POST":
        form = QuickScanForm(request.POST)
        if not form.is_valid():
            flash_form_errors(request, form)
            return redirect(f"{reverse('capability:quick_scan')}?{_query(form)}")
        try:
            draft = services.create_draft(actor, form.cleaned_data["country"], form.cleaned_data["product"])
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect(f"{reverse('capability:quick_scan')}?{_query(form)}")
        messages.success(request, _("The scan is now a draft supply chain: add your suppliers' sites to it."))
        return redirect("capability:draft", draft_id=draft.pk)
    return render(request, "capability/drafts.html", {"drafts": selectors.own_drafts(actor)})


def _rows(draft_rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The stored rows with names in the reader's language."""
    topics = risk.scanner().topic_labels()
    out = []
    for row in draft_rows:
        item = library.item(str(row.get("item", "")))
        country = str(row.get("country", ""))
        out.append(
            {
                **row,
                "label": item.label if item else row.get("label", ""),
                "country_name": str(countries.name(country)) or country,
                "band_label": str(BAND_LABELS.get(str(row.get("band", "")), row.get("band", ""))),
                "topic_label": topics.get(str(row.get("top_topic", "")), row.get("top_topic", "")),
            }
        )
    return out


@org_required
@require_safe
def draft(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    item = selectors.get_draft(actor_of(request), draft_id)
    context = {"draft": item, "rows": _rows(item.rows), "list_name": item.name}
    return render(request, "capability/draft.html", context)


@org_required
@require_safe
def draft_list_file(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    """The draft as a supplier list for the register's import: one row per country × product,
    the name and address left for the member to fill in (the register takes sites only)."""
    item = selectors.get_draft(actor_of(request), draft_id)
    header = ["Name", "Address", "Country", "Products", "Sector", "Tier"]
    rows = [
        ["", "", str(r.get("country", "")), "; ".join(r.get("products") or []), r.get("sector", ""), 1]
        for r in item.rows
    ]
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return table_response(header, rows, fmt, "supplier-list-from-quick-scan")


@org_required
@require_POST
def draft_delete(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_draft(actor, draft_id)
    try:
        services.delete_draft(actor, item)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("capability:draft", draft_id=item.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("capability:drafts")
