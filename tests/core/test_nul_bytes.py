"""A NUL character anywhere a field could take it is refused before any view runs.

PostgreSQL refuses NUL in text (a 500 before this), SQLite stored it; the API fuzzer found
it in a JSON body on PostgreSQL. These run on both databases.
"""

from __future__ import annotations

import json

from django.urls import reverse

from covenant.accounts import services as account_services
from covenant.registry.models import Facility
from tests.conftest import World, actor_of, client_for


def _token(world: World) -> str:
    _token_obj, secret = account_services.create_token(actor_of(world.admin_a), name="nul probe", read_only=False)
    return secret


def test_a_json_body_with_nul_is_a_400_problem_and_changes_nothing(world: World) -> None:
    client = client_for(None)
    before = Facility.objects.count()
    body = {"name": "Golden\u0000 Textile", "country": "VN", "facility": "VN2024\u0000X"}
    response = client.post(
        reverse("api:add_site"),
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {_token(world)}"},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "NUL" in response.json()["detail"]
    assert Facility.objects.count() == before


def test_a_query_or_path_with_nul_is_a_400(world: World) -> None:
    client = client_for(world.admin_a)
    assert client.get(reverse("api:search_facilities") + "?q=a%00b").status_code == 400
    assert client.get(reverse("registry:facilities") + "?q=a%00b").status_code == 400


def test_a_form_with_nul_is_a_400_page(world: World) -> None:
    client = client_for(world.admin_a)
    response = client.post(
        reverse("orgs:edit_organisation"), "name=A%00B", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_ordinary_requests_pass(world: World) -> None:
    client = client_for(world.admin_a)
    assert client.get(reverse("api:search_facilities") + "?q=100%25").status_code == 200
