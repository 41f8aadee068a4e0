"""Band limits from the whole reference data, and the report of what they give each member.

``covenant calibrate-risk`` (in the demo app, which may read both the reference data and the
demo sector) prints both; with ``--write`` it stores the limits in ``data/bands.json``, which
``scoring`` reads at import (see docs/risk.md, "Bands").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from covenant.risk.scoring import (
    BAND_TARGETS,
    BANDS,
    BANDS_FILE,
    Calibration,
)


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
