"""The register through the API: search, lookup, synchronous match, upload, review, export."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from covenant.accounts.services import create_token
from covenant.registry import matchindex
from tests.conftest import World, actor_of
from tests.factories import link, make_facility, registry_world


def _client(world: World, user=None, write: bool = False) -> tuple[Client, dict[str, str]]:  # type: ignore[no-untyped-def]
    _t, secret = create_token(actor_of(user or world.editor_a), name="api", read_only=not write)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_search_and_lookup(world: World) -> None:
    site = make_facility("Anatolia Towel Mill", "TR", "Organize Sanayi Bolgesi, Denizli")
    client, auth = _client(world)
    found = client.get("/api/v1/facilities?q=towel", **auth).json()
    assert found["count"] == 1 and found["items"][0]["id"] == site.public_id
    detail = client.get(f"/api/v1/facilities/{site.public_id}", **auth).json()
    assert detail["name"] == "Anatolia Towel Mill" and detail["aliases"] == []
    assert client.get("/api/v1/facilities/CN2020001AAAAAX", **auth).status_code == 404


def test_synchronous_single_row_match(world: World) -> None:
    matchindex.reset()
    site = make_facility("Anatolia Towel Mill", "TR", "Organize Sanayi Bolgesi 5. Cadde No 12, Denizli")
    make_facility("Bursa Silk Weavers", "TR", "Nilufer, Bursa")
    client, auth = _client(world)
    body = {"name": "ANATOLIA TOWEL MILL LTD", "address": "OSB 5 Cadde 12 Denizli", "country": "Turkije"}
    result = client.post("/api/v1/facilities/match", body, content_type="application/json", **auth).json()
    assert result["decision"] == "match", result
    assert result["facility"] == site.public_id
    assert result["candidates"][0]["reasons"]
    unknown = client.post(
        "/api/v1/facilities/match", body | {"country": "Atlantis"}, content_type="application/json", **auth
    )
    assert unknown.status_code == 400 and "Atlantis" in unknown.json()["detail"]


def test_upload_through_the_api_and_read_rows(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    matchindex.reset()
    make_facility("Anatolia Towel Mill", "TR", "Denizli")
    client, auth = _client(world, write=True)
    data = SimpleUploadedFile(
        "l.csv", b"Name,Address,Country\nAnatolia Towel Mill,Denizli,TR\nNo Country Mill,Somewhere,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/lists/uploads", {"list_name": "API list", "file": data}, **auth)
    assert response.status_code == 201, response.content
    upload_id = response.json()["id"]
    status = client.get(f"/api/v1/lists/uploads/{upload_id}", **auth).json()
    assert status["status"] == "done" and status["counts"]["matched"] == 1 and status["counts"]["error"] == 1
    rows = client.get(f"/api/v1/lists/uploads/{upload_id}/rows?status=error", **auth).json()
    assert rows["items"][0]["row_number"] == 3
    chain = client.get("/api/v1/supply-chain", **auth).json()
    assert chain["items"][0]["name"] == "Anatolia Towel Mill"
    export = client.get("/api/v1/supply-chain/export?format=csv", **auth)
    assert "Anatolia Towel Mill" in export.content.decode("utf-8-sig")


def test_review_through_the_api(world: World) -> None:
    registry_world(world)
    row, shared = world.extras["row"], world.extras["shared"]
    client, auth = _client(world, write=True)
    result = client.post(
        f"/api/v1/rows/{row.pk}/confirm", {"facility": shared.public_id}, content_type="application/json", **auth
    )
    assert result.status_code == 200 and result.json()["facility"] == shared.public_id
    again = client.post(
        f"/api/v1/rows/{row.pk}/confirm", {"facility": shared.public_id}, content_type="application/json", **auth
    )
    assert again.status_code == 409  # the row was already decided


def test_another_member_sees_nothing_of_the_chain(world: World) -> None:
    link(world.member_a, make_facility("A's Mill", "IN"))
    client, auth = _client(world, user=world.admin_b)
    assert client.get("/api/v1/supply-chain", **auth).json()["count"] == 0
