"""How other capabilities feed site-specific knowledge into the risk picture.

An audit, a self-assessment, a grievance, a declared risk event or a confirmed
sanctions hit says something about a site's risk on some topics. Its owner
calls :func:`replace_signals` with everything it currently says, keyed by its
own ``source`` and ``source_ref``; calling again replaces the earlier signals
(an audit corrected, a CAP closed), and :func:`clear_signals` withdraws them
(an audit deleted, an event ended). The risk model adds the signals' deltas to
the inherent score and shows each one, with its explanation, next to it.

Two kinds of evidence, because the stored picture is sector data that every
participant reads:

- **Public** sources (``event``, ``sanctions``; reference indicators are public too)
  move the shared, stored risk (``SiteRisk``): its score and band, ``risk_bands``,
  the coverage counters, members' overviews and exports. Their explanations are
  shown to everyone who sees the site.
- **Restricted** sources (``audit``, ``grievance``, ``self_assessment``) are
  kept as signals but never enter the stored picture. They are applied per reader:
  a site's risk page and API show a reader only the restricted signals whose source
  object that reader may read (:func:`readable_signals`), with the score and band
  adjusted by them, so a reader who may not read an audit sees nothing of it, not
  even a changed score. The owning app says who may read what with
  :func:`register_reader` (in its ``AppConfig.ready``), so ``risk`` never imports it.
  A restricted source without a registered rule is read by nobody.

Write explanations without confidential content all the same (no grievance details,
no names of members or workers), e.g. "Audit 2026-03: 2 major findings on wages", and
give each a ``code`` with ``params`` that ``risk/explain.py`` renders in the reader's
language (``render_signal``).

Deltas are points on the 0-10 scale, limited to [-MAX_DELTA, +MAX_DELTA] per
signal; the sum is applied after the inherent score and the result is kept
within 0-10. Call these inside the caller's transaction; for a public source the
site's stored risk is refreshed in the same transaction.

:func:`risk_bands` answers each facility's overall band from the stored (public)
picture, for capabilities that count or sort by risk (for example audit coverage
of high-risk sites). It only reads: a site without a stored risk yet is left out
(pages say "not scored yet"); scoring happens when data changes, never on a read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from covenant.core.actors import Actor
from covenant.risk.engine import refresh_sites
from covenant.risk.models import PUBLIC_SOURCES, RESTRICTED_SOURCES, SiteRisk, SiteSignal, Topic

MAX_DELTA = 4.0
SOURCES = RESTRICTED_SOURCES + PUBLIC_SOURCES


@dataclass(frozen=True)
class Signal:
    topic: str  # a Topic code, e.g. "forced_labour"
    delta: float
    explanation: str
    observed_on: date | None = None
    expires_on: date | None = None
    # The line for the reader's language (risk/explain.py renders it): a code known there and
    # its parameters (counts, dates, names of schemes; never confidential words). Without a
    # code, pages show ``explanation`` as written.
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)


class UnknownTopic(ValueError):
    pass


@transaction.atomic
def replace_signals(*, facility_id: int, source: str, source_ref: str, signals: Iterable[Signal]) -> int:
    """Set what ``source``/``source_ref`` says about one facility; returns how many signals it now has."""
    if source not in SOURCES:
        raise ValueError(f"unknown signal source {source!r}; known: {', '.join(SOURCES)}")
    SiteSignal.objects.filter(facility_id=facility_id, source=source, source_ref=source_ref).delete()
    topics = dict(Topic.objects.values_list("code", "pk"))
    rows = []
    for signal in signals:
        if signal.topic not in topics:
            raise UnknownTopic(signal.topic)
        delta = max(-MAX_DELTA, min(MAX_DELTA, float(signal.delta)))
        fields = {"observed_on": signal.observed_on} if signal.observed_on else {}
        rows.append(
            SiteSignal(
                facility_id=facility_id,
                topic_id=topics[signal.topic],
                source=source,
                source_ref=source_ref,
                delta=delta,
                explanation=signal.explanation[:300],
                code=signal.code,
                params=dict(signal.params),
                expires_on=signal.expires_on,
                **fields,
            )
        )
    SiteSignal.objects.bulk_create(rows)
    if source in PUBLIC_SOURCES:
        # The site's stored picture follows at once, so pages and risk_bands() see the new evidence.
        # Restricted evidence never enters it: it is applied per reader (readable_signals).
        refresh_sites([facility_id])
    return len(rows)


@transaction.atomic
def clear_signals(*, source: str, source_ref: str, facility_id: int | None = None) -> int:
    """Withdraw what ``source``/``source_ref`` said (about one facility, or about all)."""
    qs = SiteSignal.objects.filter(source=source, source_ref=source_ref)
    if facility_id is not None:
        qs = qs.filter(facility_id=facility_id)
    affected = list(qs.values_list("facility_id", flat=True).distinct())
    deleted, _ = qs.delete()
    if source in PUBLIC_SOURCES:
        refresh_sites(affected)
    return deleted


# --- Who reads restricted evidence -------------------------------------------------------

#: ``(actor, refs) -> the refs among them whose source object the actor may read``
ReadableRefs = Callable[[Actor, frozenset[str]], set[str]]
_READERS: dict[str, ReadableRefs] = {}
#: ``(actor, facility ids queryset) -> the refs of source objects at those sites the actor may
#: read``: the same rule, asked the other way round for a whole chain (one joined query; the
#: caller keeps the signals whose ref is among them, in Python: a member with 60,000 shared
#: audits must not send 60,000 ids back to the database as parameters).
ReadableAt = Callable[[Actor, QuerySet[Any]], Iterable[str]]
_READERS_AT: dict[str, ReadableAt] = {}


def register_reader(source: str, readable: ReadableRefs, readable_at: ReadableAt | None = None) -> None:
    """The owning app's rule for who may read its restricted signals (call in ``AppConfig.ready``);
    ``readable_at`` the same rule for the sites of a chain, if the app offers it."""
    if source not in RESTRICTED_SOURCES:
        raise ValueError(f"{source!r} is not a restricted signal source; restricted: {', '.join(RESTRICTED_SOURCES)}")
    _READERS[source] = readable
    if readable_at is not None:
        _READERS_AT[source] = readable_at
    else:
        _READERS_AT.pop(source, None)


def readable_refs_at(actor: Actor, source: str, facilities: QuerySet[Any]) -> set[str] | None:
    """The refs of a restricted ``source``'s objects at the sites ``facilities`` (a queryset of
    ids) that ``actor`` may read, by the app's chain-wide rule; None if it registered a rule
    for refs only (then ask :func:`readable_refs` about the refs found). A source without
    any rule is read by nobody."""
    if source not in RESTRICTED_SOURCES:
        return None
    if source not in _READERS or actor.org is None:
        return set()
    reader_at = _READERS_AT.get(source)
    if reader_at is None:
        return None
    return set(reader_at(actor, facilities))


def readable_refs(actor: Actor, source: str, refs: Iterable[str]) -> set[str]:
    """The ``source_ref``s of ``source`` that ``actor`` may read: all of a public source's,
    and of a restricted source what its app's rule allows (none if it registered no rule)."""
    wanted = frozenset(refs)
    if source in PUBLIC_SOURCES:
        return set(wanted)
    reader = _READERS.get(source)
    if reader is None or not wanted or actor.org is None:
        return set()
    return set(reader(actor, wanted)) & wanted


def readable_signals(actor: Actor, signals: Iterable[SiteSignal]) -> list[SiteSignal]:
    """The signals ``actor`` may see: every public one, and restricted ones whose source object it may read."""
    signals = list(signals)
    refs: dict[str, set[str]] = {}
    for s in signals:
        if s.source not in PUBLIC_SOURCES:
            refs.setdefault(s.source, set()).add(s.source_ref)
    allowed = {source: readable_refs(actor, source, wanted) for source, wanted in refs.items()}
    return [s for s in signals if s.source in PUBLIC_SOURCES or s.source_ref in allowed.get(s.source, ())]


def topic_codes() -> set[str]:
    """The codes of the salient topics (data: the secretariat may add more)."""
    return set(Topic.objects.values_list("code", flat=True))


def topic_labels() -> dict[str, str]:
    """Each salient topic's name in the active language (Dutch from ``name_nl``), by code, in topic order."""
    from django.utils.translation import get_language

    dutch = (get_language() or "").startswith("nl")
    rows = Topic.objects.order_by("position", "code").values_list("code", "name", "name_nl")
    return {code: (nl if dutch and nl else en) for code, en, nl in rows}


BAND_NAMES = ("low", "medium", "high", "very_high")


def risk_bands(facilities: Iterable[int] | QuerySet[Any]) -> dict[int, str]:
    """Each facility's overall band: the highest over topics of its adjusted score.

    ``"low" | "medium" | "high" | "very_high"``. The shared picture: public evidence only
    (restricted signals such as audits and members' overrides are not included: they are
    not everyone's to read). Read only: a site without a stored risk yet (being scored) is
    left out, like ids of unknown or inactive facilities. Sites are scored when they are
    created or changed (``registry.signals.facilities_changed``) and by every recomputation,
    never by a read.

    ``facilities`` is ids, or for many sites a queryset of ids (e.g.
    ``links.values("facility_id")``): the database then joins instead of receiving
    every id as a parameter, ten times faster for 20,000 sites on PostgreSQL.
    """
    if isinstance(facilities, QuerySet):
        rows = band_rows(facilities)
    else:
        rows = band_rows().filter(facility_id__in=list(dict.fromkeys(int(i) for i in facilities)))
    return {fid: BAND_NAMES[band] for fid, band in rows.values_list("facility_id", "band")}


# Band codes as stored: 0 low, 1 medium, 2 high, 3 very high.
HIGH_BAND = BAND_NAMES.index("high")


def band_rows(facilities: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """``facility_id``/``band`` rows of the scored sites (among ``facilities``, a queryset of
    ids, if given), for callers that count in the database: a site is high risk or worse when
    ``band >= HIGH_BAND``. A site not scored yet has no row: count it as "being computed",
    never score it while reading. To join it to rows of one's own, leave ``facilities`` out:
    the database then joins on the site directly instead of also filtering by a subquery."""
    rows = SiteRisk.objects.all() if facilities is None else SiteRisk.objects.filter(facility_id__in=facilities)
    return rows.values("facility_id", "band")


# --- Scoring a (country, sector, products) that is no site: the quick scan ----------------


@dataclass(frozen=True)
class TopicRisk:
    """One topic's inherent risk for a scanned combination, with its explanation lines
    (``scoring.Line``: render them with :func:`explain_line` in the reader's language)."""

    code: str
    name: str
    name_nl: str
    score: float
    band: str  # one of BAND_NAMES
    severity: int
    lines: tuple[Any, ...]

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        return self.name_nl if self.name_nl and (get_language() or "").startswith("nl") else self.name


@dataclass(frozen=True)
class ScanRisk:
    country: str
    sector: str  # as scored ("" when none was given: mid-scale)
    goods: tuple[str, ...]  # the products some commodity indicator lists for the country
    topics: tuple[TopicRisk, ...]  # the highest risk first (the graver topic on a tie)


@dataclass(frozen=True)
class IndicatorSource:
    code: str
    name: str
    edition: str
    source: str
    url: str
    licence: str
    level: str  # country | commodity


# The reference data of the last version read; replaced whole (one assignment), never changed
# in place but for its "scored" memo, so a concurrent reader sees one version or the other.
_SCAN_CACHE: dict[str, Any] = {"data": None}


def _scan_reference() -> dict[str, Any]:
    """The reference data, topics and indicator sources, kept in the process while the risk
    data version stays the same (as the overview's profile cache): topics and weights bump it.
    An indicator upload is followed by a recomputation, which rewrites profiles and so bumps
    it; until that has run, scans show the values before the upload."""
    from covenant.risk.models import Indicator
    from covenant.risk.reference import load_reference
    from covenant.risk.selectors import data_version

    stamp = data_version()
    current: dict[str, Any] | None = _SCAN_CACHE["data"]
    if stamp is not None and current is not None and current["stamp"] == stamp:
        return current
    ref = load_reference()
    names = {code: (name, name_nl) for code, name, name_nl in Topic.objects.values_list("code", "name", "name_nl")}
    goods = sorted({good for values in ref.commodity_values.values() for _country, good in values})
    sources = [
        IndicatorSource(i.code, i.name, i.edition, i.source, i.url, i.licence, i.level)
        for i in Indicator.objects.order_by("level", "name")
    ]
    fresh = {"stamp": stamp, "ref": ref, "names": names, "goods": goods, "sources": sources, "scored": {}}
    if stamp is not None:
        _SCAN_CACHE["data"] = fresh
    return fresh


class Scanner:
    """One scan's view of the reference data (read once: the data version is checked when the
    scanner is made, not per country and product)."""

    def __init__(self) -> None:
        self._data = _scan_reference()

    def risk(self, country: str, sector: str, products: Iterable[str]) -> ScanRisk:
        """Inherent risk per topic of a (country, sector, products) as a site there would have it:
        the same formula, data and band limits as the register's sites (``scoring.score_profile``).
        Reads only; nothing is stored. ``country`` is an ISO 3166-1 alpha-2 code."""
        from covenant.risk.scoring import band, score_profile

        data = self._data
        ref = data["ref"]
        goods = ref.goods_in(country, products)
        key = (country, sector.strip().casefold(), goods)
        found: ScanRisk | None = data["scored"].get(key)
        if found is not None:
            return found
        scored = score_profile(ref, country, sector, goods)
        topics = []
        for code, score in scored.scores.items():
            name, name_nl = data["names"].get(code, (code, ""))
            severity = sum(ref.salience.get(code, (2, 2, 2)))
            lines = tuple(tuple(line) for line in scored.explanation[code])
            topics.append(TopicRisk(code, name, name_nl, score, band(score), severity, lines))
        topics.sort(key=lambda t: (-t.score, -t.severity, t.code))
        result = ScanRisk(country, sector.strip(), goods, tuple(topics))
        if len(data["scored"]) < 5000:  # a bound, should someone scan everything
            data["scored"][key] = result
        return result

    def goods(self) -> list[str]:
        """Every product some commodity indicator lists (casefolded, as the indicators name them)."""
        return list(self._data["goods"])

    def sources(self) -> list[IndicatorSource]:
        """The indicators scores are built from, with source, edition, web address and licence."""
        return list(self._data["sources"])

    def topic_labels(self) -> dict[str, str]:
        """Each topic's name in the active language (topics are data: Dutch from ``name_nl``)."""
        from django.utils.translation import get_language

        dutch = (get_language() or "").startswith("nl")
        names: dict[str, tuple[str, str]] = self._data["names"]
        return {code: (nl if dutch and nl else en) for code, (en, nl) in names.items()}


def scanner() -> Scanner:
    """Score combinations that are no site (the quick scan), with the data in force."""
    return Scanner()


def band_limits() -> tuple[float, float, float]:
    """The calibrated band limits in force: low below the first, very high from the last."""
    from covenant.risk.scoring import BAND_LIMITS

    return BAND_LIMITS


def explain_line(line: Any) -> tuple[str, float, bool]:
    """An explanation line in the active language: (text, number, whether it is added points)."""
    from covenant.risk.explain import render

    return render(line)


# --- Risk events and restricted evidence about a site's workforce ---------------------------
#
# An event raises the public picture of the sites inside its regions (risk.services). Some apps
# know, from evidence not everyone may read, that a site outside those regions is exposed too
# (a supplier's self-assessment says the site employs refugees, so a refugee-influx event
# concerns it wherever it is). Such an app registers two things in its ``AppConfig.ready()``:
#
# - :func:`register_event_hook`: called with the event's facts whenever risk (re)states an
#   event's signals (declared, changed, the nightly sync) and when it ends; the app then writes
#   or clears its own *restricted* signals (``replace_signals``/``clear_signals``), never public ones.
# - :func:`register_event_sites`: ``(actor, event id) -> facility ids`` outside the area that
#   the actor may know to be exposed (by the app's reader rule); risk adds them to that actor's
#   list of its sites affected by the event (``selectors.affected_sites``), and to nobody else's.


@dataclass(frozen=True)
class EventFacts:
    """What an event hook needs to know of a declared risk event."""

    pk: int
    kind: str  # risk.models.EventKind
    title: str
    topics: tuple[str, ...]  # topic codes it raises
    raise_by: float
    starts_on: date
    ends_on: date | None
    active: bool  # not ended, and not past its end date (it may start later: signals carry the dates)


EventHook = Callable[[EventFacts], None]
EventSites = Callable[[Actor, int], QuerySet[Any]]
_EVENT_HOOKS: list[EventHook] = []
_EVENT_SITES: list[EventSites] = []


def register_event_hook(hook: EventHook) -> None:
    """``hook(facts)`` runs inside the transaction that states or ends an event's signals."""
    if hook not in _EVENT_HOOKS:
        _EVENT_HOOKS.append(hook)


def register_event_sites(provider: EventSites) -> None:
    """``provider(actor, event_id)``: a queryset of facility ids the actor may know to be exposed
    to the event by the app's restricted evidence (outside the event's regions included)."""
    if provider not in _EVENT_SITES:
        _EVENT_SITES.append(provider)


def event_facts(event: Any) -> EventFacts:
    """The facts of a ``risk.models.RiskEvent`` as hooks receive them."""
    from django.utils import timezone

    running = event.ended_at is None and (event.ends_on is None or event.ends_on >= timezone.localdate())
    return EventFacts(
        pk=event.pk,
        kind=event.kind,
        title=event.title,
        topics=tuple(sorted(event.topics.values_list("code", flat=True))),
        raise_by=float(event.raise_by),
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        active=running,
    )


def run_event_hooks(event: Any) -> None:
    """Called by ``risk.services`` after it stated or cleared an event's own signals."""
    if not _EVENT_HOOKS:
        return
    facts = event_facts(event)
    for hook in list(_EVENT_HOOKS):
        hook(facts)


def running_events(kind: str | None = None) -> list[EventFacts]:
    """Events not ended and not past their end date (of one kind, if given): for an app that
    learns something new about a site (a self-assessment submitted) and must state its signals."""
    from django.db.models import Q
    from django.utils import timezone

    from covenant.risk.models import RiskEvent

    qs = RiskEvent.objects.filter(ended_at__isnull=True).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate())
    )
    if kind is not None:
        qs = qs.filter(kind=kind)
    return [event_facts(e) for e in qs.prefetch_related("topics").order_by("pk")]


def outside_event_area(event_id: int, facility_ids: Iterable[int]) -> set[int]:
    """Which of these facilities lie outside the event's regions (inside, the public event
    signal already raises them: restricted evidence must not count the event twice)."""
    from covenant.registry.interface import Facility
    from covenant.risk.models import RiskEvent
    from covenant.risk.selectors import facilities_in

    ids = set(facility_ids)
    event = RiskEvent.objects.filter(pk=event_id).first()
    if event is None or not ids:
        return set()
    inside = set(Facility.objects.filter(facilities_in(event.regions), pk__in=ids).values_list("pk", flat=True))
    return ids - inside


def extra_event_sites(actor: Actor, event_id: int) -> list[QuerySet[Any]]:
    """The registered providers' facility-id querysets for this actor and event."""
    return [provider(actor, event_id) for provider in list(_EVENT_SITES)]
