"""Entering an audit quickly (issue 13 item 4): the site search, findings as rows and from a
file, a report that survives a form error, and reports checked by opening them with pypdf."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from covenant.accounts import services as account_services
from covenant.audits import services, staging
from covenant.audits.models import Audit, SchemeVersion
from covenant.core.pdfcheck import PdfProblem, pdf_problem
from covenant.registry.models import Confirmation, Facility, FacilityAlias, FacilityStatus
from tests.conftest import World, actor_of, client_for, make_org, make_user
from tests.factories import PDF_BYTES, make_facility, make_pdf

TODAY = timezone.localdate()
JS_PDF = make_pdf(javascript="app.alert('hello')")
ROWS = "findings"


def _site(world: World, name: str = "Huaxin Garments Plant 2", **extra: Any) -> Facility:
    site = make_facility(name, "CN", "2 Factory Road, Dongguan", **extra)
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
    site.refresh_from_db()
    return site


def _smeta() -> SchemeVersion:
    return SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p")


def _rows(*rows: tuple[str, str, str, str]) -> dict[str, str]:
    data = {
        f"{ROWS}-TOTAL_FORMS": str(len(rows) + 1),  # and one left empty
        f"{ROWS}-INITIAL_FORMS": "0",
        f"{ROWS}-MIN_NUM_FORMS": "0",
        f"{ROWS}-MAX_NUM_FORMS": "500",
    }
    for index, (section, grade, description, law) in enumerate((*rows, ("", "", "", ""))):
        data.update(
            {
                f"{ROWS}-{index}-section": section,
                f"{ROWS}-{index}-grade": grade,
                f"{ROWS}-{index}-description": description,
                f"{ROWS}-{index}-legal_reference": law,
            }
        )
    return data


def _form(site: Facility, *rows: tuple[str, str, str, str], **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "facility": site.public_id,
        "scheme_version": _smeta().pk,
        "audit_type": "initial",
        "announcement": "semi_announced",
        "start_date": (TODAY - timedelta(days=3)).isoformat(),
        "end_date": (TODAY - timedelta(days=2)).isoformat(),
        "workers_female": "300",
        "workers_male": "120",
        "auditors": "Li Wei | 21701234 | CSCA",
        **_rows(*(rows or (("5", "major", "Overtime premium not paid", "Labour Law art. 44"),))),
    }
    data.update(extra)
    return data


def _report(data: bytes = PDF_BYTES, name: str = "smeta.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _staged_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / staging.FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


# --- Reports are opened with pypdf ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (PDF_BYTES, None),
        (make_pdf(javascript="app.alert(1)"), PdfProblem.ACTIVE_CONTENT),
        (make_pdf(link_javascript="app.alert(2)"), PdfProblem.ACTIVE_CONTENT),
        (make_pdf(launch="calc.exe"), PdfProblem.ACTIVE_CONTENT),
        (make_pdf(password="secret"), PdfProblem.ENCRYPTED),
        (PDF_BYTES[: len(PDF_BYTES) // 2], PdfProblem.UNREADABLE),
        (b"%PDF-1.7\nnothing here but words\n%%EOF\n", PdfProblem.UNREADABLE),
        (b"GIF89a not a pdf", PdfProblem.NOT_PDF),
    ],
    ids=["clean", "open-action-js", "link-js", "launch", "encrypted", "truncated", "garbage", "gif"],
)
def test_a_report_is_judged_by_opening_it(data: bytes, problem: PdfProblem | None) -> None:
    assert pdf_problem(data) == problem


def test_document_level_javascript_is_found_too() -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PDF_BYTES)))
    action = writer._add_object(
        DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")})
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("init"), action])}
            )
        }
    )
    out = io.BytesIO()
    writer.write(out)
    assert pdf_problem(out.getvalue()) == PdfProblem.ACTIVE_CONTENT


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (JS_PDF, "contains JavaScript"),
        (make_pdf(password="secret"), "cannot be read: it is encrypted"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "cannot be read as a PDF"),
    ],
)
def test_check_pdf_says_why(data: bytes, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.check_pdf("report.pdf", data)
    assert words in " ".join(caught.value.messages)


def test_a_javascript_report_is_refused_on_the_page_and_through_the_api(world: World) -> None:
    site = _site(world)
    firm = client_for(world.auditor)
    response = firm.post(reverse("audits:create"), _form(site, report=_report(JS_PDF)))
    assert response.status_code == 200 and "contains JavaScript" in response.content.decode()
    assert not Audit.objects.exists() and _staged_files() == []

    assert firm.post(reverse("audits:create"), _form(site)).status_code == 302
    audit = Audit.objects.get()
    response = firm.post(
        reverse("audits:attach_report", args=[audit.pk]), {"file": _report(JS_PDF), "reason": "replaced"}, follow=True
    )
    assert "contains JavaScript" in response.content.decode()
    _token, secret = account_services.create_token(actor_of(world.auditor), name="reports", read_only=False)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.post(reverse("api:upload_report", args=[audit.pk]), {"file": _report(JS_PDF), "reason": "replaced"})
    assert response.status_code in (400, 422), response.content
    assert "contains JavaScript" in response.content.decode()
    audit.refresh_from_db()
    assert not audit.report


# --- The site search ---------------------------------------------------------------------------


def test_sites_are_suggested_by_name_alias_in_any_script_and_id(world: World) -> None:
    site = _site(world)
    FacilityAlias.objects.create(facility=site, name="مصنع هواشين للملابس", source="manual")
    FacilityAlias.objects.create(facility=site, name="华新服装二厂", source="manual")
    firm = client_for(world.auditor)
    url = reverse("audits:site_suggestions")
    for q in ("huaxin garm", "هواشين", "华新服装", site.public_id, site.public_id.lower()):
        html = firm.get(url, {"site_q": q}).content.decode()
        assert f'value="{site.public_id}"' in html, q
        assert "2 Factory Road, Dongguan" in html and "CN" in html
    assert site.public_id not in firm.get(url, {"site_q": "Zhongshan"}).content.decode()


def test_only_sites_the_actor_may_audit_are_suggested(world: World) -> None:
    mine = _site(world, "Harbour Textiles One")
    rejected = _site(world, "Harbour Textiles Rejected")
    Facility.objects.filter(pk=rejected.pk).update(status=FacilityStatus.REJECTED)
    merged = _site(world, "Harbour Textiles Merged")
    Facility.objects.filter(pk=merged.pk).update(status=FacilityStatus.MERGED, merged_into=mine)
    hidden = make_facility("Harbour Textiles Provisional", "CN", introduced_by=world.member_b)
    Facility.objects.filter(pk=hidden.pk).update(confirmation=Confirmation.PROVISIONAL)
    other = make_facility("Harbour Textiles Elsewhere", "CN")  # no owner: not the supplier's
    for n in range(12):
        _site(world, f"Harbour Textiles Hall {n:02}")
    url = reverse("audits:site_suggestions")

    html = client_for(world.auditor).get(url, {"site_q": "harbour textiles"}).content.decode()
    assert html.count('type="radio"') == 10  # limited
    for gone in (rejected, merged, hidden):
        assert gone.public_id not in client_for(world.auditor).get(url, {"site_q": gone.name}).content.decode()
    assert other.public_id in client_for(world.auditor).get(url, {"site_q": other.name}).content.decode()
    # A supplier enters audits of its own sites only, so it is offered only those.
    supplier = client_for(world.supplier_admin)
    assert mine.public_id in supplier.get(url, {"site_q": mine.name}).content.decode()
    assert other.public_id not in supplier.get(url, {"site_q": other.name}).content.decode()
    # Members enter no audits.
    assert client_for(world.admin_a).get(url, {"site_q": "harbour"}).status_code == 403


def test_the_site_search_works_without_javascript(world: World) -> None:
    site = _site(world)
    FacilityAlias.objects.create(facility=site, name="华新服装二厂", source="manual")
    firm = client_for(world.auditor)
    html = firm.get(reverse("audits:create"), {"site_q": "华新"}).content.decode()
    # The search box belongs to a GET form of its own; the answer is a choice in the entry form.
    assert 'form="site-search"' in html and 'id="site-search" method="get"' in html
    assert f'type="radio" name="facility" value="{site.public_id}"' in html
    # Coming from a site's page, the site is chosen already.
    html = firm.get(reverse("audits:create"), {"site": site.public_id}).content.decode()
    assert f'type="radio" name="facility" value="{site.public_id}" checked' in html
    assert firm.post(reverse("audits:create"), _form(site)).status_code == 302
    assert Audit.objects.get().facility == site


def test_an_audit_without_a_chosen_site_says_so(world: World) -> None:
    site = _site(world)
    firm = client_for(world.auditor)
    response = firm.post(reverse("audits:create"), _form(site, facility=""))
    assert "Search for the site and choose it from the list." in response.content.decode()
    response = firm.post(reverse("audits:create"), _form(site, facility="NOSUCHSITE0000"))
    assert "There is no facility with that id." in response.content.decode()
    assert not Audit.objects.exists()


# --- Findings as rows and from a file ----------------------------------------------------------


def test_findings_rows_offer_the_schemes_sections_and_grades(world: World) -> None:
    firm = client_for(world.auditor)
    smeta = _smeta()
    bsci = (
        SchemeVersion.objects.filter(scheme__code="amfori-bsci").first()
        or SchemeVersion.objects.exclude(scheme__code="smeta").first()
    )
    assert bsci is not None
    html = firm.post(reverse("audits:create"), {"scheme_version": smeta.pk, "refresh": "1", **_rows()}).content.decode()
    assert '<option value="10B">' in html and '<option value="collaborative">' in html
    # Another scheme: the drop-downs follow (no script needed: the refresh button; htmx swaps #findings).
    html = firm.post(reverse("audits:create"), {"scheme_version": bsci.pk, "refresh": "1", **_rows()}).content.decode()
    assert '<option value="10B">' not in html
    assert f'<option value="{bsci.sections[0]["code"]}">' in html
    # "Add a row" keeps what was typed and adds an empty row, judging nothing yet.
    data = {"scheme_version": smeta.pk, "add_row": "1", **_rows(("5", "major", "Unpaid overtime", ""))}
    html = firm.post(reverse("audits:create"), data).content.decode()
    assert "Unpaid overtime" in html and f'name="{ROWS}-2-section"' in html
    assert "errorlist" not in html and not Audit.objects.exists()


def test_a_wrong_grade_is_a_row_error_and_nothing_is_saved(world: World) -> None:
    site = _site(world)
    firm = client_for(world.auditor)
    rows = (
        ("5", "major", "Overtime premium not paid", ""),
        ("6", "dreadful", "Seven-day weeks", ""),
        ("7", "", "", "x"),
    )
    html = firm.post(reverse("audits:create"), _form(site, *rows)).content.decode()
    assert "Row 2, Grade:" in html and "dreadful is not one of the available choices" in html
    assert "Row 3, Grade:" in html and "Row 3, Description:" in html and "Needed for a finding." in html
    assert "Row 1," not in html
    assert not Audit.objects.exists()


def test_findings_come_from_rows_and_a_file_at_entry(world: World) -> None:
    site = _site(world)
    firm = client_for(world.auditor)
    csv = (
        b"Section,Grade,Description,Local law\n"
        b"6,minor,Rest day missed in week 12,Labour Law art. 38\n"
        b"3,critical,Fire exit locked,\n"
    )
    data = _form(site, findings_file=SimpleUploadedFile("findings.csv", csv, content_type="text/csv"))
    assert firm.post(reverse("audits:create"), data).status_code == 302
    audit = Audit.objects.get()
    found = sorted(audit.findings.values_list("section", "grade", "legal_reference"))
    assert found == [("3", "critical", ""), ("5", "major", "Labour Law art. 44"), ("6", "minor", "Labour Law art. 38")]


def test_a_bad_findings_file_is_refused_with_row_numbers(world: World) -> None:
    site = _site(world)
    firm = client_for(world.auditor)
    csv = b"section,grade,description\n6,minor,Rest day missed\n99,minor,No such section\n3,awful,Bad grade\n"
    data = _form(site, findings_file=SimpleUploadedFile("findings.csv", csv, content_type="text/csv"))
    html = firm.post(reverse("audits:create"), data).content.decode()
    assert "Row 3: &#x27;99&#x27; is not a section" in html and "Row 4: &#x27;awful&#x27; is not a grade" in html
    assert not Audit.objects.exists()


def test_a_read_findings_file_becomes_rows_when_the_form_comes_back(world: World) -> None:
    site = _site(world)
    firm = client_for(world.auditor)
    csv = b"section,grade,description\n6,minor,Rest day missed in week 12\n"
    future = (TODAY + timedelta(days=3)).isoformat()
    data = _form(site, end_date=future, findings_file=SimpleUploadedFile("f.csv", csv, content_type="text/csv"))
    html = firm.post(reverse("audits:create"), data).content.decode()
    assert "dated in the future" in html
    assert "The findings of f.csv are now rows of the form" in html
    assert "Rest day missed in week 12" in html and "Overtime premium not paid" in html


# --- A report survives a form error ------------------------------------------------------------


def _token(html: str) -> str:
    marker = 'name="staged_report" value="'
    assert marker in html
    return html.split(marker, 1)[1].split('"', 1)[0]


def test_the_report_is_kept_across_an_error_and_attached_on_the_next_submit(world: World) -> None:
    site = _site(world)
    firm = client_for(world.auditor)
    future = (TODAY + timedelta(days=3)).isoformat()
    response = firm.post(reverse("audits:create"), _form(site, end_date=future, report=_report(name="smeta-q3.pdf")))
    html = response.content.decode()
    assert "dated in the future" in html and "smeta-q3.pdf (kept)" in html
    assert len(_staged_files()) == 1 and not Audit.objects.exists()

    # The browser does not send the file again; the token names the kept one.
    response = firm.post(reverse("audits:create"), _form(site, staged_report=_token(html)))
    assert response.status_code == 302
    audit = Audit.objects.get()
    assert audit.report_name == "smeta-q3.pdf"
    with default_storage.open(audit.report.name, "rb") as handle:
        assert handle.read() == PDF_BYTES
    assert _staged_files() == []  # the audit holds its own copy


def test_a_kept_report_can_be_replaced(world: World) -> None:
    site = _site(world)
    firm = client_for(world.auditor)
    html = firm.post(
        reverse("audits:create"), _form(site, facility="", report=_report(name="old.pdf"))
    ).content.decode()
    other = make_pdf()
    response = firm.post(
        reverse("audits:create"), _form(site, staged_report=_token(html), report=_report(other, "new.pdf"))
    )
    assert response.status_code == 302
    assert Audit.objects.get().report_name == "new.pdf"
    assert _staged_files() == []


def test_a_kept_report_is_nobody_elses(world: World) -> None:
    site = _site(world)
    firm = client_for(world.auditor)
    html = firm.post(reverse("audits:create"), _form(site, facility="", report=_report())).content.decode()
    token = _token(html)
    # Another person of the same firm gets nothing from the token: the audit is saved without it.
    colleague = make_user(world.audit_firm, "admin", "second@veritas.example")
    response = client_for(colleague).post(reverse("audits:create"), _form(site, staged_report=token))
    assert response.status_code == 302
    assert not Audit.objects.get().report
    # Nor does a supplier's person (the form comes back, without the report).
    html = client_for(world.supplier_admin).post(reverse("audits:create"), _form(site, staged_report=token))
    assert "(kept)" not in html.content.decode()
    assert len(_staged_files()) == 1  # still the firm person's, until used or stale
    # A token that was tampered with is no token.
    response = firm.post(reverse("audits:create"), _form(site, facility="", staged_report=token[:-2] + "xx"))
    assert "(kept)" not in response.content.decode()


def test_a_refused_report_is_not_kept(world: World) -> None:
    site = _site(world)
    firm = client_for(world.auditor)
    html = firm.post(reverse("audits:create"), _form(site, facility="", report=_report(JS_PDF))).content.decode()
    assert "contains JavaScript" in html and "(kept)" not in html
    assert _staged_files() == []


def test_stale_kept_reports_are_removed(world: World) -> None:
    old = staging.stage_report(actor_of(world.auditor), "old.pdf", PDF_BYTES)
    (path,) = _staged_files()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(path, (two_days_ago, two_days_ago))
    fresh = staging.stage_report(actor_of(world.auditor), "fresh.pdf", PDF_BYTES)
    assert len(_staged_files()) == 1
    assert staging.staged_report(actor_of(world.auditor), old.token) is None
    kept = staging.staged_report(actor_of(world.auditor), fresh.token)
    assert kept is not None and kept.data == PDF_BYTES
    other_firm = make_org("Other Audits", "audit_firm")
    assert staging.staged_report(actor_of(make_user(other_firm, "admin", "x@other.example")), fresh.token) is None


def test_an_htmx_refresh_keeps_no_file(world: World) -> None:
    """With htmx the browser keeps the chosen file in its field: a row added or a scheme changed
    stages nothing, and the answer holds the rows to swap in."""
    firm = client_for(world.auditor)
    data = {"scheme_version": _smeta().pk, "add_row": "1", "report": _report(), **_rows()}
    response = firm.post(reverse("audits:create"), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="findings"' in html and f'name="{ROWS}-1-section"' in html  # one row was there
    assert "(kept)" not in html and _staged_files() == []
