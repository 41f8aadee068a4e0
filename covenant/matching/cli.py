"""``covenant match``: match a supplier list against a register, no database needed.

Usage::

    covenant match --registry REGISTRY.csv --list LIST.csv --out OUT.csv \\
        [--threshold-match 0.8] [--threshold-review 0.3] [--workers N] \\
        [--index-cache PATH] [--kind auto|facilities|people]

Both inputs may be CSV (any common encoding and delimiter) or XLSX, read as the
web upload reads them (``covenant.tabular``); errors name spreadsheet rows (the
header is row 1). Writes ``list_id,registry_id,score,decision,reason`` with one row
per list row, in input order.

A row it cannot use does not stop the run: a register row is skipped, a list row gets
the decision ``error`` (no registry id, no score, the reason in ``reason``); each is
reported on stderr with its row number, and the summary line counts them. Exit status:
0 when the output was written; 2 on bad usage or input it cannot match against (not a
table, a required column missing, no usable register row); 1 when a file cannot be
read or written.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from .csvio import InputError, RowProblem, person_columns, read_header, read_rows
from .index import MatchIndex
from .matcher import KINDS, Matcher, MatchResult, Thresholds, default_workers
from .records import Record

__all__ = ["main"]

OUTPUT_HEADER: tuple[str, ...] = ("list_id", "registry_id", "score", "decision", "reason")
_CACHE_KEY = "registry_sha256"
# The register rows skipped when the index was built, kept with it so a cached run reports them too.
_SKIPPED_KEY = "skipped_rows"

#: A list row: its spreadsheet row number and the record, or why it cannot be matched.
_ListRow = tuple[int, Record | RowProblem]


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
        description="Match each row of a supplier list to a facility of a register (or a list of people "
        "to a register of people: see --kind).",
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
    p.add_argument(
        "--kind",
        choices=("auto", *KINDS),
        default="auto",
        help="what the rows are. facilities: sites, where a differing name word or house number is "
        "taken for another site of the company (never an automatic match). people: persons with "
        "addresses, where such differences are mostly typing errors; the name may be given as "
        "given_name,surname (or first_name,last_name), the address in parts (street_number, address_1, "
        "suburb, postcode...), date_of_birth and soc_sec_id/national_id are compared, and country may "
        "be left out. auto (default): people when the register has a given-name, surname or "
        "date-of-birth column, else facilities",
    )
    return p


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _kind(requested: str, registry: Path, err: TextIO) -> str:
    """The kind of record to match as: ``requested``, or for ``auto`` what the register's columns say."""
    if requested != "auto":
        return requested
    marks = person_columns(read_header(registry, label=str(registry)))
    if marks:
        err.write(
            f"covenant match: {registry} has person columns ({', '.join(marks)}): matching as people "
            "(--kind facilities to override)\n"
        )
        return "people"
    return "facilities"


def _build_index(
    registry: Path, cache: Path | None, err: TextIO, workers: int = 1, kind: str = "facilities"
) -> tuple[MatchIndex, list[tuple[int, str]]]:
    """The index of the usable register rows, and the ``(row, reason)`` of those skipped.

    The skipped rows are reported on ``err`` here, so they are named even when no row is left.
    """
    # The kind changes how rows are read (a person needs no country), so it is part of the key.
    fingerprint = _file_sha256(registry) + ("" if kind == "facilities" else f":{kind}")
    if cache is not None and cache.exists():
        try:
            index = MatchIndex.load(cache)
        except (ValueError, OSError) as exc:
            err.write(f"covenant match: ignoring index cache {cache}: {exc}\n")
        else:
            if index.meta.get(_CACHE_KEY) == fingerprint:
                cached = [(int(row), str(reason)) for row, reason in json.loads(index.meta.get(_SKIPPED_KEY, "[]"))]
                _report_skipped(err, registry, cached)
                return index, cached
            err.write(f"covenant match: {cache} was built from another registry; rebuilding\n")
    index = MatchIndex()
    first_row: dict[str, int] = {}
    skipped: list[tuple[int, str]] = []

    def usable() -> Iterator[Record]:
        for number, item in read_rows(registry, label=str(registry), people=kind == "people"):
            if isinstance(item, RowProblem):
                skipped.append((number, item.reason))
            elif item.id in first_row:
                skipped.append((number, f"duplicate id {item.id!r} (first on row {first_row[item.id]})"))
            else:
                first_row[item.id] = number
                yield item

    index.add_many(usable(), workers=workers)
    _report_skipped(err, registry, skipped)
    if len(index) == 0:
        raise InputError(f"{registry}: no usable register row ({len(skipped)} skipped)")
    index.meta[_CACHE_KEY] = fingerprint
    index.meta[_SKIPPED_KEY] = json.dumps(skipped)
    if cache is not None:
        index.save(cache)
    return index, skipped


def _report_skipped(err: TextIO, registry: Path, skipped: list[tuple[int, str]]) -> None:
    for number, reason in skipped:
        err.write(f"covenant match: {registry}: row {number}: {reason} (register row skipped)\n")


def _write_results(out: Path, rows: list[_ListRow], results: dict[int, MatchResult]) -> None:
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(OUTPUT_HEADER)
        for number, item in rows:
            if isinstance(item, RowProblem):
                writer.writerow((item.id, "", "", "error", f"row {number}: {item.reason}"))
                continue
            res = results[number]
            score = min(max(res.score, 0.0), 1.0)
            registry_id = res.registry_id if res.decision != "new" and res.registry_id else ""
            writer.writerow((item.id, registry_id, f"{score:.4f}", res.decision, ""))
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
        kind = _kind(args.kind, args.registry, err)
        index, skipped = _build_index(args.registry, args.index_cache, err, workers=args.workers, kind=kind)
        rows: list[_ListRow] = list(read_rows(args.list_path, label=str(args.list_path), people=kind == "people"))
        for number, item in rows:
            if isinstance(item, RowProblem):
                err.write(f"covenant match: {args.list_path}: row {number}: {item.reason} (decision error)\n")
        usable = [(number, item) for number, item in rows if isinstance(item, Record)]
        matcher = Matcher(index, thresholds, kind=kind)
        progress: Callable[[int, int], None] = _Progress(err, "matching")
        matched = matcher.match_many([item for _, item in usable], workers=args.workers, progress=progress)
        results = {number: res for (number, _), res in zip(usable, matched, strict=True)}
        _write_results(args.out, rows, results)
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
    counts = Counter(r.decision for r in matched)
    seconds = time.monotonic() - started
    err.write(
        f"covenant match: {len(rows)} rows: {counts['match']} match, "
        f"{counts['review']} review, {counts['new']} new, {len(rows) - len(usable)} error; "
        f"{len(skipped)} register rows skipped, in {seconds:.1f} s\n"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
