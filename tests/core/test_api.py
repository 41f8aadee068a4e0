"""The API's shape: OpenAPI document, docs page, pagination, problem+json errors."""

from __future__ import annotations

from django.test import Client

from covenant.accounts.services import create_token
from tests.conftest import World, actor_of, make_org


def _auth(world: World, user=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _t, secret = create_token(actor_of(user or world.admin_a), name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_openapi_document_lists_the_routes(db) -> None:  # type: ignore[no-untyped-def]
    doc = Client().get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/organisations", "/api/v1/users", "/api/v1/audit-events", "/api/v1/me"):
        assert path in doc["paths"], path
    assert "BearerAuth" in str(doc["components"]["securitySchemes"]) or "bearer" in str(doc["components"])


def test_interactive_docs_are_served_without_a_cdn(db) -> None:  # type: ignore[no-untyped-def]
    html = Client().get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_anonymous_api_calls_get_401_problem(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/api/v1/organisations")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert body["title"]


def test_lists_are_paginated(world: World) -> None:
    for i in range(7):
        make_org(f"Member {i:02d}", "member", size="sme")
    headers = _auth(world)
    page = Client().get("/api/v1/organisations?kind=member&page_size=3&page=2", **headers).json()
    assert set(page) == {"count", "page", "page_size", "next", "previous", "items"}
    assert (page["page"], page["page_size"]) == (2, 3)
    assert len(page["items"]) == 3
    assert page["count"] == 7 + 2  # members only: the seven above, A and B
    # The neighbours keep the other query parameters.
    assert page["next"] == "/api/v1/organisations?kind=member&page_size=3&page=3"
    assert page["previous"] == "/api/v1/organisations?kind=member&page_size=3&page=1"
    last = Client().get(page["next"], **headers).json()
    assert (last["next"], len(last["items"])) == (None, 3)
    first = Client().get(last["previous"].replace("page=2", "page=1"), **headers).json()
    assert first["previous"] is None
    seen = [o["slug"] for p in (first, page, last) for o in p["items"]]
    assert len(set(seen)) == 9
    beyond = Client().get("/api/v1/organisations?kind=member&page_size=3&page=7", **headers).json()
    assert (beyond["items"], beyond["next"]) == ([], None)
    assert beyond["previous"] == "/api/v1/organisations?kind=member&page_size=3&page=3"
    too_big = Client().get("/api/v1/organisations?page_size=5000", **headers)
    assert too_big.status_code == 422
    assert too_big["Content-Type"] == "application/problem+json"
    assert too_big.json()["errors"][0]["loc"][-1] == "page_size"


def test_business_rule_errors_are_400_problems(world: World) -> None:
    from covenant.accounts.services import create_token as make

    _t, secret = make(actor_of(world.admin_a), name="w", read_only=False)
    response = Client().post(
        "/api/v1/invitations",
        {"email": "x@noordhaven.example", "role": "coordinator"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400
    assert "not a role" in response.json()["detail"]


def test_audit_events_via_api_for_admins(world: World) -> None:
    events = Client().get("/api/v1/audit-events?action=orgs.", **_auth(world)).json()
    assert events["count"] >= 3
    assert all(e["action"].startswith("orgs.") for e in events["items"])
    assert Client().get("/api/v1/audit-events", **_auth(world, world.viewer_a)).status_code == 403
