"""Far apart means another site; generic words learned from the register itself."""

from __future__ import annotations

from covenant.matching import Matcher, MatchIndex, Record
from covenant.matching.features import OTHER_SITE_KM, compare, prepare
from covenant.matching.index import register_generic

# Buzwagi gold mine, Tanzania (ICMM coordinates); about 1° of latitude is 111 km.
BUZWAGI = Record("MI1", "Buzwagi", "", "TZ", lat=-3.833, lng=32.667)


def _index(*records: Record) -> MatchIndex:
    idx = MatchIndex()
    idx.add_many(records)
    return idx


def test_a_same_named_row_far_away_is_new_with_the_site_still_listed() -> None:
    matcher = Matcher(_index(BUZWAGI))
    near = matcher.match(Record("q", "Buzwagi", "", "TZ", lat=-3.835, lng=32.668))
    far = matcher.match(Record("q", "Buzwagi", "", "TZ", lat=-4.833, lng=32.667))
    assert near.decision == "match"
    assert far.decision == "new"
    # still offered: a reviewer searching the register sees it, with the reason
    assert far.candidates[0].registry_id == "MI1"
    assert far.candidates[0].features["far_site"] == 1.0
    assert far.candidates[0].features["distance_km"] > OTHER_SITE_KM
    assert any("too far apart" in line for line in far.candidates[0].explain())


def test_between_the_sister_site_and_the_other_site_distance_a_person_decides() -> None:
    matcher = Matcher(_index(BUZWAGI))
    # ~15 km: too far to match automatically, too near to call it another site
    res = matcher.match(Record("q", "Buzwagi", "", "TZ", lat=-3.968, lng=32.667))
    assert 10 < res.candidates[0].features["distance_km"] < OTHER_SITE_KM
    assert res.decision == "review"
    assert "far_site" not in res.candidates[0].features


def test_a_shared_identifier_or_the_same_address_ties_a_far_pair() -> None:
    site = Record(
        "CN1",
        "Huai An Yuan Tong Headwear",
        "No. 1 Yan Huang Avenue, Lian Shui New Industrial Zone, Huai An",
        "CN",
        lat=33.78,
        lng=119.26,
        identifiers={"duns": "123456789"},
    )
    matcher = Matcher(_index(site))
    # the same address geocoded ~1,400 km away (a real case in the OAR lists): a wrong geocode
    same_address = matcher.match(Record("q", site.name, site.address, "CN", lat=22.5, lng=113.9))
    assert "far_site" not in same_address.candidates[0].features
    assert same_address.decision == "review"
    same_id = matcher.match(
        Record("q", site.name, "Shenzhen", "CN", lat=22.5, lng=113.9, identifiers={"duns": "123456789"})
    )
    assert same_id.decision == "match"
    neither = matcher.match(Record("q", site.name, "Bao An, Shenzhen", "CN", lat=22.5, lng=113.9))
    assert neither.decision == "new"


def test_a_far_namesake_does_not_take_the_margin_from_the_near_site() -> None:
    twin = Record("MI2", "Buzwagi", "", "TZ", lat=-6.0, lng=35.0)
    matcher = Matcher(_index(BUZWAGI, twin))
    res = matcher.match(Record("q", "Buzwagi", "", "TZ", lat=-3.834, lng=32.668))
    assert res.decision == "match" and res.registry_id == "MI1"
    assert [c.registry_id for c in res.candidates] == ["MI1", "MI2"]


def test_people_are_not_set_aside_for_distance() -> None:
    idx = _index(Record("P1", "sarah curth", "14 knoke avenue, sydney", "AU", lat=-33.87, lng=151.2))
    matcher = Matcher(idx, kind="people")
    res = matcher.match(Record("q", "sarah curth", "14 knoke avenue, sydney", "AU", lat=-37.8, lng=144.9))
    assert res.decision != "new"


def test_register_generic_needs_share_count_and_not_being_a_place() -> None:
    assert register_generic(30, 0, 1000)  # 3 % of names, never an address word
    assert not register_generic(15, 0, 1000)  # 1.5 %: a company with many sites, not generic
    assert not register_generic(5, 0, 100)  # 5 % of a tiny register: too few names to tell
    assert not register_generic(40, 30, 1000)  # a town that prefixes names ("Dongguan")


def test_a_word_frequent_in_the_register_is_generic_there() -> None:
    # "colliery" is in no hand list; in a register of collieries it is the sector's word
    heads = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet"]
    records = [
        Record(f"C{i}", f"{h}{j} Colliery", f"Shaft Road {i}, Emalahleni", "ZA")
        for i, (h, j) in enumerate((h, j) for h in heads for j in ("ton", "vale", "berg"))
    ]
    idx = _index(*records)
    assert idx.generic_name_word("colliery")
    assert not idx.generic_name_word("emalahleni")  # in every address: a place
    assert not idx.generic_name_word("alphaton")
    q, c = prepare(Record("q", "Alphaton", "", "ZA")), prepare(records[0])
    learned = compare(q, c, idx.name_weight, idx.address_weight, generic=idx.generic_name_word)
    listed_only = compare(q, c, idx.name_weight, idx.address_weight)
    assert learned["name_ratio"] == 1.0 > listed_only["name_ratio"]
    # another colliery of another name still differs by its distinctive word
    other = compare(
        prepare(Record("q", "Bravoton Colliery", "", "ZA")),
        c,
        idx.name_weight,
        idx.address_weight,
        generic=idx.generic_name_word,
    )
    assert other["name_word_differs"] == 1.0


def test_postcodes_that_differ_beyond_a_typo_name_another_place() -> None:
    joszt = Record("M1", "B. Joszt Inc.", "524 E. 2nd Avenue, Roselle, NJ 07203", "US")
    matcher = Matcher(_index(joszt))
    # "2nd" reads as the house number 2: without the postcodes the two would share a plot
    moved = matcher.match(Record("q", "B. Joszt Inc.", "2 Anderson Avenue, Moonachie, NJ 07074", "US"))
    assert moved.candidates[0].features["address_conflict"] == 1.0
    assert moved.decision != "match"
    # the same street and town with the postcode's digits swapped: one site
    typo = matcher.match(Record("q", "B. Joszt Inc.", "524 East 2nd Ave, Roselle, NJ 07230", "US"))
    assert typo.decision == "match"
    # the same street and town, another postcode altogether: the postcode is the error
    wrong_zip = matcher.match(Record("q", "B. Joszt Inc.", "524 East 2nd Ave, Roselle, NJ 08512", "US"))
    assert wrong_zip.candidates[0].features["address_conflict"] == 0.0


def _differs(a: str, b: str, address: str) -> float:
    q, c = prepare(Record("q", a, address, "US")), prepare(Record("c", b, address, "US"))
    return compare(q, c, lambda t: 5.0, lambda t: 5.0)["name_word_differs"]


def test_a_word_both_names_share_does_not_excuse_another_word() -> None:
    # "sir" is in both names: it cannot also stand for "Siemer" (an abbreviation)
    address = "830 Old Salem Road, Murfreesboro, TN 37129"
    assert _differs("Sir Pizza of Siemer, Inc", "Sir Pizza of Tennessee, Inc", address) == 1.0
    assert _differs("Sir Pizza of Tennesee, Inc", "Sir Pizza of Tennessee, Inc", address) == 0.0


def test_a_repeated_word_stands_in_the_place_of_another() -> None:
    address = "5300 North Franklin Street, Denver, CO 80216"
    assert _differs("Bee Plump Farms LLC", "Bee Bee Farms LLC", address) == 1.0
    assert _differs("Bee Bee Farms LLC", "Bee Bee Farms", address) == 0.0
    # a word merely added stays left to the score
    assert _differs("Bee Farms LLC", "Bee Bee Farms LLC", address) == 0.0
