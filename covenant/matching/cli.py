"""``covenant match``: match a supplier list against a register, no database needed.

Usage::

    covenant match --registry REGISTRY.csv --list LIST.csv --out OUT.csv \\
        [--threshold-match 0.8] [--threshold-review 0.3] [--workers N] \\
        [--index-cache PATH]

Both inputs may be CSV (any common encoding and delimiter) or XLSX, read as the
web upload reads them (``covenant.tabular``); errors name spreadsheet rows (the
header is row 1). Writes ``list_id,registry_id,score,decision`` with one row per
list row, in input order. Exit status: 0 on success, 2 on bad usage or bad input,
1 when a file cannot be read or written.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from .csvio import InputError, read_records
from .index import MatchIndex
from .matcher import Matcher, MatchResult, Thresholds, default_workers
from .records import Record

__all__ = ["main"]

OUTPUT_HEADER: tuple[str, str, str, str] = ("list_id", "registry_id", "score", "decision")
_CACHE_KEY = "registry_sha256"


class _Progress:
    """A plain progress bar on a terminal; silent when stderr is not one."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.enabled = stream.isatty()
        self.start = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        rate = done / max(now - self.start, 1e-9)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {rate:,.0f} rows/s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="covenant match",
        description="Match each row of a supplier list to a facility of a register.",
    )
    p.add_argument("--registry", required=True, type=Path, help="register, CSV or XLSX (id,name,address,country)")
    p.add_argument("--list", required=True, type=Path, dest="list_path", help="supplier list, CSV or XLSX")
    p.add_argument("--out", required=True, type=Path, help="output CSV")
    d = Thresholds()
    p.add_argument(
        "--threshold-match",
        type=float,
        default=d.match,
        help=f"score for an automatic match (default {d.match})",
    )
    p.add_argument(
        "--threshold-review",
        type=float,
        default=d.review,
        help=f"score below which a row is a new facility (default {d.review})",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="worker processes (default: number of CPUs)",
    )
    p.add_argument("--index-cache", type=Path, help="save the built index here and reuse it")
    return p


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _build_index(registry: Path, cache: Path | None, err: TextIO, workers: int = 1) -> MatchIndex:
    fingerprint = _file_sha256(registry)
    if cache is not None and cache.exists():
        try:
            index = MatchIndex.load(cache)
        except (ValueError, OSError) as exc:
            err.write(f"covenant match: ignoring index cache {cache}: {exc}\n")
        else:
            if index.meta.get(_CACHE_KEY) == fingerprint:
                return index
            err.write(f"covenant match: {cache} was built from another registry; rebuilding\n")
    index = MatchIndex()
    seen: set[str] = set()

    def unique() -> Iterator[Record]:
        for rec in read_records(registry, label=str(registry)):
            if rec.id in seen:
                raise InputError(f"{registry}: duplicate id {rec.id!r}")
            seen.add(rec.id)
            yield rec

    index.add_many(unique(), workers=workers)
    index.meta[_CACHE_KEY] = fingerprint
    if cache is not None:
        index.save(cache)
    return index


def _write_results(out: Path, ids: list[str], results: list[MatchResult]) -> None:
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(OUTPUT_HEADER)
        for list_id, res in zip(ids, results, strict=True):
            score = min(max(res.score, 0.0), 1.0)
            registry_id = res.registry_id if res.decision != "new" and res.registry_id else ""
            writer.writerow((list_id, registry_id, f"{score:.4f}", res.decision))
    os.replace(tmp, out)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``covenant match``; returns the process exit status."""
    err = sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return int(exc.code or 0)
    try:
        thresholds = Thresholds(match=args.threshold_match, review=args.threshold_review)
    except ValueError as exc:
        err.write(f"covenant match: {exc}\n")
        return 2
    if args.workers < 1:
        err.write("covenant match: --workers must be at least 1\n")
        return 2
    started = time.monotonic()
    try:
        index = _build_index(args.registry, args.index_cache, err, workers=args.workers)
        rows = list(read_records(args.list_path, label=str(args.list_path)))
        matcher = Matcher(index, thresholds)
        progress: Callable[[int, int], None] = _Progress(err, "matching")
        results = matcher.match_many(rows, workers=args.workers, progress=progress)
        _write_results(args.out, [r.id for r in rows], results)
    except InputError as exc:
        err.write(f"covenant match: {exc}\n")
        return 2
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        err.write(f"covenant match: cannot access{where}: {exc.strerror or exc}\n")
        return 1
    except KeyboardInterrupt:
        err.write("covenant match: interrupted\n")
        return 130
    counts = Counter(r.decision for r in results)
    seconds = time.monotonic() - started
    err.write(
        f"covenant match: {len(rows)} rows: {counts['match']} match, "
        f"{counts['review']} review, {counts['new']} new in {seconds:.1f} s\n"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
