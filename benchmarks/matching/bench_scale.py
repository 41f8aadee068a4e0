"""Scale: build, memory, save/load, single-row latency and list throughput.

The register is synthetic (``datasets.synthetic_registry``: real name and
address parts recombined per country, from a fixed seed); queries are noisy
supplier-list renderings of registered facilities.

    python benchmarks/matching/bench_scale.py [--size 1000000] [--list 10000] [--workers 2]

Prints: build seconds (index work only, and with record generation), peak RSS
after the build, index file size, save and load seconds (load in a fresh
process, with its own peak RSS), p50/p95/p99 single-row latency over 1,000
rows, and seconds for a list of ``--list`` rows with ``--workers`` processes,
plus how often the true facility was the decision.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from datasets import load_real, noisy, synthetic_registry  # noqa: E402

from benchmarks._stats import percentile  # noqa: E402
from covenant.matching import Matcher, MatchIndex, Record  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--list", type=int, default=10_000, dest="list_size")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    reals = load_real()

    # Keep a sample of registered facilities to build queries from, without
    # holding the whole register in memory twice.
    want = args.list_size + 1000
    sample: list[Record] = []
    index = MatchIndex()
    generating = 0.0

    def registry() -> Iterator[Record]:
        nonlocal generating
        records = synthetic_registry(args.size, seed=args.seed, reals=reals)
        for i in itertools.count():
            t = time.perf_counter()
            rec = next(records, None)
            if rec is None:
                return
            if len(sample) < want:
                sample.append(rec)
            elif rng.random() < want / (i + 1):
                sample[rng.randrange(want)] = rec
            generating += time.perf_counter() - t
            yield rec

    t0 = time.perf_counter()
    # The build normalises names and addresses in --workers processes (MatchIndex.add_many).
    index.add_many(registry(), workers=args.workers)
    total = time.perf_counter() - t0
    build = total - generating
    rss_build = rss_mb()
    print(f"register: {len(index):,} facilities, {len(index._post):,} posting keys")
    print(f"build: {build:.1f} s index work, {total:.1f} s with record generation")
    print(f"peak RSS after build: {rss_build:,.0f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.idx"
        t = time.perf_counter()
        index.save(path)
        save_s = time.perf_counter() - t
        size_mb = path.stat().st_size / 1e6
        probe = (
            "import resource, sys, time; sys.path.insert(0, sys.argv[2]);"
            "from covenant.matching import MatchIndex;"
            "t = time.perf_counter(); i = MatchIndex.load(sys.argv[1]); d = time.perf_counter() - t;"
            "print(f'{d:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {len(i)}')"
        )
        out = subprocess.run(
            [sys.executable, "-c", probe, str(path), str(ROOT)], check=True, capture_output=True, text=True
        ).stdout.split()
    print(f"save: {save_s:.1f} s, file {size_mb:,.0f} MB; load (fresh process): {out[0]} s, peak RSS {out[1]} MB")

    matcher = Matcher(index)
    queries = [(noisy(r, rng, new_id=f"q{i}", strength=rng.choice((1, 2, 3))), r.id) for i, r in enumerate(sample)]
    single = queries[:1000]
    lat: list[float] = []
    hits = 0
    for q, label in single:
        t = time.perf_counter()
        res = matcher.match(q)
        lat.append((time.perf_counter() - t) * 1000)
        hits += res.registry_id == label
    print(
        f"single row: p50 {percentile(lat, 50):.1f} ms, p95 {percentile(lat, 95):.1f} ms, "
        f"p99 {percentile(lat, 99):.1f} ms (true facility proposed first: {hits / len(single):.1%})"
    )
    rows = [q for q, _ in queries[1000 : 1000 + args.list_size]]
    labels = [label for _, label in queries[1000 : 1000 + args.list_size]]
    t = time.perf_counter()
    results = matcher.match_many(rows, workers=args.workers)
    secs = time.perf_counter() - t
    decided = sum(
        1 for r, label in zip(results, labels, strict=True) if r.decision == "match" and r.registry_id == label
    )
    wrong = sum(1 for r, label in zip(results, labels, strict=True) if r.decision == "match" and r.registry_id != label)
    review = sum(1 for r in results if r.decision == "review")
    print(
        f"list of {len(rows):,} rows with {args.workers} workers: {secs:.1f} s "
        f"({len(rows) / secs:,.0f} rows/s); correct match {decided / len(rows):.1%}, "
        f"wrong match {wrong / len(rows):.2%}, review {review / len(rows):.1%}"
    )
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: parent {rss_mb():,.0f} MB, largest worker {children:,.0f} MB (shared pages counted in both)")
    print(f"cpu: {os.cpu_count()} logical")


if __name__ == "__main__":
    main()
