"""Matching rows to facilities: scoring, decisions, learning from reviews."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field

from .features import (
    FEATURES,
    NAME_FEATURES,
    PERSON_FEATURES,
    Prepared,
    compare,
    compare_people,
    prepare,
    prepare_tokens,
)
from .index import MatchIndex
from .model import LogisticModel
from .normalize import name_tokens
from .parallel import map_chunks
from .records import Record, identifier_keys, normalize_country

__all__ = [
    "DECISIONS",
    "KINDS",
    "Candidate",
    "Feedback",
    "MatchResult",
    "Matcher",
    "Thresholds",
]

#: The three decisions, in order of confidence.
DECISIONS: tuple[str, str, str] = ("match", "review", "new")
#: Kinds of record a register may hold. ``facilities`` (the default): sites, where a
#: name word or a house number that differs is often another site of the same company
#: (the look-alike rules of :func:`site_confirmed` apply). ``people``: persons with
#: addresses, where the same differences are mostly typing errors; they are scored by
#: a model of their own (:data:`.features.PERSON_FEATURES`) without those rules.
KINDS: tuple[str, str] = ("facilities", "people")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision settings.

    * ``match``: a best candidate scoring at least this is matched automatically,
      provided it leads the runner-up by at least ``margin``;
    * ``review``: a best candidate scoring at least this (but not matched) goes
      to a person; below it the row is a new facility;
    * ``max_candidates``: candidates scored per row (and shown to a reviewer).
    """

    match: float = 0.8
    review: float = 0.3
    margin: float = 0.1
    max_candidates: int = 20

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.match <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= review <= match <= 1")
        if not 0.0 <= self.margin <= 1.0:
            raise ValueError("margin must be within [0, 1]")
        if self.max_candidates < 1:
            raise ValueError("max_candidates must be at least 1")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A registered facility proposed for a row.

    ``features`` explains the score: ``name_*`` and ``address_*`` similarities
    in [0, 1], ``same_<scheme>`` / ``different_<scheme>`` for identifiers,
    ``distance_km`` when both sides have coordinates, ``remembered`` when a
    reviewer confirmed this pair before.
    """

    registry_id: str
    score: float
    features: dict[str, float]

    def explain(self) -> list[str]:
        """Short human-readable reasons, strongest first."""
        f = self.features
        out: list[str] = []
        if f.get("remembered"):
            out.append("confirmed by a reviewer before")
        for key in sorted(f):
            if key.startswith("same_"):
                out.append(f"same {key[5:].upper().replace('_', ' ')}")
            elif key.startswith("different_"):
                out.append(f"different {key[10:].upper().replace('_', ' ')}")
        if "name_weighted" in f:
            out.append(f"name {f['name_weighted']:.2f}")
        if f.get("name_number_conflict"):
            out.append("unit/plant numbers in the names differ")
        elif f.get("name_qualifier_one_side"):
            out.append("unit/branch/number in one name only")
        if f.get("name_word_differs"):
            out.append("a distinctive name word differs (not a typo): another site?")
        elif f.get("name_distinct_conflict", 0.0) >= 0.2:
            out.append("distinctive name words differ")
        if "address_weighted" in f:
            if f.get("address_missing"):
                out.append("address missing on one side")
            else:
                out.append(f"address {f['address_weighted']:.2f}")
        if f.get("number_conflict"):
            out.append("house/plot numbers differ")
        if f.get("address_conflict") and not f.get("number_conflict"):
            out.append("addresses name different places: another site?")
        if f.get("country_differs"):
            out.append("country differs")
        if "distance_km" in f:
            out.append(f"{f['distance_km']:.1f} km apart")
        if f.get("far_site"):
            out.append("too far apart to be this site: not matched, not reviewed")
        return out


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Outcome for one row: ``decision`` is ``match``, ``review`` or ``new``.

    ``registry_id`` is the matched facility (``match``), the best candidate
    (``review``) or ``None`` (``new``); ``score`` is the best candidate's
    probability (0 when there was none).
    """

    decision: str
    registry_id: str | None
    score: float
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Feedback:
    """A reviewer's verdict on one row/facility pair."""

    record: Record
    registry_id: str
    confirmed: bool


#: Least score at which a row whose name has a site qualifier the candidate lacks
#: (or the other way round) may be matched automatically (see site_confirmed).
QUALIFIER_MIN_SCORE = 0.9


def site_confirmed(features: Mapping[str, float], score: float = 1.0) -> bool:
    """Whether a high-scoring candidate may be matched without a person.

    A site qualifier in the name ("Unit 2", "Branch", "No. 3", "二厂") marks one
    site of several: different numbers ("Unit 2" / "Unit 3") never match
    automatically, and a qualifier on one side only ("X (Branch 2)" / "X") does
    only when the address confirms the site (a shared house/plot number and no
    conflicting one) and the score is at least :data:`QUALIFIER_MIN_SCORE`, or
    an identifier is shared. Otherwise the row goes to review even when
    everything else agrees.

    Two more look-alikes are never matched without a person (unless an
    identifier is shared): a name in which a distinctive word is replaced by
    another, not a typo of it (``name_word_differs``: "Silver Moon Tea Farmers
    Cooperative" / "Blue Moon ...", "Frigorifico San Jorge" / "... San Jose";
    legal forms and generic words do not count), and a site of the same name
    at another address (``address_conflict``: house numbers that conflict,
    addresses naming other streets or towns, coordinates more than
    :data:`.features.SISTER_SITE_KM` apart).
    """
    if features.get("identifier_match"):
        return True
    if features.get("name_word_differs") or features.get("address_conflict"):
        return False
    if features.get("name_number_conflict"):
        return False
    if features.get("name_qualifier_one_side"):
        confirmed = bool(features.get("number_match")) and not features.get("number_conflict")
        return confirmed and score >= QUALIFIER_MIN_SCORE
    return True


#: Jaro-Winkler similarity that at least one part of a person's name (given name or
#: surname, to its best counterpart) must reach for an automatic match.
PERSON_NAME_MIN = 0.85


def person_confirmed(features: Mapping[str, float]) -> bool:
    """Whether a high-scoring person may be matched without anyone checking.

    A shared identifier suffices. Otherwise at least one part of the name must
    agree, if only with a typo ("sarha" / "sarah"): someone else at the same
    address shares nothing but the address, and where addresses are nearly unique
    (as in most registers of people) the score alone would take the address for
    the person. A given name *or* a surname that differs entirely is left to the
    score: typed lists replace one as often as a household member differs in one
    (another member registered at the address takes the margin: review).
    """
    if features.get("identifier_match"):
        return True
    return features.get("name_parts_best", 0.0) >= PERSON_NAME_MIN


def row_key(record: Record) -> str:
    """Key under which reviewer decisions about a row are remembered."""
    p = prepare(record)
    return "\x1f".join((p.country, " ".join(p.name), " ".join(p.address)))


class Matcher:
    """Matches records against a :class:`MatchIndex` and learns from reviews."""

    def __init__(self, index: MatchIndex, thresholds: Thresholds | None = None, *, kind: str = "facilities") -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        self.index = index
        self.thresholds = thresholds or Thresholds()
        self.kind = kind
        self._load_models()

    @property
    def people(self) -> bool:
        return self.kind == "people"

    def _load_models(self) -> None:
        full = LogisticModel.default(people=self.people)
        name = LogisticModel.default(name_only=True)
        stored = self.index.weights
        if self.people:
            if "people" in stored:
                full = LogisticModel(PERSON_FEATURES, dict(stored["people"]))
        elif "full" in stored:
            full = LogisticModel(FEATURES, dict(stored["full"]))
        if "name" in stored:
            name = LogisticModel(NAME_FEATURES, dict(stored["name"]))
        self.model = full
        self.name_model = name

    # ---------------------------------------------------------------- scoring
    def _score_facility(self, query: Prepared, facility_id: str, *, name_only: bool) -> Candidate:
        index = self.index
        model = self.name_model if name_only else self.model
        best_score = -1.0
        best_features: dict[str, float] = {}
        best_slot: Prepared | None = None
        people = self.people and not name_only
        for slot in index.facility_slots(facility_id):
            prepared = index.prepared_slot(slot)
            if people:
                features = compare_people(query, prepared, index.name_weight, index.address_weight)
                score = model.score(features)
                if score > best_score:
                    best_score, best_features = score, features
                continue
            features = compare(
                query,
                prepared,
                index.name_weight,
                index.address_weight,
                name_only=name_only,
                lookalike=False,
                generic=index.generic_name_word,
            )
            score = model.score(features)
            if score > best_score:
                best_score, best_features, best_slot = score, features, prepared
        if best_slot is not None and not name_only and not people and best_score >= self.thresholds.review:
            # The look-alike flags (site_confirmed) cost as much as the rest of
            # the comparison and matter only where a match or a review is possible.
            best_features = compare(
                query, best_slot, index.name_weight, index.address_weight, generic=index.generic_name_word
            )
        return Candidate(facility_id, max(best_score, 0.0), best_features)

    def _candidates(
        self,
        query: Prepared,
        *,
        name_only: bool,
        exclude: frozenset[str] = frozenset(),
        limit: int | None = None,
    ) -> list[Candidate]:
        index = self.index
        limit = limit or self.thresholds.max_candidates
        ids: list[str] = []
        seen: set[str] = set()
        for fid in index.identifier_hits(query.identifiers):
            if fid not in exclude and fid not in seen:
                seen.add(fid)
                ids.append(fid)
        for slot, _share in index.candidate_slots(query, limit=limit + len(exclude), use_address=not name_only):
            fid = index.facility_id_of_slot(slot)
            if fid in exclude or fid in seen:
                continue
            seen.add(fid)
            ids.append(fid)
            if len(ids) >= limit:
                break
        cands = [self._score_facility(query, fid, name_only=name_only) for fid in ids]
        cands.sort(key=lambda c: (-c.score, c.registry_id))
        return cands

    def _decide(self, cands: list[Candidate]) -> MatchResult:
        t = self.thresholds
        if not self.people:
            # A candidate far from the row (``far_site``: coordinates on both sides
            # more than OTHER_SITE_KM apart, no shared identifier, addresses not
            # the same) is another site: it neither decides nor takes the margin,
            # and is listed after the others so that a reviewer searching the
            # register still sees it. A person moves; a person register keeps all.
            near = [c for c in cands if not c.features.get("far_site")]
            if len(near) < len(cands):
                cands = near + [c for c in cands if c.features.get("far_site")]
        else:
            near = cands
        if not near:
            return MatchResult("new", None, 0.0, cands)
        best = near[0]
        if best.score < t.review:
            return MatchResult("new", None, best.score, cands)
        runner_up = near[1].score if len(near) > 1 else 0.0
        # The look-alike rules are about sites; a person register has no sister sites.
        confirmed = person_confirmed(best.features) if self.people else site_confirmed(best.features, best.score)
        if best.score >= t.match and best.score - runner_up >= t.margin and confirmed:
            return MatchResult("match", best.registry_id, best.score, cands)
        return MatchResult("review", best.registry_id, best.score, cands)

    # ----------------------------------------------------------------- public
    def match(self, record: Record) -> MatchResult:
        """Match one row against the register."""
        query = prepare(record)
        key = "\x1f".join((query.country, " ".join(query.name), " ".join(query.address)))
        fb = self.index.feedback
        remembered = fb.confirmed.get(key)
        if remembered is not None:
            try:
                fid = self.index.resolve(remembered)
            except KeyError:
                fid = None
            if fid is not None:
                cand = Candidate(fid, 1.0, {"remembered": 1.0})
                return MatchResult("match", fid, 1.0, [cand])
        exclude: frozenset[str] = frozenset()
        rejected = fb.rejected.get(key)
        if rejected:
            resolved: set[str] = set()
            for rid in rejected:
                try:
                    resolved.add(self.index.resolve(rid))
                except KeyError:
                    continue
            exclude = frozenset(resolved)
        return self._decide(self._candidates(query, name_only=False, exclude=exclude))

    def match_many(
        self,
        records: Sequence[Record],
        *,
        workers: int = 1,
        progress: Callable[[int, int], None] | None = None,
        chunk_size: int = 200,
    ) -> list[MatchResult]:
        """Match rows, in input order, optionally with worker processes.

        Workers are forked and share the index copy-on-write, so no index is
        pickled; on platforms without ``fork``, and for fewer than two chunks of
        rows, the rows are matched in this process (see :func:`.parallel.map_chunks`).
        ``progress(done, total)`` is called after each chunk.
        """
        total = len(records)
        results: list[MatchResult] = []
        with closing(map_chunks(self._match_chunk, records, workers=workers, chunk_size=chunk_size)) as chunks:
            for _chunk, chunk_results in chunks:
                results.extend(chunk_results)
                if progress is not None:
                    progress(len(results), total)
        return results

    def _match_chunk(self, chunk: list[Record]) -> list[MatchResult]:
        return [self.match(rec) for rec in chunk]

    def screen(
        self,
        name: str,
        *,
        country: str = "",
        identifiers: Mapping[str, str] | None = None,
        limit: int = 10,
        min_score: float = 0.0,
    ) -> list[Candidate]:
        """Name-only search (sanctions screening): scored candidates, best first.

        ``name`` may be a company or a person; ``country`` (ISO alpha-2, may be
        empty) restricts the search to that country's sites and ``identifiers``
        (e.g. ``{"lei": ...}``) are compared exactly.
        """
        cc = normalize_country(country) if country else ""
        query = prepare_tokens(name_tokens(name), (), cc or "", identifier_keys(identifiers or {}), None)
        cands = self._candidates(query, name_only=True, limit=limit)
        return [c for c in cands if c.score >= min_score][:limit]

    # --------------------------------------------------------------- learning
    def learn(self, record: Record, registry_id: str, confirmed: bool) -> None:
        """Record a reviewer's decision about ``record`` and ``registry_id``.

        * the same row (same normalised name, address and country) is never
          asked again: a confirmed pair becomes an automatic match, a rejected
          facility is excluded from that row's candidates;
        * a confirmed row's name and address become an alias of the facility;
        * the pair's features become a training example for :meth:`refit`.
        """
        index = self.index
        registry_id = index.resolve(registry_id)
        query = prepare(record)
        key = "\x1f".join((query.country, " ".join(query.name), " ".join(query.address)))
        fb = index.feedback
        full = self._score_facility(query, registry_id, name_only=False)
        name = self._score_facility(query, registry_id, name_only=True)
        label = 1 if confirmed else 0
        fb.examples.append((dict(full.features), label))
        fb.name_examples.append((dict(name.features), label))
        if confirmed:
            fb.confirmed[key] = registry_id
            rejected = fb.rejected.get(key)
            if rejected is not None:
                rejected.discard(registry_id)
            index.add_alias(registry_id, record.name, record.address)
        else:
            fb.rejected.setdefault(key, set()).add(registry_id)
            if fb.confirmed.get(key) == registry_id:
                del fb.confirmed[key]

    def learn_many(self, feedback: Iterable[Feedback]) -> None:
        """:meth:`learn` for each item."""
        for item in feedback:
            self.learn(item.record, item.registry_id, item.confirmed)

    def refit(self, *, l2: float = 1.0, min_examples: int = 10) -> bool:
        """Re-fit both scoring models on the accumulated reviewer decisions.

        The fit is pulled toward the shipped default weights (strength ``l2``),
        so a few decisions adjust rather than overturn them. Returns ``False``
        (and changes nothing) with fewer than ``min_examples`` decisions or when
        they are all of one kind.
        """
        fb = self.index.feedback
        labels = {y for _, y in fb.examples}
        if len(fb.examples) < min_examples or len(labels) < 2:
            return False
        prior_full = LogisticModel.default(people=self.people)
        prior_name = LogisticModel.default(name_only=True)
        full = prior_full.fit([x for x, _ in fb.examples], [y for _, y in fb.examples], l2=l2)
        name = prior_name.fit([x for x, _ in fb.name_examples], [y for _, y in fb.name_examples], l2=l2)
        weights = dict(self.index.weights)
        weights["people" if self.people else "full"] = full.weights
        weights["name"] = name.weights
        self.index.weights = weights
        self._load_models()
        return True


def default_workers() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)
