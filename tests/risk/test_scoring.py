"""The scoring functions on plain data (no database)."""

from __future__ import annotations

from covenant.risk.scoring import (
    IndicatorInfo,
    ReferenceData,
    adjust,
    band,
    profile_key,
    score_profile,
    summarise,
)


def _ref() -> ReferenceData:
    return ReferenceData(
        indicators=[
            IndicatorInfo("ituc", "ITUC Global Rights Index", "2025", "country", {"freedom_of_association": 5}),
            IndicatorInfo("ilab-child", "ILAB (child labour)", "2022", "commodity", {"child_labour": 3}),
        ],
        country_values={"ituc": {"BD": (9.0, "rating 5"), "NL": (2.5, "rating 2")}},
        commodity_values={"ilab-child": {("CI", "cocoa"): (10.0, "child labour")}},
        topics=["freedom_of_association", "child_labour"],
        severity={"freedom_of_association": 2, "child_labour": 3},
    )


def test_bands() -> None:
    assert [band(x) for x in (0, 3.99, 4, 5.99, 6, 7.99, 8, 10)] == [
        "low", "low", "medium", "medium", "high", "high", "very_high", "very_high",
    ]  # fmt: skip


def test_country_sector_and_goods_parts_with_explanation() -> None:
    ref = _ref()
    bd = score_profile(ref, "BD", "Apparel", ())
    # 1 + 5 × 0.9 = 5.5 (country) + 3 (apparel, freedom of association)
    assert bd.scores["freedom_of_association"] == 8.5
    assert ("ITUC Global Rights Index 2025: rating 5", 4.5) in bd.explanation["freedom_of_association"]
    assert ("Covenant sector baseline 2026: Apparel", 3.0) in bd.explanation["freedom_of_association"]
    ci = score_profile(ref, "CI", "Agriculture", ref.goods_in("CI", ["Cocoa", "Boxes"]))
    # CI is not in this ITUC extract: counted as mid-scale, and said so.
    assert any("CI not rated" in label for label, _p in ci.explanation["freedom_of_association"])
    assert ci.scores["child_labour"] == 1 + 4 + 3
    assert ref.goods_in("CI", ["Cocoa"]) == ("cocoa",) and ref.goods_in("GH", ["Cocoa"]) == ()


def test_unknown_sector_is_mid_scale_and_caps_apply() -> None:
    ref = _ref()
    ref.indicators.append(IndicatorInfo("extra", "Extra", "1", "country", {"freedom_of_association": 6}))
    ref.country_values["extra"] = {"BD": (10.0, "10")}
    p = score_profile(ref, "BD", "Spaceships", ())
    assert p.scores["freedom_of_association"] == 6 + 2  # country part capped at 6, sector unknown = 2
    assert any("capped at 6" in label for label, _p in p.explanation["freedom_of_association"])


def test_adjust_and_summary() -> None:
    scores = adjust({"freedom_of_association": 8.5, "child_labour": 3.0}, {"child_labour": 4.0, "x": 1})
    assert scores == {"freedom_of_association": 8.5, "child_labour": 7.0}
    s = summarise(scores, {"freedom_of_association": 2, "child_labour": 3})
    assert (s.score, s.band, s.severity, s.top_topic) == (8.5, 3, 3, "freedom_of_association")
    assert adjust({"a": 9.0}, {"a": 4.0}) == {"a": 10.0}
    assert profile_key("CI", "Agriculture", ("cocoa",)) == profile_key("CI", " agriculture ", ("cocoa",))
