"""Risk columns, filters and sorts for other pages' lists of a member's sites.

The supply chain (through the register's extension point, ``risk/apps.py``), audit coverage
and corrective actions show each site's band, score and top topic, filter by band and topic
and sort worst first, always in the **member's view**: the stored picture (``SiteRisk``,
public evidence only) plus, for the few sites where that member's view differs, its own
overrides and the restricted evidence it may read (``evidence.member_scores``, the one home
of that rule). Another member's overrides or evidence never move these bands.

How a list of 20,000 sites stays in the database: the stored band, score and top topic are
joined (``<facility>__risk__band`` …), and with a topic that topic's score is read from the
stored scores (``adjusted`` where signals apply, else the profile's) and banded by the
calibrated limits. The sites ``member_scores`` returns are corrected with one ``CASE``
per column whose branches list those sites' ids, grouped by value (at most four branches
for a band). Filtering and ordering then run on the corrected annotations, so a page reads
50 rows and an export streams in order; nothing is scored while reading (a site without a
stored risk shows as not scored yet and sorts last).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db.models import Case, CharField, F, FloatField, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from covenant.core.actors import Actor
from covenant.registry.interface import ChainColumn, ChainFilter, SupplyLink
from covenant.risk.evidence import MemberScore, member_scores
from covenant.risk.interface import BAND_NAMES, HIGH_BAND
from covenant.risk.models import Band, SiteRisk, Topic
from covenant.risk.scoring import BAND_LIMITS

M = TypeVar("M", bound=Model)

#: ``?band=``: one band, or high and very high together (the sites to act on first).
HIGH_PLUS = "high_plus"
BAND_FILTERS = (*BAND_NAMES, HIGH_PLUS)
#: ``?sort=risk``: worst first (band, then score), the list's own order after.
SORT_RISK = "risk"


def band_choices() -> list[tuple[str, Any]]:
    """``(value, label)`` of the band filter, "any" first."""
    return [
        ("", _("Any band")),
        (HIGH_PLUS, _("High or very high")),
        *((BAND_NAMES[b.value], b.label) for b in reversed(Band)),
    ]


def topic_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of the salient topics in the reader's language, "overall" first."""
    return [("", str(_("Overall (worst topic)"))), *((t.code, t.label) for t in Topic.objects.all())]


@dataclass(frozen=True)
class RiskQuery:
    """What a list asks of the risk columns; unknown values are dropped (see :func:`parse`)."""

    band: str = ""
    topic: str = ""
    sort: str = ""


def parse(params: Mapping[str, Any]) -> RiskQuery:
    """Read ``band``, ``topic`` and ``sort`` from request parameters; unknown values mean "any"."""
    band = str(params.get("band") or "")
    topic = str(params.get("topic") or "")
    sort = str(params.get("sort") or "")
    known_topic = bool(topic) and Topic.objects.filter(code=topic).exists()
    return RiskQuery(
        band=band if band in BAND_FILTERS else "",
        topic=topic if known_topic else "",
        sort=sort if sort == SORT_RISK else "",
    )


def _corrected(stored: Any, field: str, values: Mapping[int, Any], output: Any) -> Any:
    """``stored``, except for the listed sites: their own value (one branch per distinct value)."""
    groups: dict[Any, list[int]] = defaultdict(list)
    for fid, value in values.items():
        groups[value].append(fid)
    if not groups:
        return stored
    branches = [
        When(Q(**{f"{field}__in": sorted(ids)}), then=Value(v, output_field=output)) for v, ids in groups.items()
    ]
    return Case(*branches, default=stored, output_field=output)


def _topic_band() -> Case:
    """The band of ``risk_topic_score`` by the calibrated limits (``scoring.band``)."""
    low, high, very_high = BAND_LIMITS
    return Case(
        When(Q(risk_topic_score__gte=very_high), then=Value(3)),
        When(Q(risk_topic_score__gte=high), then=Value(2)),
        When(Q(risk_topic_score__gte=low), then=Value(1)),
        When(Q(risk_topic_score__isnull=False), then=Value(0)),
        default=Value(None),
        output_field=IntegerField(),
    )


Scores = Mapping[int, MemberScore]


def annotate(
    actor: Actor, qs: QuerySet[M], *, facility: str = "facility", topic: str = "", own: Scores | None = None
) -> QuerySet[M]:
    """``qs`` with each row's site's risk in the actor's view:

    ``risk_band`` (0-3, None when not scored yet), ``risk_score``, ``risk_top_topic``; with a
    ``topic``, ``risk_topic_score`` and ``risk_topic_band`` too; and ``risk_rank_band`` /
    ``risk_rank_score``, what the band filter and the risk sort use (the topic's when one is
    given, else the overall). ``facility`` is the path from the rows to their site
    (``"facility"``, ``"audit__facility"``). ``own``: ``member_scores`` of these sites (or
    of more), when the caller already has them; read here otherwise."""
    if own is None:
        own = member_scores(actor, qs.order_by().prefetch_related(None).values(facility))
    stored = f"{facility}__risk"
    out = qs.annotate(
        risk_band=_corrected(
            F(f"{stored}__band"), facility, {k: v.summary.band for k, v in own.items()}, IntegerField()
        ),
        risk_score=_corrected(
            F(f"{stored}__score"), facility, {k: round(v.summary.score, 2) for k, v in own.items()}, FloatField()
        ),
        risk_top_topic=_corrected(
            F(f"{stored}__top_topic"), facility, {k: v.summary.top_topic for k, v in own.items()}, CharField()
        ),
    )
    if not topic:
        return cast("QuerySet[M]", out.annotate(risk_rank_band=F("risk_band"), risk_rank_score=F("risk_score")))
    value = Coalesce(
        Cast(KeyTextTransform(topic, f"{stored}__adjusted"), FloatField()),
        Cast(KeyTextTransform(topic, f"{stored}__profile__scores"), FloatField()),
    )
    mine = {k: round(v.scores[topic], 2) for k, v in own.items() if topic in v.scores}
    out = out.annotate(risk_topic_score=_corrected(value, facility, mine, FloatField()))
    out = out.annotate(risk_topic_band=_topic_band())
    return cast("QuerySet[M]", out.annotate(risk_rank_band=F("risk_topic_band"), risk_rank_score=F("risk_topic_score")))


def member_band_rows(actor: Actor, facilities: QuerySet[Any], own: Scores | None = None) -> QuerySet[Any]:
    """``facility_id``/``band`` rows of every scored site in the actor's view, for statements
    that count in the database (audit coverage): ``risk.interface.band_rows()`` with the sites
    among ``facilities`` (a queryset of ids) that its overrides or readable evidence move
    corrected. Joined on the site like ``band_rows()``; not filtered by ``facilities``."""
    if own is None:
        own = member_scores(actor, facilities)
    corrected = _corrected(F("band"), "facility", {k: v.summary.band for k, v in own.items()}, IntegerField())
    return SiteRisk.objects.annotate(member_band=corrected).values("facility_id", "member_band")


def apply(
    actor: Actor, qs: QuerySet[M], query: RiskQuery, *, facility: str = "facility", own: Scores | None = None
) -> QuerySet[M]:
    """:func:`annotate`, then the band filter and the risk sort of ``query``. The sort puts the
    worst first (band, then score; sites not scored yet last) and keeps the list's own order
    after that."""
    out = annotate(actor, qs, facility=facility, topic=query.topic, own=own)
    if query.band == HIGH_PLUS:
        out = out.filter(risk_rank_band__gte=HIGH_BAND)
    elif query.band:
        out = out.filter(risk_rank_band=BAND_NAMES.index(query.band))
    if query.sort == SORT_RISK:
        then: list[Any] = list(qs.query.order_by or ()) or list(qs.model._meta.ordering or ()) or ["pk"]
        out = out.order_by(F("risk_rank_band").desc(nulls_last=True), F("risk_rank_score").desc(nulls_last=True), *then)
    return out


def band_code(value: int | None) -> str:
    """``very_high`` for 3, "" when not scored: what exports carry."""
    return BAND_NAMES[value] if value is not None else ""


def band_label(value: int | None) -> str:
    """The band's name in the reader's language, or "not scored yet"."""
    return str(Band(value).label) if value is not None else str(_("not scored yet"))


def export_header(query: RiskQuery) -> list[str]:
    """The risk columns an export adds (with a topic, that topic's score and band too)."""
    header = ["risk_band", "risk_score", "risk_top_topic"]
    return [*header, "risk_topic", "risk_topic_score", "risk_topic_band"] if query.topic else header


def export_values(row: Any, query: RiskQuery) -> list[Any]:
    """An annotated row's risk columns under :func:`export_header`."""
    score = row.risk_score
    values: list[Any] = [
        band_code(row.risk_band),
        round(score, 2) if score is not None else "",
        row.risk_top_topic or "",
    ]
    if query.topic:
        topic_score = row.risk_topic_score
        values += [
            query.topic,
            round(topic_score, 2) if topic_score is not None else "",
            band_code(row.risk_topic_band),
        ]
    return values


def topic_names() -> dict[str, str]:
    """Topic code -> its name in the reader's language, for pages showing ``risk_top_topic``."""
    return {t.code: t.label for t in Topic.objects.all()}


# --- The supply chain page's risk columns (registered in risk/apps.py) ---------------------------


class ChainRisk:
    """Risk's provider for the register's supply chain (``registry.interface.ChainProvider``)."""

    filters = (
        ChainFilter("band", _("Risk band"), band_choices),
        ChainFilter("topic", _("Topic"), topic_choices),
    )
    sorts = ((SORT_RISK, _("Highest risk first")),)

    def apply(self, actor: Actor, links: QuerySet[SupplyLink], params: Mapping[str, str]) -> QuerySet[SupplyLink]:
        return apply(actor, links, parse(params))

    def columns(self, params: Mapping[str, str]) -> list[ChainColumn]:
        query = parse(params)
        names = topic_names()
        columns = [
            ChainColumn("risk_band", _("Risk"), lambda r: band_label(r.risk_band), lambda r: band_code(r.risk_band)),
            ChainColumn("risk_score", _("Score"), lambda r: _score(r.risk_score), lambda r: _score(r.risk_score)),
            ChainColumn(
                "risk_top_topic",
                _("Top topic"),
                lambda r: names.get(r.risk_top_topic or "", r.risk_top_topic or ""),
                lambda r: r.risk_top_topic or "",
            ),
        ]
        if query.topic:
            label = names.get(query.topic, query.topic)
            columns.append(ChainColumn("risk_topic", _("Topic"), lambda r: label, lambda r: query.topic, on_page=False))
            columns.append(
                ChainColumn(
                    "risk_topic_score",
                    _("%(topic)s score") % {"topic": label},
                    lambda r: _score(r.risk_topic_score),
                    lambda r: _score(r.risk_topic_score),
                )
            )
            columns.append(
                ChainColumn(
                    "risk_topic_band",
                    _("%(topic)s band") % {"topic": label},
                    lambda r: band_label(r.risk_topic_band),
                    lambda r: band_code(r.risk_topic_band),
                )
            )
        return columns


def _score(value: float | None) -> float | str:
    return round(value, 2) if value is not None else ""


CHAIN_RISK = ChainRisk()
