"""Registers of people (``Matcher(kind="people")``, ``covenant match --kind``)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from covenant.matching import Matcher, MatchIndex, Record
from covenant.matching.cli import main
from covenant.matching.csvio import person_columns, read_rows
from covenant.matching.features import compare_people, prepare

PEOPLE = [
    ("P01", "sarah curtis", "47 charlick place, ngunnawal, act 2913"),
    ("P02", "james o'brien", "12 wattle street, mosman, nsw 2088"),
    ("P03", "mei lin chen", "3 banksia crescent, ringwood, vic 3134"),
    ("P04", "thomas white", "88 gordon road, toowong, qld 4066"),
    ("P05", "lucy nguyen", "5 ocean parade, glenelg, sa 5045"),
    ("P06", "david kowalski", "210 hay street, subiaco, wa 6008"),
    ("P07", "emma white", "88 gordon road, toowong, qld 4066"),  # same household as P04
    ("P08", "harrison black", "19 elizabeth street, hobart, tas 7000"),
    ("P09", "isabella rossi", "7 bay road, sandringham, vic 3191"),
    ("P10", "noah fraser", "31 mitchell street, bendigo, vic 3550"),
]


def _index() -> MatchIndex:
    index = MatchIndex()
    index.add_many([Record(pid, name, address, "AU") for pid, name, address in PEOPLE])
    return index


# Typing errors of the kind person lists carry: a letter in the given name, the house
# number, a postcode digit. For a facility each would be "another site".
DUPLICATES = [
    (Record("Q1", "sarha curtis", "74 charlick place, ngunnawal, act 2913", "AU"), "P01"),
    (Record("Q2", "james obrien", "12 wattle st, mosman, nsw 2089", "AU"), "P02"),
    (Record("Q3", "david kowalsky", "201 hay street, subiaco, wa 6008", "AU"), "P06"),
    (Record("Q4", "isabela rossi", "7 bay road, sandringham vic 3191", "AU"), "P09"),
]


@pytest.mark.parametrize(("row", "truth"), DUPLICATES)
def test_a_person_with_a_typing_error_is_matched(row: Record, truth: str) -> None:
    result = Matcher(_index(), kind="people").match(row)
    assert (result.decision, result.registry_id) == ("match", truth)


def test_the_facility_rules_would_keep_these_apart() -> None:
    # The same rows under the facility model: a house number or a name word that differs
    # is taken for another site, so they are not matched automatically. This is why a
    # person register needs its own kind.
    matcher = Matcher(_index())
    decisions = [matcher.match(row) for row, _ in DUPLICATES]
    assert sum(1 for r in decisions if r.decision == "match") <= 1


@pytest.mark.parametrize(
    "row",
    [
        # Another person of the household: the given name differs entirely.
        Record("N1", "oliver white", "88 gordon road, toowong, qld 4066", "AU"),
        # Someone else in the same street.
        Record("N2", "peter walsh", "19 elizabeth street, hobart, tas 7000", "AU"),
        # A namesake elsewhere.
        Record("N3", "noah fraser", "2 main road, cairns, qld 4870", "AU"),
    ],
)
def test_another_person_is_not_matched(row: Record) -> None:
    assert Matcher(_index(), kind="people").match(row).decision != "match"


def test_people_features_count_agreeing_numbers_as_a_share() -> None:
    index = _index()
    q = prepare(Record("Q", "sarah curtis", "74 charlick place, ngunnawal, act 2913", "AU"))
    c = prepare(Record("P", "sarah curtis", "47 charlick place, ngunnawal, act 2913", "AU"))
    f = compare_people(q, c, index.name_weight, index.address_weight)
    assert f["number_share"] == pytest.approx(1 / 3)
    assert f["number_conflict"] == 0.0
    assert f["name_parts"] == pytest.approx(1.0)
    assert "name_word_differs" not in f and "address_conflict" not in f


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        Matcher(_index(), kind="persons")


def test_refit_as_people_keeps_the_facility_weights() -> None:
    index = _index()
    matcher = Matcher(index, kind="people")
    for row, truth in DUPLICATES:
        matcher.learn(row, truth, confirmed=True)
    for pid, name, _address in PEOPLE[:6]:
        matcher.learn(Record("X" + pid, name + "son", "1 other road, perth, wa 6000", "AU"), pid, confirmed=False)
    assert matcher.refit()
    assert set(index.weights) == {"people", "name"}
    assert "name_parts" in index.weights["people"]
    # A matcher of the other kind on the same index keeps the shipped facility model.
    assert Matcher(index).model.weights == Matcher(MatchIndex()).model.weights


# ----------------------------------------------------------------------------- CLI
REGISTER_CSV = """id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth
P01,sarah,curtis,47,charlick place,,ngunnawal,2913,act,19710203
P02,james,o'brien,12,wattle street,unit 4,mosman,2088,nsw,19650512
P06,david,kowalski,210,hay street,,subiaco,6008,wa,
P04,thomas,white,88,gordon road,,toowong,4066,qld,19800101
P07,emma,white,88,gordon road,,toowong,4066,qld,19820707
"""
LIST_CSV = """id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth
L1,sarha,curtis,74,charlick place,,ngunnawal,2913,act,19710203
L2,james,obrien,12,wattle st,unit 4,mosman,2089,nsw,
L3,david,kowalsky,201,hay street,,subiaco,6008,wa,
L4,oliver,white,88,gordon road,,toowong,4066,qld,20100303
"""


def _cli(tmp_path: Path, register: str, rows: str, *extra: str) -> tuple[int, dict[str, dict[str, str]]]:
    reg = tmp_path / "register.csv"
    lst = tmp_path / "list.csv"
    out = tmp_path / "out.csv"
    reg.write_text(register, encoding="utf-8")
    lst.write_text(rows, encoding="utf-8")
    code = main(["--registry", str(reg), "--list", str(lst), "--out", str(out), "--workers", "1", *extra])
    if code != 0:
        return code, {}
    with open(out, encoding="utf-8", newline="") as fh:
        return code, {row["list_id"]: row for row in csv.DictReader(fh)}


def test_cli_detects_a_person_register_by_its_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _cli(tmp_path, REGISTER_CSV, LIST_CSV)
    assert code == 0
    assert "matching as people" in capsys.readouterr().err
    assert {k: (v["registry_id"], v["decision"]) for k, v in out.items() if v["decision"] == "match"} == {
        "L1": ("P01", "match"),
        "L2": ("P02", "match"),
        "L3": ("P06", "match"),
    }
    assert out["L4"]["decision"] != "match"


def test_cli_kind_facilities_overrides_the_detection(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # As facilities the register lacks name and country columns.
    code, _ = _cli(tmp_path, REGISTER_CSV, LIST_CSV, "--kind", "facilities")
    assert code == 2
    assert "missing column(s) name, country" in capsys.readouterr().err


def test_cli_kind_people_on_plain_name_and_address_columns(tmp_path: Path) -> None:
    register = "id,name,address,country\n" + "".join(f'{pid},{name},"{address}",AU\n' for pid, name, address in PEOPLE)
    rows = 'id,name,address,country\nL1,sarha curtis,"74 charlick place, ngunnawal, act 2913",AU\n'
    code, out = _cli(tmp_path, register, rows)
    assert code == 0 and out["L1"]["decision"] != "match"  # auto: facilities, the house number differs
    code, out = _cli(tmp_path, register, rows, "--kind", "people")
    assert code == 0 and (out["L1"]["registry_id"], out["L1"]["decision"]) == ("P01", "match")


def test_person_columns_make_the_record(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text(REGISTER_CSV, encoding="utf-8")
    assert person_columns(["id", "given_name", "surname", "suburb", "date_of_birth"]) == [
        "given_name",
        "surname",
        "date_of_birth",
    ]
    assert person_columns(["id", "name", "address", "country"]) == []
    (_, first), (_, second), *_ = read_rows(path, label="register.csv", people=True)
    assert isinstance(first, Record) and isinstance(second, Record)
    assert first.name == "sarah curtis"
    assert first.address == "47, charlick place, ngunnawal, act, 2913"
    assert first.country == ""
    assert dict(first.identifiers) == {"dob": "19710203"}
    assert second.address == "12, wattle street, unit 4, mosman, nsw, 2088"


def test_facilities_may_give_the_address_in_parts(tmp_path: Path) -> None:
    # Without an address column the parts are joined, for facilities too; the country stays required.
    path = tmp_path / "register.csv"
    path.write_text("id,name,street,city,postcode,country\nF1,Acme Foods,1 Main Street,Springfield,62701,US\n")
    ((_, rec),) = list(read_rows(path, label="register.csv"))
    assert isinstance(rec, Record)
    assert (rec.name, rec.address, rec.country) == ("Acme Foods", "1 Main Street, Springfield, 62701", "US")
    path.write_text("id,name,street,city\nF1,Acme Foods,1 Main Street,Springfield\n")
    with pytest.raises(ValueError, match="country"):
        list(read_rows(path, label="register.csv"))


def test_the_index_cache_is_rebuilt_for_another_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    register = "id,name,address,country\n" + "".join(f'{pid},{name},"{address}",AU\n' for pid, name, address in PEOPLE)
    rows = 'id,name,address,country\nL1,sarha curtis,"74 charlick place, ngunnawal, act 2913",AU\n'
    cache = str(tmp_path / "index.cache")
    assert _cli(tmp_path, register, rows, "--index-cache", cache)[0] == 0
    assert _cli(tmp_path, register, rows, "--index-cache", cache, "--kind", "people")[0] == 0
    assert "rebuilding" in capsys.readouterr().err
