"""The interactive API documentation works offline and under the strict CSP."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_operations(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for(timeout=15000)
    text = page.inner_text("body")
    assert "/api/v1/facilities/match" in text
    assert "/api/v1/audit-events" in text
    assert page.csp_violations == [], page.csp_violations
