"""The rows a full recomputation stores are exactly what scoring gives, site by site.

``engine.recompute_all`` writes each profile's part of a row once and, on PostgreSQL, the
rows as COPY text it formats itself (the indexes built again afterwards). Here every stored
``SiteRisk`` and ``RiskProfile`` is compared with a plain computation per site: its profile
scored on its own, the public signals added, the summary taken. Run on SQLite (the ORM path)
and on PostgreSQL (``DATABASE_URL=postgres://…``, the COPY path).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from covenant.registry.interface import Facility, FacilityStatus
from covenant.risk import engine
from covenant.risk.interface import Signal, replace_signals
from covenant.risk.models import PUBLIC_SOURCES, RiskProfile, SiteRisk, SiteSignal
from covenant.risk.reference import load_reference
from covenant.risk.scoring import adjust, profile_key, score_profile, summarise
from tests.factories import make_facility

pytestmark = pytest.mark.django_db

SITES: list[tuple[str, str, list[Any]]] = [
    ("BD", "Apparel", ["Cotton"]),
    ("BD", "Apparel", ["Cotton"]),  # the same profile as the one above
    ("BD", "apparel ", ["cotton", "Item"]),  # ... and again, written otherwise
    ("IN", " Textiles ", ["Cotton", "Garments"]),
    ("CN", "Electronics", []),
    ("CN", "", ["Toys"]),
    ("VN", "Footwear", ["Leather", 7]),
    ("TR", "Tab\there \\ and\nnewline", ['Qu"oted\\', "Hazelnuts"]),
    ("BR", "Agriculture", ["Coffee", "Beef"]),
    ("GH", "Agriculture", ["Cocoa"]),
    ("NL", "Other", ["Item"]),
    ("MM", "Rubber products", ["Rubber"]),
]


def _world() -> list[Facility]:
    sites = [
        make_facility(f"Site {i}", country, f"Street {i}", sector=sector, products=products)
        for i, (country, sector, products) in enumerate(SITES)
    ]
    replace_signals(
        facility_id=sites[0].pk,
        source="event",
        source_ref="flood-1",
        signals=[Signal(topic="health_safety", delta=2.5, explanation="Flood")],
    )
    replace_signals(
        facility_id=sites[4].pk,
        source="sanctions",
        source_ref="hit-1",
        signals=[
            Signal(topic="forced_labour", delta=9.0, explanation="Listed"),
            Signal(topic="wages", delta=-4.0, explanation="Listed"),
        ],
    )
    # A restricted source: never in the stored picture.
    replace_signals(
        facility_id=sites[5].pk,
        source="audit",
        source_ref="a-1",
        signals=[Signal(topic="working_hours", delta=3.0, explanation="Overtime")],
    )
    return sites


def _expected() -> tuple[dict[int, tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    ref = load_reference()
    today = timezone.localdate()
    rows: dict[int, tuple[Any, ...]] = {}
    profiles: dict[str, tuple[Any, ...]] = {}
    for f in Facility.objects.filter(status=FacilityStatus.ACTIVE).order_by("pk"):
        goods = ref.goods_in(f.country, [p for p in f.products if isinstance(p, str)])
        key = profile_key(f.country, f.sector, goods)
        scored = score_profile(ref, f.country, f.sector, goods)
        # Sites whose sectors differ only in case and spaces share a profile: it carries the
        # sector as the first of them wrote it (the engine reads the register in that order).
        profiles.setdefault(
            key,
            (
                f.country,
                f.sector.strip(),
                list(goods),
                scored.scores,
                json.loads(json.dumps(scored.explanation)),
            ),
        )
        deltas: dict[str, float] = {}
        for topic, delta in SiteSignal.objects.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today),
            facility=f,
            observed_on__lte=today,
            source__in=PUBLIC_SOURCES,
        ).values_list("topic__code", "delta"):
            deltas[topic] = deltas.get(topic, 0.0) + delta
        scores = adjust(scored.scores, deltas) if deltas else scored.scores
        s = summarise(scores, ref.severity)
        rows[f.pk] = (key, s.score, s.band, s.severity, s.top_topic, scores if deltas else None, s.breadth)
    return rows, profiles


def _stored() -> tuple[dict[int, tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    keys = dict(RiskProfile.objects.values_list("pk", "key"))
    rows = {
        r.facility_id: (keys[r.profile_id], r.score, r.band, r.severity, r.top_topic, r.adjusted, r.breadth)
        for r in SiteRisk.objects.all()
    }
    profiles = {
        p.key: (p.country, p.sector, p.goods, p.scores, p.explanation) for p in RiskProfile.objects.order_by("pk")
    }
    return rows, profiles


def _indexes() -> list[str]:
    with connection.cursor() as cur:
        return sorted(
            c["columns"].__repr__() + name
            for name, c in connection.introspection.get_constraints(cur, "risk_siterisk").items()
            if c["index"]
        )


def test_full_recomputation_stores_what_scoring_gives_site_by_site() -> None:
    sites = _world()
    indexes = _indexes()
    result = engine.recompute_all()
    expected_rows, expected_profiles = _expected()
    stored_rows, stored_profiles = _stored()
    assert result.sites == len(sites) == len(stored_rows)
    assert result.profiles == len(expected_profiles) == len(stored_profiles) < len(sites)
    assert stored_rows == expected_rows
    assert stored_profiles == expected_profiles
    assert stored_rows[sites[0].pk][5] is not None and stored_rows[sites[5].pk][5] is None  # audit: not stored
    if connection.vendor == "postgresql":  # numbered 1, 2, ... there (SQLite numbers on from its last id)
        assert sorted(RiskProfile.objects.values_list("pk", flat=True)) == list(range(1, len(stored_profiles) + 1))
    assert _indexes() == indexes  # dropped and built again, the same
    # Again: the same rows.
    engine.recompute_all()
    assert _stored() == (stored_rows, stored_profiles)


def test_refreshing_sites_after_a_full_recomputation_gives_the_same_rows() -> None:
    sites = _world()
    engine.recompute_all()
    replace_signals(
        facility_id=sites[3].pk,
        source="event",
        source_ref="strike-1",
        signals=[Signal(topic="freedom_of_association", delta=1.5, explanation="Crackdown")],
    )
    added = make_facility("New site", "KH", "Phnom Penh", sector="Apparel", products=["Garments"])
    engine.refresh_sites([sites[3].pk, added.pk])
    expected_rows, expected_profiles = _expected()
    stored_rows, stored_profiles = _stored()
    assert stored_rows == expected_rows
    assert stored_profiles == expected_profiles
