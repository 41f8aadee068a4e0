"""Scoring, decisions, screening and learning from reviews."""

from __future__ import annotations

from pathlib import Path

import pytest

from covenant.matching import Candidate, Feedback, Matcher, MatchIndex, Record, Thresholds
from covenant.matching.model import DEFAULT_WEIGHTS, LogisticModel


def _index() -> MatchIndex:
    idx = MatchIndex()
    idx.add_many(
        [
            Record("A", "Ningbo Huayi Garments Co., Ltd.", "No.11 Dongqian Lake Area, Yinxian Avenue, Ningbo", "CN"),
            Record("B", "Ningbo Rizi Dresses Co Ltd", "No. 20 Wenwei Road, Gulin Town, Ningbo", "CN"),
            Record(
                "C",
                "Wenzhou Jietu Shoes Co.,Ltd",
                "No.8 Shuangbao West Road, Ouhai, Wenzhou",
                "CN",
                identifiers={"duns": "123456789"},
                lat=27.96542,
                lng=120.65768,
            ),
            Record("D", "PT Sumber Mitra Gasutri", "Jalan Raya Keradenan No.38, Bogor", "ID"),
            # Two sites of one company: a row naming the company only is ambiguous.
            Record("E1", "Saitex Vietnam", "Lot 225, Amata Industrial Park, Bien Hoa", "VN"),
            Record("E2", "Saitex Vietnam", "Lot 226, Amata Industrial Park, Bien Hoa", "VN"),
        ]
    )
    return idx


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(_index())


def test_clear_match(matcher: Matcher) -> None:
    r = matcher.match(Record("q", "NINGBO HUAYI GARMENT CO LTD", "11 Dongqian Lake, Yinxian Ave, Ningbo", "CN"))
    assert r.decision == "match"
    assert r.registry_id == "A"
    assert r.score >= matcher.thresholds.match
    best = r.candidates[0]
    assert best.registry_id == "A"
    assert best.features["name_weighted"] > 0.9
    assert 0.0 <= best.features["address_weighted"] <= 1.0
    assert any(reason.startswith("name") for reason in best.explain())


def test_local_script_row_matches(matcher: Matcher) -> None:
    r = matcher.match(Record("q", "宁波华艺服装有限公司", "宁波市鄞县大道东钱湖11号", "CN"))
    assert (r.decision, r.registry_id) == ("match", "A")


def test_new_facility(matcher: Matcher) -> None:
    r = matcher.match(Record("q", "Zhejiang Sanyuan Knitting", "Fuchunjiang Town, Tonglu", "CN"))
    assert r.decision == "new"
    assert r.registry_id is None


def test_same_name_different_site_is_not_auto_matched(matcher: Matcher) -> None:
    r = matcher.match(Record("q", "Ningbo Huayi Garments", "No. 500 Kaifa Road, Beilun, Ningbo", "CN"))
    assert r.decision != "match"


def test_margin_rule_sends_close_calls_to_review(matcher: Matcher) -> None:
    r = matcher.match(Record("q", "Saitex Vietnam", "Amata Industrial Park, Bien Hoa", "VN"))
    assert r.decision == "review"
    assert {c.registry_id for c in r.candidates[:2]} == {"E1", "E2"}
    assert r.registry_id == r.candidates[0].registry_id


def test_thresholds_are_settings(matcher: Matcher) -> None:
    row = Record("q", "Ningbo Huayi Garments", "Ningbo", "CN")
    strict = Matcher(matcher.index, Thresholds(match=0.999999, review=0.0))
    assert strict.match(row).decision == "review"
    lax = Matcher(matcher.index, Thresholds(match=0.0, review=0.0, margin=0.0))
    assert lax.match(row).decision == "match"
    with pytest.raises(ValueError, match="thresholds must satisfy"):
        Thresholds(match=0.2, review=0.5)


def test_identifiers(matcher: Matcher) -> None:
    same = matcher.match(Record("q", "JT Footwear", "", "CN", identifiers={"duns": "12-345-6789"}))
    assert same.registry_id == "C"
    assert same.candidates[0].features.get("same_duns") == 1.0
    assert "same DUNS" in same.candidates[0].explain()
    assert same.score > 0.9
    conflicting = matcher.match(
        Record("q", "Wenzhou Jietu Shoes", "No.8 Shuangbao West Road, Wenzhou", "CN", identifiers={"duns": "987654321"})
    )
    plain = matcher.match(Record("q", "Wenzhou Jietu Shoes", "No.8 Shuangbao West Road, Wenzhou", "CN"))
    assert conflicting.score < plain.score
    assert conflicting.candidates[0].features.get("different_duns") == 1.0


def test_geographic_distance(matcher: Matcher) -> None:
    near = matcher.match(Record("q", "Jietu Shoes", "Wenzhou", "CN", lat=27.966, lng=120.658))
    far = matcher.match(Record("q", "Jietu Shoes", "Wenzhou", "CN", lat=39.9, lng=116.4))
    assert near.candidates[0].features["distance_km"] < 1
    assert far.candidates[0].features["geo_far"] == 1.0
    assert near.score > far.score


def test_generic_words_weigh_less_than_distinctive_ones() -> None:
    idx = MatchIndex()
    idx.add_many(
        [
            Record(f"G{i}", f"{w} Garment Textile Factory", "", "BD")
            for i, w in enumerate(["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"])
        ]
    )
    assert idx.name_weight("garment") < idx.name_weight("alpha") / 3
    r = Matcher(idx).match(Record("q", "Golf Garment Textile Factory", "", "BD"))
    assert r.decision == "new"


def test_match_many_keeps_order_and_reports_progress(matcher: Matcher) -> None:
    rows = [
        Record(f"q{i}", name, "", cc)
        for i, (name, cc) in enumerate(
            [("Ningbo Huayi Garments", "CN"), ("Unknown Mill", "BD"), ("Sumber Mitra Gasutri", "ID")] * 150
        )
    ]
    seen: list[tuple[int, int]] = []
    results = matcher.match_many(rows, workers=2, progress=lambda d, t: seen.append((d, t)), chunk_size=50)
    assert len(results) == len(rows)
    assert results == [matcher.match(r) for r in rows]
    assert seen[-1] == (450, 450)


def test_screening_by_name(matcher: Matcher) -> None:
    hits = matcher.screen("Wenzhou Jietu Shoes", country="CN")
    assert hits
    assert hits[0].registry_id == "C"
    assert "address_weighted" not in hits[0].features
    anywhere = matcher.screen("Sumber Mitra Gasutri")
    assert anywhere[0].registry_id == "D"
    by_id = matcher.screen("Some Other Name", identifiers={"duns": "123456789"})
    assert by_id[0].registry_id == "C"
    assert matcher.screen("Qwxz Plokm", min_score=0.5) == []


def test_confirmed_row_is_never_asked_twice_and_becomes_alias(matcher: Matcher) -> None:
    row = Record("q", "Gasutri Garment Bogor", "Keradenan", "ID")
    assert matcher.match(row).decision != "match"
    matcher.learn(row, "D", confirmed=True)
    again = matcher.match(Record("other-id", "GASUTRI GARMENT BOGOR", "Keradenan", "ID"))
    assert (again.decision, again.registry_id, again.score) == ("match", "D", 1.0)
    assert again.candidates[0].features == {"remembered": 1.0}
    assert "gasutri garment bogor" in matcher.index.names("D")


def test_rejected_candidate_is_excluded_for_that_row(matcher: Matcher) -> None:
    row = Record("q", "Saitex Vietnam", "Amata Industrial Park, Bien Hoa", "VN")
    first = matcher.match(row)
    rejected = first.candidates[0].registry_id
    matcher.learn(row, rejected, confirmed=False)
    second = matcher.match(row)
    assert rejected not in [c.registry_id for c in second.candidates]
    # Other rows still see it.
    assert rejected in [
        c.registry_id for c in matcher.match(Record("q", "Saitex Vietnam", "Bien Hoa", "VN")).candidates
    ]


def test_confirmation_follows_merges(matcher: Matcher) -> None:
    row = Record("q", "Rizi Dress Factory", "Gulin", "CN")
    matcher.learn(row, "B", confirmed=True)
    matcher.index.merge("B", "A")
    assert matcher.match(row).registry_id == "A"


def test_refit_changes_weights_and_is_persisted(tmp_path: Path) -> None:
    idx = _index()
    m = Matcher(idx)
    rows = [
        Feedback(Record(f"q{i}", n, a, cc), rid, ok)
        for i, (n, a, cc, rid, ok) in enumerate(
            [
                ("Ningbo Huayi", "Ningbo", "CN", "A", True),
                ("Huayi Garment", "", "CN", "A", True),
                ("Rizi Dresses", "Wenwei Road", "CN", "B", True),
                ("Jietu", "Ouhai", "CN", "C", True),
                ("Sumber Mitra", "", "ID", "D", True),
                ("Saitex", "Lot 225", "VN", "E1", True),
                ("Ningbo Huayi", "Beilun", "CN", "B", False),
                ("Jietu Shoes", "Beijing", "CN", "A", False),
                ("Mitra Garment", "Jakarta", "ID", "D", False),
                ("Saitex", "Lot 226", "VN", "E1", False),
                ("Rizi", "Shanghai", "CN", "B", False),
                ("Huayi", "Wenzhou", "CN", "C", False),
            ]
        )
    ]
    assert not m.refit()  # nothing learnt yet
    m.learn_many(rows)
    before = dict(m.model.weights)
    assert m.refit(min_examples=10)
    assert m.model.weights != before
    assert idx.weights["full"] == m.model.weights
    path = tmp_path / "idx"
    idx.save(path)
    assert Matcher(MatchIndex.load(path)).model.weights == m.model.weights


def test_logistic_fit_learns_a_separable_rule() -> None:
    model = LogisticModel(("name_weighted",), {"bias": 0.0, "name_weighted": 0.0})
    xs = [{"name_weighted": v / 10} for v in range(11)]
    ys = [1 if v >= 6 else 0 for v in range(11)]
    fitted = model.fit(xs, ys, l2=0.01)
    assert fitted.score({"name_weighted": 0.9}) > 0.9
    assert fitted.score({"name_weighted": 0.1}) < 0.1
    assert set(DEFAULT_WEIGHTS) >= {"bias", "name_weighted", "identifier_match"}


def test_candidate_is_plain_data() -> None:
    c = Candidate("X", 0.5, {"name_weighted": 0.5})
    assert c.explain() == ["name 0.50"]


def test_town_moved_from_name_to_address_still_matches(matcher: Matcher) -> None:
    # Members often write "Huayi Garments" with the town as the address, where the
    # register has the town at the front of the name and a full street address.
    r = matcher.match(Record("q", "Huayi Garments", "Ningbo", "CN"))
    assert (r.decision, r.registry_id) == ("match", "A")
    assert r.candidates[0].features["address_missing"] == 1.0  # a town alone is not a street match


def test_town_in_name_does_not_match_another_town(matcher: Matcher) -> None:
    r = matcher.match(Record("q", "Huayi Garments", "Shaoxing", "CN"))
    assert r.decision == "new"
