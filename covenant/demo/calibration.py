"""What the calibrated risk bands give each demo member (``covenant calibrate-risk``).

The band limits are calibrated on the reference data alone (``risk.calibration``); this module
checks them against the demo sector as ``covenant demo`` seeds it, without the database. It
lives in the demo app because it reads the demo's data, which the risk app must not import.
"""

from __future__ import annotations

from covenant.demo.data import generate_sector
from covenant.risk.calibration import MemberBands, report, write_limits
from covenant.risk.reference import builtin_reference
from covenant.risk.scoring import ReferenceData, band_index, calibrate, score_profile, severity_of, summarise


def demo_member_bands(
    ref: ReferenceData, limits: tuple[float, float, float], seed: int = 2026, n_sites: int = 2000
) -> list[MemberBands]:
    """Band counts per demo member over its active links, as the demo seeds them (``covenant demo``)."""
    sector = generate_sector(seed=seed, n_sites=n_sites)
    sites = {s.key: s for s in sector.sites}
    severity = {t: severity_of(ref, t) for t in ref.topics}
    cache: dict[tuple[str, str, tuple[str, ...]], int] = {}
    out = []
    for member in sector.members:
        counts = [0, 0, 0, 0]
        listed = [0, 0, 0, 0]
        n = 0
        for link in sector.links:
            if link.member_key != member.key or not link.active:
                continue
            site = sites[link.site_key]
            goods = ref.goods_in(site.country, site.products)
            key = (site.country, site.sector, goods)
            if key not in cache:
                cache[key] = band_index(summarise(score_profile(ref, *key).scores, severity).score, limits)
            counts[cache[key]] += 1
            if goods:
                listed[cache[key]] += 1
            n += 1
        if n:
            out.append(MemberBands(member.key, n, (counts[0], counts[1], counts[2], counts[3]), listed[2], listed[3]))
    return out


def run(*, write: bool = False) -> str:
    ref = builtin_reference()
    result = calibrate(ref)
    if write:
        write_limits(result)
    return report(result, demo_member_bands(ref, result.limits))
