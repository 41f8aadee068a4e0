"""Band limits from the whole reference data, and the report of what they give each member.

``covenant calibrate-risk`` (in the demo app, which may read both the reference data and the
demo sector) prints both; with ``--write`` it stores the limits in ``data/bands.json``, which
``scoring`` reads at import (see docs/risk.md, "Bands").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from covenant.risk.scoring import (
    BAND_LIMITS,
    BAND_TARGETS,
    BANDS,
    BANDS_FILE,
    Calibration,
    ReferenceData,
    band_index,
    calibrate,
    reference_profiles,
    score_profile,
    severity_of,
    summarise,
)

Counts = tuple[int, int, int, int]  # low, medium, high, very high
# (country, sector, products as a site lists them, number of sites)
SiteGroup = tuple[str, str, Sequence[str], int]


@dataclass(frozen=True)
class MemberBands:
    member: str
    sites: int
    counts: tuple[int, int, int, int]  # low, medium, high, very high
    # Of the high and very high sites, those on a good a commodity indicator lists in their country.
    listed_high: int
    listed_very_high: int


def write_limits(result: Calibration, targets: tuple[float, ...] = BAND_TARGETS) -> None:
    BANDS_FILE.write_text(
        json.dumps(
            {
                "calibrated_on": date.today().isoformat(),
                "reference": "covenant/risk/data (shipped indicators, default weights, topic salience)",
                "targets": dict(zip(BANDS, targets, strict=True)),
                "limits": list(result.limits),
                "profiles": result.profiles,
                "shares": result.shares,
                "deciles": result.deciles,
            },
            indent=2,
        )
        + "\n"
    )


def report(result: Calibration, members: list[MemberBands]) -> str:
    lines = [
        f"{result.profiles} reference profiles; limits low < {result.limits[0]:g} <= medium < {result.limits[1]:g}"
        f" <= high < {result.limits[2]:g} <= very high",
        "share of profiles: " + ", ".join(f"{b} {result.shares.get(b, 0):.1%}" for b in BANDS),
        "overall score at 10 %, 20 %, ... 90 %, max: " + ", ".join(f"{x:g}" for x in result.deciles),
        "",
        "demo member | sites | low | medium | high | very high | high+ | very high"
        " | of them on a listed good: high+, very high",
    ]
    for m in members:
        high_plus = m.counts[2] + m.counts[3]
        lines.append(
            f"{m.member} | {m.sites} | " + " | ".join(str(c) for c in m.counts) + f" | {high_plus / m.sites:.0%}"
            f" | {m.counts[3] / m.sites:.0%} | {m.listed_high + m.listed_very_high}, {m.listed_very_high}"
        )
    return "\n".join(lines)


# --- The secretariat's preview of an indicator before it is published ------------------------


class _Bands:
    """A site's band (inherent risk, no signals) under one reference data, once per profile."""

    def __init__(self, ref: ReferenceData, limits: Sequence[float]) -> None:
        self.ref = ref
        self.limits = limits
        self.severity = {t: severity_of(ref, t) for t in ref.topics}
        self.cache: dict[tuple[str, str, tuple[str, ...]], int] = {}

    def of(self, country: str, sector: str, goods: tuple[str, ...]) -> int:
        key = (country, sector, goods)
        if key not in self.cache:
            score = summarise(score_profile(self.ref, country, sector, goods).scores, self.severity).score
            self.cache[key] = band_index(score, self.limits)
        return self.cache[key]

    def of_site(self, country: str, sector: str, products: Sequence[str]) -> int:
        return self.of(country, sector, self.ref.goods_in(country, products))


def _counts(bands: Iterable[tuple[int, int]]) -> Counts:
    out = [0, 0, 0, 0]
    for band, n in bands:
        out[band] += n
    return (out[0], out[1], out[2], out[3])


@dataclass(frozen=True)
class Shift:
    label: str
    before: Counts
    after: Counts
    up: int = 0  # sites whose band rises
    down: int = 0


@dataclass(frozen=True)
class Preview:
    limits: tuple[float, float, float]  # the band limits in force (both columns use them)
    rows: list[Shift]
    # Members over the mark (more than half their sites high or very high, or more
    # than a fifth very high), before and after: counts only, no member named.
    members: int
    members_over_before: int
    members_over_after: int
    recalibrated: Calibration  # what `covenant calibrate-risk` would set on the new data


def _shift(label: str, before: _Bands, after: _Bands, groups: Sequence[SiteGroup]) -> Shift:
    pairs = [(before.of_site(c, s, p), after.of_site(c, s, p), n) for c, s, p, n in groups]
    return Shift(
        label,
        _counts((b, n) for b, _a, n in pairs),
        _counts((a, n) for _b, a, n in pairs),
        up=sum(n for b, a, n in pairs if a > b),
        down=sum(n for b, a, n in pairs if a < b),
    )


def _over(counts: Counts) -> bool:
    total = sum(counts)
    return bool(total) and ((counts[2] + counts[3]) / total > 0.5 or counts[3] / total > 0.2)


def preview(
    before: ReferenceData,
    after: ReferenceData,
    *,
    sites: Sequence[SiteGroup],
    chain_sites: Sequence[SiteGroup],
    members: dict[int, Sequence[SiteGroup]],
    labels: tuple[str, str, str],
    limits: Sequence[float] | None = None,
) -> Preview:
    """Band counts before and after a change of reference data, under the band limits in force:
    over every reference profile of each (as the calibration counts them), the register's active
    sites, and the sites in members' chains; and how many members pass the issue's mark."""
    limits = tuple(limits or BAND_LIMITS)
    b, a = _Bands(before, limits), _Bands(after, limits)
    reference = Shift(
        labels[0],
        _counts((b.of(*key), 1) for key in reference_profiles(before)),
        _counts((a.of(*key), 1) for key in reference_profiles(after)),
    )
    over_before = over_after = 0
    for groups in members.values():
        over_before += _over(_counts((b.of_site(c, s, p), n) for c, s, p, n in groups))
        over_after += _over(_counts((a.of_site(c, s, p), n) for c, s, p, n in groups))
    return Preview(
        limits=(limits[0], limits[1], limits[2]),
        rows=[reference, _shift(labels[1], b, a, sites), _shift(labels[2], b, a, chain_sites)],
        members=len(members),
        members_over_before=over_before,
        members_over_after=over_after,
        recalibrated=calibrate(after),
    )
