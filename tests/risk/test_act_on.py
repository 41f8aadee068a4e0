"""Issue 14 item 6: act on it. The supply chain, coverage and corrective-action pages filter
and sort by band and topic, their exports and API lists carry the risk columns, and coverage
lists the high-risk sites without a recognised audit.

Bands are the member's own view (stored picture, its overrides, evidence it may read):
another member's overrides and evidence never move them, and another member's sites never
appear. Expected values are computed with the one rule (``risk.evidence.member_scores`` over
the stored ``SiteRisk``), never written down.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from covenant.audits import selectors as audit_selectors
from covenant.audits import services as audit_services
from covenant.audits.models import Audit, CorrectiveAction, SchemeVersion
from covenant.core.actors import Actor
from covenant.registry.models import Facility
from covenant.risk import engine
from covenant.risk import services as risk_services
from covenant.risk.evidence import member_scores
from covenant.risk.interface import BAND_NAMES
from covenant.risk.models import SiteRisk
from tests.conftest import World, actor_of, client_for, make_org, make_user
from tests.factories import link, make_facility, smeta_audit

SMETA = ("smeta", "7.0-4p")


@pytest.fixture
def chain(world: World) -> World:
    """Both members source from twelve sites and a Dutch plant with its own supplier; member B
    alone from one more site (marked canary-b)."""
    owner = make_org("Rotterdam Knitwear", "supplier", country="NL")
    world.extras["owner_admin"] = make_user(owner, "admin", "admin@rotterdam-knitwear.example")
    site = make_facility("Rotterdam Knitwear Plant", "NL", "Waalhaven 1, Rotterdam", sector="Apparel")
    Facility.objects.filter(pk=site.pk).update(owner=owner)
    site.refresh_from_db()
    link(world.member_a, site, tier=1)
    link(world.member_b, site, tier=1)
    for i, (cc, sector) in enumerate([("BD", "Apparel"), ("CN", "Apparel"), ("CI", "Agriculture")] * 4):
        other = make_facility(f"Site {i:02d} {cc}", cc, sector=sector, products=["Cocoa"] if cc == "CI" else [])
        link(world.member_a, other, tier=1 + i % 2)
        link(world.member_b, other, tier=1 + i % 2)
    b_only = make_facility("canary-b Spinning Mill", "PK", sector="Textiles")
    link(world.member_b, b_only, tier=1)
    engine.recompute_all()
    world.extras.update(site=site, b_only=b_only)
    return world


def _view(actor: Actor, topic: str = "") -> dict[int, tuple[int, float, str]]:
    """Each of the actor's sites as it sees it: (band, score, top topic), or with a topic that
    topic's (band, score): the stored picture, then the sites ``member_scores`` returns."""
    from covenant.registry.interface import own_links
    from covenant.risk.scoring import band_index

    ids = list(own_links(actor).values_list("facility_id", flat=True))
    out = {}
    for r in SiteRisk.objects.filter(facility_id__in=ids).select_related("profile"):
        scores = r.adjusted or r.profile.scores
        if topic:
            out[r.facility_id] = (band_index(scores[topic]), round(scores[topic], 2), topic)
        else:
            out[r.facility_id] = (r.band, round(r.score, 2), r.top_topic)
    for fid, mine in member_scores(actor, ids).items():
        if topic:
            out[fid] = (band_index(mine.scores[topic]), round(mine.scores[topic], 2), topic)
        else:
            out[fid] = (mine.summary.band, round(mine.summary.score, 2), mine.summary.top_topic)
    return out


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _severe(world: World) -> Audit:
    # Section 2 is freedom of association, section 5 wages: open findings raise both.
    return smeta_audit(
        world,
        world.extras["site"],
        [
            audit_services.FindingInput("2", "critical", "marker-x union members dismissed", "Works Councils Act"),
            audit_services.FindingInput("2", "major", "marker-x no collective agreement offered"),
            audit_services.FindingInput("5", "major", "marker-x overtime unpaid"),
        ],
    )


def _accept_smeta(world: World) -> None:
    audit_services.set_policy(
        actor_of(world.coordinator),
        version_ids=[SchemeVersion.objects.get(scheme__code=SMETA[0], version=SMETA[1]).pk],
        max_age_months=36,
        require_qualified_auditor=False,
        required_pillars=[],
        accept_self_reported=True,
    )


def _high_in_a(world: World) -> Facility:
    """A site member A judges very high on wages (its own override); B leaves it as stored."""
    low = min(
        Facility.objects.filter(name__startswith="Site "),
        key=lambda f: (SiteRisk.objects.get(facility=f).band, f.name),
    )
    risk_services.set_override(actor_of(world.admin_a), low, "wages", 9.9, "Seen on site")
    return low


# --- Supply chain ----------------------------------------------------------------------------


def test_supply_chain_filters_sorts_and_exports_by_the_members_band(chain: World) -> None:
    a = actor_of(chain.admin_a)
    high = _high_in_a(chain)
    client = client_for(chain.admin_a)
    view = _view(a)
    assert view[high.pk][0] == 3

    # Sorted worst first: bands then scores never rise down the list; the export keeps the order.
    rows = _csv(client.get(reverse("registry:chain_export"), {"format": "csv", "sort": "risk"}))
    ids = {f.public_id: f.pk for f in Facility.objects.all()}
    keys = [(view[ids[r["facility_id"]]][0], view[ids[r["facility_id"]]][1]) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert rows[0]["facility_id"] == high.public_id
    for r in rows:
        band, score, top = view[ids[r["facility_id"]]]
        assert (r["risk_band"], float(r["risk_score"]), r["risk_top_topic"]) == (BAND_NAMES[band], score, top)

    # Filtered by band: exactly the sites in that band in A's view.
    for band in ("very_high", "low", "high_plus"):
        wanted = {
            fid for fid, (b, _s, _t) in view.items() if (b >= 2 if band == "high_plus" else BAND_NAMES[b] == band)
        }
        got = _csv(client.get(reverse("registry:chain_export"), {"format": "csv", "band": band}))
        assert {ids[r["facility_id"]] for r in got} == wanted, band
        page = client.get(reverse("registry:chain"), {"band": band})
        assert page.status_code == 200
        assert all(Facility.objects.get(pk=fid).name in page.content.decode() for fid in wanted)

    # A topic: its score and band, the filter and the sort follow it.
    by_topic = _view(a, "forced_labour")
    got = _csv(
        client.get(reverse("registry:chain_export"), {"format": "csv", "topic": "forced_labour", "sort": "risk"})
    )
    assert [float(r["risk_topic_score"]) for r in got] == sorted((s for _b, s, _t in by_topic.values()), reverse=True)
    assert all(r["risk_topic"] == "forced_labour" for r in got)
    page = client.get(reverse("registry:chain"), {"topic": "forced_labour", "sort": "risk"}).content.decode()
    assert "Forced labour score" in page

    # The API: the same filters, the columns on each item; an unknown value is refused.
    api = client.get(reverse("api:supply_chain"), {"band": "very_high", "sort": "risk"}).json()
    very_high = {Facility.objects.get(pk=fid).public_id for fid, (b, _s, _t) in view.items() if b == 3}
    assert {i["facility"] for i in api["items"]} == very_high and api["items"][0]["facility"] == high.public_id
    assert {i["columns"]["risk_band"] for i in api["items"]} == {"very_high"}
    assert client.get(reverse("api:supply_chain"), {"band": "purple"}).status_code == 422
    assert client.get(reverse("api:supply_chain"), {"topic": "nope"}).status_code == 422


def test_another_members_sites_overrides_and_evidence_never_show(chain: World) -> None:
    a, b = actor_of(chain.admin_a), actor_of(chain.admin_b)
    before = _view(a)
    site = chain.extras["site"]
    # Member B's override on a shared site and an audit shared with B alone.
    risk_services.set_override(b, site, "forced_labour", 10.0, "canary-b judgement")
    audit = _severe(chain)
    audit_services.grant_access(actor_of(chain.extras["owner_admin"]), audit, chain.member_b)
    assert _view(b)[site.pk] != before[site.pk]
    assert _view(a) == before

    client = client_for(chain.admin_a)
    rows = _csv(client.get(reverse("registry:chain_export"), {"format": "csv", "sort": "risk"}))
    row = next(r for r in rows if r["facility_id"] == site.public_id)
    assert row["risk_band"] == BAND_NAMES[before[site.pk][0]]
    assert float(row["risk_score"]) == before[site.pk][1]
    assert chain.extras["b_only"].public_id not in {r["facility_id"] for r in rows}
    for band in ("", "very_high", "high_plus"):
        for url in (reverse("registry:chain"), reverse("audits:coverage"), reverse("audits:caps")):
            body = client.get(url, {"band": band, "sort": "risk", "show": "open"}).content.decode()
            assert "canary-b" not in body and "marker-x" not in body, url
    coverage = _csv(client.get(reverse("audits:coverage_export"), {"format": "csv"}))
    assert chain.extras["b_only"].public_id not in {r["facility_id"] for r in coverage}
    row = next(r for r in coverage if r["facility_id"] == site.public_id)
    assert (row["risk_band"], row["state"]) == (BAND_NAMES[before[site.pk][0]], "no_audit")
    # Member A cannot read B's audit: its CAPs are not A's to see, on the page, export or API.
    assert _csv(client.get(reverse("audits:caps_export"), {"format": "csv", "show": "open"})) == []
    assert client.get(reverse("api:list_caps"), {"show": "open"}).json()["count"] == 0


def test_an_audit_shared_with_a_moves_its_band_on_every_page(chain: World) -> None:
    a = actor_of(chain.admin_a)
    site = chain.extras["site"]
    before = _view(a)[site.pk]
    audit = _severe(chain)
    audit_services.grant_access(actor_of(chain.extras["owner_admin"]), audit, chain.member_a)
    after = _view(a)[site.pk]
    assert after[0] > before[0]
    client = client_for(chain.admin_a)
    band = BAND_NAMES[after[0]]
    chain_rows = _csv(client.get(reverse("registry:chain_export"), {"format": "csv", "band": band}))
    assert site.public_id in {r["facility_id"] for r in chain_rows}
    cov = _csv(client.get(reverse("audits:coverage_export"), {"format": "csv", "band": band}))
    assert site.public_id in {r["facility_id"] for r in cov}
    caps = _csv(client.get(reverse("audits:caps_export"), {"format": "csv", "show": "open", "band": band}))
    assert {r["facility_id"] for r in caps} == {site.public_id} and len(caps) == 3
    assert all((r["risk_band"], float(r["risk_score"])) == (band, after[1]) for r in caps)
    # Member B, linked to the same site, still sees the stored band.
    b_rows = _csv(client_for(chain.admin_b).get(reverse("registry:chain_export"), {"format": "csv"}))
    stored = SiteRisk.objects.get(facility=site)
    assert next(r for r in b_rows if r["facility_id"] == site.public_id)["risk_band"] == BAND_NAMES[stored.band]


# --- Coverage --------------------------------------------------------------------------------


def test_coverage_lists_high_risk_sites_without_a_recognised_audit(chain: World) -> None:
    a = actor_of(chain.admin_a)
    high = _high_in_a(chain)
    view = _view(a)
    wanted = [fid for fid, (band, _s, _t) in view.items() if band >= 2]
    assert high.pk in wanted
    client = client_for(chain.admin_a)

    page = client.get(reverse("audits:coverage"))
    assert page.status_code == 200
    act_on = page.context["act_on"]
    assert page.context["act_on_count"] == len(wanted)
    assert [link.facility_id for link in act_on] == _order(view, wanted)[:10]
    keys = [(view[link.facility_id][0], view[link.facility_id][1]) for link in act_on]
    assert keys == sorted(keys, reverse=True)
    body = page.content.decode()
    assert f"{reverse('audits:requests')}?site={high.public_id}" in body
    assert reverse("registry:facility", args=[high.public_id]) in body
    # The headline counts the same sites, in the member's view.
    figures = page.context["coverage"]
    assert (figures.high_risk, figures.high_risk_covered) == (len(wanted), 0)
    api = client.get(reverse("api:coverage_sites"), {"state": "gap", "band": "high_plus", "sort": "risk"}).json()
    assert [i["facility"] for i in api["items"]] == [
        Facility.objects.get(pk=fid).public_id for fid in _order(view, wanted)
    ]
    assert api["items"][0]["risk_band"] == "very_high" and api["items"][0]["state"] == "no_audit"
    assert client.get(reverse("api:get_coverage")).json()["high_risk"] == len(wanted)

    # A recognised audit of the site, shared with A: it leaves the list and counts as covered.
    _accept_smeta(chain)
    Facility.objects.filter(pk=high.pk).update(owner=chain.extras["site"].owner)
    high.refresh_from_db()
    audit = smeta_audit(chain, high, [audit_services.FindingInput("5", "minor", "Payslips unclear")])
    audit_services.grant_access(actor_of(chain.extras["owner_admin"]), audit, chain.member_a)
    assert audit_selectors.coverage_sites(a, "covered").filter(facility=high).exists()
    assert _view(a)[high.pk][0] == 3  # its own override still decides the wages score
    page = client.get(reverse("audits:coverage"))
    assert high.pk not in {link.facility_id for link in page.context["act_on"]}
    assert page.context["act_on_count"] == len(wanted) - 1
    figures = page.context["coverage"]
    assert (figures.high_risk, figures.high_risk_covered) == (len(wanted), 1)

    # Filtered table and export: band and topic, with the state.
    rows = _csv(client.get(reverse("audits:coverage_export"), {"format": "csv", "topic": "wages", "band": "very_high"}))
    by_wages = _view(a, "wages")
    assert {r["facility_id"] for r in rows} == {
        Facility.objects.get(pk=fid).public_id for fid, (b, _s, _t) in by_wages.items() if b == 3
    }
    assert {r["facility_id"]: r["state"] for r in rows}.get(high.public_id) == "covered"
    assert all(r["risk_topic"] == "wages" for r in rows)


def _order(view: dict[int, tuple[int, float, str]], ids: list[int]) -> list[int]:
    """Worst first, then the coverage table's own order (country, name)."""
    names = {f.pk: (f.country, f.name) for f in Facility.objects.filter(pk__in=ids)}
    return sorted(ids, key=lambda fid: (-view[fid][0], -view[fid][1], names[fid]))


# --- Corrective actions ----------------------------------------------------------------------


def test_corrective_actions_filter_by_topic_and_band(chain: World) -> None:
    site = chain.extras["site"]
    audit = _severe(chain)
    audit_services.grant_access(actor_of(chain.extras["owner_admin"]), audit, chain.member_a)
    client = client_for(chain.admin_a)
    assert CorrectiveAction.objects.filter(audit=audit).count() == 3

    everything = _csv(client.get(reverse("audits:caps_export"), {"format": "csv", "show": "open"}))
    assert sorted(r["topic"] for r in everything) == ["freedom_of_association"] * 2 + ["wages"]
    wages = _csv(client.get(reverse("audits:caps_export"), {"format": "csv", "show": "open", "topic": "wages"}))
    assert [(r["section"], r["topic"]) for r in wages] == [("5", "wages")]
    a_view = _view(actor_of(chain.admin_a), "wages")[site.pk]
    assert (wages[0]["risk_topic_score"], wages[0]["risk_topic_band"]) == (str(a_view[1]), BAND_NAMES[a_view[0]])
    other_band = next(b for b in BAND_NAMES if b != BAND_NAMES[_view(actor_of(chain.admin_a))[site.pk][0]])
    assert _csv(client.get(reverse("audits:caps_export"), {"format": "csv", "show": "open", "band": other_band})) == []

    page = client.get(reverse("audits:caps"), {"show": "open", "topic": "freedom_of_association", "sort": "risk"})
    assert page.status_code == 200
    assert [topic for _a, topic in page.context["rows"]] == ["freedom_of_association"] * 2

    api = client.get(reverse("api:list_caps"), {"show": "open", "topic": "wages"}).json()
    assert [(i["section"], i["topic"], i["risk_topic_band"]) for i in api["items"]] == [
        ("5", "wages", BAND_NAMES[a_view[0]])
    ]
    assert client.get(reverse("api:list_caps"), {"topic": "nope"}).status_code == 422
    assert client.get(reverse("api:list_caps"), {"band": "purple"}).status_code == 422


def test_pages_ignore_unknown_filter_values(chain: World) -> None:
    client: Client = client_for(chain.admin_a)
    for url in (reverse("registry:chain"), reverse("audits:coverage"), reverse("audits:caps")):
        assert client.get(url, {"band": "purple", "topic": "<script>", "sort": "x"}).status_code == 200
    assert client.get(reverse("audits:caps_export"), {"format": "pdf"}).status_code == 404
