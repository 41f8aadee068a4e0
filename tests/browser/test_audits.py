"""A supplier enters an audit in the browser and shares it; a customer sees it recognised and closes a CAP."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from covenant.audits import services
from covenant.audits.models import ApscaAuditor, CapStatus, CorrectiveAction, SchemeVersion
from covenant.registry.models import Facility
from tests.conftest import PASSWORD, World, actor_of
from tests.factories import PDF_BYTES, link, make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reseed_catalogues() -> None:
    """Transactional tests that ran before this one flushed the tables, data migrations' rows included."""
    from importlib import import_module

    from django.apps import apps

    import_module("covenant.risk.migrations.0002_salient_topics").add_topics(apps, None)
    import_module("covenant.audits.migrations.0002_schemes").seed(apps, None)


def _sign_in(page: Any, url: str, email: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{url}/dashboard/")


def test_enter_share_recognise_and_close(
    live_server: Any, world: World, page: Any, browser: Any, tmp_path: Path, artifacts: Path
) -> None:
    _reseed_catalogues()
    ApscaAuditor.objects.create(number="21701234", name="Li Wei", level="CSCA", status="active")
    site = make_facility("Huaxin Garments Plant 3", "CN", "3 Factory Road, Dongguan")
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
    link(world.member_a, site)
    # The supplier enters this audit itself: it counts only where a policy accepts self-reported audits.
    services.set_policy(
        actor_of(world.admin_a),
        version_ids=list(SchemeVersion.objects.values_list("pk", flat=True)),
        max_age_months=36,
        require_qualified_auditor=False,
        required_pillars=[],
        accept_self_reported=True,
    )
    report = tmp_path / "smeta-report.pdf"
    report.write_bytes(PDF_BYTES)
    today = timezone.localdate()

    _sign_in(page, live_server.url, world.supplier_admin.email)
    page.goto(f"{live_server.url}/audits/new/?site={site.public_id}")
    page.locator("#id_scheme_version").select_option(label="SMETA 7.0 4-pillar")
    page.locator("#id_start_date").fill((today - timedelta(days=3)).isoformat())
    page.locator("#id_end_date").fill((today - timedelta(days=2)).isoformat())
    page.locator("#id_audit_firm").select_option(label="Veritas Social Audits")
    page.locator("#id_auditors").fill("Li Wei | 21701234 | CSCA")
    # Choosing the scheme brought its sections and grades into the finding rows (htmx).
    page.locator("#id_findings-0-section option[value='5']").wait_for(state="attached")
    page.locator("#id_findings-0-section").select_option("5")
    page.locator("#id_findings-0-grade").select_option("major")
    page.locator("#id_findings-0-description").fill("Overtime premium not paid")
    page.locator("#id_findings-0-legal_reference").fill("Labour Law art. 44")
    page.locator("#id_report").set_input_files(str(report))
    page.get_by_role("button", name="Save the audit").click()
    page.get_by_text("Only you see it until you share it").wait_for()
    # Members are found by name, not picked from the whole alphabetical list.
    page.locator("#share-q").fill(world.member_a.name[:6])
    page.get_by_role("button", name="Search").click()
    page.locator("li", has_text=world.member_a.name).get_by_role("button", name="Share", exact=True).click()
    page.get_by_text(f"{world.member_a.name} can now see this audit").wait_for()
    assert page.csp_violations == [], page.csp_violations

    customer = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB").new_page()
    _sign_in(customer, live_server.url, world.admin_a.email)
    customer.get_by_role("navigation", name="Main").get_by_role("link", name="Audit coverage").click()
    assert "Covered" in customer.locator("tr", has_text="Huaxin Garments Plant 3").inner_text()
    customer.get_by_role("navigation", name="Main").get_by_role("link", name="Audits", exact=True).click()
    customer.get_by_role("link", name="Huaxin Garments Plant 3").click()
    customer.get_by_text("Recognised under your policy").wait_for()
    customer.screenshot(path=str(artifacts / "audit-member.png"), full_page=True)
    customer.get_by_role("link", name="Open").click()
    customer.locator("#id_method").select_option("desk_review")
    customer.get_by_role("button", name="Verify and close").click()
    customer.get_by_text("Verified and closed.").wait_for()
    assert CorrectiveAction.objects.get().status == CapStatus.CLOSED


def test_a_firm_enters_an_audit_of_an_unclaimed_site_found_by_its_chinese_name(
    live_server: Any, world: World, page: Any, browser: Any, artifacts: Path
) -> None:
    """Most sites of a new sector have no verified supplier: the firm audits one for the member that
    commissioned it, finding it by a name in another script, with live suggestions."""
    from covenant.audits.models import Audit
    from covenant.registry.models import Confirmation, FacilityAlias

    _reseed_catalogues()
    site = make_facility("Huaxin Garments Plant 2", "CN", "2 Factory Road, Dongguan")
    Facility.objects.filter(pk=site.pk).update(confirmation=Confirmation.REGISTER)
    FacilityAlias.objects.create(facility=site, name="华新服装二厂", source="manual")
    link(world.member_a, site)
    today = timezone.localdate()

    _sign_in(page, live_server.url, world.auditor.email)
    page.goto(f"{live_server.url}/audits/new/")
    page.locator("#id_site_q").fill("华新服装")
    page.get_by_label("Huaxin Garments Plant 2", exact=False).check()  # the suggestion htmx brought
    page.locator("#id_commissioned_by").select_option(label=world.member_a.name)
    page.locator("#id_scheme_version").select_option(label="SMETA 7.0 4-pillar")
    page.locator("#id_start_date").fill((today - timedelta(days=3)).isoformat())
    page.locator("#id_end_date").fill((today - timedelta(days=2)).isoformat())
    page.locator("#id_auditors").fill("Li Wei | 21701234 | CSCA")
    page.locator("#id_findings-0-section option[value='5']").wait_for(state="attached")
    page.locator("#id_findings-0-section").select_option("5")
    page.locator("#id_findings-0-grade").select_option("major")
    page.locator("#id_findings-0-description").fill("Overtime premium not paid")
    page.get_by_role("button", name="Save the audit").click()
    page.get_by_role("status").filter(has_text="It is held for the site").wait_for()
    assert page.csp_violations == [], page.csp_violations
    audit = Audit.objects.get(facility=site)
    assert audit.owner_id is None and audit.commissioned_by_id == world.member_a.pk
    assert audit.audit_firm_org_id == world.audit_firm.pk and audit.findings.count() == 1

    # The member that commissioned it reads it; the other member does not learn it exists.
    member = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB").new_page()
    _sign_in(member, live_server.url, world.admin_a.email)
    member.goto(f"{live_server.url}/audits/{audit.pk}/")
    member.get_by_text("Overtime premium not paid").wait_for()
    member.screenshot(path=str(artifacts / "audit-held-member.png"), full_page=True)
    other = browser.new_context().new_page()
    _sign_in(other, live_server.url, world.admin_b.email)
    assert other.goto(f"{live_server.url}/audits/{audit.pk}/").status == 404
