"""Issue 14: calibrated bands that separate, and a priority list that is not one block.

On the demo sector as ``covenant demo`` generates it (``covenant.demo.data``, no database:
the scores are those the engine stores, from the shipped reference data)."""

from __future__ import annotations

from functools import cache

from covenant.demo.calibration import demo_member_bands
from covenant.demo.data import DemoSector, generate_sector
from covenant.risk.reference import builtin_reference
from covenant.risk.scoring import (
    BAND_LIMITS,
    ReferenceData,
    band_index,
    calibrate,
    score_profile,
    severity_of,
    summarise,
)
from covenant.risk.selectors import SPEND_RANK


@cache
def _ref() -> ReferenceData:
    return builtin_reference()


@cache
def _sector() -> DemoSector:
    return generate_sector(seed=2026, n_sites=2000)


def test_the_shipped_limits_are_the_calibration_of_the_shipped_data() -> None:
    """data/bands.json is up to date: run `covenant calibrate-risk --write` after changing the formula."""
    result = calibrate(_ref())
    assert result.limits == BAND_LIMITS
    assert 0.05 <= result.shares["very_high"] <= 0.15
    assert result.shares["high"] + result.shares["very_high"] <= 0.35


def test_no_demo_member_is_mostly_high_unless_listed_goods_say_so() -> None:
    members = demo_member_bands(_ref(), BAND_LIMITS)
    assert len(members) >= 10
    for m in members:
        high_plus, very_high = m.counts[2] + m.counts[3], m.counts[3]
        # Sites on a good the ILAB list names for their country are evidence of their own.
        assert (high_plus - m.listed_high - m.listed_very_high) / m.sites <= 0.5, m
        assert (very_high - m.listed_very_high) / m.sites <= 0.2, m
    # The large members (the demo member among them): at most half high or very
    # high and a fifth very high, evidence included.
    for m in sorted(members, key=lambda m: -m.sites)[:4]:
        assert (m.counts[2] + m.counts[3]) / m.sites <= 0.5, m
        assert m.counts[3] / m.sites <= 0.2, m


def test_the_first_fifty_rows_of_each_large_member_are_not_one_block() -> None:
    ref, sector = _ref(), _sector()
    sites = {s.key: s for s in sector.sites}
    severity = {t: severity_of(ref, t) for t in ref.topics}
    for member in sector.members:
        keys = []
        for link in sector.links:
            if link.member_key != member.key or not link.active:
                continue
            site = sites[link.site_key]
            s = summarise(
                score_profile(ref, site.country, site.sector, ref.goods_in(site.country, site.products)).scores,
                severity,
            )
            # As selectors._sort_key orders the list (band, severity, score, tier, spend, breadth).
            keys.append(
                (
                    -band_index(s.score),
                    -s.severity,
                    -s.score,
                    link.tier,
                    -SPEND_RANK.get(link.spend_band, 0),
                    -s.breadth,
                )
            )
        if len(keys) < 200:
            continue
        first = sorted(keys)[:50]
        assert len(set(first)) >= 8, member.key
        assert len({k[:3] for k in first}) + len({k[5] for k in first}) >= 5, member.key
