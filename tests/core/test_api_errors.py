"""Every error under /api/ is a problem document, and no input gives a server error.

The HTML site keeps its HTML error pages.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from covenant.accounts.services import create_token
from tests.conftest import World, actor_of, client_for

PROBLEM = "application/problem+json"


@pytest.fixture
def api(world: World) -> Client:
    _t, secret = create_token(actor_of(world.admin_a), name="t", read_only=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", raise_request_exception=False)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    return body


@pytest.mark.parametrize("page", ["99999999999999999999", "99999999999999999", "1000000001"])
def test_a_page_beyond_any_bound_is_422(api: Client, page: str) -> None:
    body = assert_problem(api.get(f"/api/v1/organisations?page={page}&page_size=200"), 422)
    assert body["errors"][0]["loc"][-1] == "page"


def test_a_page_past_the_end_is_an_empty_page(api: Client) -> None:
    response = api.get("/api/v1/organisations?page=1000000")
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "since",
    [
        "9999-12-31T23:00:00-05:00",  # past the largest datetime once in UTC
        "0001-01-01T00:00:00%2B05:00",  # before the smallest
        "1899-12-31T23:59:59Z",
        "0000-01-01T00:00:00Z",
        "10000-01-01T00:00:00Z",
    ],
)
def test_audit_events_since_outside_a_sane_range_is_422(api: Client, since: str) -> None:
    body = assert_problem(api.get(f"/api/v1/audit-events?since={since}"), 422)
    assert body["errors"][0]["loc"][-1] == "since"


@pytest.mark.parametrize(
    ("since", "found"),
    [("1900-01-01T00:00:00Z", True), ("9999-12-31T23:59:59Z", False), ("2000-01-01T00:00:00", True)],
)
def test_audit_events_since_inside_the_range(api: Client, since: str, found: bool) -> None:
    response = api.get(f"/api/v1/audit-events?since={since}")
    assert response.status_code == 200
    assert (response.json()["count"] > 0) is found


def test_unknown_api_paths_are_404_problems(api: Client, settings: Any) -> None:
    assert_problem(api.get("/api/v1/no-such-thing"), 404)
    assert_problem(Client().get("/api/nothing"), 404)
    # With DEBUG on Django answers with its HTML debug page; the API still does not.
    settings.DEBUG = True
    assert_problem(api.get("/api/v1/no-such-thing"), 404)


def test_html_site_keeps_html_error_pages(world: World, settings: Any) -> None:
    response = client_for(world.admin_a).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_method_is_a_405_problem_with_allow(api: Client) -> None:
    response = api.put("/api/v1/organisations")
    body = assert_problem(response, 405)
    assert response["Allow"] == "GET"
    assert "PUT" in body["detail"]


def test_server_errors_are_500_problems(api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from covenant.orgs import selectors

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "visible_organisations", broken)
    response = api.get("/api/v1/organisations")
    body = assert_problem(response, 500)
    assert "boom" not in body.get("detail", "")


def test_malformed_json_is_a_400_problem(api: Client) -> None:
    assert_problem(api.post("/api/v1/invitations", data=b"{not json", content_type="application/json"), 400)
