"""The grievance API: the redacted view for those a case was routed to, nothing for anyone else."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from covenant.accounts import services as account_services
from tests.conftest import World, actor_of
from tests.grievances.builders import SECRET_NAME, SECRET_TEXT


def _api(user: object) -> Client:
    _token, secret = account_services.create_token(actor_of(user), name="api")  # type: ignore[arg-type]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_linked_member_and_handler_follow_the_case_without_its_content(gw: World) -> None:
    case = gw.extras["case"]
    for user in (gw.admin_a, gw.grievance_handler):
        api = _api(user)
        listed = api.get(reverse("api:list_cases"))
        assert listed.status_code == 200
        assert [c["reference"] for c in listed.json()["items"]] == [case.reference]
        one = api.get(reverse("api:get_case", args=[case.pk]))
        body = one.content.decode()
        assert one.status_code == 200 and one.json()["site"] == gw.extras["shared"].public_id
        assert one.json()["stage"] == "received" and one.json()["topics"] == ["safety"]
        assert SECRET_TEXT not in body and SECRET_NAME not in body


def test_an_unlinked_member_learns_nothing(gw: World) -> None:
    api = _api(gw.admin_b)  # takes part in the mechanism, not linked to the site
    assert api.get(reverse("api:list_cases"), {"show": "all"}).json()["items"] == []
    assert api.get(reverse("api:get_case", args=[gw.extras["case"].pk])).status_code == 404
