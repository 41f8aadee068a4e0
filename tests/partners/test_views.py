"""The pages and the API of finding partners: counts for members, numbers for the secretariat."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.core.models import AuditEvent
from covenant.partners import services
from covenant.partners.models import Interest
from tests.conftest import World, actor_of, client_for, make_org, make_user

TEA_CHILD = "KE|tea|child_labour"


def _api(user: Any, read_only: bool = False) -> Client:
    _token, secret = create_token(actor_of(user), name="partners", read_only=read_only)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_member_page_shows_counts_and_no_names(partners: World) -> None:
    services.signal_interest(actor_of(partners.admin_b), "site", partners.extras["tea"].public_id, note="zuid note")
    response = client_for(partners.admin_a).get(reverse("partners:home"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kericho Highlands Tea Estate" in text and "Signal interest" in text
    assert "Zuidkust" not in text and "zuid note" not in text and "Oostzee" not in text
    # Filtered to a country, the other country's rows go.
    text = client_for(partners.admin_a).get(reverse("partners:home"), {"country": "CI"}).content.decode()
    assert "Soubré" in text and "Kericho" not in text


def test_signal_and_withdraw_through_the_page(partners: World) -> None:
    tea = partners.extras["tea"].public_id
    a, b = client_for(partners.admin_a), client_for(partners.admin_b)
    response = a.post(reverse("partners:signal"), {"kind": "site", "key": tea, "note": "wages", "show_contact": "on"})
    assert response.status_code == 302
    interest = Interest.objects.get(org=partners.member_a)
    assert interest.contact == partners.admin_a
    b.post(reverse("partners:signal"), {"kind": "site", "key": tea})
    text = b.get(reverse("partners:home")).content.decode()
    assert "Noordhaven Foods" in text and partners.admin_a.email in text
    assert (
        "Noordhaven Foods" not in client_for(partners.extras["admin_c"]).get(reverse("partners:home")).content.decode()
    )
    response = a.post(reverse("partners:withdraw", args=[interest.pk]))
    assert response.status_code == 302
    assert "Noordhaven Foods" not in b.get(reverse("partners:home")).content.decode()
    # Another member cannot withdraw A's interest: 404, nothing written.
    again = services.signal_interest(actor_of(partners.admin_a), "site", tea)
    before = AuditEvent.objects.count()
    assert b.post(reverse("partners:withdraw", args=[again.pk])).status_code == 404
    assert AuditEvent.objects.count() == before
    assert Interest.objects.get(pk=again.pk).withdrawn_at is None


def test_fishing_through_the_page_is_refused_with_a_message(partners: World) -> None:
    d = client_for(partners.extras["admin_d"])
    response = d.post(
        reverse("partners:signal"), {"kind": "site", "key": partners.extras["tea"].public_id}, follow=True
    )
    assert "only in a site you source from" in response.content.decode()
    assert not Interest.objects.exists()


def test_the_pages_are_for_members_and_the_secretariat(partners: World) -> None:
    branch = make_org("Branche Thee", "branch_association")
    branch_admin = make_user(branch, "admin", "admin@branche.example")
    for user in (partners.coordinator, partners.supplier_admin, partners.cso_admin, branch_admin):
        assert client_for(user).get(reverse("partners:home")).status_code == 403
    for user in (partners.admin_a, partners.supplier_admin, branch_admin):
        assert client_for(user).get(reverse("partners:overview")).status_code == 403
    services.signal_interest(actor_of(partners.admin_a), "site", partners.extras["tea"].public_id, note="canary-a")
    services.signal_interest(actor_of(partners.admin_b), "site", partners.extras["tea"].public_id)
    response = client_for(partners.coordinator).get(reverse("partners:overview"))
    assert response.status_code == 200
    text = response.content.decode()
    for secret in ("Noordhaven", "Zuidkust", "Kericho", "canary-a", partners.extras["tea"].public_id, "tea"):
        assert secret not in text
    assert response.context["counts"].matches == 1


def test_the_api_lists_subjects_and_partner_slugs_where_mutual(partners: World) -> None:
    api_a, api_b = _api(partners.admin_a), _api(partners.admin_b)
    response = api_a.post(
        reverse("api:signal_partner_interest"),
        {"kind": "hotspot", "key": TEA_CHILD, "note": "living wage"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    interest_id = response.json()["id"]
    items = api_b.get(reverse("api:partners_shared")).json()["items"]
    tea = next(i for i in items if i["key"] == TEA_CHILD)
    assert tea["others"] == 3 and tea["partners"] == [] and not tea["interested"]
    api_b.post(
        reverse("api:signal_partner_interest"), {"kind": "hotspot", "key": TEA_CHILD}, content_type="application/json"
    )
    page = api_b.get(reverse("api:partners_shared"), {"page_size": 1}).json()
    assert page["count"] >= 3 and page["next"]
    tea = next(i for i in api_b.get(reverse("api:partners_shared")).json()["items"] if i["key"] == TEA_CHILD)
    assert tea["partners"] == [partners.member_a.slug] and tea["interested"]
    # A second signal is a conflict; fishing is refused; withdrawing is A's only.
    again = api_a.post(
        reverse("api:signal_partner_interest"), {"kind": "hotspot", "key": TEA_CHILD}, content_type="application/json"
    )
    assert again.status_code == 409
    fishing = _api(partners.extras["admin_d"]).post(
        reverse("api:signal_partner_interest"),
        {"kind": "site", "key": partners.extras["tea"].public_id},
        content_type="application/json",
    )
    assert fishing.status_code == 400
    assert api_b.delete(reverse("api:withdraw_partner_interest", args=[interest_id])).status_code == 404
    assert api_a.delete(reverse("api:withdraw_partner_interest", args=[interest_id])).status_code == 204
    tea = next(i for i in api_b.get(reverse("api:partners_shared")).json()["items"] if i["key"] == TEA_CHILD)
    assert tea["partners"] == []


def test_a_read_only_token_cannot_signal(partners: World) -> None:
    response = _api(partners.admin_a, read_only=True).post(
        reverse("api:signal_partner_interest"), {"kind": "hotspot", "key": TEA_CHILD}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Interest.objects.exists()
