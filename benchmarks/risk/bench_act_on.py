"""Benchmark: the pages a member acts on risk from, in its own view (issue 14, "act on it").

Reuses the sector of ``benchmarks/audits/bench_coverage.py`` (20,000 sites linked to the
measured member, 100,000 audits, 60 % shared with it; built once per database) and gives the
member ``--overrides`` risk overrides (its own view then differs from the stored picture on
that many sites, which ``risk/lists.py`` corrects in SQL). It times, through Django's test
client (middleware, selector, template: the server time a person waits for), the coverage
page, its high-risk gaps sorted by risk, the supply chain, the chain filtered by band and
topic and sorted by risk, the chain's 20,000-row CSV and the corrective actions, and prints
p50/p95 over ``--runs`` requests after one warm-up.

    python benchmarks/risk/bench_act_on.py --overrides 0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/act_on_bench python benchmarks/risk/bench_act_on.py --overrides 2000
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audits"))

import bench_coverage

from benchmarks._stats import percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--overrides", type=int, default=0, help="risk overrides of the member (a tenth: 2000)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", default=None, help="COVENANT_DATA_DIR (SQLite file lives there)")
    args = parser.parse_args()

    bench_coverage._setup(args.data_dir)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from covenant.accounts.models import User
    from covenant.orgs.models import Organisation
    from covenant.registry.models import SupplyLink
    from covenant.risk.models import RiskOverride, Topic

    if not Organisation.objects.filter(slug=bench_coverage.MARKER).exists():
        bench_coverage._build(20_000, 100_000, 5)
    member = Organisation.objects.get(slug=bench_coverage.MARKER)
    RiskOverride.objects.filter(org=member).delete()
    if args.overrides:
        wages = Topic.objects.get(code="wages")
        ids = SupplyLink.objects.filter(org=member).values_list("facility_id", flat=True)[: args.overrides]
        review_on = date.today() + timedelta(days=300)
        RiskOverride.objects.bulk_create(
            RiskOverride(
                org=member, facility_id=f, topic=wages, score=(f % 100) / 10, justification="bench", review_on=review_on
            )
            for f in ids
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    client = Client()
    user = User.objects.get(email="bench@member.example")
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    gaps = {"state": "gap", "band": "high_plus", "sort": "risk"}
    wages_high = {"band": "high_plus", "topic": "wages", "sort": "risk"}
    pages = [
        ("coverage", reverse("audits:coverage"), {}),
        ("coverage: high+ gaps by risk", reverse("audits:coverage"), gaps),
        ("supply chain", reverse("registry:chain"), {}),
        ("chain: high+ on wages, by risk", reverse("registry:chain"), wages_high),
        ("chain CSV by risk (all rows)", reverse("registry:chain_export"), {"format": "csv", "sort": "risk"}),
        ("corrective actions, open, by risk", reverse("audits:caps"), {"show": "open", "sort": "risk"}),
    ]  # fmt: skip
    print(f"{connection.vendor}, {args.overrides} overrides, {args.runs} runs after one warm-up")
    for name, url, query in pages:
        client.get(url, query)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get(url, query)
            if response.streaming:
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        print(f"  {name}: p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms")


if __name__ == "__main__":
    main()
