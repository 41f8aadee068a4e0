"""Actions that conflict with an object's current state answer 409; HTML views still show the message."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from covenant.accounts.services import create_token
from covenant.audits.models import CapStatus
from covenant.core.errors import Conflict
from covenant.orgs import services as org_services
from tests.conftest import World, actor_of, client_for
from tests.factories import audits_world


def _api(user: Any) -> Client:
    _t, secret = create_token(actor_of(user), name="t", read_only=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def assert_409(response: Any, message: str) -> None:
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == message


def test_conflict_is_a_validation_error() -> None:
    error = Conflict("This claim was already decided.")
    assert isinstance(error, ValidationError)
    assert error.messages == ["This claim was already decided."]


def test_withdrawing_a_withdrawn_invitation_is_409(world: World) -> None:
    invitation, _token = org_services.invite(actor_of(world.admin_a), email="x@noordhaven.example", role="viewer")
    api = _api(world.admin_a)
    assert api.delete(f"/api/v1/invitations/{invitation.pk}").status_code == 204
    assert_409(api.delete(f"/api/v1/invitations/{invitation.pk}"), "Only a pending invitation can be withdrawn.")


def test_html_view_shows_the_conflict_as_before(world: World) -> None:
    invitation, _token = org_services.invite(actor_of(world.admin_a), email="x@noordhaven.example", role="viewer")
    org_services.revoke_invitation(actor_of(world.admin_a), invitation)
    response = client_for(world.admin_a).post(f"/organisation/invitations/{invitation.pk}/revoke/", follow=True)
    assert response.status_code == 200
    assert "Only a pending invitation can be withdrawn." in response.content.decode()


def test_verifying_a_closed_action_is_409_for_a_verifier_only(world: World) -> None:
    audits_world(world)
    action = world.extras["action"]
    api = _api(world.admin_a)
    payload = {"method": "desk_review", "note": "checked"}
    first = api.post(f"/api/v1/caps/{action.pk}/verify", payload, content_type="application/json")
    assert first.status_code == 200, first.content
    action.refresh_from_db()
    assert action.status == CapStatus.CLOSED
    again = api.post(f"/api/v1/caps/{action.pk}/verify", payload, content_type="application/json")
    assert_409(again, "This action is closed.")
    # The site itself may never verify: it still gets 403, not the state of the action.
    site = _api(world.extras["audit_supplier_admin"])
    response = site.post(f"/api/v1/caps/{action.pk}/verify", payload, content_type="application/json")
    assert response.status_code == 403


def test_deciding_a_decided_claim_raises_conflict(world: World) -> None:
    from covenant.registry import services as registry_services
    from tests.factories import make_facility

    site = make_facility("Huaxin Dongguan", "CN")
    claim = registry_services.claim_facility(actor_of(world.supplier_admin), site, "Our business licence")
    secretariat = actor_of(world.coordinator)
    registry_services.decide_claim(secretariat, claim, verified=True)
    with pytest.raises(Conflict, match="already decided"):
        registry_services.decide_claim(secretariat, claim, verified=False)


def test_answering_an_answered_access_request_raises_conflict(world: World) -> None:
    from covenant.audits import services as audit_services

    audits_world(world)
    request, owner = world.extras["access_request"], actor_of(world.extras["audit_supplier_admin"])
    audit_services.decide_access_request(owner, request, grant=False)
    with pytest.raises(Conflict, match="already answered"):
        audit_services.decide_access_request(owner, request, grant=True)
