"""Fit the default scoring weights shipped in covenant/matching/model.py.

Training pairs come from the *development* half of the real facility lists
(``accuracy_dataset(half="dev")``) over several noise seeds: for each noisy
query, every candidate the index proposes becomes a pair labelled 1 if it is the
query's facility, else 0. The accuracy benchmark scores the other half.

Since the site-qualifier and distinctive-token features were added, pairs from
the demo sector generator are added too (``--demo-sectors``, default 101 and
102: other sector seeds than the ones ``bench_demo_sector.py`` scores, which are
2026 and 7), weighted so that they count as much as the real pairs together.
The real pairs have few branches and same-pattern names; the demo sectors have
many. ``--demo-sectors ""`` fits on the real pairs alone.

    python benchmarks/matching/fit_defaults.py [--seeds 8] [--demo-sectors 101,102]

Prints the weights as Python dict literals to paste into model.py.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench_demo_sector import REGISTER_SHARE, query_record, register_record
from datasets import accuracy_dataset

from covenant.demo.data import generate_sector
from covenant.matching import Matcher, MatchIndex, Record
from covenant.matching.features import prepare
from covenant.matching.model import LogisticModel

# Hand-set starting point. The fit pulls toward it (strength --l2), which keeps
# features the training pairs never exercise (identifiers, a differing
# country) at these values instead of zero.
PRIOR: dict[str, float] = {
    "bias": -9.0,
    "name_ratio": 2.0,
    "name_token_sort": 1.0,
    "name_token_set": 2.0,
    "name_compact": 2.0,
    "name_weighted": 5.0,
    "name_number_conflict": -2.0,
    "name_qualifier_one_side": -1.0,
    "name_distinct_conflict": -2.0,
    "address_weighted": 3.0,
    "address_token_set": 1.0,
    "address_missing": 1.5,
    "number_match": 1.0,
    "number_conflict": -1.5,
    "name_x_address": 2.0,
    "country_differs": -3.0,
    "identifier_match": 16.0,
    "identifier_conflict": -6.0,
    "geo_near": 2.0,
    "geo_far": -1.0,
}
NAME_PRIOR: dict[str, float] = {
    "bias": -10.0,
    "name_ratio": 2.5,
    "name_token_sort": 1.5,
    "name_token_set": 2.5,
    "name_compact": 2.5,
    "name_weighted": 6.0,
    "name_number_conflict": -2.0,
    "name_qualifier_one_side": -1.0,
    "name_distinct_conflict": -2.0,
    "country_differs": -3.0,
    "identifier_match": 14.0,
    "identifier_conflict": -6.0,
}


Labelled = list[tuple[Record, str | None]]


def _pairs_of(
    registry: list[Record], queries: Labelled, *, name_only: bool, xs: list[dict[str, float]], ys: list[int]
) -> None:
    index = MatchIndex()
    index.add_many(registry)
    matcher = Matcher(index)
    for query, label in queries:
        prepared = prepare(query)
        if name_only:
            prepared.address = ()
            prepared.coords = None
        cands = matcher._candidates(prepared, name_only=name_only)
        for cand in cands:
            xs.append(cand.features)
            ys.append(1 if cand.registry_id == label else 0)


def pairs(seeds: int, *, name_only: bool) -> tuple[list[dict[str, float]], list[int]]:
    xs: list[dict[str, float]] = []
    ys: list[int] = []
    for seed in range(seeds):
        registry, queries = accuracy_dataset(seed=100 + seed, half="dev")
        _pairs_of(registry, queries, name_only=name_only, xs=xs, ys=ys)
    return xs, ys


def demo_pairs(sectors: list[int], *, name_only: bool) -> tuple[list[dict[str, float]], list[int]]:
    """Pairs from demo sectors (register and queries made as in bench_demo_sector.py)."""
    xs: list[dict[str, float]] = []
    ys: list[int] = []
    for sector_seed in sectors:
        if sector_seed in (2026, 7):
            raise SystemExit("sectors 2026 and 7 are what bench_demo_sector.py scores: train on others")
        sites = list(generate_sector(sector_seed, 2000).sites)
        rng = random.Random(f"train-register/{sector_seed}")
        registered = {s.key for s in sites if rng.random() < REGISTER_SHARE}
        registry = [register_record(s) for s in sites if s.key in registered]
        qrng = random.Random(f"train-queries/{sector_seed}")
        queries: Labelled = [
            (query_record(s, qrng, f"t-{s.key}", 0.2), s.key if s.key in registered else None) for s in sites
        ]
        _pairs_of(registry, queries, name_only=name_only, xs=xs, ys=ys)
    return xs, ys


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--demo-sectors", default="101,102", help='demo sector seeds to add ("" for none)')
    args = ap.parse_args()
    sectors = [int(s) for s in args.demo_sectors.split(",") if s.strip()]
    for name_only, label in ((False, "DEFAULT_WEIGHTS"), (True, "DEFAULT_NAME_WEIGHTS")):
        xs, ys = pairs(args.seeds, name_only=name_only)
        weights = [1.0] * len(ys)
        n_real = len(ys)
        if sectors:
            dx, dy = demo_pairs(sectors, name_only=name_only)
            xs.extend(dx)
            ys.extend(dy)
            weights.extend([n_real / len(dy)] * len(dy))
        base = LogisticModel.default(name_only=name_only)
        prior = NAME_PRIOR if name_only else PRIOR
        model = base.fit(xs, ys, l2=args.l2, prior=prior, sample_weights=weights)
        print(f"# {n_real} real pairs, {len(ys) - n_real} demo pairs (sectors {sectors}), {sum(ys)} positive")
        print(f"{label}: dict[str, float] = {{")
        for k, v in model.weights.items():
            print(f'    "{k}": {v:.3f},')
        print("}")


if __name__ == "__main__":
    main()
