"""Results a person can check: differences marked, downloads, column samples, error rows that
keep their name, review search and undo, archived and deleted lists."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from covenant.core.errors import Conflict
from covenant.core.models import AuditEvent
from covenant.registry import matchindex, selectors, services
from covenant.registry.models import (
    Facility,
    FacilityAlias,
    ListRow,
    ListUpload,
    RowStatus,
    SupplierList,
    SupplyLink,
    UploadStatus,
)
from covenant.registry.results import RESULT_HEADER, mark_differences, sample_values
from tests.conftest import World, actor_of, client_for
from tests.factories import link, make_facility, registry_world

# --- The pure helpers ----------------------------------------------------------------------


def test_differences_are_marked_on_both_sides_and_the_texts_come_back_whole() -> None:
    row, site = mark_differences("Silver Moon Tea Farmers Cooperative", "Blue Moon Tea Farmers Co-operative")
    assert "".join(t for t, _ in row) == "Silver Moon Tea Farmers Cooperative"
    assert "".join(t for t, _ in site) == "Blue Moon Tea Farmers Co-operative"
    assert [t for t, marked in row if marked] == ["Silver", "Cooperative"]
    assert [t for t, marked in site if marked] == ["Blue", "Co", "operative"]
    # Case, punctuation and spacing are not differences.
    row, site = mark_differences("Plot 12, Road 3", "plot 12 road   3")
    assert not any(marked for _, marked in row + site)


def test_sample_values_are_the_first_distinct_non_empty_cells_of_each_column() -> None:
    rows = [["", "CN", "x" * 80], ["Mill A", "CN", ""], ["Mill B", "VN", ""], ["Mill C", "BD", ""], ["Mill D", "", ""]]
    samples = sample_values(["Name", "Country", "Notes"], rows, n=3)
    assert samples[0] == ["Mill A", "Mill B", "Mill C"]
    assert samples[1] == ["CN", "VN", "BD"]
    assert samples[2] == ["x" * 57 + "..."]


# --- Uploads: results on the page, in the download, and error rows -------------------------

CSV = (
    "name,address,country\n"
    "DONGGUAN HUAXIN GARMENT CO LTD,88 Dongcheng Rd Dongguan,China\n"
    '=HYPERLINK("http://x"),Somewhere,China\n'
    "Some Mill,Somewhere,Atlantis\n"
    "Brand New Ceramics Factory,12 Kiln Street Jingdezhen,China\n"
)


@pytest.fixture
def processed(world: World) -> tuple[ListUpload, Facility]:
    matchindex.reset()
    huaxin = make_facility("Dongguan Huaxin Garment Co., Ltd.", "CN", "88 Dongcheng Road, Dongguan, Guangdong")
    from covenant.registry.models import FacilityIdentifier

    FacilityIdentifier.objects.create(facility=huaxin, scheme="os_id", value="CN2019123ABC4DE")
    actor = actor_of(world.editor_a)
    supplier_list = services.create_list(actor, "Spring")
    upload = services.start_upload(actor, supplier_list, filename="spring.csv", data=CSV.encode())
    if upload.status == UploadStatus.QUEUED:
        upload = services.process_upload(upload.pk)
    assert upload.status == UploadStatus.DONE, upload.error
    return upload, huaxin


def test_error_rows_keep_what_the_file_said(processed: tuple[ListUpload, Facility]) -> None:
    upload, _ = processed
    rows = {r.row_number: r for r in ListRow.objects.filter(upload=upload)}
    assert rows[3].status == RowStatus.ERROR and rows[3].name == '=HYPERLINK("http://x")'
    assert rows[4].status == RowStatus.ERROR and rows[4].name == "Some Mill" and rows[4].address == "Somewhere"
    # "Atlantis" is no country code: it is kept beside the row, not forced into the code field.
    assert rows[4].country == "" and rows[4].details["country_text"] == "Atlantis"


def test_the_upload_page_shows_the_register_site_a_row_matched_with_differences(
    world: World, processed: tuple[ListUpload, Facility]
) -> None:
    upload, huaxin = processed
    html = client_for(world.viewer_a).get(reverse("registry:upload", args=[upload.pk])).content.decode()
    assert "In the register" in html and huaxin.public_id in html
    # The register's words the file lacks are marked, and the file's words the register lacks.
    assert "<mark>Road</mark>" in html and "<mark>Rd</mark>" in html
    assert "Some Mill" in html  # an error row still names its site
    assert reverse("registry:upload_export", args=[upload.pk]) + "?format=xlsx" in html


def test_results_download_as_csv_with_facility_ids_and_open_supply_hub_names(
    world: World, processed: tuple[ListUpload, Facility]
) -> None:
    upload, huaxin = processed
    url = reverse("registry:upload_export", args=[upload.pk])
    response = client_for(world.viewer_a).get(url + "?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == RESULT_HEADER
    assert {"row_index", "status", "country_code", "name", "address", "matched_facility_name"} <= set(lines[0])
    by_row = {line[0]: dict(zip(lines[0], line, strict=True)) for line in lines[1:]}
    assert by_row["2"]["matched_facility_id"] == huaxin.public_id
    assert by_row["2"]["os_id"] == "CN2019123ABC4DE" and by_row["2"]["country_name"] == "China"
    new = ListRow.objects.get(upload=upload, row_number=5)
    assert by_row["5"]["status"] == new.status and by_row["5"]["matched_facility_id"] == new.facility.public_id  # type: ignore[union-attr]
    # A formula from the file is neutralised for spreadsheets, and the error says why.
    assert by_row["3"]["name"].startswith("'=") and by_row["3"]["error"]
    assert by_row["4"]["error"] and "Atlantis" in by_row["4"]["error"]


def test_results_download_as_xlsx_and_through_the_api(world: World, processed: tuple[ListUpload, Facility]) -> None:
    upload, huaxin = processed
    response = client_for(world.viewer_a).get(reverse("registry:upload_export", args=[upload.pk]) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = list(sheet.values)
    assert list(values[0]) == RESULT_HEADER and values[1][7] == huaxin.public_id
    api = client_for(world.viewer_a).get(reverse("api:export_upload_results", args=[upload.pk]) + "?format=csv")
    assert api.status_code == 200 and huaxin.public_id in api.content.decode("utf-8-sig")


def test_another_member_cannot_download_the_results(world: World, processed: tuple[ListUpload, Facility]) -> None:
    upload, _ = processed
    other = client_for(world.admin_b)
    assert other.get(reverse("registry:upload_export", args=[upload.pk])).status_code == 404
    assert other.get(reverse("api:export_upload_results", args=[upload.pk])).status_code in {403, 404}


def test_the_mapping_page_shows_sample_values_of_each_column(world: World) -> None:
    actor = actor_of(world.editor_a)
    supplier_list = services.create_list(actor, "Odd columns")
    data = b"Firma;Wo;Staat\nRahman Knit Composite Ltd;Savar, Dhaka;BD\n;;\nLakshmi Mills;Tiruppur;IN\n"
    upload = services.start_upload(actor, supplier_list, filename="odd.csv", data=data)
    assert upload.status == UploadStatus.MAPPING
    html = client_for(world.editor_a).get(reverse("registry:upload_mapping", args=[upload.pk])).content.decode()
    assert "Rahman Knit Composite Ltd" in html and "Lakshmi Mills" in html and "Tiruppur" in html
    api = client_for(world.editor_a).get(reverse("api:get_upload_mapping", args=[upload.pk])).json()
    assert api["samples"][0] == ["Rahman Knit Composite Ltd", "Lakshmi Mills"]


# --- Review: search, filter, undo -------------------------------------------------------------


def test_a_row_can_be_confirmed_to_a_site_found_by_searching_the_register(world: World) -> None:
    registry_world(world)
    row, shared = world.extras["row"], world.extras["shared"]
    elsewhere = make_facility("Huaxin canary-a Garment Works", "CN", "5 Side Street, Dongguan")
    html = (
        client_for(world.editor_a)
        .get(reverse("registry:review_search", args=[row.pk]) + "?q=Huaxin+Garment+Works")
        .content.decode()
    )
    assert elsewhere.public_id in html and 'name="searched" value="1"' in html
    actor = actor_of(world.editor_a)
    with pytest.raises(ValidationError):
        services.confirm_row(actor, row, elsewhere)  # not a candidate, not searched
    client_for(world.editor_a).post(
        reverse("registry:review_confirm", args=[row.pk]), {"facility": elsewhere.public_id, "searched": "1"}
    )
    row.refresh_from_db()
    assert row.status == RowStatus.MATCHED and row.facility == elsewhere and row.facility != shared


def test_another_member_cannot_search_for_a_row(world: World) -> None:
    registry_world(world)
    url = reverse("registry:review_search", args=[world.extras["row"].pk]) + "?q=Huaxin"
    assert client_for(world.admin_b).get(url).status_code == 404


def test_the_review_queue_filters_by_list(world: World) -> None:
    registry_world(world)
    other_list = SupplierList.objects.create(org=world.member_a, name="Autumn")
    upload = ListUpload.objects.create(
        org=world.member_a, supplier_list=other_list, version=1, filename="autumn.csv", status=UploadStatus.DONE
    )
    ListRow.objects.create(
        upload=upload, org=world.member_a, row_number=7, name="Autumn Weaving Mill", country="CN",
        status=RowStatus.REVIEW, candidates=[{"id": world.extras["other"].public_id, "score": 0.4, "features": {}}],
    )  # fmt: skip
    client = client_for(world.editor_a)
    both = client.get(reverse("registry:review")).content.decode()
    assert "Autumn Weaving Mill" in both and "Huaxin canary-a Garments" in both
    only = client.get(reverse("registry:review") + f"?list={other_list.pk}").content.decode()
    assert "Autumn Weaving Mill" in only and "Huaxin canary-a Garments" not in only
    # Another member's list id is not a filter of yours.
    theirs = SupplierList.objects.create(org=world.member_b, name="Theirs")
    assert client.get(reverse("registry:review") + f"?list={theirs.pk}").status_code == 404


def test_after_not_this_one_no_zero_percent_candidate_is_offered() -> None:
    candidates = [{"id": "A", "score": 0.0}, {"id": "B", "score": 0.3}]
    assert [c["id"] for c in selectors._worth_showing(candidates)] == ["B"]
    weak = [{"id": "A", "score": 0.02}, {"id": "B", "score": 0.001}]
    assert [c["id"] for c in selectors._worth_showing(weak)] == ["A"]
    assert selectors._worth_showing(weak, first_is_best=False) == []


def test_rejecting_down_to_a_zero_candidate_shows_none(world: World) -> None:
    registry_world(world)
    row = world.extras["row"]
    ListRow.objects.filter(pk=row.pk).update(
        candidates=[row.candidates[0], {"id": world.extras["other"].public_id, "score": 0.0001, "features": {}}]
    )
    row.refresh_from_db()
    services.reject_candidate(actor_of(world.editor_a), row, world.extras["shared"].public_id)
    html = client_for(world.editor_a).get(reverse("registry:review")).content.decode()
    assert "No suggestion left." in html and "0 %" not in html


def test_undo_a_confirmation_puts_the_row_back_and_removes_what_it_added(world: World) -> None:
    registry_world(world)
    row, other = world.extras["row"], world.extras["other"]
    actor = actor_of(world.editor_a)
    services.confirm_row(actor, row, other)
    assert SupplyLink.objects.filter(org=world.member_a, facility=other).exists()
    assert FacilityAlias.objects.filter(facility=other, name=row.name).exists()
    response = client_for(world.editor_a).post(reverse("registry:review_undo", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == RowStatus.REVIEW and row.facility is None and row.decided_at is None
    assert len(row.candidates) == 2
    assert not SupplyLink.objects.filter(org=world.member_a, facility=other).exists()
    assert not FacilityAlias.objects.filter(facility=other, name=row.name).exists()
    event = AuditEvent.objects.filter(action="registry.review.undone").latest("seq")
    assert event.summary["facility"] == other.public_id


def test_undo_keeps_a_link_that_existed_before_the_decision(world: World) -> None:
    registry_world(world)
    row, shared = world.extras["row"], world.extras["shared"]  # member A already links to "shared"
    actor = actor_of(world.editor_a)
    services.confirm_row(actor, row, shared)
    services.undo_decision(actor, row)
    assert SupplyLink.objects.filter(org=world.member_a, facility=shared).exists()


def test_undo_a_new_facility_removes_it_when_nothing_else_uses_it(world: World) -> None:
    registry_world(world)
    row = world.extras["row"]
    actor = actor_of(world.editor_a)
    services.create_facility_from_row(actor, row)
    row.refresh_from_db()
    created = row.facility
    assert created is not None
    services.undo_decision(actor, row)
    assert not Facility.objects.filter(pk=created.pk).exists()
    row.refresh_from_db()
    assert row.status == RowStatus.REVIEW
    event = AuditEvent.objects.filter(action="registry.review.undone").latest("seq")
    assert event.summary["facility_removed"] == created.public_id


def test_undo_a_new_facility_another_member_uses_leaves_it_in_the_register(world: World) -> None:
    registry_world(world)
    row = world.extras["row"]
    actor = actor_of(world.editor_a)
    services.create_facility_from_row(actor, row)
    row.refresh_from_db()
    created = row.facility
    assert created is not None
    link(world.member_b, created)
    services.undo_decision(actor, row)
    assert Facility.objects.filter(pk=created.pk).exists()
    assert SupplyLink.objects.filter(org=world.member_b, facility=created).exists()
    assert not SupplyLink.objects.filter(org=world.member_a, facility=created).exists()


def test_undo_not_this_one_offers_the_candidate_again(world: World) -> None:
    registry_world(world)
    row, shared = world.extras["row"], world.extras["shared"]
    actor = actor_of(world.editor_a)
    services.reject_candidate(actor, row, shared.public_id)
    row.refresh_from_db()
    assert [c["id"] for c in row.candidates] == [world.extras["other"].public_id]
    services.undo_decision(actor, row)
    row.refresh_from_db()
    assert [c["id"] for c in row.candidates] == [shared.public_id, world.extras["other"].public_id]
    with pytest.raises(Conflict):
        services.undo_decision(actor, row)  # nothing left to undo


def test_an_automatic_match_cannot_be_undone(world: World) -> None:
    registry_world(world)
    row = world.extras["row"]
    ListRow.objects.filter(pk=row.pk).update(status=RowStatus.MATCHED, facility=world.extras["shared"])
    row.refresh_from_db()
    with pytest.raises(Conflict):
        services.undo_decision(actor_of(world.editor_a), row)


def test_only_the_rows_owner_editors_may_undo(world: World) -> None:
    registry_world(world)
    row = world.extras["row"]
    services.confirm_row(actor_of(world.editor_a), row, world.extras["other"])
    assert client_for(world.admin_b).post(reverse("registry:review_undo", args=[row.pk])).status_code == 404
    assert client_for(world.admin_b).post(reverse("api:undo_row", args=[row.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.undo_decision(actor_of(world.admin_b), row)
    with pytest.raises(PermissionDenied):
        services.undo_decision(actor_of(world.viewer_a), row)
    row.refresh_from_db()
    assert row.status == RowStatus.MATCHED
    # The owner's API call works and answers the row.
    answer = client_for(world.editor_a).post(reverse("api:undo_row", args=[row.pk]))
    assert answer.status_code == 200 and answer.json()["status"] == "review"


# --- Archiving and deleting lists -----------------------------------------------------------


def _list_with_links(world: World) -> tuple[SupplierList, list[SupplyLink]]:
    registry_world(world)
    supplier_list, upload = world.extras["supplier_list"], world.extras["upload"]
    links = [world.extras["a_link"], link(world.member_a, world.extras["other"])]
    SupplyLink.objects.filter(pk__in=[x.pk for x in links]).update(source_upload=upload)
    return supplier_list, links


def test_archiving_says_how_many_links_end_then_ends_them(world: World) -> None:
    supplier_list, links = _list_with_links(world)
    client = client_for(world.editor_a)
    page = client.get(reverse("registry:list_archive", args=[supplier_list.pk])).content.decode()
    assert "Archiving ends 2 links" in page
    assert "cannot be deleted yet" in page
    done = client.post(reverse("registry:list_archive", args=[supplier_list.pk]), follow=True).content.decode()
    assert "canary-a list is archived; 2 links ended." in done
    supplier_list.refresh_from_db()
    assert supplier_list.archived_at is not None
    assert not SupplyLink.objects.active().filter(pk__in=[x.pk for x in links]).exists()
    assert SupplyLink.objects.filter(pk__in=[x.pk for x in links]).count() == 2  # history stays
    lists_page = client.get(reverse("registry:lists")).content.decode()
    assert "canary-a list" not in lists_page
    assert "canary-a list" in client.get(reverse("registry:lists") + "?archived=1").content.decode()
    with pytest.raises(Conflict):
        services.archive_list(actor_of(world.editor_a), supplier_list)


def test_a_list_with_active_links_cannot_be_deleted_but_an_archived_one_can(world: World) -> None:
    supplier_list, links = _list_with_links(world)
    actor = actor_of(world.editor_a)
    with pytest.raises(Conflict) as refused:
        services.delete_list(actor, supplier_list)
    assert "archive the list first" in str(refused.value)
    assert SupplierList.objects.filter(pk=supplier_list.pk).exists()
    api = client_for(world.editor_a)
    assert api.delete(reverse("api:delete_list", args=[supplier_list.pk])).status_code == 409
    answer = api.post(reverse("api:archive_list", args=[supplier_list.pk])).json()
    assert answer["links_ended"] == 2 and answer["list"]["archived_at"]
    assert api.delete(reverse("api:delete_list", args=[supplier_list.pk])).status_code == 204
    assert not SupplierList.objects.filter(pk=supplier_list.pk).exists()
    assert not ListRow.objects.filter(upload__supplier_list_id=supplier_list.pk).exists()
    # The ended links stay as history, without their source.
    assert SupplyLink.objects.filter(pk__in=[x.pk for x in links], source_upload__isnull=True).count() == 2
    assert AuditEvent.objects.filter(action="registry.list.deleted", org_id=world.member_a.pk).exists()


def test_uploading_to_an_archived_list_brings_it_back(world: World) -> None:
    supplier_list, _ = _list_with_links(world)
    actor = actor_of(world.editor_a)
    services.archive_list(actor, supplier_list)
    again = services.create_list(actor, supplier_list.name)
    assert again.pk == supplier_list.pk and again.archived_at is None


@pytest.mark.parametrize("user", ["admin_b", "viewer_a"])
def test_others_cannot_archive_or_delete_a_list(world: World, user: str) -> None:
    supplier_list, links = _list_with_links(world)
    client = client_for(getattr(world, user))
    expected: Any = {404} if user == "admin_b" else {302, 403}
    assert client.post(reverse("registry:list_archive", args=[supplier_list.pk])).status_code in expected
    assert client.post(reverse("registry:list_delete", args=[supplier_list.pk])).status_code in expected
    supplier_list.refresh_from_db()
    assert supplier_list.archived_at is None
    assert SupplyLink.objects.active().filter(pk__in=[x.pk for x in links]).count() == 2
