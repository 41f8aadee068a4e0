"""Shared set-up for the risk benchmarks: Django on the database in DATABASE_URL, synthetic sites.

The data is synthetic (say so when quoting figures): countries from the ITUC file, sectors
from the sector baseline, and for a quarter of the sites a good that ILAB lists for that
country, so that profiles are as varied as in a real register.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "covenant.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from covenant.risk.reference import builtin_values  # noqa: E402
from covenant.risk.scoring import SECTOR_BASELINE  # noqa: E402

SECTORS = [s.title() for s in SECTOR_BASELINE] + ["", "Other"]


def countries_and_goods() -> tuple[list[str], dict[str, list[str]]]:
    values = builtin_values()
    countries = sorted({c for c, *_ in values["ituc-gri"]} | {c for c, *_ in values["wb-income"]})
    goods: dict[str, list[str]] = {}
    for code in ("ilab-child", "ilab-forced"):
        for c, g, *_ in values[code]:
            goods.setdefault(c, []).append(g.title())
    return countries, goods


def synthetic_sites(n: int, seed: int = 4) -> list[tuple[str, str, list[str]]]:
    rng = random.Random(seed)
    countries, goods = countries_and_goods()
    out = []
    for _ in range(n):
        cc = rng.choice(countries)
        products = ["Item"]
        if cc in goods and rng.random() < 0.25:
            products = [rng.choice(goods[cc]), "Item"]
        out.append((cc, rng.choice(SECTORS), products))
    return out


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Run with DATABASE_URL=postgres://… (the figures are for PostgreSQL).")


def insert_facilities(sites: list[tuple[str, str, list[str]]], prefix: str = "BX") -> float:
    """COPY synthetic facilities into the register (fast, bypasses the services on purpose)."""
    import json

    from django.utils import timezone

    started = time.perf_counter()
    now = timezone.now()
    if connection.vendor != "postgresql":
        # SQLite (bench_overview.py runs there too): the ORM in batches.
        from covenant.registry.models import Facility

        Facility.objects.bulk_create(
            (
                Facility(
                    public_id=f"{prefix}{i:011d}",
                    name=f"Site {i}",
                    address="",
                    country=cc,
                    subdivision="",
                    sector=sector,
                    products=products,
                    status="active",
                    confirmation="register",
                    created_at=now,
                    updated_at=now,
                )
                for i, (cc, sector, products) in enumerate(sites)
            ),
            batch_size=2000,
        )
        return time.perf_counter() - started
    cols = (
        "public_id, name, address, country, subdivision, sector, products, status, confirmation, created_at, updated_at"
    )
    with connection.cursor() as cur, cur.cursor.copy(f"COPY registry_facility ({cols}) FROM STDIN") as copy:
        for i, (cc, sector, products) in enumerate(sites):
            copy.write_row(
                (
                    f"{prefix}{i:011d}",
                    f"Site {i}",
                    "",
                    cc,
                    "",
                    sector,
                    json.dumps(products),
                    "active",
                    "register",
                    now,
                    now,
                )
            )
    return time.perf_counter() - started
