"""The facility index: incremental, persistent, sub-linear candidate generation.

Layout (all plain Python containers so that a pickle of them loads fast):

* A *facility* is a registered site with a public id. A *slot* is one
  name/address of a facility (its main name, its aliases, names taken over in
  a merge). Candidate generation works on slots; scoring keeps the best slot of
  each facility.
* ``_post`` maps a key to an ``array('I')`` of slot numbers. Keys are
  partitioned by country (a two-letter prefix) so that a posting list only
  ever holds sites of one country:
  ``CC + gram`` for character trigrams of the distinctive part of the name,
  ``CC + "\\x01" + token`` for distinctive address tokens, and
  ``"\\x02" + cell`` for a ~2 km grid of coordinates.
* At query time only the rarest keys of the query are read (up to a posting
  budget), so the work per query depends on how common the query's grams are,
  not on the size of the register.
* Removal marks slots dead (tombstones); :meth:`MatchIndex.compact` (run by
  :meth:`MatchIndex.save` when a quarter of the slots are dead) rebuilds the
  posting lists without them.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .features import Prepared, compact_name, prepare_tokens
from .normalize import ADDRESS_GENERIC, NAME_GENERIC, address_tokens, name_tokens
from .parallel import map_chunks
from .records import Record, identifier_keys, normalize_country

__all__ = ["FeedbackStore", "MatchIndex"]

_FORMAT = "covenant-matching-index"
# 2: names keyed by features.compact_name (numbers left out, as queries do); older files are rebuilt.
# 3: address numbers of three digits and more are keys (see _address_keys).
_VERSION = 3

_KIND_DEAD = 0
_KIND_PRIMARY = 1
_KIND_RECORD_ALIAS = 2
_KIND_EXTRA_ALIAS = 3

_NO_COUNTRY = "__"
_ADDR_SEP = "\x01"
_GEO_SEP = "\x02"
_GEO_CELL_DEG = 0.02
_NAME_GENERIC_FACTOR = 0.3
_ADDRESS_GENERIC_FACTOR = 0.2
#: A name word in at least this share of the register's names (and in at least
#: :data:`GENERIC_MIN_NAMES` of them) is generic in *this* register: "mine" and
#: "coal" in a register of mines, "garment" in one of garment factories. Below 2 %
#: the frequent words of real registers include companies with many sites
#: (FSIS: "Americold" 1.3 %, "Cargill" 0.7 %), which are not generic.
GENERIC_NAME_SHARE = 0.02
GENERIC_MIN_NAMES = 20
#: ... unless the word is as often an address word: a town that prefixes company
#: names ("Dongguan" 4 % of the demo register's names) tells sites apart.
GENERIC_PLACE_SHARE = 0.25


_Tokens = tuple[str, list[str], list[str], list[list[str]]]


def _tokenize(record: Record) -> _Tokens:
    """What indexing needs from a record's text: country, name, address and alias tokens."""
    country = MatchIndex._country_of(record)
    addr = address_tokens(record.address, country if country != _NO_COUNTRY else "")
    aliases = [name_tokens(alias) for alias in record.aliases if alias.strip()]
    return country, name_tokens(record.name), addr, aliases


def _tokenize_chunk(records: list[Record]) -> list[_Tokens | ValueError]:
    # A bad record is handed back in its place, so the parent stops exactly where a
    # one-by-one build would.
    out: list[_Tokens | ValueError] = []
    for record in records:
        try:
            out.append(_tokenize(record))
        except ValueError as exc:
            out.append(exc)
    return out


@dataclass
class FeedbackStore:
    """What reviewers decided, kept with the index.

    ``confirmed`` maps a row key (normalised country, name and address) to the
    facility id a reviewer confirmed; ``rejected`` maps a row key to facility ids
    a reviewer rejected for it; ``examples`` are the labelled feature vectors
    used to re-fit the scoring model.
    """

    confirmed: dict[str, str] = field(default_factory=dict)
    rejected: dict[str, set[str]] = field(default_factory=dict)
    examples: list[tuple[dict[str, float], int]] = field(default_factory=list)
    name_examples: list[tuple[dict[str, float], int]] = field(default_factory=list)


def _grams(compact: str) -> set[str]:
    padded = "^" + compact + "$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _name_compact(tokens: list[str]) -> str:
    return compact_name(tokens)


def _address_keys(tokens: list[str]) -> set[str]:
    # Numbers of three digits and more (house numbers, postcodes) are keys too:
    # among many registered sites of one company ("AmeriCold Logistics", 20+
    # sites) the name cannot pick the right one, the house number and postcode can.
    return {t for t in tokens if len(t) >= 3 and t not in ADDRESS_GENERIC}


def _geo_cell(lat: float, lng: float) -> tuple[int, int]:
    return (math.floor(lat / _GEO_CELL_DEG), math.floor(lng / _GEO_CELL_DEG))


class MatchIndex:
    """Facility register index for matching and screening.

    Not safe for concurrent writers; readers may run in forked worker
    processes (see :meth:`Matcher.match_many`).
    """

    def __init__(self) -> None:
        self._ids: list[str | None] = []
        self._by_id: dict[str, int] = {}
        self._country: list[str] = []
        self._lat = array("d")
        self._lng = array("d")
        self._idents: dict[int, dict[str, str]] = {}
        self._fac_slots: list[list[int]] = []
        self._slot_fac = array("I")
        self._slot_kind = bytearray()
        self._slot_name: list[str] = []
        self._slot_addr: list[str] = []
        self._post: dict[str, array[int]] = {}
        self._ident_index: dict[str, list[int]] = {}
        self._redirect: dict[str, str] = {}
        self._name_df: dict[str, int] = {}
        self._addr_df: dict[str, int] = {}
        self._countries: dict[str, int] = {}
        self._alive_slots = 0
        self._dead_slots = 0
        self._alive_facilities = 0
        #: Reviewer decisions, persisted with the index.
        self.feedback = FeedbackStore()
        #: Re-fitted model weights (``{"full": {...}, "name": {...}}``); empty
        #: means the shipped defaults.
        self.weights: dict[str, dict[str, float]] = {}
        #: Free-form metadata saved with the index (e.g. a source fingerprint).
        self.meta: dict[str, str] = {}

    # ------------------------------------------------------------------ sizes
    def __len__(self) -> int:
        return self._alive_facilities

    def __contains__(self, facility_id: object) -> bool:
        return isinstance(facility_id, str) and facility_id in self._by_id

    def ids(self) -> Iterator[str]:
        """Ids of all registered (not removed, not merged-away) facilities."""
        for fid in self._ids:
            if fid is not None:
                yield fid

    @property
    def slot_count(self) -> int:
        """Number of live names (main names plus aliases) in the index."""
        return self._alive_slots

    # ---------------------------------------------------------------- updates
    def add(self, record: Record) -> None:
        """Register a facility. Raises ``ValueError`` if the id is taken."""
        self._add_tokenized(record, _tokenize(record))

    def add_many(self, records: Iterable[Record], *, workers: int = 1, chunk_size: int = 5000) -> int:
        """Register many facilities; returns how many were added.

        With ``workers`` > 1 (``fork`` available, more than one chunk of records) the
        names and addresses are normalised in forked worker processes while this
        process inserts what they return, in input order (inserting must stay in one
        process, and is then the bottleneck: 1,000,000 sites built in 116 s instead of
        145 s on 2 cores); see :func:`.parallel.map_chunks`. A bad record stops the
        build where a one-by-one build would stop.
        """
        n = 0
        # The workers only normalise text and never touch the index.
        with contextlib.closing(map_chunks(_tokenize_chunk, records, workers=workers, chunk_size=chunk_size)) as chunks:
            for chunk, tokens in chunks:
                for record, tok in zip(chunk, tokens, strict=True):
                    if isinstance(tok, ValueError):
                        raise tok
                    self._add_tokenized(record, tok)
                    n += 1
        return n

    def _add_tokenized(self, record: Record, tokens: _Tokens) -> None:
        if record.id in self._by_id:
            raise ValueError(f"facility {record.id!r} is already in the index")
        if record.id in self._redirect:
            raise ValueError(f"facility id {record.id!r} was merged into another facility")
        country, name, addr, aliases = tokens
        fac = len(self._ids)
        self._ids.append(record.id)
        self._by_id[record.id] = fac
        self._country.append(country)
        self._countries[country] = self._countries.get(country, 0) + 1
        coords = record.coordinates()
        self._lat.append(coords[0] if coords else math.nan)
        self._lng.append(coords[1] if coords else math.nan)
        self._fac_slots.append([])
        self._alive_facilities += 1
        idents = identifier_keys(record.identifiers)
        if idents:
            self._set_identifiers(fac, idents)
        self._add_slot(fac, name, addr, _KIND_PRIMARY)
        for alias in aliases:
            self._add_slot(fac, alias, addr, _KIND_RECORD_ALIAS)

    def update(self, record: Record, *, keep_old_name: bool = True) -> None:
        """Replace a facility's name, address, country, coordinates and identifiers.

        With ``keep_old_name`` the previous main name/address stays searchable as
        an alias (supplier lists keep using old names for years). Aliases added
        with :meth:`add_alias`, by reviews or by merges are kept; the record's
        own ``aliases`` replace the ones it brought before.
        """
        fac = self._fac(record.id)
        extra: list[tuple[str, str]] = []
        for slot in self._fac_slots[fac]:
            kind = self._slot_kind[slot]
            if kind == _KIND_EXTRA_ALIAS or (kind == _KIND_PRIMARY and keep_old_name):
                extra.append((self._slot_name[slot], self._slot_addr[slot]))
        for slot in list(self._fac_slots[fac]):
            self._kill_slot(slot)
        self._fac_slots[fac] = []
        old_country = self._country[fac]
        country = self._country_of(record)
        if country != old_country:
            self._countries[old_country] -= 1
            self._countries[country] = self._countries.get(country, 0) + 1
            self._country[fac] = country
        coords = record.coordinates()
        self._lat[fac] = coords[0] if coords else math.nan
        self._lng[fac] = coords[1] if coords else math.nan
        self._set_identifiers(fac, identifier_keys(record.identifiers))
        addr = address_tokens(record.address, country if country != _NO_COUNTRY else "")
        new_name = name_tokens(record.name)
        self._add_slot(fac, new_name, addr, _KIND_PRIMARY)
        for alias in record.aliases:
            if alias.strip():
                self._add_slot(fac, name_tokens(alias), addr, _KIND_RECORD_ALIAS)
        seen = {(" ".join(new_name), " ".join(addr))}
        for name_s, addr_s in extra:
            if (name_s, addr_s) in seen:
                continue
            seen.add((name_s, addr_s))
            self._add_slot(fac, name_s.split(), addr_s.split(), _KIND_EXTRA_ALIAS)

    def remove(self, facility_id: str) -> None:
        """Remove a facility. Raises ``KeyError`` if it is not registered."""
        fac = self._fac(facility_id)
        for slot in self._fac_slots[fac]:
            self._kill_slot(slot)
        self._fac_slots[fac] = []
        self._set_identifiers(fac, {})
        self._countries[self._country[fac]] -= 1
        del self._by_id[facility_id]
        self._ids[fac] = None
        self._alive_facilities -= 1
        # Ids merged into this one disappear with it.
        for loser in [k for k, v in self._redirect.items() if v == facility_id]:
            del self._redirect[loser]

    def add_alias(self, facility_id: str, name: str, address: str = "") -> bool:
        """Make ``name`` (at ``address``, default: the main address) find the facility.

        Returns ``False`` when the facility already has exactly that name and
        address.
        """
        fac = self._fac(self.resolve(facility_id))
        country = self._country[fac]
        tokens = name_tokens(name)
        if address:
            addr = address_tokens(address, country if country != _NO_COUNTRY else "")
        else:
            addr = self._primary_address(fac)
        key = (" ".join(tokens), " ".join(addr))
        for slot in self._fac_slots[fac]:
            if (self._slot_name[slot], self._slot_addr[slot]) == key:
                return False
        if not tokens:
            return False
        self._add_slot(fac, tokens, addr, _KIND_EXTRA_ALIAS)
        return True

    def merge(self, loser_id: str, survivor_id: str) -> None:
        """Fold ``loser_id`` into ``survivor_id``.

        The loser's names, aliases and identifiers move to the survivor (the
        survivor's own identifiers win on a clash) and :meth:`resolve` of the
        loser id returns the survivor from now on.
        """
        loser_id = self.resolve(loser_id)
        survivor_id = self.resolve(survivor_id)
        if loser_id == survivor_id:
            raise ValueError("cannot merge a facility into itself")
        loser = self._fac(loser_id)
        survivor = self._fac(survivor_id)
        moved: list[tuple[str, str]] = [(self._slot_name[s], self._slot_addr[s]) for s in self._fac_slots[loser]]
        lost_idents = self._idents.get(loser, {})
        for slot in self._fac_slots[loser]:
            self._kill_slot(slot)
        self._fac_slots[loser] = []
        self._set_identifiers(loser, {})
        merged_idents = {**lost_idents, **self._idents.get(survivor, {})}
        self._set_identifiers(survivor, merged_idents)
        if math.isnan(self._lat[survivor]) and not math.isnan(self._lat[loser]):
            self._lat[survivor] = self._lat[loser]
            self._lng[survivor] = self._lng[loser]
        existing = {(self._slot_name[s], self._slot_addr[s]) for s in self._fac_slots[survivor]}
        for name_s, addr_s in moved:
            if (name_s, addr_s) not in existing:
                existing.add((name_s, addr_s))
                self._add_slot(survivor, name_s.split(), addr_s.split(), _KIND_EXTRA_ALIAS)
        self._countries[self._country[loser]] -= 1
        del self._by_id[loser_id]
        self._ids[loser] = None
        self._alive_facilities -= 1
        self._redirect[loser_id] = survivor_id
        for old, new in list(self._redirect.items()):
            if new == loser_id:
                self._redirect[old] = survivor_id

    def resolve(self, facility_id: str) -> str:
        """The current id of ``facility_id`` (itself, or the survivor of merges).

        Raises ``KeyError`` for an id that was never registered or was removed.
        """
        seen = 0
        while facility_id not in self._by_id:
            nxt = self._redirect.get(facility_id)
            if nxt is None or seen > 64:
                raise KeyError(facility_id)
            facility_id = nxt
            seen += 1
        return facility_id

    def identifiers(self, facility_id: str) -> dict[str, str]:
        """The (normalised) identifiers of a facility."""
        return dict(self._idents.get(self._fac(self.resolve(facility_id)), {}))

    def names(self, facility_id: str) -> list[str]:
        """Normalised names under which a facility can be found (main name first)."""
        fac = self._fac(self.resolve(facility_id))
        slots = sorted(self._fac_slots[fac], key=lambda s: self._slot_kind[s])
        return [self._slot_name[s] for s in slots]

    def country(self, facility_id: str) -> str:
        """ISO country code of a facility ("" when unknown)."""
        cc = self._country[self._fac(self.resolve(facility_id))]
        return "" if cc == _NO_COUNTRY else cc

    # ------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index (with feedback and fitted weights) to ``path`` atomically.

        The file is a pickle: load only files this application wrote itself.
        """
        if self._dead_slots > 1000 and self._dead_slots * 4 > len(self._slot_kind):
            self.compact()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        state = {"format": _FORMAT, "version": _VERSION, "state": self.__dict__}
        fd, tmp = tempfile.mkstemp(prefix=target.name + ".", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MatchIndex:
        """Read an index written by :meth:`save`.

        Raises ``ValueError`` if the file is not an index of this version.
        """
        with open(path, "rb") as fh:
            try:
                state = pickle.load(fh)  # noqa: S301 - our own cache files only, see save()
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
                raise ValueError(f"{path} is not a matching index file") from exc
        if not isinstance(state, dict) or state.get("format") != _FORMAT:
            raise ValueError(f"{path} is not a matching index file")
        if state.get("version") != _VERSION:
            raise ValueError(f"{path} has index format version {state.get('version')}")
        index = cls.__new__(cls)
        index.__dict__.update(state["state"])
        return index

    def compact(self) -> None:
        """Drop dead slots and rebuild posting lists (ids and feedback unchanged)."""
        live: list[tuple[int, str, str, int]] = []
        for fac, slots in enumerate(self._fac_slots):
            for slot in slots:
                live.append((fac, self._slot_name[slot], self._slot_addr[slot], self._slot_kind[slot]))
        self._fac_slots = [[] for _ in self._fac_slots]
        self._slot_fac = array("I")
        self._slot_kind = bytearray()
        self._slot_name = []
        self._slot_addr = []
        self._post = {}
        self._name_df = {}
        self._addr_df = {}
        self._alive_slots = 0
        self._dead_slots = 0
        for fac, name_s, addr_s, kind in live:
            self._add_slot(fac, name_s.split(), addr_s.split(), kind)

    # --------------------------------------------------------------- internal
    def _fac(self, facility_id: str) -> int:
        fac = self._by_id.get(facility_id)
        if fac is None:
            raise KeyError(facility_id)
        return fac

    @staticmethod
    def _country_of(record: Record) -> str:
        if not record.country.strip():
            return _NO_COUNTRY
        cc = normalize_country(record.country)
        if cc is None:
            raise ValueError(f"unknown country code {record.country!r} for {record.id!r}")
        return cc

    def _primary_address(self, fac: int) -> list[str]:
        for slot in self._fac_slots[fac]:
            if self._slot_kind[slot] == _KIND_PRIMARY:
                return self._slot_addr[slot].split()
        return []

    def _set_identifiers(self, fac: int, idents: Mapping[str, str]) -> None:
        old = self._idents.pop(fac, None)
        if old:
            for scheme, value in old.items():
                key = scheme + ":" + value
                facs = self._ident_index.get(key)
                if facs is not None and fac in facs:
                    facs.remove(fac)
                    if not facs:
                        del self._ident_index[key]
        if idents:
            self._idents[fac] = dict(idents)
            for scheme, value in idents.items():
                self._ident_index.setdefault(scheme + ":" + value, []).append(fac)

    def _slot_keys(self, fac: int, name: list[str], addr: list[str]) -> list[str]:
        cc = self._country[fac]
        keys = [cc + g for g in _grams(_name_compact(name))]
        keys.extend(cc + _ADDR_SEP + t for t in _address_keys(addr))
        lat = self._lat[fac]
        if not math.isnan(lat):
            cy, cx = _geo_cell(lat, self._lng[fac])
            keys.append(f"{_GEO_SEP}{cy},{cx}")
        return keys

    def _add_slot(self, fac: int, name: list[str], addr: list[str], kind: int) -> int:
        slot = len(self._slot_kind)
        self._slot_fac.append(fac)
        self._slot_kind.append(kind)
        self._slot_name.append(" ".join(name))
        self._slot_addr.append(" ".join(addr))
        self._fac_slots[fac].append(slot)
        post = self._post
        for key in self._slot_keys(fac, name, addr):
            arr = post.get(key)
            if arr is None:
                post[key] = array("I", (slot,))
            else:
                arr.append(slot)
        ndf = self._name_df
        for tok in set(name):
            ndf[tok] = ndf.get(tok, 0) + 1
        adf = self._addr_df
        for tok in set(addr):
            adf[tok] = adf.get(tok, 0) + 1
        self._alive_slots += 1
        return slot

    def _kill_slot(self, slot: int) -> None:
        if self._slot_kind[slot] == _KIND_DEAD:
            return
        self._slot_kind[slot] = _KIND_DEAD
        ndf = self._name_df
        for tok in set(self._slot_name[slot].split()):
            left = ndf.get(tok, 0) - 1
            if left > 0:
                ndf[tok] = left
            else:
                ndf.pop(tok, None)
        adf = self._addr_df
        for tok in set(self._slot_addr[slot].split()):
            left = adf.get(tok, 0) - 1
            if left > 0:
                adf[tok] = left
            else:
                adf.pop(tok, None)
        self._alive_slots -= 1
        self._dead_slots += 1

    # ----------------------------------------------------------------- weights
    def name_weight(self, token: str) -> float:
        """IDF weight of a name token, learned from the register."""
        return name_idf(token, self._name_df.get(token, 0), self._alive_slots)

    def address_weight(self, token: str) -> float:
        """IDF weight of an address token, learned from the register."""
        return address_idf(token, self._addr_df.get(token, 0), self._alive_slots)

    def generic_name_word(self, token: str) -> bool:
        """Whether a name word is generic in this register (see :func:`register_generic`)."""
        return register_generic(self._name_df.get(token, 0), self._addr_df.get(token, 0), self._alive_slots)

    # --------------------------------------------------------------- querying
    def prepared_slot(self, slot: int) -> Prepared:
        """A slot in comparable form (for the matcher)."""
        fac = self._slot_fac[slot]
        lat = self._lat[fac]
        coords = None if math.isnan(lat) else (lat, self._lng[fac])
        cc = self._country[fac]
        return prepare_tokens(
            self._slot_name[slot].split(),
            self._slot_addr[slot].split(),
            "" if cc == _NO_COUNTRY else cc,
            self._idents.get(fac, {}),
            coords,
        )

    def facility_slots(self, facility_id: str) -> list[int]:
        """Live slots of a facility."""
        return list(self._fac_slots[self._fac(self.resolve(facility_id))])

    def facility_id_of_slot(self, slot: int) -> str:
        fid = self._ids[self._slot_fac[slot]]
        assert fid is not None
        return fid

    def identifier_hits(self, identifiers: Mapping[str, str]) -> list[str]:
        """Facility ids sharing at least one identifier value."""
        out: list[str] = []
        for scheme, value in identifiers.items():
            for fac in self._ident_index.get(scheme + ":" + value, ()):
                fid = self._ids[fac]
                if fid is not None and fid not in out:
                    out.append(fid)
        return out

    def candidate_slots(
        self,
        query: Prepared,
        *,
        limit: int,
        use_address: bool = True,
        posting_budget: int = 60000,
        min_share: float = 0.12,
    ) -> list[tuple[int, float]]:
        """Slots most likely to match ``query``, best first, at most one per facility.

        Each slot is scored by the summed IDF weight of the query's name grams
        (and distinctive address tokens, and nearby grid cells) it shares. Keys
        are read rarest first until ``posting_budget`` postings have been read;
        common keys add little and would make the cost grow with the register.
        Slots sharing less than ``min_share`` of the query's name weight are
        dropped unless the address or location supports them.
        """
        return rank_slots(
            self, query, limit=limit, use_address=use_address, posting_budget=posting_budget, min_share=min_share
        )

    # Where rank_slots reads the index (a layered index answers the same questions).
    def _postings(self, key: str) -> Any:
        """Slot numbers under ``key`` as a uint32 numpy array, or None."""
        import numpy as np

        arr = self._post.get(key)
        return None if arr is None else np.frombuffer(arr, dtype=np.uint32)

    def _live(self, slots: Any) -> Any:
        """Which of ``slots`` (a sorted numpy array) are alive."""
        import numpy as np

        kinds = np.frombuffer(self._slot_kind, dtype=np.uint8)
        alive = kinds[slots] != _KIND_DEAD
        del kinds  # a live export would stop the bytearray from growing
        return alive

    def _owner(self, slot: int) -> int:
        """A number for the facility of ``slot`` (equal for slots of one facility)."""
        return self._slot_fac[slot]

    def _slot_space(self) -> int:
        """Slots ever numbered (dead ones included)."""
        return len(self._slot_kind)

    def _live_countries(self) -> list[str]:
        return [c for c, n in self._countries.items() if n > 0]


def name_idf(token: str, df: int, alive_slots: int) -> float:
    """IDF weight of a name token seen in ``df`` of ``alive_slots`` names."""
    n = alive_slots + 1
    w = math.log((n + 1) / (df + 1)) + 1.0
    if token in NAME_GENERIC:
        w *= _NAME_GENERIC_FACTOR
    elif token.isdigit():
        w *= 0.5
    return w


def register_generic(name_df: int, addr_df: int, alive_slots: int) -> bool:
    """A name word generic by its frequency in the register itself.

    The hand list (``NAME_GENERIC``) holds sourced words of known sectors; this
    learns any sector's vocabulary from its own register: a word in at least
    :data:`GENERIC_NAME_SHARE` of the names (and :data:`GENERIC_MIN_NAMES` names)
    that the addresses rarely use (a town is not generic).
    """
    if name_df < GENERIC_MIN_NAMES or name_df < GENERIC_NAME_SHARE * alive_slots:
        return False
    return addr_df < GENERIC_PLACE_SHARE * name_df


def address_idf(token: str, df: int, alive_slots: int) -> float:
    """IDF weight of an address token seen in ``df`` of ``alive_slots`` addresses."""
    n = alive_slots + 1
    w = math.log((n + 1) / (df + 1)) + 1.0
    if token in ADDRESS_GENERIC:
        w *= _ADDRESS_GENERIC_FACTOR
    return w


def rank_slots(
    src: Any,
    query: Prepared,
    *,
    limit: int,
    use_address: bool = True,
    posting_budget: int = 60000,
    min_share: float = 0.12,
) -> list[tuple[int, float]]:
    """:meth:`MatchIndex.candidate_slots` over any index that answers ``_postings``,
    ``_live``, ``_owner``, ``_slot_space`` and ``_live_countries`` (see ``shared.py``)."""
    import numpy as np

    if src.slot_count == 0:
        return []
    # Without a country (screening) every country partition is read.
    countries = [query.country] if query.country else src._live_countries()
    n_total = float(src._slot_space() + 1)
    postings: dict[str, Any] = {}

    def lookup(key: str) -> Any:
        if key not in postings:
            postings[key] = src._postings(key)
        return postings[key]

    name_keys: list[tuple[int, str, float]] = []
    grams = _grams(query.name_compact or "".join(query.name)) if query.name else set()
    # The query's total name weight counts grams absent from the register
    # at full weight: a candidate only gets credit for what it shares.
    max_name = 0.0
    for gram in grams:
        found = 0
        for cc in countries:
            arr = lookup(cc + gram)
            if arr is not None:
                name_keys.append((len(arr), cc + gram, 0.0))
                found += len(arr)
        max_name += math.log(1.0 + n_total / max(found, 1))
    addr_keys: list[tuple[int, str, float]] = []
    if use_address:
        for tok in _address_keys(list(query.address)):
            for cc in countries:
                key = cc + _ADDR_SEP + tok
                arr = lookup(key)
                if arr is not None:
                    addr_keys.append((len(arr), key, 0.0))
        if query.coords is not None:
            cy, cx = _geo_cell(*query.coords)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    key = f"{_GEO_SEP}{cy + dy},{cx + dx}"
                    arr = lookup(key)
                    if arr is not None and len(arr) <= 2000:
                        addr_keys.append((len(arr), key, 0.0))

    chosen: list[Any] = []
    weights: list[float] = []
    lengths: list[int] = []
    name_keys.sort()
    budget = posting_budget
    for i, (df, key, _) in enumerate(name_keys):
        if budget <= 0 and i >= 3:
            break
        chosen.append(postings[key])
        weights.append(math.log(1.0 + n_total / df))
        lengths.append(df)
        budget -= df
    n_name = sum(lengths)
    addr_keys.sort()
    budget = posting_budget // 3
    max_addr = 0.0
    for df, key, _ in addr_keys:
        if budget <= 0:
            break
        # Address evidence counts half: it recovers renamed sites but must
        # not outvote the name.
        w = 0.5 * math.log(1.0 + n_total / df)
        chosen.append(postings[key])
        weights.append(w)
        lengths.append(df)
        budget -= df
        max_addr += w
    if not chosen:
        return []
    cat = np.concatenate(chosen)
    wts = np.repeat(np.asarray(weights, dtype=np.float64), lengths)
    slots, inverse = np.unique(cat, return_inverse=True)
    name_scores = np.bincount(inverse[:n_name], weights=wts[:n_name], minlength=len(slots))
    addr_scores = np.bincount(inverse[n_name:], weights=wts[n_name:], minlength=len(slots))
    alive = src._live(slots)
    # A candidate needs a fair share of the query's name, or else most of
    # its distinctive address (a site renamed since it was registered).
    keep = alive & ((name_scores >= min_share * max_name) | ((addr_scores >= 0.5 * max_addr) & (max_addr > 0)))
    slots = slots[keep]
    scores = name_scores[keep] + addr_scores[keep]
    if len(slots) == 0:
        return []
    want = min(len(slots), limit * 4)
    top = np.argpartition(-scores, want - 1)[:want] if want < len(slots) else np.arange(len(slots))
    order = top[np.argsort(-scores[top], kind="stable")].tolist()
    # A quarter of the places go to the best address scores: when a company has
    # more registered sites than places, the name ties them all and the one
    # whose address agrees must not be cut off (nor a site renamed since).
    reserve = limit // 4 if max_addr > 0 else 0
    if reserve:
        addr_kept = addr_scores[keep]
        want_addr = min(len(slots), reserve * 4)
        by_addr = (
            np.argpartition(-addr_kept, want_addr - 1)[:want_addr] if want_addr < len(slots) else np.arange(len(slots))
        )
        by_addr = by_addr[np.argsort(-addr_kept[by_addr], kind="stable")]
        address_first = [j for j in by_addr.tolist() if addr_kept[j] > 0]
    else:
        address_first = []
    out: list[tuple[int, float]] = []
    seen: set[int] = set()
    owner = src._owner
    norm = max_name if max_name > 0 else 1.0

    def take(js: list[int], upto: int) -> None:
        for j in js:
            if len(out) >= upto:
                return
            slot = int(slots[j])
            fac = owner(slot)
            if fac in seen:
                continue
            seen.add(fac)
            out.append((slot, float(scores[j]) / norm))

    take(order, limit - reserve)
    take(address_first, limit)
    take(order, limit)
    out.sort(key=lambda item: -item[1])
    return out
