"""Index: blocking, incremental updates, persistence."""

from __future__ import annotations

from pathlib import Path

import pytest

from covenant.matching import Matcher, MatchIndex, Record
from covenant.matching.features import prepare


def _register() -> list[Record]:
    return [
        Record("A", "Ningbo Huayi Garments Co., Ltd.", "No.11 Dongqian Lake Area, Yinxian Avenue, Ningbo", "CN"),
        Record("B", "Ningbo Rizi Dresses Co Ltd", "No. 20 Wenwei Road, Gulin Town, Ningbo", "CN"),
        Record(
            "C",
            "Wenzhou Jietu Shoes Co.,Ltd",
            "No.8 Shuangbao West Road, Ouhai, Wenzhou",
            "CN",
            identifiers={"duns": "12-345-6789", "lei": "5493001KJTIIGC8Y1R12"},
            lat=27.96542,
            lng=120.65768,
        ),
        Record("D", "PT Sumber Mitra Gasutri", "Jalan Raya Keradenan No.38, Bogor", "ID"),
        Record("E", "Epyllion Style Ltd.", "Nayapara, Vhawal Mirzapur, Gazipur Sadar, Gazipur", "BD"),
        Record("F", "Square Fashions Ltd.", "Zamirdia, Habir Bari, Bhaluka, Mymensingh", "BD"),
    ]


@pytest.fixture
def index() -> MatchIndex:
    idx = MatchIndex()
    idx.add_many(_register())
    return idx


def _candidate_ids(index: MatchIndex, rec: Record) -> list[str]:
    return [index.facility_id_of_slot(s) for s, _ in index.candidate_slots(prepare(rec), limit=10)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (Record("q", "NINGBO HUAYI GARMENT", "", "CN"), "A"),
        (Record("q", "Huayi Garmnets", "Dongqian Lake, Ningbo", "CN"), "A"),  # typo
        (Record("q", "宁波华艺服装有限公司", "", "CN"), "A"),  # Chinese script
        (Record("q", "Jietu Shoe Factory", "", "CN"), "C"),
        (Record("q", "Sumber Mitra Gasutri Tbk", "", "ID"), "D"),
        (Record("q", "Completely Renamed Co", "Jalan Raya Keradenan 38, Bogor", "ID"), "D"),  # address only
        (Record("q", "Epylion Style", "", "BD"), "E"),
    ],
)
def test_blocking_finds_the_true_candidate(index: MatchIndex, query: Record, expected: str) -> None:
    assert expected in _candidate_ids(index, query)


def test_blocking_is_partitioned_by_country(index: MatchIndex) -> None:
    assert "A" not in _candidate_ids(index, Record("q", "Ningbo Huayi Garments", "", "BD"))


def test_blocking_without_country_searches_everywhere(index: MatchIndex) -> None:
    assert "A" in _candidate_ids(index, Record("q", "Ningbo Huayi Garments"))


def test_unrelated_query_gets_no_candidates(index: MatchIndex) -> None:
    assert _candidate_ids(index, Record("q", "Zzyzx Qwerty", "", "CN")) == []


def test_add_rejects_duplicate_id_and_unknown_country(index: MatchIndex) -> None:
    with pytest.raises(ValueError, match="already in the index"):
        index.add(Record("A", "Other", "", "CN"))
    with pytest.raises(ValueError, match="unknown country code"):
        index.add(Record("Z", "Other", "", "QQ"))


def test_remove(index: MatchIndex) -> None:
    index.remove("B")
    assert "B" not in index
    assert len(index) == 5
    assert "B" not in _candidate_ids(index, Record("q", "Ningbo Rizi Dresses", "", "CN"))
    with pytest.raises(KeyError):
        index.remove("B")
    with pytest.raises(KeyError):
        index.resolve("B")


def test_update_renames_and_keeps_old_name_as_alias(index: MatchIndex) -> None:
    index.update(Record("B", "Ningbo Bluesky Fashion Co Ltd", "No. 20 Wenwei Road, Gulin Town, Ningbo", "CN"))
    assert index.names("B")[0] == "ningbo bluesky fashion"
    assert "ningbo rizi dresses" in index.names("B")
    matcher = Matcher(index)
    assert matcher.match(Record("q", "Ningbo Bluesky Fashion", "20 Wenwei Rd, Gulin, Ningbo", "CN")).registry_id == "B"
    assert matcher.match(Record("q", "Ningbo Rizi Dresses", "20 Wenwei Rd, Gulin, Ningbo", "CN")).registry_id == "B"


def test_update_without_keeping_old_name(index: MatchIndex) -> None:
    index.update(Record("B", "Ningbo Bluesky Fashion", "No. 20 Wenwei Road", "CN"), keep_old_name=False)
    assert index.names("B") == ["ningbo bluesky fashion"]
    assert "B" not in _candidate_ids(index, Record("q", "Rizi Dresses", "", "CN"))


def test_update_can_move_a_facility_to_another_country(index: MatchIndex) -> None:
    index.update(Record("F", "Square Fashions Ltd.", "Phnom Penh SEZ", "KH"))
    assert index.country("F") == "KH"
    assert "F" in _candidate_ids(index, Record("q", "Square Fashions", "", "KH"))
    assert "F" not in _candidate_ids(index, Record("q", "Square Fashions", "", "BD"))


def test_update_replaces_identifiers(index: MatchIndex) -> None:
    index.update(Record("C", "Wenzhou Jietu Shoes", "Wenzhou", "CN", identifiers={"duns": "999999999"}))
    assert index.identifiers("C") == {"duns": "999999999"}
    assert index.identifier_hits({"duns": "123456789"}) == []
    assert index.identifier_hits({"duns": "999999999"}) == ["C"]


def test_add_alias(index: MatchIndex) -> None:
    assert index.add_alias("F", "Sq Fashion Mymensingh Plant")
    assert not index.add_alias("F", "Sq Fashion Mymensingh Plant")  # already there
    assert "F" in _candidate_ids(index, Record("q", "SQ FASHION MYMENSINGH PLANT", "", "BD"))


def test_merge_moves_names_and_identifiers_and_redirects(index: MatchIndex) -> None:
    index.merge("C", "B")
    assert index.resolve("C") == "B"
    assert "C" not in index
    assert len(index) == 5
    assert index.identifiers("B")["duns"] == "123456789"
    assert index.identifier_hits({"lei": "5493001KJTIIGC8Y1R12"}) == ["B"]
    assert "wenzhou jietu shoe" in index.names("B")
    result = Matcher(index).match(Record("q", "Wenzhou Jietu Shoes", "No 8 Shuangbao West Rd, Wenzhou", "CN"))
    assert result.registry_id == "B"
    # Chains of merges resolve to the last survivor.
    index.merge("B", "A")
    assert index.resolve("C") == "A"
    with pytest.raises(ValueError, match="into itself"):
        index.merge("C", "A")  # C is A now


def test_save_and_load_round_trip(index: MatchIndex, tmp_path: Path) -> None:
    index.merge("B", "A")
    index.remove("F")
    index.add_alias("E", "Epyllion Group Unit 1")
    index.meta["source"] = "test"
    matcher = Matcher(index)
    matcher.learn(Record("q", "Sumber Mitra", "Bogor", "ID"), "D", confirmed=True)
    path = tmp_path / "sub" / "register.idx"
    index.save(path)
    loaded = MatchIndex.load(path)
    assert len(loaded) == len(index)
    assert sorted(loaded.ids()) == sorted(index.ids())
    assert loaded.resolve("B") == "A"
    assert loaded.meta == {"source": "test"}
    assert loaded.feedback.confirmed == index.feedback.confirmed
    query = Record("q", "Wenzhou Jietu", "Shuangbao West Road 8", "CN")
    assert Matcher(loaded).match(query) == Matcher(index).match(query)
    # The loaded index stays incremental.
    loaded.add(Record("G", "Brand New Knitting Mill", "Dhaka", "BD"))
    assert Matcher(loaded).match(Record("q", "Brand New Knitting Mill", "Dhaka", "BD")).registry_id == "G"


def test_load_rejects_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"not a pickle")
    with pytest.raises(ValueError, match="not a matching index"):
        MatchIndex.load(bad)


def test_compact_keeps_results(index: MatchIndex) -> None:
    for i in range(30):
        index.add(Record(f"T{i}", f"Temporary Site {i}", "", "CN"))
    for i in range(30):
        index.remove(f"T{i}")
    query = Record("q", "Ningbo Huayi", "Dongqian Lake", "CN")
    before = Matcher(index).match(query)
    index.compact()
    assert index.slot_count == len(index._slot_kind)
    assert Matcher(index).match(query) == before


def _many(n: int) -> list[Record]:
    base = _register()
    return [
        Record(f"{r.id}{i}", f"{r.name} {i}", r.address, r.country, aliases=(f"{r.name} Unit {i}",))
        for i in range(n)
        for r in base
    ]


def test_a_build_with_workers_gives_the_same_index() -> None:
    records = _many(40)
    one, two = MatchIndex(), MatchIndex()
    assert one.add_many(records) == two.add_many(records, workers=2, chunk_size=7) == len(records)
    # Coordinates are NaN where unknown, and NaN equals nothing: compare them as text.
    state = [
        {k: [repr(x) for x in v] if k in ("_lat", "_lng") else v for k, v in i.__dict__.items()} for i in (one, two)
    ]
    assert state[0] == state[1]


def test_a_build_with_workers_stops_at_the_bad_record_like_one_by_one() -> None:
    records = _many(10)
    records.insert(23, Record("bad", "Atlantis Garments", "1 Sea Road", "XX"))
    for workers in (1, 2):
        index = MatchIndex()
        with pytest.raises(ValueError, match="unknown country"):
            index.add_many(records, workers=workers, chunk_size=5)
        assert len(index) == 23


def _many_sites() -> list[Record]:
    # One company with more registered sites than candidates are scored per row.
    # Numbered streets ("SE 3rd Street"): only the numbers tell the sites apart
    # once the town is dropped.
    towns = ["Amarillo", "Dallas", "Omaha", "Denver", "Fresno", "Tulsa"]
    return [
        Record(
            f"S{i}",
            "AmeriCold Logistics",
            f"{1000 + 37 * i} SE {i % 9 + 1}th Street, {towns[i % 6]}, TX {75000 + i}",
            "US",
        )
        for i in range(40)
    ]


def test_the_site_whose_address_agrees_is_among_the_candidates_of_a_many_site_company() -> None:
    index = MatchIndex()
    index.add_many(_many_sites())
    target = _many_sites()[30]
    # A typo in the name and the town dropped: the name ties all 40 sites.
    row = Record("q", "AmeriCold Logitsics", target.address.replace(", Amarillo", ""), "US")
    assert target.id in [index.facility_id_of_slot(s) for s, _ in index.candidate_slots(prepare(row), limit=20)]
    r = Matcher(index).match(row)
    assert r.registry_id == target.id and r.decision in ("match", "review"), (r.decision, r.registry_id)
    # The same name at an address of none of them is another site, never matched automatically.
    other = Record("q", "AmeriCold Logistics", "9999 Harbor Street, Houston, TX 77001", "US")
    assert Matcher(index).match(other).decision != "match"
