"""The scoring functions on plain data (no database)."""

from __future__ import annotations

from covenant.risk.scoring import (
    BAND_LIMITS,
    SECTOR_BASELINE,
    IndicatorInfo,
    ReferenceData,
    adjust,
    band,
    band_index,
    calibrate,
    profile_key,
    reference_profiles,
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
        severity={"freedom_of_association": 7, "child_labour": 8},
    )


def _labels(lines: list) -> list[tuple[str, float]]:  # type: ignore[type-arg]
    return [(line[0], line[1]) for line in lines]


def test_bands() -> None:
    limits = (4.0, 6.0, 8.0)
    assert [band(x, limits) for x in (0, 3.99, 4, 5.99, 6, 7.99, 8, 10)] == [
        "low", "low", "medium", "medium", "high", "high", "very_high", "very_high",
    ]  # fmt: skip
    # The shipped limits are calibrated (data/bands.json) and ordered.
    assert 0 < BAND_LIMITS[0] < BAND_LIMITS[1] < BAND_LIMITS[2] < 10


def test_likelihood_severity_and_risk_with_explanation() -> None:
    ref = _ref()
    bd = score_profile(ref, "BD", "Apparel", ())
    # Country 1 + 5 × 0.9 = 5.5, apparel 3: likelihood 5.5 + 3 - 2 = 6.5; freedom of
    # association's salience 2 + 3 + 2 = 7 of 9: risk 6.5 × 7 / 9 = 5.06.
    assert bd.scores["freedom_of_association"] == 5.06
    lines = _labels(bd.explanation["freedom_of_association"])
    assert ("ITUC Global Rights Index 2025: rating 5", 4.5) in lines
    assert ("Covenant sector baseline 2026: Apparel", 3.0) in lines
    assert ("Likelihood on 0-10: the sum - 2", 6.5) in lines
    assert lines[-1] == ("Risk = likelihood × severity / 9", 5.06)
    assert any(line[2] == "severity" and line[3]["severity"] == 7 for line in bd.explanation["freedom_of_association"])
    ci = score_profile(ref, "CI", "Agriculture", ref.goods_in("CI", ["Cocoa", "Boxes"]))
    # CI is not in this ITUC extract: counted as mid-scale, and said so.
    assert any("CI not rated" in label for label, _p in _labels(ci.explanation["freedom_of_association"]))
    # Country 1 (no indicator on child labour here) + agriculture 4 + cocoa 3 capped at 2: 5; × 8 / 9.
    assert ci.scores["child_labour"] == 4.44
    assert ("High-risk goods part capped at 2", -1.0) in _labels(ci.explanation["child_labour"])
    assert ref.goods_in("CI", ["Cocoa"]) == ("cocoa",) and ref.goods_in("GH", ["Cocoa"]) == ()


def test_unknown_sector_is_mid_scale_and_the_country_part_never_saturates() -> None:
    ref = _ref()
    ref.indicators.append(IndicatorInfo("extra", "Extra", "1", "country", {"freedom_of_association": 6}))
    ref.country_values["extra"] = {"BD": (10.0, "10"), "NL": (10.0, "10")}
    bd = score_profile(ref, "BD", "Spaceships", ())
    nl = score_profile(ref, "NL", "Spaceships", ())
    # The country part is a weighted mean (5 × 9 + 6 × 10) / 11 scaled to 1-6: 5.77, not a capped sum.
    assert bd.scores["freedom_of_association"] == round(5.77 * 7 / 9, 2)
    assert nl.scores["freedom_of_association"] < bd.scores["freedom_of_association"]
    assert any("not profiled" in label for label, _p in _labels(bd.explanation["freedom_of_association"]))


def test_adjust_and_summary() -> None:
    scores = adjust({"freedom_of_association": 8.5, "child_labour": 3.0}, {"child_labour": 4.0, "x": 1})
    assert scores == {"freedom_of_association": 8.5, "child_labour": 7.0}
    s = summarise(scores, {"freedom_of_association": 7, "child_labour": 8})
    assert (s.score, s.severity, s.top_topic, s.breadth) == (8.5, 7, "freedom_of_association", 7.75)
    assert s.band == band_index(8.5)
    # On a tie the graver topic is the top topic.
    assert summarise({"a": 5.0, "b": 5.0}, {"a": 6, "b": 8}).top_topic == "b"
    assert adjust({"a": 9.0}, {"a": 4.0}) == {"a": 10.0}
    assert profile_key("CI", "Agriculture", ("cocoa",)) == profile_key("CI", " agriculture ", ("cocoa",))


def test_calibration_hits_its_targets_on_the_reference_profiles() -> None:
    ref = _ref()
    ref.country_values["ituc"].update({c: (v, f"rating {v}") for c, v in (("FR", 0.0), ("BR", 5.0), ("MM", 10.0))})
    result = calibrate(ref, (0.4, 0.3, 0.2, 0.1))
    assert result.limits[0] < result.limits[1] < result.limits[2]
    # Every country rated × every profiled sector × (no goods, and each listed good).
    assert result.profiles == len(list(reference_profiles(ref))) == 5 * len(SECTOR_BASELINE)
    assert abs(result.shares["very_high"] - 0.1) < 0.15 and sum(result.shares.values()) > 0.99
