"""One site by hand: a member adds a single site to its chain, on a page or through the API."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.core.models import AuditEvent
from covenant.registry import matchindex
from covenant.registry.models import Facility, SupplyLink
from tests.conftest import World, actor_of, client_for
from tests.factories import link, make_facility

URL = "/api/v1/supply-chain/sites"


def _api(world: World, user: Any = None, write: bool = True) -> tuple[Client, dict[str, str]]:
    _t, secret = create_token(actor_of(user or world.editor_a), name="erp", read_only=not write)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client: Client, auth: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post(URL, body, content_type="application/json", **auth)


def _towels() -> tuple[Facility, Facility]:
    matchindex.reset()
    mill = make_facility("Anatolia Towel Mill", "TR", "Organize Sanayi Bolgesi 5. Cadde No 12, Denizli")
    factory = make_facility("Anatolia Towel Factory", "TR", "Merkezefendi, Denizli")
    return mill, factory


def test_a_sure_match_links_the_existing_site_only(world: World) -> None:
    mill, _factory = _towels()
    client, auth = _api(world)
    body = {
        "name": "ANATOLIA TOWEL MILL LTD",
        "address": "OSB 5 Cadde 12 Denizli",
        "country": "Turkey",
        "tier": 2,
        "products": ["towels", " bathrobes "],
        "spend_band": "10k-100k",
    }
    response = _post(client, auth, body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["decision"] == "linked_existing" and answer["facility"] == mill.public_id
    assert answer["link"]["tier"] == 2 and answer["link"]["products"] == ["towels", "bathrobes"]
    assert Facility.objects.count() == 2
    saved = SupplyLink.objects.get(org=world.member_a)
    assert (saved.facility, saved.tier, saved.spend_band) == (mill, 2, "10k-100k")
    event = AuditEvent.objects.filter(action="registry.link.added").get()
    assert event.org_id == world.member_a.pk and event.summary["facility"] == mill.public_id
    # The same site twice is a conflict, not a second link.
    again = _post(client, auth, body)
    assert again.status_code == 409 and SupplyLink.objects.filter(org=world.member_a).count() == 1


def test_an_unknown_site_is_added_to_the_register_and_linked(world: World) -> None:
    _towels()
    client, auth = _api(world)
    body = {
        "name": "Kaya  Denim\u200b Atelier",
        "address": "Izmir",
        "country": "TR",
        "identifiers": {"duns": "15-048-3782"},
    }
    response = _post(client, auth, body)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["decision"] == "created" and answer["candidates"] == []
    site = Facility.objects.get(public_id=answer["facility"])
    assert site.name == "Kaya Denim Atelier"  # normalised like every name in the register
    assert site.identifiers.get().value == "150483782"
    assert SupplyLink.objects.get(org=world.member_a).facility == site
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"registry.facility.created", "registry.link.added"} <= actions


def test_unsure_answers_review_then_the_member_confirms(world: World) -> None:
    mill, factory = _towels()
    client, auth = _api(world)
    body = {"name": "Anatolia Towels", "country": "TR", "products": ["towels"]}
    before = AuditEvent.objects.count()
    answer = _post(client, auth, body).json()
    assert answer["decision"] == "review" and answer["facility"] is None and answer["link"] is None
    assert {c["id"] for c in answer["candidates"]} == {mill.public_id, factory.public_id}
    assert not SupplyLink.objects.exists() and Facility.objects.count() == 2
    assert AuditEvent.objects.count() == before
    confirmed = _post(client, auth, body | {"facility": factory.public_id}).json()
    assert confirmed["decision"] == "linked_existing" and confirmed["facility"] == factory.public_id
    assert SupplyLink.objects.get(org=world.member_a).products == ["towels"]


def test_unsure_then_none_of_these_creates_a_new_site(world: World) -> None:
    _towels()
    client, auth = _api(world)
    response = _post(client, auth, {"name": "Anatolia Towels", "country": "TR", "create": True})
    assert response.status_code == 201 and response.json()["decision"] == "created"
    assert Facility.objects.count() == 3


def test_bad_input_writes_nothing(world: World) -> None:
    _towels()
    client, auth = _api(world)
    cases = [
        ({"name": '=HYPERLINK("http://x")', "country": "TR"}, 400),
        ({"name": "12345", "country": "TR"}, 400),
        ({"name": "Kaya Denim", "country": "Atlantis"}, 400),
        ({"name": "Kaya Denim", "country": "TR", "identifiers": {"lei": "not an lei"}}, 400),
        ({"name": "Kaya Denim", "country": "TR", "tier": 0}, 422),
        ({"name": "Kaya Denim", "country": "TR", "spend_band": "lots"}, 422),
        ({"name": "Kaya Denim", "country": "TR", "identifiers": {"vat": "1"}}, 422),
        ({"name": "Kaya Denim", "country": "TR", "facility": "CN2020001AAAAAX"}, 404),
    ]
    for body, status in cases:
        response = _post(client, auth, body)
        assert response.status_code == status, (body, response.content)
    assert Facility.objects.count() == 2 and not SupplyLink.objects.exists()


def test_only_a_member_who_may_edit_adds_sites(world: World) -> None:
    _towels()
    body = {"name": "Kaya Denim", "country": "TR"}
    # A viewer cannot hold a read-write token; the page below stands for them.
    for user, write in ((world.supplier_admin, True), (world.editor_a, False)):
        client, auth = _api(world, user, write=write)
        assert _post(client, auth, body).status_code == 403, user
    page = client_for(world.viewer_a).post(reverse("registry:add_site"), body | {"tier": "1"})
    assert page.status_code == 403
    assert Facility.objects.count() == 2 and not SupplyLink.objects.exists()


def test_the_page_suggests_as_one_types_and_links_the_pick(world: World) -> None:
    mill, _factory = _towels()
    other = make_facility("Kaya Denim", "TR", "Izmir")
    link(world.member_b, other, products=["secret of member b"])
    client = client_for(world.editor_a)
    chain = client.get(reverse("registry:chain")).content.decode()
    assert reverse("registry:add_site") in chain
    form = client.get(reverse("registry:add_site")).content.decode()
    assert reverse("registry:site_suggestions") in form
    suggestions = client.get(reverse("registry:site_suggestions"), {"name": "Anatolia Tow", "country": "Turkey"})
    html = suggestions.content.decode()
    assert mill.public_id in html and "Kaya Denim" not in html
    nothing = client.get(reverse("registry:site_suggestions"), {"name": "Anatolia Tow", "country": ""})
    assert mill.public_id not in nothing.content.decode()
    picked = client.post(
        reverse("registry:add_site"),
        {"name": "Anatolia Tow", "country": "TR", "tier": "1", "products": "towels, robes", "facility": mill.public_id},
    )
    assert picked.status_code == 302 and picked["Location"] == reverse("registry:facility", args=[mill.public_id])
    assert SupplyLink.objects.get(org=world.member_a, facility=mill).products == ["towels", "robes"]


def test_the_page_shows_the_review_then_adds_a_new_site(world: World) -> None:
    _towels()
    client = client_for(world.editor_a)
    body = {"name": "Anatolia Towels", "country": "TR", "tier": "1"}
    review = client.post(reverse("registry:add_site"), body)
    assert review.status_code == 200
    html = review.content.decode()
    assert "None of these" in html and 'name="facility"' in html
    assert not SupplyLink.objects.exists()
    created = client.post(reverse("registry:add_site"), body | {"create": "on"})
    assert created.status_code == 302
    assert SupplyLink.objects.get(org=world.member_a).facility.name == "Anatolia Towels"


def test_a_junk_name_on_the_page_is_refused(world: World) -> None:
    client = client_for(world.editor_a)
    response = client.post(
        reverse("registry:add_site"), {"name": "@SUM(A1)", "country": "TR", "tier": "1"}, follow=True
    )
    assert response.status_code == 200
    assert not Facility.objects.exists() and not SupplyLink.objects.exists()
