"""A match index that processes share: a read-only snapshot file, mapped into memory,
plus a small per-process layer of changes made since the snapshot.

Why: a :class:`MatchIndex` is millions of small Python objects. Forked web workers
share them copy-on-write at first, but every read changes reference counts, so the
pages are copied into each worker bit by bit. Here the bulk of the index (names,
addresses, posting lists, word frequencies, ids) lives in flat arrays inside one
file that every process maps read-only (``mmap``): the kernel keeps one copy in the
page cache for all of them, whether they were forked from one master or started
on their own (the task worker, a restarted web worker).

* :func:`write_snapshot` turns a :class:`MatchIndex` into such a file (atomically).
* :meth:`SharedIndex.open` maps it; the result answers everything the
  :class:`~covenant.matching.Matcher` asks of an index and takes the same changes
  (``add``, ``update``, ``remove``, ``merge``, ``add_alias``, reviewers' feedback).
  A change to a facility of the snapshot moves that facility into the process's
  own layer (a small :class:`MatchIndex`); its snapshot slots count as dead.
* Changes are made on a :meth:`SharedIndex.copy` (the mapped file is shared, the
  layer is copied): a reader holding the old object never sees a half-applied
  change (see ``covenant/registry/matchindex.py``).
* :meth:`SharedIndex.materialize` gives back a plain :class:`MatchIndex` (to
  write the next snapshot).

Lookups go through 64-bit hashes (BLAKE2b) of the keys, sorted, searched with
numpy; ids are compared in full after the hash, and keys whose hashes collide
are kept in a small dictionary instead, so a collision costs nothing but space.

The file holds a pickled header (reviewers' feedback, fitted weights, merges):
load only files this application wrote itself, as with :meth:`MatchIndex.save`.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import itertools
import math
import mmap
import os
import pickle
import struct
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .features import Prepared, prepare_tokens
from .index import (
    _KIND_DEAD,
    _NO_COUNTRY,
    FeedbackStore,
    MatchIndex,
    address_idf,
    name_idf,
    rank_slots,
    register_generic,
)
from .records import Record

__all__ = ["SharedIndex", "write_snapshot"]

_MAGIC = b"COVENANT-SHARED-INDEX\n"
# 2: address numbers are posting keys (index.py _VERSION 3); older snapshots are rebuilt.
_VERSION = 2
_ALIGN = 64
#: Token weights remembered per index (then forgotten, to bound the memory).
_WEIGHTS_KEPT = 200_000


def _h64(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def _hash_table(keys: list[str]) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Sorted hashes and, for each, the position of its key in ``keys``; keys whose
    hash another key shares go to the returned dictionary instead."""
    hashes = np.fromiter((_h64(k) for k in keys), dtype=np.uint64, count=len(keys))
    order = np.argsort(hashes, kind="stable")
    sorted_h = hashes[order]
    clash = np.zeros(len(keys), dtype=bool)
    if len(keys) > 1:
        same = sorted_h[1:] == sorted_h[:-1]
        clash[1:] |= same
        clash[:-1] |= same
    extra = {keys[int(i)]: int(i) for i in order[clash]}
    return sorted_h[~clash], order[~clash].astype(np.int64), extra


def _strings(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [v.encode("utf-8", "surrogatepass") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def _csr(groups: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(groups) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, groups), dtype=np.int64, count=len(groups)), out=offsets[1:])
    flat = np.fromiter(itertools.chain.from_iterable(groups), dtype=np.uint32, count=int(offsets[-1]))
    return flat, offsets


def write_snapshot(index: MatchIndex, path: str | os.PathLike[str], *, meta: Mapping[str, Any] | None = None) -> None:
    """Write ``index`` as a shared snapshot file at ``path``, atomically.

    ``meta`` (small, picklable) is stored in the header and comes back as
    :attr:`SharedIndex.snapshot_meta` (the registry keeps the change it ends at there).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            _write(index, fh, dict(meta or {}))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _arrays_of(ix: MatchIndex) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    arrays: dict[str, np.ndarray] = {}
    extras: dict[str, Any] = {}
    arrays["slot_fac"] = np.frombuffer(ix._slot_fac, dtype=np.uint32)
    arrays["slot_kind"] = np.frombuffer(bytes(ix._slot_kind), dtype=np.uint8)
    arrays["name_blob"], arrays["name_off"] = _strings(ix._slot_name)
    arrays["addr_blob"], arrays["addr_off"] = _strings(ix._slot_addr)
    ids = ix._ids
    arrays["id_blob"], arrays["id_off"] = _strings([fid or "" for fid in ids])
    live = [(fid, fac) for fac, fid in enumerate(ids) if fid is not None]
    h, pos, extra = _hash_table([fid for fid, _ in live])
    arrays["id_hash"], arrays["id_fac"] = h, np.array([live[int(i)][1] for i in pos], dtype=np.uint32)
    extras["id_extra"] = {k: live[i][1] for k, i in extra.items()}
    arrays["fac_slots"], arrays["fac_slots_off"] = _csr(ix._fac_slots)
    arrays["country"] = np.array([c.encode("ascii") for c in ix._country], dtype="S2")
    arrays["lat"] = np.frombuffer(ix._lat, dtype=np.float64)
    arrays["lng"] = np.frombuffer(ix._lng, dtype=np.float64)
    ident_facs = sorted(ix._idents)
    arrays["ident_fac"] = np.array(ident_facs, dtype=np.uint32)
    arrays["ident_blob"], arrays["ident_off"] = _strings(
        ["\x1e".join(f"{k}\x1f{v}" for k, v in ix._idents[fac].items()) for fac in ident_facs]
    )
    ident_keys = list(ix._ident_index)
    h, pos, extra = _hash_table(ident_keys)
    flat, off = _csr([ix._ident_index[k] for k in ident_keys])
    arrays["ikey_hash"], arrays["ikey_start"], arrays["ikey_end"] = h, off[:-1][pos], off[1:][pos]
    arrays["ikey_facs"] = flat
    extras["ikey_extra"] = {k: (int(off[i]), int(off[i + 1])) for k, i in extra.items()}
    keys = list(ix._post)
    h, pos, extra = _hash_table(keys)
    lengths = np.fromiter((len(ix._post[k]) for k in keys), dtype=np.int64, count=len(keys))
    starts = np.zeros(len(keys), dtype=np.int64)
    if len(keys):
        np.cumsum(lengths[:-1], out=starts[1:])
    arrays["post_hash"], arrays["post_start"], arrays["post_len"] = h, starts[pos], lengths[pos]
    extras["post_extra"] = {k: (int(starts[i]), int(lengths[i])) for k, i in extra.items()}
    arrays["post_slots"] = np.frombuffer(b"".join(ix._post[k].tobytes() for k in keys), dtype=np.uint32)
    for name, df in (("name_df", ix._name_df), ("addr_df", ix._addr_df)):
        toks = list(df)
        h, pos, extra = _hash_table(toks)
        counts = np.fromiter((df[t] for t in toks), dtype=np.uint32, count=len(toks))
        arrays[name + "_hash"], arrays[name + "_n"] = h, counts[pos]
        extras[name + "_extra"] = {t: int(counts[i]) for t, i in extra.items()}
    return arrays, extras


def _write(ix: MatchIndex, fh: Any, meta: dict[str, Any]) -> None:
    arrays, extras = _arrays_of(ix)
    table: dict[str, tuple[str, int, int]] = {}
    offset = 0
    for name, arr in arrays.items():
        table[name] = (arr.dtype.str, len(arr), offset)
        offset += -(-arr.nbytes // _ALIGN) * _ALIGN
    header = pickle.dumps(
        {
            "version": _VERSION,
            "arrays": table,
            "extras": extras,
            "countries": dict(ix._countries),
            "alive_slots": ix._alive_slots,
            "dead_slots": ix._dead_slots,
            "alive_facilities": ix._alive_facilities,
            "redirect": dict(ix._redirect),
            "feedback": ix.feedback,
            "weights": ix.weights,
            "meta": dict(ix.meta),
            "snapshot_meta": meta,
        },
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    start = len(_MAGIC) + 8 + len(header)
    start = -(-start // _ALIGN) * _ALIGN
    fh.write(_MAGIC)
    fh.write(struct.pack("<Q", len(header)))
    fh.write(header)
    fh.write(b"\0" * (start - len(_MAGIC) - 8 - len(header)))
    for arr in arrays.values():
        data = np.ascontiguousarray(arr).tobytes()
        fh.write(data)
        fh.write(b"\0" * (-(-len(data) // _ALIGN) * _ALIGN - len(data)))


class _Base:
    """The read-only snapshot: flat arrays over a mapped file (or bytes in memory)."""

    def __init__(self, buffer: Any, header: dict[str, Any], start: int, identity: str) -> None:
        self.buffer = buffer
        self.identity = identity
        a: dict[str, np.ndarray] = {}
        for name, (dtype, count, offset) in header["arrays"].items():
            a[name] = np.frombuffer(buffer, dtype=np.dtype(dtype), count=count, offset=start + offset)
        self.a = a
        ex = header["extras"]
        self.id_extra: dict[str, int] = ex["id_extra"]
        self.post_extra: dict[str, tuple[int, int]] = ex["post_extra"]
        self.name_df_extra: dict[str, int] = ex["name_df_extra"]
        self.addr_df_extra: dict[str, int] = ex["addr_df_extra"]
        self.ikey_extra: dict[str, tuple[int, int]] = ex["ikey_extra"]
        self.countries: dict[str, int] = header["countries"]
        self.alive_slots: int = header["alive_slots"]
        self.alive_facilities: int = header["alive_facilities"]
        self.slots = len(a["slot_kind"])
        self.facilities = len(a["country"])

    @staticmethod
    def _find(hashes: np.ndarray, key: str) -> int:
        h = np.uint64(_h64(key))
        i = int(np.searchsorted(hashes, h))
        return i if i < len(hashes) and hashes[i] == h else -1

    def fac_of(self, fid: str) -> int | None:
        fac = self.id_extra.get(fid)
        if fac is not None:
            return fac
        i = self._find(self.a["id_hash"], fid)
        if i < 0:
            return None
        fac = int(self.a["id_fac"][i])
        return fac if self.id_of(fac) == fid else None

    def id_of(self, fac: int) -> str | None:
        off = self.a["id_off"]
        raw = self.a["id_blob"][off[fac] : off[fac + 1]].tobytes()
        return raw.decode("utf-8", "surrogatepass") or None

    def name(self, slot: int) -> str:
        off = self.a["name_off"]
        return self.a["name_blob"][off[slot] : off[slot + 1]].tobytes().decode("utf-8", "surrogatepass")

    def addr(self, slot: int) -> str:
        off = self.a["addr_off"]
        return self.a["addr_blob"][off[slot] : off[slot + 1]].tobytes().decode("utf-8", "surrogatepass")

    def fac_slots(self, fac: int) -> list[int]:
        off = self.a["fac_slots_off"]
        return [int(s) for s in self.a["fac_slots"][off[fac] : off[fac + 1]]]

    def country(self, fac: int) -> str:
        return bytes(self.a["country"][fac]).decode("ascii")

    def coords(self, fac: int) -> tuple[float, float] | None:
        lat = float(self.a["lat"][fac])
        return None if math.isnan(lat) else (lat, float(self.a["lng"][fac]))

    def idents(self, fac: int) -> dict[str, str]:
        facs = self.a["ident_fac"]
        i = int(np.searchsorted(facs, fac))
        if i == len(facs) or facs[i] != fac:
            return {}
        off = self.a["ident_off"]
        raw = self.a["ident_blob"][off[i] : off[i + 1]].tobytes().decode("utf-8", "surrogatepass")
        return dict(pair.split("\x1f", 1) for pair in raw.split("\x1e"))  # type: ignore[misc]

    def ident_facs(self, key: str) -> list[int]:
        extra = self.ikey_extra.get(key)
        if extra is not None:
            start, end = extra
        else:
            i = self._find(self.a["ikey_hash"], key)
            if i < 0:
                return []
            start, end = int(self.a["ikey_start"][i]), int(self.a["ikey_end"][i])
        return [int(f) for f in self.a["ikey_facs"][start:end]]

    def postings(self, key: str) -> np.ndarray | None:
        extra = self.post_extra.get(key)
        if extra is not None:
            start, n = extra
        else:
            i = self._find(self.a["post_hash"], key)
            if i < 0:
                return None
            start, n = int(self.a["post_start"][i]), int(self.a["post_len"][i])
        return self.a["post_slots"][start : start + n]

    def df(self, table: str, token: str) -> int:
        extra = (self.name_df_extra if table == "name_df" else self.addr_df_extra).get(token)
        if extra is not None:
            return extra
        i = self._find(self.a[table + "_hash"], token)
        return 0 if i < 0 else int(self.a[table + "_n"][i])


def _parse(buffer: Any, identity: str) -> tuple[_Base, dict[str, Any]]:
    view = memoryview(buffer)
    if bytes(view[: len(_MAGIC)]) != _MAGIC:
        raise ValueError("not a shared match-index snapshot")
    (n,) = struct.unpack("<Q", bytes(view[len(_MAGIC) : len(_MAGIC) + 8]))
    try:
        header = pickle.loads(view[len(_MAGIC) + 8 : len(_MAGIC) + 8 + n])  # noqa: S301 - our own files only
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise ValueError("unreadable shared match-index snapshot") from exc
    finally:
        view.release()
    if not isinstance(header, dict) or header.get("version") != _VERSION:
        raise ValueError("shared match-index snapshot of another version")
    start = -(-(len(_MAGIC) + 8 + n) // _ALIGN) * _ALIGN
    return _Base(buffer, header, start, identity), header


class SharedIndex:
    """A snapshot shared between processes plus this process's changes since it.

    Answers the questions :class:`~covenant.matching.Matcher` asks of a
    :class:`MatchIndex`. Change it only through a :meth:`copy` that no reader holds yet.
    """

    def __init__(self, base: _Base, header: dict[str, Any]) -> None:
        self._base = base
        #: What the snapshot's writer stored with it (see :func:`write_snapshot`).
        self.snapshot_meta: dict[str, Any] = dict(header.get("snapshot_meta") or {})
        self.feedback: FeedbackStore = header["feedback"]
        self.weights: dict[str, dict[str, float]] = header["weights"]
        self.meta: dict[str, str] = header["meta"]
        layer = MatchIndex()
        layer._redirect = dict(header["redirect"])  # one table of merges, shared with the layer
        self._layer = layer
        self._gone: set[int] = set()  # snapshot facilities moved to the layer or removed
        self._gone_arr: np.ndarray | None = None
        self._countries = dict(base.countries)
        self._minus_name: Counter[str] = Counter()
        self._minus_addr: Counter[str] = Counter()
        self._base_alive_slots = base.alive_slots
        self._base_alive_facilities = base.alive_facilities
        self._weights: dict[tuple[str, str], float] = {}

    # ----------------------------------------------------------- open / copy
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> SharedIndex:
        """Map a snapshot file read-only. Raises ``ValueError`` for anything else."""
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if st.st_size < len(_MAGIC) + 8:
                raise ValueError(f"{path} is not a shared match-index snapshot")
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        base, header = _parse(mm, f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}")
        return cls(base, header)

    @classmethod
    def from_index(cls, index: MatchIndex, *, meta: Mapping[str, Any] | None = None) -> SharedIndex:
        """The same layout in this process's memory (tests; when no file can be written)."""
        import io

        buf = io.BytesIO()
        _write(index, buf, dict(meta or {}))
        base, header = _parse(buf.getvalue(), "memory")
        return cls(base, header)

    @property
    def snapshot_identity(self) -> str:
        """Which file this index maps (device, inode, modification time)."""
        return self._base.identity

    @property
    def layer_size(self) -> int:
        """Facilities held in this process's own layer (changed since the snapshot)."""
        return len(self._layer)

    def copy(self, *, feedback: bool = True) -> SharedIndex:
        """An independent copy to change (the mapped snapshot is shared, not copied).

        With ``feedback=False`` the reviewers' feedback is shared with this object:
        only for a copy that will not learn.
        """
        new = object.__new__(SharedIndex)
        new.__dict__.update(self.__dict__)
        new._layer = copy.deepcopy(self._layer)
        new._gone = set(self._gone)
        new._countries = dict(self._countries)
        new._minus_name = Counter(self._minus_name)
        new._minus_addr = Counter(self._minus_addr)
        new._weights = {}
        new.weights = dict(self.weights)
        new.meta = dict(self.meta)
        if feedback:
            new.feedback = copy.deepcopy(self.feedback)
        return new

    def materialize(self) -> MatchIndex:
        """A plain :class:`MatchIndex` with the same facilities, names, merges and feedback."""
        ix = MatchIndex()
        base = self._base
        for fac in range(base.facilities):
            fid = base.id_of(fac)
            if fid is None or fac in self._gone:
                continue
            _insert(ix, fid, base.country(fac), base.coords(fac), base.idents(fac), self._base_slots(fac))
        layer = self._layer
        for fac, fid in enumerate(layer._ids):
            if fid is None:
                continue
            lat = layer._lat[fac]
            coords = None if math.isnan(lat) else (lat, layer._lng[fac])
            slots = [(layer._slot_name[s], layer._slot_addr[s], layer._slot_kind[s]) for s in layer._fac_slots[fac]]
            _insert(ix, fid, layer._country[fac], coords, layer._idents.get(fac, {}), slots)
        ix._redirect = dict(layer._redirect)
        ix.feedback = copy.deepcopy(self.feedback)
        ix.weights = dict(self.weights)
        ix.meta = dict(self.meta)
        return ix

    # ----------------------------------------------------------------- sizes
    def __len__(self) -> int:
        return self._base_alive_facilities + len(self._layer)

    def __contains__(self, facility_id: object) -> bool:
        return isinstance(facility_id, str) and (facility_id in self._layer or self._base_fac(facility_id) is not None)

    def ids(self) -> Iterator[str]:
        base = self._base
        for fac in range(base.facilities):
            if fac not in self._gone:
                fid = base.id_of(fac)
                if fid is not None:
                    yield fid
        yield from self._layer.ids()

    @property
    def slot_count(self) -> int:
        return self._base_alive_slots + self._layer.slot_count

    # --------------------------------------------------------------- changes
    def add(self, record: Record) -> None:
        if record.id in self:
            raise ValueError(f"facility {record.id!r} is already in the index")
        self._weights = {}
        self._layer.add(record)

    def update(self, record: Record, *, keep_old_name: bool = True) -> None:
        self._lift(record.id)
        self._weights = {}
        self._layer.update(record, keep_old_name=keep_old_name)

    def remove(self, facility_id: str) -> None:
        self._lift(facility_id)
        self._weights = {}
        self._layer.remove(facility_id)

    def merge(self, loser_id: str, survivor_id: str) -> None:
        loser_id, survivor_id = self.resolve(loser_id), self.resolve(survivor_id)
        self._lift(loser_id)
        self._lift(survivor_id)
        self._weights = {}
        self._layer.merge(loser_id, survivor_id)

    def add_alias(self, facility_id: str, name: str, address: str = "") -> bool:
        facility_id = self.resolve(facility_id)
        self._lift(facility_id)
        self._weights = {}
        return self._layer.add_alias(facility_id, name, address)

    def _base_fac(self, facility_id: str) -> int | None:
        fac = self._base.fac_of(facility_id)
        return None if fac is None or fac in self._gone else fac

    def _base_slots(self, fac: int) -> list[tuple[str, str, int]]:
        base, kinds = self._base, self._base.a["slot_kind"]
        return [(base.name(s), base.addr(s), int(kinds[s])) for s in base.fac_slots(fac)]

    def _lift(self, facility_id: str) -> None:
        """Move a snapshot facility into this process's layer, so it can change."""
        if facility_id in self._layer:
            return
        fac = self._base_fac(facility_id)
        if fac is None:
            raise KeyError(facility_id)
        base = self._base
        slots = self._base_slots(fac)
        for name_s, addr_s, _kind in slots:
            self._minus_name.update(set(name_s.split()))
            self._minus_addr.update(set(addr_s.split()))
        self._base_alive_slots -= len(slots)
        self._base_alive_facilities -= 1
        country = base.country(fac)
        self._countries[country] -= 1
        self._gone.add(fac)
        self._gone_arr = None
        self._weights = {}
        _insert(self._layer, facility_id, country, base.coords(fac), base.idents(fac), slots)

    # ------------------------------------------------------------ questions
    def resolve(self, facility_id: str) -> str:
        seen = 0
        redirect = self._layer._redirect
        while facility_id not in self:
            nxt = redirect.get(facility_id)
            if nxt is None or seen > 64:
                raise KeyError(facility_id)
            facility_id = nxt
            seen += 1
        return facility_id

    def identifiers(self, facility_id: str) -> dict[str, str]:
        facility_id = self.resolve(facility_id)
        if facility_id in self._layer:
            return self._layer.identifiers(facility_id)
        fac = self._base_fac(facility_id)
        assert fac is not None
        return dict(self._base.idents(fac))

    def names(self, facility_id: str) -> list[str]:
        facility_id = self.resolve(facility_id)
        if facility_id in self._layer:
            return self._layer.names(facility_id)
        fac = self._base_fac(facility_id)
        assert fac is not None
        return [name for name, _addr, _kind in sorted(self._base_slots(fac), key=lambda s: s[2])]

    def country(self, facility_id: str) -> str:
        facility_id = self.resolve(facility_id)
        if facility_id in self._layer:
            return self._layer.country(facility_id)
        fac = self._base_fac(facility_id)
        assert fac is not None
        cc = self._base.country(fac)
        return "" if cc == _NO_COUNTRY else cc

    def name_weight(self, token: str) -> float:
        # An index that readers hold never changes, so its weights can be remembered.
        w = self._weights.get(("n", token))
        if w is None:
            df = self._base.df("name_df", token) - self._minus_name[token] + self._layer._name_df.get(token, 0)
            w = self._remember(("n", token), name_idf(token, df, self.slot_count))
        return w

    def address_weight(self, token: str) -> float:
        w = self._weights.get(("a", token))
        if w is None:
            df = self._base.df("addr_df", token) - self._minus_addr[token] + self._layer._addr_df.get(token, 0)
            w = self._remember(("a", token), address_idf(token, df, self.slot_count))
        return w

    def generic_name_word(self, token: str) -> bool:
        g = self._weights.get(("g", token))
        if g is None:
            name_df = self._base.df("name_df", token) - self._minus_name[token] + self._layer._name_df.get(token, 0)
            addr_df = self._base.df("addr_df", token) - self._minus_addr[token] + self._layer._addr_df.get(token, 0)
            g = self._remember(("g", token), float(register_generic(name_df, addr_df, self.slot_count)))
        return bool(g)

    def _remember(self, key: tuple[str, str], weight: float) -> float:
        if len(self._weights) >= _WEIGHTS_KEPT:
            self._weights = {}
        self._weights[key] = weight
        return weight

    def prepared_slot(self, slot: int) -> Prepared:
        base = self._base
        if slot >= base.slots:
            return self._layer.prepared_slot(slot - base.slots)
        fac = int(base.a["slot_fac"][slot])
        cc = base.country(fac)
        return prepare_tokens(
            base.name(slot).split(),
            base.addr(slot).split(),
            "" if cc == _NO_COUNTRY else cc,
            base.idents(fac),
            base.coords(fac),
        )

    def facility_slots(self, facility_id: str) -> list[int]:
        facility_id = self.resolve(facility_id)
        if facility_id in self._layer:
            return [self._base.slots + s for s in self._layer.facility_slots(facility_id)]
        fac = self._base_fac(facility_id)
        assert fac is not None
        return self._base.fac_slots(fac)

    def facility_id_of_slot(self, slot: int) -> str:
        base = self._base
        if slot >= base.slots:
            return self._layer.facility_id_of_slot(slot - base.slots)
        fid = base.id_of(int(base.a["slot_fac"][slot]))
        assert fid is not None
        return fid

    def identifier_hits(self, identifiers: Mapping[str, str]) -> list[str]:
        out: list[str] = []
        base = self._base
        for scheme, value in identifiers.items():
            for fac in base.ident_facs(scheme + ":" + value):
                if fac not in self._gone:
                    fid = base.id_of(fac)
                    if fid is not None and fid not in out:
                        out.append(fid)
            for fid in self._layer.identifier_hits({scheme: value}):
                if fid not in out:
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
        """As :meth:`MatchIndex.candidate_slots`; slots of the layer are numbered after the snapshot's."""
        return rank_slots(
            self, query, limit=limit, use_address=use_address, posting_budget=posting_budget, min_share=min_share
        )

    # What rank_slots reads.
    def _postings(self, key: str) -> np.ndarray | None:
        found = self._base.postings(key)
        mine = self._layer._postings(key)
        if mine is None:
            return found
        mine = mine + np.uint32(self._base.slots)
        return mine if found is None else np.concatenate((found, mine))

    def _live(self, slots: np.ndarray) -> np.ndarray:
        base = self._base
        split = int(np.searchsorted(slots, base.slots))
        in_base = slots[:split]
        alive_base: np.ndarray = base.a["slot_kind"][in_base] != _KIND_DEAD
        if self._gone:
            gone = self._gone_arr
            if gone is None:
                gone = self._gone_arr = np.fromiter(self._gone, dtype=np.uint32, count=len(self._gone))
            alive_base &= ~np.isin(base.a["slot_fac"][in_base], gone)
        if split == len(slots):
            return alive_base
        alive_layer = self._layer._live(slots[split:] - base.slots)
        return np.concatenate((alive_base, alive_layer))

    def _owner(self, slot: int) -> int:
        base = self._base
        if slot >= base.slots:
            return base.facilities + self._layer._owner(slot - base.slots)
        return int(base.a["slot_fac"][slot])

    def _slot_space(self) -> int:
        return self._base.slots + self._layer._slot_space()

    def _live_countries(self) -> list[str]:
        total = Counter(self._countries)
        total.update(self._layer._countries)
        return [c for c, n in total.items() if n > 0]


def _insert(
    ix: MatchIndex,
    fid: str,
    country: str,
    coords: tuple[float, float] | None,
    idents: Mapping[str, str],
    slots: list[tuple[str, str, int]],
) -> None:
    """Put a facility with already normalised slots into ``ix`` (kinds and order kept)."""
    fac = len(ix._ids)
    ix._ids.append(fid)
    ix._by_id[fid] = fac
    ix._country.append(country)
    ix._countries[country] = ix._countries.get(country, 0) + 1
    ix._lat.append(coords[0] if coords else math.nan)
    ix._lng.append(coords[1] if coords else math.nan)
    ix._fac_slots.append([])
    ix._alive_facilities += 1
    if idents:
        ix._set_identifiers(fac, idents)
    for name_s, addr_s, kind in slots:
        if kind != _KIND_DEAD:
            ix._add_slot(fac, name_s.split(), addr_s.split(), kind)
