"""Publishing the disclosure list: a preview of what changes, then a confirmation that must match it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.core.models import AuditEvent
from covenant.registry import selectors, services
from covenant.registry.models import Publication
from tests.conftest import World, actor_of, client_for
from tests.factories import link, make_facility


@pytest.fixture
def sector(world: World) -> World:
    kept = make_facility("Tiruppur Knit Works", "IN", "12 Avinashi Road, Tiruppur")
    renamed = make_facility("Dhaka Denim Ltd", "BD", "Plot 4, Ashulia")
    dropped = make_facility("Old Tannery", "PK", "Kasur")
    link(world.member_a, kept)
    link(world.member_a, renamed)
    link(world.member_b, dropped)
    world.extras.update(kept=kept, renamed=renamed, dropped=dropped)
    return world


def _api(user) -> tuple[Client, dict[str, str]]:  # type: ignore[no-untyped-def]
    _t, secret = create_token(actor_of(user), name="api", read_only=False)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_first_preview_shows_every_row_and_publishing_it_stores_them(sector: World) -> None:
    coordinator = actor_of(sector.coordinator)
    preview = selectors.disclosure_preview(coordinator)
    assert preview.previous is None
    assert (
        {r["id"] for r in preview.rows}
        == {r["id"] for r in preview.added}
        == {sector.extras[k].public_id for k in ("kept", "renamed", "dropped")}
    )
    publication = services.publish_disclosure(coordinator, fingerprint=preview.fingerprint)
    assert publication.data == preview.rows and publication.facility_count == 3
    # Published as previewed: the next preview compares with it and finds nothing new.
    again = selectors.disclosure_preview(coordinator)
    assert again.previous == publication and not again.has_changes
    assert again.fingerprint != preview.fingerprint  # it is now compared with another publication


def test_the_preview_says_what_changed_since_the_last_publication(sector: World) -> None:
    coordinator = actor_of(sector.coordinator)
    services.set_preferences(actor_of(sector.admin_b), visible_to_peers=False, disclose_publicly=True)
    services.publish_disclosure(coordinator)
    # Since then: a new site, a renamed one, member B's only link ended yesterday, member A named.
    new = make_facility("Ho Chi Minh Garment Co", "VN", "Lot 7, Tan Binh")
    link(sector.member_a, new)
    services.update_facility(coordinator, sector.extras["renamed"], name="Dhaka Denim Limited")
    sector.extras["dropped"].links.update(end_date=date.today() - timedelta(days=1))
    services.set_preferences(actor_of(sector.admin_a), visible_to_peers=False, disclose_publicly=True)
    preview = selectors.disclosure_preview(coordinator)
    assert [r["id"] for r in preview.added] == [new.public_id]
    assert [r["id"] for r in preview.removed] == [sector.extras["dropped"].public_id]
    changed = {c.row["id"]: c.fields for c in preview.changed}
    assert changed[sector.extras["renamed"].public_id] == ["name", "disclosed_by"]
    assert changed[sector.extras["kept"].public_id] == ["disclosed_by"]
    assert preview.newly_named == [sector.member_a.name]
    assert preview.no_longer_named == [sector.member_b.name]  # its only site is no longer linked
    page = client_for(sector.coordinator).get(reverse("registry:disclosure"))
    body = page.content.decode()
    assert "Ho Chi Minh Garment Co" in body and "Old Tannery" in body and sector.member_a.name in body
    assert preview.fingerprint in body


def test_ended_links_are_not_published(sector: World) -> None:
    ended = make_facility("Closed Spinning Mill", "TR", "Denizli")
    link(sector.member_a, ended, end_date=date.today() - timedelta(days=1))
    client, auth = _api(sector.coordinator)
    preview = client.get("/api/v1/register/disclosure/preview", **auth).json()
    assert ended.public_id not in {r["id"] for r in preview["rows"]}
    published = client.post(
        "/api/v1/register/disclosure/publications",
        {"fingerprint": preview["fingerprint"]},
        content_type="application/json",
        **auth,
    )
    assert published.status_code == 201 and published.json()["facility_count"] == 3
    public = Client().get(reverse("registry:disclosed", args=["json"])).json()
    assert ended.public_id not in {r["id"] for r in public["facilities"]}


def test_a_stale_preview_is_refused_and_nothing_is_published(sector: World) -> None:
    coordinator = actor_of(sector.coordinator)
    stale = selectors.disclosure_preview(coordinator).fingerprint
    services.update_facility(coordinator, sector.extras["kept"], address="14 Avinashi Road, Tiruppur")
    events = AuditEvent.objects.count()
    with pytest.raises(services.StalePreview):
        services.publish_disclosure(coordinator, fingerprint=stale)
    assert not Publication.objects.exists() and AuditEvent.objects.count() == events
    # The page refuses too, and shows the new preview to confirm.
    client = client_for(sector.coordinator)
    response = client.post(reverse("registry:disclosure"), {"fingerprint": stale})
    assert response.status_code == 200 and not Publication.objects.exists()
    fresh = response.context["preview"].fingerprint
    assert fresh != stale and fresh in response.content.decode()
    assert "changed since your preview" in response.content.decode()
    # A post without a fingerprint publishes nothing either.
    client.post(reverse("registry:disclosure"), {})
    assert not Publication.objects.exists()
    # So does the API, with 409.
    api, auth = _api(sector.coordinator)
    refused = api.post(
        "/api/v1/register/disclosure/publications", {"fingerprint": stale}, content_type="application/json", **auth
    )
    assert refused.status_code == 409 and not Publication.objects.exists()
    assert api.post(
        "/api/v1/register/disclosure/publications", {}, content_type="application/json", **auth
    ).status_code in {
        400,
        422,
    }
    # The fresh one goes through.
    assert client.post(reverse("registry:disclosure"), {"fingerprint": fresh}).status_code == 302
    assert Publication.objects.get().data[1]["address"] == "14 Avinashi Road, Tiruppur"


def test_publishing_moves_the_fingerprint_of_an_open_preview(sector: World) -> None:
    # Someone else published in between: the rows are the same, but the changes shown are not.
    coordinator = actor_of(sector.coordinator)
    seen = selectors.disclosure_preview(coordinator).fingerprint
    services.publish_disclosure(coordinator)
    with pytest.raises(services.StalePreview):
        services.publish_disclosure(coordinator, fingerprint=seen)
    assert Publication.objects.count() == 1


def test_members_and_suppliers_neither_preview_nor_publish(sector: World) -> None:
    fingerprint = selectors.disclosure_preview(actor_of(sector.coordinator)).fingerprint
    for user in (sector.admin_a, sector.supplier_admin):
        with pytest.raises(PermissionDenied):
            selectors.disclosure_preview(actor_of(user))
        with pytest.raises(PermissionDenied):
            services.publish_disclosure(actor_of(user), fingerprint=fingerprint)
        assert client_for(user).get(reverse("registry:disclosure")).status_code == 403
        assert client_for(user).post(reverse("registry:disclosure"), {"fingerprint": fingerprint}).status_code == 403
        client, auth = _api(user)
        assert client.get("/api/v1/register/disclosure/preview", **auth).status_code == 403
        posted = client.post(
            "/api/v1/register/disclosure/publications",
            {"fingerprint": fingerprint},
            content_type="application/json",
            **auth,
        )
        assert posted.status_code == 403
    assert not Publication.objects.exists()
