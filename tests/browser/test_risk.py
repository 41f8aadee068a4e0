"""A member reads its risk overview and a site's explained risk; nothing is blocked by the CSP."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from covenant.core.actors import Actor
from covenant.risk import services as risk_services
from covenant.risk.models import Topic
from tests.conftest import PASSWORD, World
from tests.factories import risk_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reference_data() -> None:
    """Transactional tests start from an empty database: put back what migrations seed."""
    topics = importlib.import_module("covenant.risk.migrations.0002_salient_topics").TOPICS
    for position, (code, name, name_nl, severity, description) in enumerate(topics):
        Topic.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_nl": name_nl, "severity": severity, "description": description,
                      "position": position},
        )  # fmt: skip
    risk_services.load_reference_data(Actor.system(via="cli"))


def test_member_risk_overview_and_site_panel(live_server: Any, world: World, page: Any, artifacts: Path) -> None:
    _reference_data()
    risk_world(world)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(world.admin_a.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Risk", exact=True).click()
    page.get_by_role("heading", name="Risk in your supply chain").wait_for()
    assert page.locator("table.heat").count() == 1
    assert page.get_by_text("Unrest in the Nawa region").first.is_visible()
    page.screenshot(path=str(artifacts / "risk-overview.png"), full_page=True)

    page.get_by_role("link", name="Coopérative Agricole de Soubré").first.click()
    page.locator("#risk").wait_for()
    page.locator("#risk table details").evaluate_all("els => els.forEach(e => e.open = true)")
    assert "ILAB List of Goods (child labour) 2022" in page.locator("#risk").inner_text()
    page.locator("#risk").screenshot(path=str(artifacts / "risk-site-panel.png"))
    assert not page.csp_violations, page.csp_violations
