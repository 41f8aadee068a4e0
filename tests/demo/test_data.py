"""The demo-data generator: deterministic, plausible, and shaped like a real sector."""

from __future__ import annotations

import csv
import hashlib
import random
import re
import unicodedata
from collections import Counter
from importlib import resources

import pytest

from covenant.demo import wordlists
from covenant.demo.data import (
    KINDS,
    SPEND_BANDS,
    DemoSector,
    country_code,
    generate_sector,
    member_supplier_list,
    noisy_variant,
)
from covenant.demo.wordlists import COUNTRIES, MEMBERS, ORGS, PEOPLE
from covenant.risk.reference import DATA_DIR as RISK_DATA

ILAB_CSV = RISK_DATA / "ilab_goods.csv"  # the US DoL ILAB list the project ships (risk indicators)
SCRIPTS = {
    "CJK": r"[\u4e00-\u9fff]",
    "Thai": r"[\u0e00-\u0e7f]",
    "Bengali": r"[\u0980-\u09ff]",
    "Arabic": r"[\u0600-\u06ff]",
    "Cyrillic": r"[\u0400-\u04ff]",
    "Devanagari": r"[\u0900-\u097f]",
    "Khmer": r"[\u1780-\u17ff]",
    "Myanmar": r"[\u1000-\u109f]",
    "Ethiopic": r"[\u1200-\u137f]",
    "Hangul": r"[\uac00-\ud7af]",
    "Greek": r"[\u0370-\u03ff]",
}


@pytest.fixture(scope="module")
def sector() -> DemoSector:
    return generate_sector(seed=2026, n_sites=2000)


def test_same_seed_same_data(sector: DemoSector) -> None:
    again = generate_sector(seed=2026, n_sites=2000)
    assert again == sector
    assert repr(again) == repr(sector)
    key = sector.members[0].key
    assert member_supplier_list(sector, key, seed=3) == member_supplier_list(again, key, seed=3)


# Digests of the sector for seed 2026 (2,000 sites) and of every member's upload (seed 1),
# taken when the word lists were Python modules, before they became JSON files. They
# move only if the generator or a word list changes: if you changed either on purpose,
# check the demo still tells the same story, then put the new digests here.
PINNED_SECTOR = "582460a216fd135e6595dc39a789984e51976e556785fbfe6a3da606eb8bbedb"
PINNED_UPLOADS = "539627e79ca580ad2a374217ae600bf7bd887b44f815f40492eb413d63d5ff18"


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


def test_output_is_pinned(sector: DemoSector) -> None:
    assert _digest(sector) == PINNED_SECTOR
    uploads = [member_supplier_list(sector, m.key, seed=1) for m in sector.members]
    assert _digest(uploads) == PINNED_UPLOADS


def test_every_country_file_is_loaded() -> None:
    files = resources.files(wordlists).joinpath("data", "countries")
    on_disk = sorted(f.name.removesuffix(".json") for f in files.iterdir() if f.name.endswith(".json"))
    assert sorted(wordlists._ORDER) == on_disk
    assert len({c.code for c in COUNTRIES}) == len(on_disk)


def test_word_lists_are_tuples_all_the_way_down() -> None:
    # data.py tells tokens apart with isinstance(..., tuple); a list would slip through.
    def lists(value: object) -> int:
        if isinstance(value, list):
            return 1
        if isinstance(value, tuple):
            return sum(lists(v) for v in value)
        if isinstance(value, dict):
            return sum(lists(v) for v in value.values())
        if hasattr(value, "__dataclass_fields__"):
            return sum(lists(getattr(value, name)) for name in value.__dataclass_fields__)
        return 0

    everything = (COUNTRIES, MEMBERS, ORGS, PEOPLE, wordlists.KINDS, wordlists.LEGAL_VARIANTS)
    assert lists(everything) == 0
    assert lists(["a"]) == 1  # the walk does find a list when there is one


def test_other_seed_other_data(sector: DemoSector) -> None:
    other = generate_sector(seed=7, n_sites=2000)
    assert [s.name for s in other.sites[:50]] != [s.name for s in sector.sites[:50]]


def test_small_sectors_work() -> None:
    small = generate_sector(seed=1, n_sites=60)
    assert len(small.sites) == 60
    assert {link.site_key for link in small.links} <= {s.key for s in small.sites}


def test_size_and_spread(sector: DemoSector) -> None:
    assert len(sector.sites) >= 1900
    countries = Counter(s.country for s in sector.sites)
    assert len(countries) >= 30
    for code in ("CN", "IN", "BD", "VN", "TR", "CI", "GH", "EG", "MM", "PH", "UA", "ET", "UZ"):
        assert countries[code] > 0, code
    assert countries.most_common(1)[0][0] == "CN"
    assert countries["CN"] > countries["BD"] > countries["GH"] > countries["RU"]


def test_local_scripts(sector: DemoSector) -> None:
    names = "\n".join(s.name for s in sector.sites)
    for script, pattern in SCRIPTS.items():
        assert re.search(pattern, names), script
    for site in sector.sites:
        if site.country in ("CN", "TW", "JP"):
            assert re.search(SCRIPTS["CJK"], site.name), site.name
        if site.country == "EG":
            assert re.search(SCRIPTS["Arabic"], site.name + site.address), site.name
        if site.country in ("RU", "UA"):
            assert re.search(SCRIPTS["Cyrillic"], site.name), site.name
        if site.country == "TH":
            assert re.search(SCRIPTS["Thai"], site.name), site.name
        assert site.name_latin.isascii() or site.country not in ("CN", "TW", "JP", "KR", "TH"), site.name_latin


def test_latin_names_have_no_foreign_scripts(sector: DemoSector) -> None:
    for site in sector.sites:
        for text in (site.name_latin, site.address_latin, site.city):
            assert not any(re.search(pattern, text) for pattern in SCRIPTS.values()), text
            assert all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") or ch in "ºª" for ch in text), text


def test_subdivisions_are_well_formed(sector: DemoSector) -> None:
    for site in sector.sites:
        assert re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", site.subdivision), site.subdivision
        assert site.subdivision.startswith(site.country + "-")


def test_subdivisions_exist() -> None:
    pycountry = pytest.importorskip("pycountry")
    for country in COUNTRIES:
        assert pycountry.countries.get(alpha_2=country.code), country.code
        for city in country.cities:
            assert pycountry.subdivisions.get(code=city.subdivision), city.subdivision


def test_ilab_goods_are_verbatim_and_listed_for_the_country(sector: DemoSector) -> None:
    with ILAB_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    listed = {(r["country_iso2"], r["good"]) for r in rows}
    vocabulary = {r["good"].casefold() for r in rows}
    used: Counter[str] = Counter()
    for site in sector.sites:
        for product in site.products:
            if product.casefold() in vocabulary:
                assert (site.country, product) in listed, (site.country, product)
                used[product] += 1
    for good in ("Cocoa", "Garments", "Coffee", "Tea", "Palm Fruit", "Cotton", "Bananas", "Shrimp", "Sugarcane"):
        assert used[good] > 0, good


def test_sites_are_complete_and_plausible(sector: DemoSector) -> None:
    supplier_keys = {o.key for o in sector.suppliers}
    for site in sector.sites:
        assert site.name
        assert site.name_latin
        assert site.address
        assert site.address_latin
        assert site.city
        assert site.kind in KINDS
        assert site.sector == KINDS[site.kind].sector
        assert site.products
        assert all(site.products)
        assert site.workers > 0
        assert 0 <= site.female_share <= 1
        assert site.supplier_key in supplier_keys
        assert -60 < site.lat < 60
        assert -180 < site.lng < 180
    keys = [s.key for s in sector.sites]
    assert len(set(keys)) == len(keys)
    assert keys[0] == "site-0001"


def test_sites_lie_near_their_city(sector: DemoSector) -> None:
    by_country = {c.code: c.cities for c in COUNTRIES}
    for site in sector.sites:
        nearest = min(abs(c.lat - site.lat) + abs(c.lng - site.lng) for c in by_country[site.country])
        assert nearest < 0.5, (site.key, site.city)


def test_names_are_unique_but_near_duplicates_exist(sector: DemoSector) -> None:
    for attr in ("name", "name_latin"):
        names = [getattr(s, attr).casefold() for s in sector.sites]
        assert len(set(names)) == len(names), attr
    groups = [o for o in sector.suppliers if len(o.site_keys) > 1]
    assert groups
    by_key = {s.key: s for s in sector.sites}
    same_words = 0
    for group in groups:
        latin = [by_key[k].name_latin for k in group.site_keys]
        same_words += sum(1 for name in latin[1:] if name.split()[1:3] == latin[0].split()[1:3])
    assert same_words >= 10


def test_supplier_organisations(sector: DemoSector) -> None:
    sizes = Counter(len(o.site_keys) for o in sector.suppliers)
    assert sizes[1] > 0.8 * len(sector.suppliers)
    assert any(2 <= n <= 6 for n in sizes)
    assert max(sizes) <= 6
    by_key = {s.key: s for s in sector.sites}
    for org in sector.suppliers:
        assert all(by_key[k].supplier_key == org.key for k in org.site_keys)
    assert sum(len(o.site_keys) for o in sector.suppliers) == len(sector.sites)
    assert any(len({by_key[k].country for k in o.site_keys}) > 1 for o in sector.suppliers)
    assert len({o.domain for o in sector.suppliers}) == len(sector.suppliers)


def test_members_and_other_organisations(sector: DemoSector) -> None:
    assert len(sector.members) == 12
    assert Counter(m.size for m in sector.members) == {"large": 4, "sme": 8}
    assert {m.country for m in sector.members} <= {"NL", "DE", "BE", "GB", "FR", "DK"}
    assert len(sector.audit_firms) == 4
    assert len(sector.csos) == 3
    assert sector.secretariat.kind == "secretariat"
    orgs = [sector.secretariat, *sector.members, *sector.suppliers, *sector.audit_firms, *sector.csos]
    assert len({o.key for o in orgs}) == len(orgs)
    assert all(o.domain.endswith(".example") for o in orgs)


def test_links_share_suppliers(sector: DemoSector) -> None:
    per_site = Counter(link.site_key for link in sector.links)
    assert max(per_site.values()) >= 3
    assert sum(1 for n in per_site.values() if 2 <= n <= 5) >= 200
    pairs = Counter((link.member_key, link.site_key) for link in sector.links)
    assert max(pairs.values()) == 1
    counts = Counter(link.member_key for link in sector.links)
    for member in sector.members:
        low, high = (300, 600) if member.size == "large" else (20, 120)
        assert low <= counts[member.key] <= high, (member.key, counts[member.key])


def test_link_details(sector: DemoSector) -> None:
    tiers = Counter(link.tier for link in sector.links)
    assert set(tiers) == {1, 2, 3}
    assert tiers[1] > tiers[2] + tiers[3]
    by_key = {s.key: s for s in sector.sites}
    for link in sector.links:
        assert link.spend_band in SPEND_BANDS
        assert link.products
        assert set(link.products) <= set(by_key[link.site_key].products)
        assert 2008 <= link.start_date.year <= 2025
    linked = {link.site_key for link in sector.links} | {e.supplier_site_key for e in sector.site_edges}
    assert linked == set(by_key)


def test_site_edges(sector: DemoSector) -> None:
    by_key = {s.key: s for s in sector.sites}
    assert len(sector.site_edges) > 100
    for edge in sector.site_edges:
        buyer, supplier = by_key[edge.buyer_site_key], by_key[edge.supplier_site_key]
        assert buyer.key != supplier.key
        assert supplier.kind in KINDS[buyer.kind].upstream
        assert edge.products[0] in supplier.products
    kinds = {(by_key[e.supplier_site_key].kind, by_key[e.buyer_site_key].kind) for e in sector.site_edges}
    assert {("textile", "garment"), ("cocoa", "cocoa_processing")} <= kinds


def test_users(sector: DemoSector) -> None:
    roles = Counter((u.org_key, u.role) for u in sector.users)
    assert {role for org, role in roles if org == sector.secretariat.key} == {
        "coordinator",
        "officer",
        "grievance_handler",
        "analyst",
    }
    first = sector.members[0].key
    assert {role for org, role in roles if org == first} == {"admin", "editor", "viewer"}
    others = [*sector.audit_firms, *sector.csos, *sector.branch_associations, *sector.unions]
    for org in [*sector.members, *sector.suppliers[:10], *others]:
        assert roles[(org.key, "admin")] == 1, org.key
    emails = [u.email for u in sector.users]
    assert len(set(emails)) == len(emails)
    domains = {o.key: o.domain for o in [sector.secretariat, *sector.members, *sector.suppliers, *sector.audit_firms]}
    domains |= {o.key: o.domain for o in [*sector.csos, *sector.branch_associations, *sector.unions]}
    for user in sector.users:
        assert re.fullmatch(r"[a-z0-9]+\.[a-z0-9]+[0-9]*@[a-z0-9.-]+\.example", user.email), user.email
        assert user.email.endswith("@" + domains[user.org_key])


def test_fictional_identifiers(sector: DemoSector) -> None:
    duns = [s.duns for s in sector.sites if s.duns]
    leis = [s.lei for s in sector.sites if s.lei]
    assert 0.2 < len(duns) / len(sector.sites) < 0.4
    assert 0.05 < len(leis) / len(sector.sites) < 0.15
    assert all(re.fullmatch(r"[0-9]{9}", d) for d in duns)
    for lei in leis:
        assert re.fullmatch(r"DEMO00[0-9A-Z]{12}[0-9]{2}", lei)
        assert int("".join(str(int(ch, 36)) for ch in lei)) % 97 == 1


def test_noisy_variants_differ_but_keep_the_country(sector: DemoSector) -> None:
    rng = random.Random(11)
    variants = [(site, noisy_variant(site, rng)) for site in sector.sites]
    countries_as_names = 0
    local_names = 0
    for site, row in variants:
        assert set(row) >= {"name", "address", "country"}
        original = {
            (site.name, site.address, site.country),
            (site.name_latin, site.address_latin, site.country),
        }
        assert (row["name"], row["address"], row["country"]) not in original
        assert country_code(row["country"]) == site.country, row["country"]
        countries_as_names += row["country"].upper() != site.country
        local_names += row["name"] == site.name != site.name_latin
    assert countries_as_names > 300
    assert local_names > 50
    assert any(row["name"].isupper() for _, row in variants)
    assert any(row["name"] not in (s.name, s.name_latin) for s, row in variants)


def test_country_names_resolve() -> None:
    for text, code in [
        ("Turkije", "TR"),
        ("Ivoorkust", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Viet Nam", "VN"),
        ("cn", "CN"),
    ]:
        assert country_code(text) == code
    assert country_code("Atlantis") is None


def test_member_supplier_list(sector: DemoSector) -> None:
    member = sector.members[0].key
    rows = member_supplier_list(sector, member, seed=1)
    active = sum(1 for link in sector.member_links(member) if link.active)
    new = max(1, round(active * 0.03))
    assert len(rows) == active + new + 3
    assert all(set(row) == {"name", "address", "country", "products", "tier", "spend_band"} for row in rows)
    assert sum(1 for row in rows if not row["name"]) == 1
    assert [row["country"] for row in rows].count("Atlantis") == 1
    as_tuples = [tuple(sorted(row.items())) for row in rows]
    assert max(Counter(as_tuples).values()) >= 2
    register = {n.casefold() for s in sector.sites for n in (s.name, s.name_latin)}
    unknown = [r for r in rows if r["name"] and country_code(r["country"]) and r["name"].casefold() not in register]
    assert len(unknown) >= new
    assert {row["spend_band"] for row in rows} <= set(SPEND_BANDS)
    assert member_supplier_list(sector, member, seed=2) != rows


def test_every_country_has_names_for_people() -> None:
    codes = {c.code for c in COUNTRIES} | {m.country for m in MEMBERS} | {o.country for o in ORGS}
    assert codes <= set(PEOPLE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_keep_the_invariants(seed: int) -> None:
    other = generate_sector(seed=seed, n_sites=800)
    assert len(other.sites) == 800
    assert len({s.name_latin.casefold() for s in other.sites}) == 800
    assert len({s.name.casefold() for s in other.sites}) == 800
    assert all(s.subdivision.startswith(s.country + "-") for s in other.sites)
    assert len({s.country for s in other.sites}) >= 30
