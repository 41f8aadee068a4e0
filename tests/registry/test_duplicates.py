"""The duplicates queue: scanning the register, the secretariat's page, merging and dismissing pairs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.core.errors import Conflict
from covenant.core.models import AuditEvent, Job, JobStatus
from covenant.registry import duplicates, matchindex, selectors, services
from covenant.registry.models import DuplicatePair, DuplicateStatus, FacilityStatus
from covenant.registry.templatetags.registry_tags import explain
from tests.conftest import World, actor_of, client_for
from tests.factories import link, make_facility


@pytest.fixture
def register(world: World) -> World:
    """Two records of one site (one of them with more member links), a lone site, and a look-alike abroad."""
    matchindex.reset()
    first = make_facility("Saigon Textile JSC", "VN", "Lot A5, Tan Tao Industrial Park, Binh Tan, Ho Chi Minh City")
    second = make_facility(
        "Saigon Textile Joint Stock Company", "VN", "Lot A5 Tan Tao Industrial Park, Binh Tan District, HCMC"
    )
    make_facility("Anatolia Towel Mill", "TR", "Organize Sanayi Bolgesi, Denizli")
    make_facility("Saigon Textile JSC", "KH", "Street 271, Phnom Penh")  # another country: never a pair
    link(world.member_a, second, tier=1)
    link(world.member_b, second, tier=1)
    link(world.member_a, first, tier=2)
    world.extras.update(first=first, second=second)
    return world


def _pairs() -> list[DuplicatePair]:
    return list(DuplicatePair.objects.select_related("a", "b").order_by("pk"))


def _api(user) -> tuple[Client, dict[str, str]]:  # type: ignore[no-untyped-def]
    _t, secret = create_token(actor_of(user), name="api", read_only=False)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_scan_finds_the_two_records_of_one_site_and_nothing_else(register: World) -> None:
    first, second = register.extras["first"], register.extras["second"]
    before = AuditEvent.objects.count()
    scan = services.find_duplicates(actor_of(register.coordinator), workers=1)
    assert (scan.facilities, scan.found, scan.new) == (4, 1, 1)
    [pair] = _pairs()
    assert (pair.a_id, pair.b_id) == (min(first.pk, second.pk), max(first.pk, second.pk))
    assert pair.status == DuplicateStatus.OPEN
    assert pair.score >= matchindex.thresholds().review
    assert any(r.startswith("name ") for r in explain(pair.features))
    # One event summarises the scan.
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == ["registry.duplicates.scanned"]
    assert events[0].summary["found"] == 1 and events[0].summary["new"] == 1
    # Scanning again changes nothing.
    again = services.find_duplicates(actor_of(register.coordinator), workers=1)
    assert (again.found, again.new, again.dropped) == (1, 0, 0)
    assert [p.pk for p in _pairs()] == [pair.pk]


def test_a_dismissed_pair_is_not_proposed_again(register: World) -> None:
    coordinator = actor_of(register.coordinator)
    services.find_duplicates(coordinator, workers=1)
    [pair] = _pairs()
    services.dismiss_duplicate(coordinator, pair)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISMISSED and pair.decided_by == register.coordinator
    assert AuditEvent.objects.order_by("-seq").first().action == "registry.duplicate.dismissed"  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        services.dismiss_duplicate(coordinator, pair)
    scan = services.find_duplicates(coordinator, workers=1)
    assert (scan.new, scan.updated) == (0, 0)
    assert [(p.pk, p.status) for p in _pairs()] == [(pair.pk, DuplicateStatus.DISMISSED)]
    assert not selectors.duplicate_pairs(coordinator).exists()


def test_open_pairs_of_a_facility_no_longer_active_are_dropped(register: World) -> None:
    coordinator = actor_of(register.coordinator)
    services.find_duplicates(coordinator, workers=1)
    assert selectors.duplicate_pairs(coordinator).count() == 1
    services.close_facility(coordinator, register.extras["first"])
    assert not selectors.duplicate_pairs(coordinator).exists()  # at once on the page
    scan = services.find_duplicates(coordinator, workers=1)
    assert (scan.found, scan.dropped) == (0, 1)
    assert not DuplicatePair.objects.exists()


def test_only_the_secretariat_scans_and_dismisses(register: World) -> None:
    services.find_duplicates(actor_of(register.coordinator), workers=1)
    [pair] = _pairs()
    for user in (register.admin_a, register.supplier_admin):
        with pytest.raises(PermissionDenied):
            services.find_duplicates(actor_of(user), workers=1)
        with pytest.raises(PermissionDenied):
            services.dismiss_duplicate(actor_of(user), pair)
        with pytest.raises(PermissionDenied):
            selectors.duplicate_pairs(actor_of(user))
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_the_scan_reads_the_register_in_batches_not_per_facility(register: World) -> None:
    coordinator = actor_of(register.coordinator)
    matcher = matchindex.get_matcher()

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            duplicates.scan_register(matcher, batch=1000)
        return len(ctx.captured_queries)

    few = queries()
    for i in range(12):
        make_facility(f"Batch Probe Weaving Mill {i}", "BD", f"Plot {i}, Gazipur")
    matcher = matchindex.get_matcher()
    assert queries() == few
    assert services.find_duplicates(coordinator, workers=1).facilities == 16


def test_the_page_shows_pairs_side_by_side_to_the_secretariat_only(register: World) -> None:
    services.find_duplicates(actor_of(register.coordinator), workers=1)
    [pair] = _pairs()
    page = client_for(register.coordinator).get(reverse("registry:duplicates"))
    assert page.status_code == 200
    body = page.content.decode()
    assert pair.a.public_id in body and pair.b.public_id in body
    assert "<mark>" in body  # the differing words are marked
    assert reverse("registry:merge") + f"?pair={pair.pk}" in body
    assert (
        client_for(register.coordinator)
        .get(reverse("registry:duplicates") + "?country=TR")
        .context["page"]
        .paginator.count
        == 0
    )
    assert (
        client_for(register.coordinator)
        .get(reverse("registry:duplicates") + "?country=Vietnam")
        .context["page"]
        .paginator.count
        == 1
    )
    for user in (register.admin_a, register.supplier_admin):
        assert client_for(user).get(reverse("registry:duplicates")).status_code == 403
        response = client_for(user).post(reverse("registry:duplicate_dismiss", args=[pair.pk]))
        assert response.status_code in {403, 404}
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_merge_from_the_queue_proposes_the_survivor_and_marks_the_pair_merged(register: World) -> None:
    first, second = register.extras["first"], register.extras["second"]
    services.find_duplicates(actor_of(register.coordinator), workers=1)
    [pair] = _pairs()
    client = client_for(register.coordinator)
    preview = client.get(reverse("registry:merge") + f"?pair={pair.pk}")
    assert preview.status_code == 200
    loser, survivor = preview.context["preview"]
    assert (loser, survivor) == (first, second)  # second has more member links: it remains
    response = client.post(
        reverse("registry:merge"),
        {"loser": first.public_id, "survivor": second.public_id, "pair": pair.pk, "confirm": "yes"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("registry:duplicates")
    pair.refresh_from_db()
    first.refresh_from_db()
    assert first.status == FacilityStatus.MERGED
    assert pair.status == DuplicateStatus.MERGED and pair.decided_by == register.coordinator
    # The merged pair stays merged: the next scan neither reopens it nor proposes another.
    scan = services.find_duplicates(actor_of(register.coordinator), workers=1)
    assert scan.new == 0
    assert [p.status for p in _pairs()] == [DuplicateStatus.MERGED]


def test_a_merge_elsewhere_also_closes_the_pair(register: World) -> None:
    first, second = register.extras["first"], register.extras["second"]
    services.find_duplicates(actor_of(register.coordinator), workers=1)
    services.merge_facilities(actor_of(register.coordinator), second, first)
    assert [p.status for p in _pairs()] == [DuplicateStatus.MERGED]


def test_the_api_lists_and_dismisses_for_the_secretariat_only(register: World) -> None:
    services.find_duplicates(actor_of(register.coordinator), workers=1)
    [pair] = _pairs()
    client, auth = _api(register.coordinator)
    listed = client.get("/api/v1/register/duplicates", **auth).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["id"] == pair.pk and item["reasons"] == explain(pair.features) and item["reasons"]
    assert {item["a"]["id"], item["b"]["id"]} == {pair.a.public_id, pair.b.public_id}
    assert {item["a"]["links"], item["b"]["links"]} == {1, 2}
    assert client.get("/api/v1/register/duplicates?country=TR", **auth).json()["count"] == 0
    assert client.get("/api/v1/register/duplicates?country=Atlantis", **auth).json()["count"] == 0
    for user in (register.admin_a, register.supplier_admin):
        other, other_auth = _api(user)
        assert other.get("/api/v1/register/duplicates", **other_auth).status_code == 403
        assert other.post(f"/api/v1/register/duplicates/{pair.pk}/dismiss", **other_auth).status_code == 404
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN
    dismissed = client.post(f"/api/v1/register/duplicates/{pair.pk}/dismiss", **auth)
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    assert client.post(f"/api/v1/register/duplicates/{pair.pk}/dismiss", **auth).status_code == 409
    assert client.get("/api/v1/register/duplicates", **auth).json()["count"] == 0


def test_the_command_scans_and_reports(register: World) -> None:
    out = StringIO()
    call_command("find_duplicates", "--workers", "1", stdout=out)
    assert "4 facilities scanned, 1 likely pairs (1 new" in out.getvalue()
    assert DuplicatePair.objects.count() == 1


def test_the_secretariat_starts_a_scan_in_the_background(register: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    client = client_for(register.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:duplicates_scan"))
    assert response.status_code == 200
    job = Job.objects.get(kind="registry.duplicates")
    assert job.status == JobStatus.DONE and "1 likely duplicate pairs" in job.message
    assert DuplicatePair.objects.count() == 1
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["registry.duplicates.scanned", "registry.duplicates.scan_started"]
    assert client_for(register.admin_a).post(reverse("registry:duplicates_scan")).status_code == 403
    assert Job.objects.filter(kind="registry.duplicates").count() == 1
