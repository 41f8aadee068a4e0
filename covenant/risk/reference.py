"""The reference data shipped in ``covenant/risk/data`` (see its SOURCES.md), and its default weights.

``load_builtin`` is used by the data migration (with historical models) and by
``covenant load-risk-data`` (with the real ones); it is idempotent and replaces
the built-in indicators' values and weights, leaving uploaded indicators alone.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from covenant.risk.scoring import INCOME_VALUES, ITUC_VALUES, SALIENCE, IndicatorInfo, ReferenceData

DATA_DIR = Path(__file__).parent / "data"

# Default points (added at the worst value) per topic. The secretariat can change them.
INCOME_WEIGHTS = {
    "child_labour": 3,
    "wages": 3,
    "health_safety": 3,
    "regular_employment": 3,
    "business_ethics": 3,
    "working_hours": 2,
    "discrimination": 2,
    "harsh_treatment": 2,
    "forced_labour": 2,
    "land_rights": 2,
    "environment": 2,
    "migrant_workers": 1,
    "freedom_of_association": 1,
}
ITUC_WEIGHTS = {
    "freedom_of_association": 5,
    "harsh_treatment": 2,
    "discrimination": 1,
    "wages": 1,
    "working_hours": 1,
    "forced_labour": 1,
}

BUILTIN: list[dict[str, Any]] = [
    {
        "code": "ituc-gri",
        "name": "ITUC Global Rights Index",
        "level": "country",
        "source": "International Trade Union Confederation (ITUC), Global Rights Index",
        "edition": "2025",
        "url": "https://www.globalrightsindex.org/",
        "licence": "© ITUC; ratings cited as facts with attribution",
        "weights": ITUC_WEIGHTS,
    },
    {
        "code": "wb-income",
        "name": "World Bank income group",
        "level": "country",
        "source": "World Bank Country and Lending Groups (CLASS.xlsx)",
        "edition": "FY2025",
        "url": "https://datahelpdesk.worldbank.org/knowledgebase/articles/906519",
        "licence": "CC BY 4.0",
        "weights": INCOME_WEIGHTS,
    },
    {
        "code": "ilab-child",
        "name": "ILAB List of Goods (child labour)",
        "level": "commodity",
        "source": "U.S. Department of Labor, ILAB, List of Goods Produced by Child Labor or Forced Labor",
        "edition": "2022",
        "url": "https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-goods",
        "licence": "U.S. federal government work (public domain in the U.S.); attribute to USDOL ILAB",
        "weights": {"child_labour": 3},
    },
    {
        "code": "ilab-forced",
        "name": "ILAB List of Goods (forced labour)",
        "level": "commodity",
        "source": "U.S. Department of Labor, ILAB, List of Goods Produced by Child Labor or Forced Labor",
        "edition": "2022",
        "url": "https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-goods",
        "licence": "U.S. federal government work (public domain in the U.S.); attribute to USDOL ILAB",
        "weights": {"forced_labour": 3, "migrant_workers": 1},
    },
]


def _rows(name: str) -> list[dict[str, str]]:
    # Read as text with no NA-guessing: Namibia is "NA".
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def builtin_values() -> dict[str, list[tuple[str, str, float, str]]]:
    """Indicator code -> [(country, commodity, value 0-10, raw)] from the shipped CSVs."""
    out: dict[str, list[tuple[str, str, float, str]]] = {
        "ituc-gri": [],
        "wb-income": [],
        "ilab-child": [],
        "ilab-forced": [],
    }
    for row in _rows("ituc_global_rights_index.csv"):
        out["ituc-gri"].append((row["country_iso2"], "", ITUC_VALUES[row["rating"]], f"rating {row['rating']}"))
    for row in _rows("worldbank_income_groups.csv"):
        group = row["income_group"]
        out["wb-income"].append((row["country_iso2"], "", INCOME_VALUES[group], group.lower()))
    seen: set[tuple[str, str, str]] = set()
    for row in _rows("ilab_goods.csv"):
        good = row["good"].strip().casefold()
        for code, flag, raw in (
            ("ilab-child", row["child_labor"] == "true", "child labour"),
            ("ilab-forced", row["forced_labor"] == "true", "forced labour"),
        ):
            key = (code, row["country_iso2"], good)
            if flag and key not in seen:
                seen.add(key)
                out[code].append((row["country_iso2"], good, 10.0, raw))
    return out


def load_builtin(Indicator: Any, IndicatorValue: Any, TopicWeight: Any, Topic: Any) -> int:
    """Write the shipped indicators; returns the number of values written."""
    topics = dict(Topic.objects.values_list("code", "pk"))
    values = builtin_values()
    written = 0
    for spec in BUILTIN:
        indicator, _created = Indicator.objects.update_or_create(
            code=spec["code"],
            defaults={k: spec[k] for k in ("name", "level", "source", "edition", "url", "licence")} | {"builtin": True},
        )
        IndicatorValue.objects.filter(indicator=indicator).delete()
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(indicator=indicator, country=c, commodity=g, value=v, raw=r)
                for c, g, v, r in values[spec["code"]]
            ]
        )
        written += len(values[spec["code"]])
        if not TopicWeight.objects.filter(indicator=indicator).exists():
            # Keep weights the secretariat changed; set the defaults only the first time.
            TopicWeight.objects.bulk_create(
                [
                    TopicWeight(indicator=indicator, topic_id=topics[t], points=p)
                    for t, p in spec["weights"].items()
                    if t in topics
                ]
            )
    return written


def builtin_reference() -> ReferenceData:
    """The shipped data with the default weights and topic salience, without the database:
    what the band limits are calibrated on (``covenant calibrate-risk``)."""
    ref = ReferenceData()
    ref.topics = list(SALIENCE)
    ref.salience = {code: (a, b, c) for code, (a, b, c, _note) in SALIENCE.items()}
    ref.severity = {code: a + b + c for code, (a, b, c) in ref.salience.items()}
    values = builtin_values()
    for spec in BUILTIN:
        code = spec["code"]
        ref.indicators.append(IndicatorInfo(code, spec["name"], spec["edition"], spec["level"], spec["weights"]))
        if spec["level"] == "country":
            ref.country_values[code] = {c: (v, r) for c, _g, v, r in values[code]}
        else:
            ref.commodity_values[code] = {(c, g): (v, r) for c, g, v, r in values[code]}
    return ref


def load_reference(with_draft: int | None = None) -> ReferenceData:
    """Read the published indicators, their values and weights in force, and the topics, for one
    scoring run. ``with_draft`` (an indicator's id) adds that indicator with its draft weights, as
    if published: what the secretariat's preview compares against (nothing is written)."""
    from django.db.models import Q

    from covenant.risk.models import Indicator, IndicatorValue, Topic, TopicWeight

    ref = ReferenceData()
    topic_rows = list(Topic.objects.values_list("code", "scale", "scope", "irremediability"))
    ref.topics = [row[0] for row in topic_rows]
    ref.salience = {code: (a, b, c) for code, a, b, c in topic_rows}
    ref.severity = {code: a + b + c for code, a, b, c in topic_rows}
    included = Indicator.objects.filter(Q(status="published") | Q(pk=with_draft or 0))
    weights: dict[int, dict[str, float]] = {}
    for ind_id, code, points in TopicWeight.objects.filter(indicator__in=included).values_list(
        "indicator_id", "topic__code", "points"
    ):
        weights.setdefault(ind_id, {})[code] = points
    indicators = list(included.order_by("level", "name"))
    for ind in indicators:
        if ind.pk == with_draft and ind.draft_weights is not None:
            weights[ind.pk] = {c: float(p) for c, p in ind.draft_weights.items() if c in ref.severity}
        ref.indicators.append(IndicatorInfo(ind.code, ind.name, ind.edition, ind.level, weights.get(ind.pk, {})))
        if ind.level == "country":
            ref.country_values[ind.code] = {}
        else:
            ref.commodity_values[ind.code] = {}
    codes = {ind.pk: ind.code for ind in indicators}
    levels = {i.code: i.level for i in ref.indicators}
    for ind_id, country, commodity, value, raw in IndicatorValue.objects.filter(indicator__in=included).values_list(
        "indicator_id", "country", "commodity", "value", "raw"
    ):
        code = codes[ind_id]
        if levels[code] == "country":
            ref.country_values[code][country] = (value, raw)
        else:
            ref.commodity_values[code][(country, commodity)] = (value, raw)
    return ref
