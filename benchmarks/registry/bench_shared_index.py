"""The register's match index shared between web workers: memory of 1 and of 4 workers.

    python benchmarks/registry/bench_shared_index.py [--size 1000000] [--workers 1,4] [--lookups 300]

1. Builds a MatchIndex of ``--size`` synthetic facilities (benchmarks/matching/datasets.py,
   fixed seed) and writes it as the register's shared snapshot
   (``DATA_DIR/matching/register.idx``, ``covenant.matching.shared``) in a temporary data
   directory. Prints build seconds, peak RSS, snapshot write seconds and size.
2. In this process, maps the snapshot (as every web and task process does) and times
   single-row lookups (p50/p95/p99 over 1,000 noisy rows of registered sites) and a
   list of ``--list`` rows with 2 workers, against the mapped index.
3. Makes a temporary SQLite database (migrated; one member organisation, one person,
   one API token) whose change log is empty, so the snapshot fits it; then for each
   count in ``--workers`` starts gunicorn the way ``covenant serve`` does (the same
   config, ``python:covenant.gunicorn_conf``: application and index loaded in the
   master before forking), sends ``--lookups`` × workers requests to
   ``POST /api/v1/facilities/match`` from as many client threads as workers, and
   reads PSS (proportional set size, ``/proc/<pid>/smaps_rollup``) of the master and
   each worker. Prints the sums and the ratio of the largest count to the first.

PSS divides each shared page between the processes that map it, so the sum over
the master and workers is the memory the server really takes.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "benchmarks" / "matching"))
sys.path.insert(0, str(ROOT))

from datasets import load_real, noisy, synthetic_registry  # noqa: E402

from benchmarks._stats import percentile  # noqa: E402
from covenant.matching import Matcher, MatchIndex, Record  # noqa: E402
from covenant.matching.shared import SharedIndex, write_snapshot  # noqa: E402

SETUP = """
import django, sys
django.setup()
from django.contrib.auth import get_user_model
from covenant.accounts.models import ApiToken
from covenant.accounts.services import TOKEN_PREFIX, hash_secret
from covenant.orgs.models import Membership, Organisation
from covenant.core.roles import OrgKind, Role
org = Organisation.objects.create(name="Bench Member", slug="bench-member", kind=OrgKind.MEMBER)
user = get_user_model().objects.create_user(email="bench@example.org", password=sys.argv[2])
Membership.objects.create(user=user, org=org, role=Role.ADMIN)
ApiToken.objects.create(org=org, user=user, name="bench", prefix=sys.argv[1], token_hash=hash_secret(sys.argv[2]))
"""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pss_kb(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3 and parts[0].rstrip(":") in ("Rss", "Pss", "Pss_Anon", "Pss_File", "Shared_Clean"):
                out[parts[0].rstrip(":")] = int(parts[1])
    return out


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server on port {port} did not come up in {timeout:.0f} s")


def lookups(port: int, token: str, queries: list[Record], threads: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()

    def run(part: list[Record]) -> None:
        nonlocal failures
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for q in part:
            body = json.dumps({"name": q.name, "address": q.address, "country": q.country})
            t = time.perf_counter()
            conn.request(
                "POST",
                "/api/v1/facilities/match",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            resp = conn.getresponse()
            resp.read()
            ms = (time.perf_counter() - t) * 1000
            with lock:
                latencies.append(ms)
                failures += resp.status != 200
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    parts = [queries[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=run, args=(p,)) for p in parts]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return latencies, failures


def serve(
    env: dict[str, str], workers: int, token: str, queries: list[Record], ready_timeout: float
) -> dict[str, float]:
    port = free_port()
    # The argv of `covenant serve` (core/management/commands/serve.py), without its access log.
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "covenant.wsgi:application",
        "--config",
        "python:covenant.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        "1",
        "--timeout",
        "300",
    ]
    t = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_ready(port, ready_timeout)
        up = time.perf_counter() - t
        while len(children(proc.pid)) < workers:
            time.sleep(0.2)
        idle = {pid: pss_kb(pid) for pid in [proc.pid, *children(proc.pid)]}
        lat, failures = lookups(port, token, queries, threads=workers)
        time.sleep(1)
        busy = {pid: pss_kb(pid) for pid in [proc.pid, *children(proc.pid)]}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    if "Traceback" in (err or ""):
        print(err[-3000:], file=sys.stderr)
    master = proc.pid
    res = {
        "up_s": up,
        "idle_total_mb": sum(v["Pss"] for v in idle.values()) / 1024,
        "total_mb": sum(v["Pss"] for v in busy.values()) / 1024,
        "master_mb": busy[master]["Pss"] / 1024,
        "workers_mb": sum(v["Pss"] for p, v in busy.items() if p != master) / 1024,
        "file_mb": sum(v.get("Pss_File", 0) for v in busy.values()) / 1024,
        "anon_mb": sum(v.get("Pss_Anon", 0) for v in busy.values()) / 1024,
        "rss_worker_mb": max(v["Rss"] for p, v in busy.items() if p != master) / 1024,
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "failures": failures,
        "requests": len(lat),
    }
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--workers", default="1,4", help="worker counts to start, comma-separated")
    ap.add_argument("--lookups", type=int, default=300, help="requests per worker")
    ap.add_argument("--list", type=int, default=10_000, dest="list_size")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    counts = [int(c) for c in args.workers.split(",")]
    rng = random.Random(args.seed)
    reals = load_real()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")

    want = args.list_size + 1000 + max(counts) * args.lookups
    sample: list[Record] = []

    def registry() -> Iterator[Record]:
        for i, rec in enumerate(synthetic_registry(args.size, seed=args.seed, reals=reals)):
            if len(sample) < want:
                sample.append(rec)
            elif rng.random() < want / (i + 1):
                sample[rng.randrange(want)] = rec
            yield rec

    with tempfile.TemporaryDirectory(prefix="covenant-shared-") as tmp:
        data = Path(tmp)
        t = time.perf_counter()
        index = MatchIndex()
        index.add_many(registry(), workers=2)
        build = time.perf_counter() - t
        print(
            f"build: {len(index):,} facilities in {build:.1f} s (with record generation); "
            f"peak RSS {peak_rss_mb():,.0f} MB"
        )
        queries = [(noisy(r, rng, new_id=f"q{i}", strength=rng.choice((1, 2, 3))), r.id) for i, r in enumerate(sample)]
        plain = Matcher(index)
        lat_plain = []
        for q, _label in queries[:1000]:
            t = time.perf_counter()
            plain.match(q)
            lat_plain.append((time.perf_counter() - t) * 1000)
        print(
            f"single row (plain MatchIndex, for comparison): p50 {percentile(lat_plain, 50):.1f} ms, "
            f"p95 {percentile(lat_plain, 95):.1f} ms, p99 {percentile(lat_plain, 99):.1f} ms"
        )
        del plain
        path = data / "matching" / "register.idx"
        t = time.perf_counter()
        write_snapshot(index, path, meta={"seq": 0, "change": ""})
        print(
            f"snapshot: written in {time.perf_counter() - t:.1f} s, {path.stat().st_size / 1e6:,.0f} MB; "
            f"peak RSS {peak_rss_mb():,.0f} MB"
        )
        del index
        gc.collect()

        t = time.perf_counter()
        shared = SharedIndex.open(path)
        print(f"map the snapshot: {(time.perf_counter() - t) * 1000:.0f} ms")
        matcher = Matcher(shared)  # type: ignore[arg-type]
        lat: list[float] = []
        hits = 0
        for q, label in queries[:1000]:
            t = time.perf_counter()
            res = matcher.match(q)
            lat.append((time.perf_counter() - t) * 1000)
            hits += res.registry_id == label
        print(
            f"single row (mapped snapshot): p50 {percentile(lat, 50):.1f} ms, p95 {percentile(lat, 95):.1f} ms, "
            f"p99 {percentile(lat, 99):.1f} ms (true facility first {hits / 1000:.1%})"
        )
        rows = queries[1000 : 1000 + args.list_size]
        t = time.perf_counter()
        results = matcher.match_many([q for q, _ in rows], workers=2)
        secs = time.perf_counter() - t
        right = sum(
            1 for r, (_q, label) in zip(results, rows, strict=True) if r.decision == "match" and r.registry_id == label
        )
        print(
            f"list of {len(rows):,} rows, 2 workers (mapped snapshot): {secs:.1f} s; "
            f"correct match {right / len(rows):.1%}"
        )
        del matcher, shared
        gc.collect()

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "covenant.settings",
            "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
            "COVENANT_DATA_DIR": str(data),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        subprocess.run([sys.executable, "-m", "covenant.cli", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
        subprocess.run([sys.executable, "-c", SETUP, prefix, secret], cwd=ROOT, env=env, check=True)
        token = f"cov_{prefix}_{secret}"

        api_queries = [q for q, _ in queries[1000 + args.list_size :]]
        found: dict[int, dict[str, float]] = {}
        for n in counts:
            r = serve(env, n, token, api_queries[: n * args.lookups], ready_timeout=600)
            found[n] = r
            print(
                f"{n} worker(s): up in {r['up_s']:.1f} s; PSS idle {r['idle_total_mb']:,.0f} MB, after "
                f"{r['requests']} lookups {r['total_mb']:,.0f} MB (master {r['master_mb']:,.0f}, workers "
                f"{r['workers_mb']:,.0f}; file-backed {r['file_mb']:,.0f}, anonymous {r['anon_mb']:,.0f}); "
                f"largest worker RSS {r['rss_worker_mb']:,.0f} MB; HTTP p50/p95 {r['p50']:.1f}/{r['p95']:.1f} ms; "
                f"failures {r['failures']}"
            )
        if len(counts) > 1:
            first, last = found[counts[0]], found[counts[-1]]
            print(
                f"ratio {counts[-1]} / {counts[0]} worker(s), master included: "
                f"{last['total_mb'] / first['total_mb']:.2f} "
                f"(idle {last['idle_total_mb'] / first['idle_total_mb']:.2f}); workers only: "
                f"{last['workers_mb'] / first['workers_mb']:.2f}"
            )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
