"""The register issue's own check, end to end through the API: two members and the secretariat.

The same messy list (genuine new sites, a copy of a register site, a near miss, junk rows) is uploaded three
times by member A: the register grows only by the genuine new sites, once; junk rows are row
errors; member B does not find A's provisional sites in search until B's own list names one of
them, which confirms it; the secretariat then accepts the other from its moderation queue.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.registry import matchindex
from covenant.registry.models import Confirmation, Facility, ListRow, RowStatus, SupplyLink
from tests.conftest import World, actor_of
from tests.factories import make_facility

MESSY = (
    "Supplier,Address,Country\n"
    "Golden Textile Co. 14,14 Riverside Road Dongguan Guangdong,China\n"
    "Dongguan Huaxin Garment Co Ltd,88 Dongcheng Rd Dongguan,CN\n"
    "Silver Moon Tea Farmers Cooperative,Kericho Road Kericho,Kenya\n"
    '"=HYPERLINK(""http://x"",""click"")",somewhere,China\n'
    "??????????,,China\n"
    "Ã© CafÃ© 北京,Rue 1,France\n"
    "Anatolia Towel Mill,Organize Sanayi Bolgesi Denizli,Turkey\n"
    "Mill With \u202eOverride,Road 2,India\n"
)


def _api(user: Any) -> Client:
    _token, secret = create_token(actor_of(user), name="api", read_only=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _upload(api: Client, list_name: str, text: str, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            reverse("api:upload_list"),
            {"list_name": list_name, "file": SimpleUploadedFile("list.csv", text.encode("utf-8"))},
        )
    assert response.status_code == 201, response.content
    upload = api.get(reverse("api:get_upload", args=[response.json()["id"]])).json()
    assert upload["status"] == "done", upload
    return upload


def _search(api: Client, q: str) -> list[str]:
    response = api.get(reverse("api:search_facilities"), {"q": q})
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_the_messy_list_three_times_then_a_second_member_and_the_secretariat(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    matchindex.reset()
    huaxin = make_facility("Dongguan Huaxin Garment Co., Ltd.", "CN", "88 Dongcheng Road, Dongguan, Guangdong")
    make_facility("Blue Moon Tea Farmers Cooperative", "KE", "Kericho Road, Kericho")
    before, before_pk = Facility.objects.count(), Facility.objects.latest("pk").pk
    member_a, member_b = _api(world.editor_a), _api(world.admin_b)

    for _ in range(3):
        upload = _upload(member_a, "Main suppliers", MESSY, django_capture_on_commit_callbacks)
        assert upload["counts"]["error"] == 4, upload["counts"]

    # Two genuine new sites, created once. The Silver Moon cooperative differs from the register's
    # Blue Moon at the same address by one distinctive word: a person reviews it, on every upload,
    # and no automatic match or new record is made of it.
    new_sites = Facility.objects.filter(pk__gt=before_pk)
    assert Facility.objects.count() == before + 2
    assert sorted(new_sites.values_list("name", flat=True)) == ["Anatolia Towel Mill", "Golden Textile Co. 14"]
    assert set(new_sites.values_list("confirmation", flat=True)) == {Confirmation.PROVISIONAL}
    # The copy of a register site matched it on every upload; the junk rows are errors with reasons.
    last_rows = ListRow.objects.filter(upload__version=3, org=world.member_a)
    assert last_rows.get(row_number=3).facility == huaxin
    assert last_rows.get(row_number=4).status == RowStatus.REVIEW
    errors = {r.row_number: r.error for r in last_rows.filter(status=RowStatus.ERROR)}
    assert set(errors) == {5, 6, 7, 9}
    assert "formula" in errors[5] and "letters" in errors[6] and "garbled" in errors[7]
    assert "reading direction" in errors[9]
    assert all(message.startswith(f"Row {n}") for n, message in errors.items())
    assert SupplyLink.objects.filter(org=world.member_a).count() == 3  # Golden Textile, Huaxin, Anatolia

    # Member A finds its provisional sites; member B does not.
    assert "Golden Textile Co. 14" in _search(member_a, "Golden Textile")
    assert _search(member_b, "Golden Textile") == []
    assert _search(member_b, "Anatolia") == []
    golden = Facility.objects.get(name="Golden Textile Co. 14")
    assert member_b.get(reverse("api:get_facility", args=[golden.public_id])).status_code == 404

    # Member B's own list names Golden Textile: it matches A's record (no third record) and confirms it.
    _upload(
        member_b,
        "B suppliers",
        "Supplier,Address,Country\nGolden Textile Company 14,14 Riverside Rd Dongguan,CN\n",
        django_capture_on_commit_callbacks,
    )
    assert Facility.objects.count() == before + 2
    golden.refresh_from_db()
    assert golden.confirmation == Confirmation.SECOND_LIST
    assert "Golden Textile Co. 14" in _search(member_b, "Golden Textile")

    # The secretariat accepts the other from its moderation queue; then every member finds it.
    secretariat = _api(world.coordinator)
    queue = secretariat.get(reverse("api:moderation_queue")).json()
    anatolia = Facility.objects.get(name="Anatolia Towel Mill")
    assert [item["id"] for item in queue["items"]] == [anatolia.public_id]
    assert member_b.post(reverse("api:moderation_accept", args=[anatolia.public_id])).status_code == 403
    accepted = secretariat.post(reverse("api:moderation_accept", args=[anatolia.public_id]))
    assert accepted.status_code == 200, accepted.content
    assert _search(member_b, "Anatolia") == ["Anatolia Towel Mill"]
