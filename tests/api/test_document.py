"""The OpenAPI document tells clients what the API does: errors, enums, required files, paging."""

from __future__ import annotations

import uuid

from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.api import api
from tests.conftest import World, actor_of
from tests.factories import link, make_facility, registry_world, risk_world

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
# Open to anyone on purpose: the quick scan serves small firms without an account (docs/capability.md).
PUBLIC = {"GET /api/v1/quick-scan"}


def _operations() -> list[tuple[str, str, dict]]:  # type: ignore[type-arg]
    doc = api.get_openapi_schema()
    return [(m, p, op) for p, item in doc["paths"].items() for m, op in item.items()]


def _codes(operation: dict) -> set[int]:  # type: ignore[type-arg]
    return {int(c) for c in operation["responses"]}


def test_every_operation_documents_its_errors_as_problems() -> None:
    doc = api.get_openapi_schema()
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])
    for method, path, op in _operations():
        codes = _codes(op)
        label = f"{method.upper()} {path}"
        if label in PUBLIC:
            assert not op.get("security"), f"{label} should say it needs no account"
        else:
            assert op["security"], f"{label} is not authenticated"
            assert {401, 403} <= codes, label
        if "{" in path:
            assert 404 in codes, label
        if op.get("parameters") or op.get("requestBody"):
            assert 422 in codes, label
        if method in {"post", "put", "patch", "delete"}:
            assert 409 in codes, label
        if op.get("requestBody"):
            assert 413 in codes, label
        for code in codes - {200, 201, 204}:
            assert op["responses"][code]["content"] == PROBLEM, f"{label} {code}"


def test_uploaded_files_are_required_in_the_document() -> None:
    uploads = [
        (path, op["requestBody"]["content"]["multipart/form-data"]["schema"])
        for _m, path, op in _operations()
        if "multipart/form-data" in op.get("requestBody", {}).get("content", {})
    ]
    assert len(uploads) >= 3
    for path, schema in uploads:
        assert "file" in schema["required"], path
        assert schema["properties"]["file"] == {"type": "string", "format": "binary", "title": "File"}, path


def test_fixed_sets_of_values_are_enums() -> None:
    doc = api.get_openapi_schema()
    params = {
        (path, p["name"]): p["schema"]
        for _m, path, op in _operations()
        for p in op.get("parameters", [])
        if p["in"] == "query"
    }
    assert params[("/api/v1/supply-chain/export", "format")]["enum"] == ["csv", "xlsx"]
    assert params[("/api/v1/caps", "show")]["enum"] == ["overdue", "open"]
    assert params[("/api/v1/grievances/cases", "show")]["enum"] == ["open", "overdue", "closed", "all"]
    schemas = doc["components"]["schemas"]
    assert "enum" in schemas["OrgKind"] and "enum" in schemas["RowStatus"]
    assert schemas["AuditOut"]["properties"]["status"] == {"$ref": "#/components/schemas/AuditStatus"}
    assert schemas["TokenOut"]["properties"]["created_at"]["format"] == "date-time"


def _token(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _t, secret = create_token(actor_of(user), name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_values_outside_an_enum_answer_422(world: World) -> None:
    headers = _token(world.admin_a)
    for url in (
        "/api/v1/supply-chain/export?format=pdf",
        "/api/v1/caps?show=everything",
        "/api/v1/organisations?kind=government",
        "/api/v1/supply-chain?tier=0",
        "/api/v1/risk/overview?page=0",
        "/api/v1/risk/events/99999999999999999999",  # beyond a 64-bit key: refused, not sent to the database
    ):
        response = Client().get(url, **headers)
        assert response.status_code == 422, url
        assert response["Content-Type"] == "application/problem+json", url
    assert Client().get("/api/v1/supply-chain/export?format=xlsx", **headers).status_code == 200


def test_an_outsider_learns_nothing_from_a_missing_file(world: World) -> None:
    """The file is required in the document, yet access is checked first: 404 before 422/400."""
    url = reverse("api:upload_report", args=[uuid.uuid4()])
    response = Client().post(url, {}, **_token(world.auditor))
    assert response.status_code == 404


def test_the_risk_overview_pages_like_every_list(world: World) -> None:
    risk_world(registry_world(world))
    for i in range(3):
        link(world.member_a, make_facility(f"Extra Site {i}", "CN"), tier=1)
    headers = _token(world.admin_a)
    first = Client().get("/api/v1/risk/overview?tier=1&page_size=2", **headers).json()
    assert {"sites", "bands", "heat", "top_issues"} <= set(first)
    assert (first["page"], first["page_size"], first["previous"]) == (1, 2, None)
    assert first["count"] == 4 and len(first["items"]) == 2
    assert first["next"] == "/api/v1/risk/overview?tier=1&page_size=2&page=2"
    second = Client().get(first["next"], **headers).json()
    assert (second["next"], len(second["items"])) == (None, 2)
    assert second["previous"] == "/api/v1/risk/overview?tier=1&page_size=2&page=1"
    facilities = [r["facility"] for r in first["items"] + second["items"]]
    assert len(set(facilities)) == 4
