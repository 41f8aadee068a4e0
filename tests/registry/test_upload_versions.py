"""Versions without surprises: a full list that would end links stops and asks (which links,
how many); additions end nothing; ended links leave every count; the answer is recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.audits import selectors as audit_selectors
from covenant.core.errors import Conflict
from covenant.core.models import AuditEvent
from covenant.registry import interface, services
from covenant.registry.dashboard import chain_card
from covenant.registry.models import (
    Facility,
    ListUpload,
    SpendBand,
    SupplyLink,
    UploadMode,
    UploadStatus,
)
from covenant.registry.selectors import disclosure_rows
from covenant.risk import selectors as risk_selectors
from tests.conftest import World, actor_of, client_for

V1 = (
    "Name,Address,Country,Tier,Spend\n"
    "Keep Spinning Mill,1 Cotton Road Dhaka,BD,1,\n"
    "Dropped Dyeing House,2 Indigo Lane Chittagong,BD,2,100k-1M\n"
    "Gone Garments Factory,3 Needle Street Tiruppur,IN,1,\n"
)
V2_SAME_SITES = (
    "Name,Address,Country,Tier\n"
    "Keep Spinning Mill,1 Cotton Road Dhaka,BD,1\n"
    "Dropped Dyeing House,2 Indigo Lane Chittagong,BD,2\n"
    "Gone Garments Factory,3 Needle Street Tiruppur,IN,1\n"
)
V2 = "Name,Address,Country,Tier\nKeep Spinning Mill,1 Cotton Road Dhaka,BD,1\n"


def _upload(world: World, text: str, mode: str = UploadMode.FULL) -> ListUpload:
    actor = actor_of(world.editor_a)
    supplier_list = services.create_list(actor, "Suppliers")
    upload = services.start_upload(actor, supplier_list, filename="suppliers.csv", data=text.encode(), mode=mode)
    if upload.status == UploadStatus.QUEUED:
        upload = services.process_upload(upload.pk)
    return upload


def _active_names(world: World) -> set[str]:
    return set(SupplyLink.objects.active().filter(org=world.member_a).values_list("facility__name", flat=True))


def _counts(world: World) -> tuple[int, ...]:
    """Sites counted by each page: selector, dashboard card, supply chain page, coverage, risk."""
    actor = actor_of(world.admin_a)
    member = client_for(world.admin_a)
    return (
        interface.linked_site_ids(actor).count(),
        chain_card(actor)["chain"]["sites"],  # type: ignore[index]
        member.get(reverse("registry:chain")).context["summary"]["sites"],
        audit_selectors.coverage(actor).sites,
        risk_selectors.member_overview(actor).sites,
    )


@pytest.fixture
def first(world: World) -> ListUpload:
    upload = _upload(world, V1)
    assert upload.status == UploadStatus.DONE, upload.error
    assert _active_names(world) == {"Keep Spinning Mill", "Dropped Dyeing House", "Gone Garments Factory"}
    return upload


def test_a_full_list_that_would_end_links_stops_and_shows_which(world: World, first: ListUpload) -> None:
    second = _upload(world, V2)
    assert second.status == UploadStatus.CONFIRM
    pending = second.diff["pending_ends"]
    assert [(p["name"], p["country"], p["tier"], p["spend_band"]) for p in pending] == [
        ("Dropped Dyeing House", "BD", 2, SpendBand.TO_1M),
        ("Gone Garments Factory", "IN", 1, ""),
    ]
    assert {p["facility"] for p in pending} == set(
        Facility.objects.filter(name__in=["Dropped Dyeing House", "Gone Garments Factory"]).values_list(
            "public_id", flat=True
        )
    )
    # Nothing ended yet: every page still counts all three.
    assert _active_names(world) == {"Keep Spinning Mill", "Dropped Dyeing House", "Gone Garments Factory"}
    assert set(_counts(world)) == {3}

    page = client_for(world.editor_a).get(reverse("registry:upload", args=[second.pk])).content.decode()
    assert "This list would end 2 links" in page
    for p in pending:
        assert p["name"] in page and p["facility"] in page
    assert "€1 million" in page and reverse("registry:upload_ends", args=[second.pk]) in page


def test_confirming_ends_the_links_everywhere_and_records_it(world: World, first: ListUpload) -> None:
    second = _upload(world, V2)
    response = client_for(world.editor_a).post(reverse("registry:upload_ends", args=[second.pk]), {"decision": "end"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.mode, second.diff["ends_decision"]) == (UploadStatus.DONE, UploadMode.FULL, "ended")
    assert _active_names(world) == {"Keep Spinning Mill"}
    # The links end (dated), they are not deleted.
    assert SupplyLink.objects.filter(org=world.member_a).count() == 3
    assert set(_counts(world)) == {1}
    published = {row["id"] for row in disclosure_rows()}
    assert not published & {p["facility"] for p in second.diff["pending_ends"]}
    event = AuditEvent.objects.filter(action="registry.list.links_ended").get()
    assert event.summary["ended"] == 2 and event.org_id == world.member_a.pk
    with pytest.raises(Conflict):
        services.decide_link_ends(actor_of(world.editor_a), second, end_links=True)


def test_declining_keeps_every_link_and_counts_the_file_as_additions(world: World, first: ListUpload) -> None:
    second = _upload(world, V2)
    client_for(world.editor_a).post(reverse("registry:upload_ends", args=[second.pk]), {"decision": "keep"})
    second.refresh_from_db()
    assert (second.status, second.mode, second.diff["ends_decision"]) == (
        UploadStatus.DONE,
        UploadMode.ADDITIONS,
        "kept",
    )
    assert len(_active_names(world)) == 3
    assert AuditEvent.objects.filter(action="registry.list.links_kept").count() == 1
    page = client_for(world.editor_a).get(reverse("registry:upload", args=[second.pk])).content.decode()
    assert "You kept your links to these sites." in page


def test_additions_end_nothing_and_do_not_ask(world: World, first: ListUpload) -> None:
    second = _upload(world, V2, mode=UploadMode.ADDITIONS)
    assert second.status == UploadStatus.DONE
    assert "pending_ends" not in second.diff
    assert len(_active_names(world)) == 3


def test_a_full_list_that_ends_nothing_is_done_at_once(world: World, first: ListUpload) -> None:
    second = _upload(world, V2_SAME_SITES)
    assert second.status == UploadStatus.DONE and "pending_ends" not in second.diff
    assert len(_active_names(world)) == 3


def test_a_newer_version_answers_an_older_one_still_waiting(world: World, first: ListUpload) -> None:
    waiting = _upload(world, V2)
    third = _upload(world, V2)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.mode) == (UploadStatus.DONE, UploadMode.ADDITIONS)
    assert third.status == UploadStatus.CONFIRM and len(third.diff["pending_ends"]) == 2
    assert len(_active_names(world)) == 3


def test_only_an_editor_of_the_member_answers(world: World, first: ListUpload) -> None:
    second = _upload(world, V2)
    with pytest.raises(PermissionDenied):
        services.decide_link_ends(actor_of(world.viewer_a), second, end_links=True)
    with pytest.raises(PermissionDenied):
        services.decide_link_ends(actor_of(world.admin_b), second, end_links=True)
    assert len(_active_names(world)) == 3


def test_the_upload_form_asks_full_or_additions(world: World) -> None:
    page = client_for(world.editor_a).get(reverse("registry:lists")).content.decode()
    assert 'name="mode"' in page and 'value="additions"' in page
    assert "only after you have seen which sites and confirmed" in page


def _api(world: World) -> Client:
    _token, secret = create_token(actor_of(world.admin_a), name="lists", read_only=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_api_shows_the_pending_ends_and_confirms(world: World, first: ListUpload) -> None:
    api = _api(world)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api.post(
        reverse("api:upload_list"),
        {"list_name": "Suppliers", "mode": "full", "file": SimpleUploadedFile("v2.csv", V2.encode())},
    )
    assert response.status_code == 201, response.content
    upload_id = response.json()["id"]
    services.process_upload(upload_id)  # the worker's part (tasks run once the request's transaction commits)
    body = api.get(reverse("api:get_upload", args=[upload_id])).json()
    assert body["status"] == "confirm" and body["mode"] == "full"
    assert sorted(p["name"] for p in body["pending_ends"]) == ["Dropped Dyeing House", "Gone Garments Factory"]
    url = reverse("api:confirm_upload", args=[upload_id])
    response = api.post(url, {"end_links": True}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done" and response.json()["pending_ends"] == []
    assert _active_names(world) == {"Keep Spinning Mill"}
    again = api.post(url, {"end_links": False}, content_type="application/json")
    assert again.status_code == 409


def test_the_api_takes_additions(world: World, first: ListUpload) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _api(world).post(
        reverse("api:upload_list"),
        {"list_name": "Suppliers", "mode": "additions", "file": SimpleUploadedFile("v2.csv", V2.encode())},
    )
    assert response.status_code == 201 and response.json()["mode"] == "additions"
    assert services.process_upload(response.json()["id"]).status == UploadStatus.DONE
    assert len(_active_names(world)) == 3
