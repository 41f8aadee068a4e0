"""Nothing that is not a site enters the shared register: junk rows are refused, text is normalised."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from covenant.registry import matchindex, services
from covenant.registry.listfiles import FIELDS, CleanRow, RowError, Table, check_text, clean_rows
from covenant.registry.models import Facility, ListRow, RowStatus, UploadStatus
from tests.conftest import SYSTEM, World, actor_of, client_for
from tests.factories import make_facility

HEADERS = [field.replace("_", " ") for field in FIELDS]
MAPPING = {field: index for index, field in enumerate(FIELDS)}


def row(**cells: str) -> list[str]:
    values = {"name": "Dhaka Knit Ltd", "country": "BD"} | cells
    return [values.get(field, "") for field in FIELDS]


def clean(*rows: list[str]) -> tuple[list[CleanRow], list[RowError]]:
    return clean_rows(Table(HEADERS, list(rows), "utf-8", None), MAPPING)


@pytest.mark.parametrize(
    ("cells", "code", "words"),
    [
        ({"name": '=HYPERLINK("http://x","click")'}, "formula", "spreadsheet formula"),
        ({"name": "\t=cmd|' /C calc'!A0"}, "formula", "spreadsheet formula"),
        ({"name": "@SUM(A1:A3)"}, "formula", "spreadsheet formula"),
        ({"name": "+A1"}, "formula", "spreadsheet formula"),
        ({"name": "-2+3"}, "formula", "spreadsheet formula"),
        ({"address": '=HYPERLINK("http://x")'}, "formula", "address"),
        ({"city": "=cmd|' /C calc'!A0"}, "formula", "city"),
        ({"address": "12 Mill Road", "postal_code": "@SUM(A1:A3)"}, "formula", "postal code"),
        ({"reference": "=1+1"}, "formula", "spreadsheet formula"),
        ({"name": "??????????"}, "no_letters", "has no letters"),
        ({"name": "12345"}, "no_letters", "has no letters"),
        ({"name": "Caf\ufffd Paris"}, "garbled_text", "looks garbled"),
        ({"name": "Ã© CafÃ© 北京"}, "garbled_text", "looks garbled"),  # mixed with real CJK: repair is unsure
        ({"name": "Acme\x07Ltd"}, "control_characters", "control characters"),
        ({"name": "Acme\x9bLtd"}, "control_characters", "control characters"),
        ({"name": "Acme \u202egnp.exe"}, "bidi_controls", "reading direction"),
        ({"name": "\u2067Acme\u2069"}, "bidi_controls", "reading direction"),
    ],
)
def test_each_kind_of_junk_is_an_error_naming_the_row_and_the_reason(
    cells: dict[str, str], code: str, words: str
) -> None:
    rows, errors = clean(row(name="Good Mill"), row(**cells))
    assert [r.name for r in rows] == ["Good Mill"]
    assert [(e.row_number, e.code) for e in errors] == [(3, code)]
    assert errors[0].message.startswith("Row 3: ")
    assert words in errors[0].message


@pytest.mark.parametrize(
    "name",
    ["-12 Fabrics", "- Acme Ltd", "@Home Textiles", "3M Pakistan", "Müller GmbH", "Tecelagem São Paulo", "ÉCOLE"],
)
def test_names_that_only_look_odd_pass(name: str) -> None:
    rows, errors = clean(row(name=name))
    assert errors == []
    assert [r.name for r in rows] == [name]


@pytest.mark.parametrize(
    ("garbled", "repaired"),
    [("CafÃ© Paris", "Café Paris"), ("MÃ¼ller GmbH", "Müller GmbH"), ("Baker‚Äôs".replace("‚Äô", "â€™"), "Baker’s")],
)
def test_repairable_mojibake_is_repaired_with_a_note(garbled: str, repaired: str) -> None:
    rows, errors = clean(row(name=garbled))
    assert errors == []
    assert rows[0].name == repaired
    assert [(n.row_number, n.code, n.params["value"]) for n in rows[0].notes] == [(2, "repaired_text", repaired)]
    assert "repaired" in rows[0].notes[0].message


def test_text_garbled_twice_is_repaired() -> None:
    assert check_text("MÃƒÂ¼ller").text == "Müller"


@pytest.mark.parametrize(
    "name",
    [
        "东莞华信服装有限公司",
        "مصنع النسيج الحديث",
        "โรงงานสิ่งทอไทย",
        "রহমান নিট কম্পোজিট লিমিটেড",
        "Công ty Cổ phần Dệt may Sài Gòn",
        "می\u200cخواهم بافندگی",  # the zero-width non-joiner is Persian spelling: kept
    ],
)
def test_names_in_other_scripts_pass_untouched(name: str) -> None:
    rows, errors = clean(row(name=name))
    assert errors == []
    assert rows[0].name == name
    assert rows[0].notes == ()


def test_names_are_stored_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Công ty Dệt may Sài Gòn")
    rows, _ = clean(row(name=decomposed))
    assert rows[0].name == unicodedata.normalize("NFC", decomposed) != decomposed


def test_zero_width_and_stray_joiners_are_removed() -> None:
    rows, errors = clean(row(name="Rahman\u200b Knit\u2060 Ltd\ufeff", address="Plot\u200d 12,\u200c Savar"))
    assert errors == []
    assert (rows[0].name, rows[0].address) == ("Rahman Knit Ltd", "Plot 12, Savar")


# --------------------------------------------------------------------------- uploads and services

JUNK_CSV = (
    "Name;Address;Country\n"
    "Brand New Ceramics Factory;12 Kiln Street, Jingdezhen;China\n"
    '"=HYPERLINK(""http://x"",""click"")";1 Road;China\n'
    "??????????;2 Road;China\n"
    "CafÃ© Textiles;3 Road, Hanoi;Vietnam\n"
    "Rahman\u200b Knit;Plot 12, Savar;Bangladesh\n"
    "Acme \u202egnp.exe;4 Road;China\n"
)


def test_an_upload_mixing_good_and_junk_rows_creates_facilities_only_for_the_good_ones(world: World) -> None:
    matchindex.reset()
    actor = actor_of(world.editor_a)
    upload = services.start_upload(
        actor, services.create_list(actor, "Suppliers"), filename="s.csv", data=JUNK_CSV.encode()
    )
    if upload.status == UploadStatus.QUEUED:
        upload = services.process_upload(upload.pk)
    assert upload.status == UploadStatus.DONE
    assert sorted(Facility.objects.values_list("name", flat=True)) == [
        "Brand New Ceramics Factory",
        "Café Textiles",
        "Rahman Knit",
    ]
    rows = {r.row_number: r for r in ListRow.objects.filter(upload=upload)}
    assert {n: rows[n].details["code"] for n in (3, 4, 7)} == {3: "formula", 4: "no_letters", 7: "bidi_controls"}
    assert all(rows[n].status == RowStatus.ERROR and rows[n].facility is None for n in (3, 4, 7))
    assert rows[5].details["notes"][0]["code"] == "repaired_text"
    page = client_for(world.editor_a).get(reverse("registry:upload", args=[upload.pk])).content.decode()
    assert "<bdi>Café Textiles</bdi>" in page
    assert "was repaired to" in page


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","click")', "??????????", "CafÃ\ufffd", "Acme\u202e", "\u200b"])
def test_a_junk_name_typed_by_hand_creates_no_facility(world: World, name: str) -> None:
    with pytest.raises(ValidationError):
        services.create_facility(SYSTEM, name=name, address="", country="CN")
    assert not Facility.objects.exists()


def test_one_site_paths_store_normalised_text(world: World) -> None:
    site = make_facility("Rahman\u200b  Knit\ufeff", "BD", unicodedata.normalize("NFD", "Đường Số 5\u2060"))
    site.refresh_from_db()
    assert (site.name, site.address) == ("Rahman Knit", "Đường Số 5")
    new = services.split_facility(actor_of(world.coordinator), site, name="Second\u200b Site", address=" x ")
    assert (new.name, new.address) == ("Second Site", "x")
    services.update_facility(actor_of(world.coordinator), site, name="Renamed\u200b Site")
    site.refresh_from_db()
    assert site.name == "Renamed Site"


def test_register_pages_isolate_names(world: World) -> None:
    site = make_facility("مصنع النسيج", "EG", "شارع 5")
    client = client_for(world.editor_a)
    assert "<bdi>مصنع النسيج</bdi>" in client.get(reverse("registry:facilities")).content.decode()
    page = client.get(reverse("registry:facility", args=[site.public_id])).content.decode()
    assert "<h1><bdi>مصنع النسيج</bdi></h1>" in page
    assert "<bdi>شارع 5</bdi>" in page
