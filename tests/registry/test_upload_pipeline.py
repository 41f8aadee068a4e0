"""A member uploads a supplier list: rows are matched, reviewed, linked; bad files change nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from covenant.core.models import AuditEvent, Job
from covenant.registry import matchindex, services
from covenant.registry.models import (
    Facility,
    FacilityAlias,
    ListRow,
    RowStatus,
    SupplyLink,
    UploadStatus,
)
from covenant.risk.models import SiteRisk
from tests.conftest import World, actor_of
from tests.factories import make_facility


@pytest.fixture
def register(world: World) -> dict[str, Facility]:
    matchindex.reset()
    return {
        "huaxin": make_facility(
            "Dongguan Huaxin Garment Co., Ltd.",
            "CN",
            "88 Dongcheng Road, Dongcheng District, Dongguan, Guangdong 523000",
        ),
        "saigon": make_facility(
            "Saigon Textile Joint Stock Company",
            "VN",
            "Lot A5, Tan Tao Industrial Park, Binh Tan District, Ho Chi Minh City",
        ),
        "dhaka": make_facility("Rahman Knit Composite Ltd.", "BD", "Plot 12, Road 3, Dhaka EPZ, Savar, Dhaka 1349"),
        "tiruppur": make_facility(
            "Sri Lakshmi Apparels Pvt. Ltd.", "IN", "Plot No. 45, SIDCO Industrial Estate, Tiruppur, Tamil Nadu 641604"
        ),
    }


CSV = (
    "Leverancier;Adres;Land;Schakel;Producten\n"
    "DONGGUAN HUAXIN GARMENT CO LTD;88 Dongcheng Rd, Dongguan, Guangdong;China;1;Garments\n"
    "Saigon Textile JSC;Lot A5 Tan Tao IP, Binh Tan, HCMC;Vietnam;1;Fabric\n"
    "Rahman Knit Composite Limited;Plot 12 Rd 3 DEPZ Savar Dhaka;Bangladesh;2;Knitwear\n"
    "Brand New Ceramics Factory;12 Kiln Street, Jingdezhen, Jiangxi;China;1;Ceramics\n"
    ";no name here;China;1;\n"
    "Some Mill;Somewhere;Atlantis;1;\n"
    "Saigon Textile JSC;Lot A5 Tan Tao IP, Binh Tan, HCMC;Vietnam;1;Fabric\n"
)


def _upload(world: World, data: bytes, filename: str = "suppliers.csv", list_name: str = "Suppliers"):  # type: ignore[no-untyped-def]
    actor = actor_of(world.editor_a)
    supplier_list = services.create_list(actor, list_name)
    return services.start_upload(actor, supplier_list, filename=filename, data=data)


def _run(upload):  # type: ignore[no-untyped-def]
    """Tests run tasks immediately, but only once the upload's transaction commits."""
    if upload.status == UploadStatus.QUEUED:
        return services.process_upload(upload.pk)
    return upload


def test_a_dutch_semicolon_csv_is_matched_row_by_row(world: World, register: dict[str, Facility]) -> None:
    upload = _run(_upload(world, CSV.encode("cp1252")))
    assert upload.status == UploadStatus.DONE, upload.error
    rows = {r.row_number: r for r in ListRow.objects.filter(upload=upload)}
    assert rows[2].status == RowStatus.MATCHED and rows[2].facility == register["huaxin"]
    assert rows[3].facility == register["saigon"]
    assert rows[4].facility == register["dhaka"]
    assert rows[5].status == RowStatus.NEW
    assert rows[6].status == RowStatus.ERROR and "name" in rows[6].error.lower()
    assert rows[7].status == RowStatus.ERROR and "Atlantis" in rows[7].error
    assert rows[8].status == RowStatus.ERROR and "row 3" in rows[8].error
    assert upload.counts["matched"] == 3 and upload.counts["new"] == 1 and upload.counts["error"] == 3
    links = SupplyLink.objects.filter(org=world.member_a)
    assert links.count() == 4
    assert links.get(facility=register["dhaka"]).tier == 2
    assert links.get(facility=register["huaxin"]).products == ["Garments"]
    new_site = rows[5].facility
    assert new_site is not None and new_site.country == "CN" and new_site.public_id.startswith("CN")
    # The new site is scored in the same transaction (risk listens to facilities_changed).
    assert SiteRisk.objects.filter(facility=new_site).exists()
    job = Job.objects.get(pk=upload.job_id)
    assert job.status == "done" and job.percent == 100
    assert AuditEvent.objects.filter(action="registry.list.processed", org_id=world.member_a.pk).exists()


def test_the_header_mapping_step_when_columns_are_unknown(world: World, register: dict[str, Facility]) -> None:
    data = b"Firma;Wo;Staat\nRahman Knit Composite Ltd;Savar, Dhaka;BD\n"
    upload = _upload(world, data)
    assert upload.status == UploadStatus.MAPPING
    assert upload.headers == ["Firma", "Wo", "Staat"]
    with pytest.raises(ValidationError):
        services.set_mapping(actor_of(world.editor_a), upload, {"name": 0})
    upload = _run(services.set_mapping(actor_of(world.editor_a), upload, {"name": 0, "address": 1, "country": 2}))
    assert upload.status == UploadStatus.DONE
    assert ListRow.objects.get(upload=upload).facility == register["dhaka"]


def test_an_xlsx_with_a_title_row_keeps_spreadsheet_row_numbers(world: World, register: dict[str, Facility]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Supplier list 2026 (confidential)"])
    sheet.append(["Factory name", "Street address", "Country", "Tier"])
    sheet.append(["Sri Lakshmi Apparels Private Limited", "Plot 45 SIDCO Estate, Tiruppur 641604", "India", 1])
    sheet.append(["", "", "", None])
    sheet.append(["Nameless", "", "Narnia", 1])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = _run(_upload(world, buffer.getvalue(), "list.xlsx"))
    rows = {r.row_number: r for r in ListRow.objects.filter(upload=upload)}
    assert rows[3].facility == register["tiruppur"]
    assert rows[5].status == RowStatus.ERROR and "Narnia" in rows[5].error


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", ".xlsx"),
        (bytes(range(256)) * 20, "noise.bin", "CSV or Excel"),
    ],
)
def test_a_file_that_fails_as_a_whole_changes_nothing(
    world: World, register: dict[str, Facility], data: bytes, filename: str, message: str
) -> None:
    facilities, links, events = Facility.objects.count(), SupplyLink.objects.count(), AuditEvent.objects.count()
    actor = actor_of(world.editor_a)
    supplier_list = services.create_list(actor, "Suppliers")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.start_upload(actor, supplier_list, filename=filename, data=data)
    assert (Facility.objects.count(), SupplyLink.objects.count(), AuditEvent.objects.count()) == (
        facilities,
        links,
        events,
    )


def test_a_crash_while_writing_results_leaves_nothing_behind(
    world: World, register: dict[str, Facility], monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = _upload(world, CSV.encode())
    facilities, links = Facility.objects.count(), SupplyLink.objects.count()

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_pending_ends", boom)
    result = services.process_upload(upload.pk)
    assert result.status == UploadStatus.FAILED
    assert "nothing was changed" in result.error
    assert (Facility.objects.count(), SupplyLink.objects.count()) == (facilities, links)
    assert not ListRow.objects.filter(upload=upload).exists()


def test_a_new_version_shows_added_dropped_and_changed(world: World, register: dict[str, Facility]) -> None:
    first = "Name,Address,Country,Tier\n" + "\n".join(
        [
            "Dongguan Huaxin Garment Co Ltd,88 Dongcheng Road Dongguan,CN,1",
            "Rahman Knit Composite Ltd,Plot 12 Road 3 Dhaka EPZ Savar,BD,1",
        ]
    )
    second = "Name,Address,Country,Tier\n" + "\n".join(
        [
            "Dongguan Huaxin Garment Co Ltd,88 Dongcheng Road Dongguan,CN,2",
            "Sri Lakshmi Apparels Pvt Ltd,Plot No. 45 SIDCO Industrial Estate Tiruppur,IN,1",
        ]
    )
    _run(_upload(world, first.encode()))
    upload = _run(_upload(world, second.encode()))
    assert upload.version == 2
    diff = upload.diff
    assert diff["previous_version"] == 1
    assert [d["name"] for d in diff["added"]] == ["Sri Lakshmi Apparels Pvt Ltd"]
    assert [d["name"] for d in diff["dropped"]] == ["Rahman Knit Composite Ltd"]
    assert diff["changed"][0]["fields"] == {"tier": [1, 2]}
    # A full list ends links only once the member confirms which (tests/registry/test_upload_versions.py).
    assert upload.status == UploadStatus.CONFIRM
    assert [p["facility"] for p in diff["pending_ends"]] == [register["dhaka"].public_id]
    dropped_link = SupplyLink.objects.get(org=world.member_a, facility=register["dhaka"])
    assert dropped_link.end_date is None
    services.decide_link_ends(actor_of(world.editor_a), upload, end_links=True)
    dropped_link.refresh_from_db()
    assert dropped_link.end_date is not None
    assert SupplyLink.objects.get(org=world.member_a, facility=register["huaxin"]).tier == 2


def test_two_spellings_of_one_new_site_in_one_file_make_one_facility(
    world: World, register: dict[str, Facility]
) -> None:
    data = (
        "Name,Address,Country\n"
        "Jingdezhen Blue Kiln Porcelain Co Ltd,12 Kiln Street Jingdezhen Jiangxi,CN\n"
        "Jingdezhen Blue Kiln Porcelain Company Limited,12 Kiln St. Jingdezhen,CN\n"
    )
    upload = _run(_upload(world, data.encode()))
    rows = list(ListRow.objects.filter(upload=upload).order_by("row_number"))
    assert rows[0].status == RowStatus.NEW
    assert rows[1].status == RowStatus.ERROR and "same site as row 2" in rows[1].error
    assert Facility.objects.filter(name__startswith="Jingdezhen").count() == 1


def test_viewers_cannot_upload(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_list(actor_of(world.viewer_a), "Mine")
    with pytest.raises(PermissionDenied):
        services.create_list(actor_of(world.supplier_admin), "Mine")


@pytest.fixture
def cautious(settings, register: dict[str, Facility]) -> None:  # type: ignore[no-untyped-def]
    """A matcher that asks a person about everything short of certain."""
    settings.MATCH_THRESHOLDS = {"match": 0.995, "review": 0.05, "margin": 0.1}
    matchindex.reset()


def test_review_decisions_teach_the_matcher(world: World, register: dict[str, Facility], cautious: None) -> None:
    """Confirmed: alias + never asked again. Rejected: not proposed again for that row."""
    twin = make_facility("Rahman Knit Composite Ltd. Unit 2", "BD", "Plot 14, Road 3, Dhaka EPZ, Savar")
    data = "Name,Address,Country\nRahman Knits,Savar,BD\n"
    upload = _run(_upload(world, data.encode()))
    row = ListRow.objects.get(upload=upload)
    assert row.status == RowStatus.REVIEW
    ids = [c["id"] for c in row.candidates]
    assert register["dhaka"].public_id in ids
    services.confirm_row(actor_of(world.editor_a), row, register["dhaka"])
    assert FacilityAlias.objects.filter(facility=register["dhaka"], name="Rahman Knits").exists()
    assert SupplyLink.objects.filter(org=world.member_a, facility=register["dhaka"]).exists()
    # The same row uploaded again, by the same or another member, is matched without asking.
    again = _run(_upload(world, data.encode(), list_name="Other list"))
    row2 = ListRow.objects.get(upload=again)
    assert row2.status == RowStatus.MATCHED
    assert row2.facility == register["dhaka"]
    assert twin.public_id != register["dhaka"].public_id


def test_a_rejected_candidate_is_not_proposed_again(
    world: World, register: dict[str, Facility], cautious: None
) -> None:
    twin = make_facility("Rahman Knit Composite Ltd. Unit 2", "BD", "Plot 14, Road 3, Dhaka EPZ, Savar")
    data = b"Name,Address,Country\nRahman Knit Composite,Road 3 Savar,BD\n"
    row = ListRow.objects.get(upload=_run(_upload(world, data)))
    assert row.status == RowStatus.REVIEW
    assert {register["dhaka"].public_id, twin.public_id} <= {c["id"] for c in row.candidates}
    services.reject_candidate(actor_of(world.editor_a), row, twin.public_id)
    again = ListRow.objects.get(upload=_run(_upload(world, data, list_name="Again")))
    assert again.status == RowStatus.REVIEW
    ids = [c["id"] for c in again.candidates]
    assert twin.public_id not in ids
    assert register["dhaka"].public_id in ids


def test_creating_a_new_facility_from_review(world: World, register: dict[str, Facility], cautious: None) -> None:
    data = "Name,Address,Country\nHuaxin Garments,Dongguan,CN\n"
    upload = _run(_upload(world, data.encode()))
    row = ListRow.objects.get(upload=upload)
    assert row.status == RowStatus.REVIEW
    services.create_facility_from_row(actor_of(world.editor_a), row)
    row.refresh_from_db()
    assert row.status == RowStatus.NEW and row.facility is not None
    assert row.facility != register["huaxin"]
    with pytest.raises(ValidationError, match="already decided"):
        services.create_facility_from_row(actor_of(world.editor_a), row)


def test_an_upload_the_caller_runs_itself_is_not_handed_to_the_worker(
    world: World, register: dict[str, Facility], django_capture_on_commit_callbacks: Any
) -> None:
    actor = actor_of(world.editor_a)
    supplier_list = services.create_list(actor, "Suppliers")
    with django_capture_on_commit_callbacks() as callbacks:
        upload = services.start_upload(actor, supplier_list, filename="s.csv", data=CSV.encode(), background=False)
    assert callbacks == []
    assert upload.status == UploadStatus.QUEUED and upload.job is not None
    assert services.process_upload(upload.pk).status == UploadStatus.DONE
    with django_capture_on_commit_callbacks() as callbacks:
        services.start_upload(actor, supplier_list, filename="s.csv", data=CSV.encode())
    assert len(callbacks) == 1
