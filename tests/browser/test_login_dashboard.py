"""A person signs in, switches the interface to Dutch, and sees their dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_switch_to_dutch_and_screenshot(live_server: Any, world: World, page: Any, artifacts: Path) -> None:
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Email").fill(world.admin_a.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.get_by_role("heading", name="Noordhaven Foods").is_visible()
    assert page.get_by_text("Start your due diligence").is_visible()

    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_text("Begin met uw gepaste zorgvuldigheid").is_visible()
    page.locator("details.dropdown summary").click()
    assert page.get_by_role("link", name="Mijn organisatie").is_visible()

    shot = artifacts / "dashboard-nl.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.csp_violations == [], page.csp_violations


def test_keyboard_user_can_skip_to_content(live_server: Any, world: World, page: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to content" in focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
