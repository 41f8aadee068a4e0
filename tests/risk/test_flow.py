"""The risk capability end to end: scores, overview, events, overrides, screening."""

from __future__ import annotations

import pytest
from django.core import mail

from covenant.risk import selectors
from covenant.risk.interface import risk_bands
from tests.conftest import World, actor_of
from tests.factories import risk_world


@pytest.fixture
def rworld(world: World) -> World:
    return risk_world(world)


def test_hand_picked_sites(rworld: World) -> None:
    w = rworld
    view = selectors.site_risk(actor_of(w.admin_a), w.extras["cocoa"])
    by = {t.topic.code: t for t in view.topics}
    # Likelihood 4.5 (lower-middle income) + 4 (agriculture) + 2 (cocoa listed) - 2 = 8.5; severity 8 of 9.
    assert by["child_labour"].inherent == 7.56
    assert by["child_labour"].band == "very_high" and view.topics[0].topic.code == "child_labour"
    labels = " | ".join(label for label, _p, _added in by["child_labour"].explanation)
    assert "ILAB List of Goods (child labour) 2022: cocoa from Côte d'Ivoire (child labour)" in labels
    assert "scale 3, scope 2, irremediability 3 = 8 of 9" in labels
    cotton = selectors.site_risk(actor_of(w.admin_b), w.extras["cotton"])
    by = {t.topic.code: t for t in cotton.topics}
    # No forced-labour prevalence indicator ships (docs/risk.md): the ILAB listing alone moves it.
    assert (by["child_labour"].band, by["forced_labour"].band) == ("high", "medium")
    assert any("Turkmenistan (forced labour)" in label for label, _p, _a in by["forced_labour"].explanation)


def test_bands_interface(rworld: World) -> None:
    w = rworld
    bands = risk_bands([w.extras["cocoa"].pk, w.extras["shared"].pk, 999999])
    assert bands[w.extras["cocoa"].pk] == "very_high"
    assert set(bands) == {w.extras["cocoa"].pk, w.extras["shared"].pk}


def test_event_alerts_only_exposed_members(rworld: World) -> None:
    w = rworld
    event = w.extras["event"]
    assert [a.org for a in event.alerts.all()] == [w.member_a]
    stats = selectors.event_stats(event)
    assert (stats.members_exposed, stats.members_responded) == (1, 1)
    assert selectors.affected_sites(actor_of(w.admin_b), event) == []
    assert [site.facility for site, _r in selectors.affected_sites(actor_of(w.admin_a), event)] == [w.extras["cocoa"]]
    view = selectors.site_risk(actor_of(w.admin_a), w.extras["cocoa"])
    forced = next(t for t in view.topics if t.topic.code == "forced_labour")
    assert forced.adjusted == round(min(10, forced.inherent + 2), 2)


def test_a_site_mapped_beyond_tier_1_is_exposed_too(rworld: World) -> None:
    """Member B links a cocoa grinder abroad and mapped that a cooperative in the area
    supplies it: B is alerted for the cooperative, sees it as beyond tier 1 and responds."""
    from datetime import date

    from django.core.exceptions import PermissionDenied

    from covenant.registry import services as registry_services
    from covenant.risk import services as risk_services
    from tests.conftest import make_org, make_user
    from tests.factories import declare_flood, link, make_facility

    w = rworld
    grinder = make_facility("Amsterdam Cocoa Grinding", "NL", "Westpoort")
    link(w.member_b, grinder, tier=1)
    registry_services.add_edge(actor_of(w.admin_b), supplier=w.extras["cocoa"], buyer=grinder, products=["cocoa"])
    event = declare_flood(w.coordinator, "Floods in Soubré", ["CI-BS"], date(2026, 11, 1))
    assert set(event.alerts.values_list("org", flat=True)) == {w.member_a.pk, w.member_b.pk}
    sites = selectors.affected_sites(actor_of(w.admin_b), event)
    assert [(s.facility, s.tier) for s, _r in sites] == [(w.extras["cocoa"], None)]
    assert [(s.facility, s.tier) for s, _r in selectors.affected_sites(actor_of(w.admin_a), event)] == [
        (w.extras["cocoa"], 2)
    ]
    risk_services.record_response(
        actor_of(w.admin_b), event, w.extras["cocoa"], status="in_progress", checklist_done=[0], note="called"
    )
    # A member with no link and no edge to the cooperative may not respond for it.
    outsider = make_user(make_org("Outsider Foods", "member", size="sme"), "admin", "admin@outsider.example")
    with pytest.raises(PermissionDenied):
        risk_services.record_response(
            actor_of(outsider), event, w.extras["cocoa"], status="done", checklist_done=[], note=""
        )


def test_event_email_lists_the_members_own_sites(world: World) -> None:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        risk_world(world)
    alert = [m for m in mail.outbox if "Unrest" in m.subject]
    assert len(alert) == 1
    assert "Coopérative Agricole de Soubré" in alert[0].body
    assert "Mary Cotton" not in alert[0].body
    assert "admin@zuidkust.example" not in alert[0].to


def test_overview_is_the_members_own(rworld: World) -> None:
    w = rworld
    a = selectors.member_overview(actor_of(w.admin_a))
    b = selectors.member_overview(actor_of(w.admin_b))
    assert {r.public_id for r in a.rows} == {w.extras["shared"].public_id, w.extras["cocoa"].public_id}
    assert {r.public_id for r in b.rows} == {w.extras["cotton"].public_id}
    assert a.rows[0].public_id == w.extras["cocoa"].public_id  # severity, then likelihood
    shared = next(r for r in a.rows if r.public_id == w.extras["shared"].public_id)
    assert shared.overridden and shared.sanctioned is False
    by_topic = selectors.member_overview(actor_of(w.admin_a), topic="wages")
    assert next(r for r in by_topic.rows if r.public_id == w.extras["shared"].public_id).score == 8.5
    assert len(selectors.member_overview(actor_of(w.admin_a), country="TM").rows) == 0
    assert len(selectors.member_overview(actor_of(w.admin_a), commodity="cocoa").rows) == 1


def test_overview_includes_sites_mapped_beyond_tier_1(rworld: World) -> None:
    from covenant.registry import services as registry_services
    from tests.factories import make_facility

    w = rworld
    mill = make_facility("Ashgabat Spinning Mill", "TM", "Ashgabat", sector="Textiles", products=["Cotton yarn"])
    registry_services.add_edge(actor_of(w.admin_a), supplier=mill, buyer=w.extras["shared"], products=["yarn"])
    overview = selectors.member_overview(actor_of(w.admin_a))
    assert overview.sites == 3
    row = next(r for r in overview.rows if r.public_id == mill.public_id)
    assert row.tier is None and row.score > 0
    assert "TM" in [cc for cc, _cells in overview.heat]
    # Beyond tier 1 has no tier: filtering by a tier leaves it out; country and commodity keep it.
    assert mill.public_id not in {r.public_id for r in selectors.member_overview(actor_of(w.admin_a), tier=1).rows}
    assert [r.public_id for r in selectors.member_overview(actor_of(w.admin_a), country="TM").rows] == [mill.public_id]
    assert [r.public_id for r in selectors.member_overview(actor_of(w.admin_a), commodity="yarn").rows] == [
        mill.public_id
    ]
    # Member B's chain is its own: A's edge does not put the mill in B's overview.
    assert mill.public_id not in {r.public_id for r in selectors.member_overview(actor_of(w.admin_b)).rows}


def test_sanctions_hit_then_confirmed(rworld: World) -> None:
    from covenant.risk import services

    w = rworld
    hit = w.extras["hit"]
    assert hit is not None and hit.facility == w.extras["shared"] and hit.status == "pending"
    services.decide_hit(actor_of(w.coordinator), hit, confirmed=True, note="same company")
    rows = selectors.member_overview(actor_of(w.admin_a)).rows
    assert next(r for r in rows if r.public_id == w.extras["shared"].public_id).sanctioned
    view = selectors.site_risk(actor_of(w.admin_b), w.extras["shared"])
    assert view.sanctions
    # Re-importing the list (a new version) keeps the decision and raises no new pending hit.
    services.import_sanctions(
        actor_of(w.coordinator),
        name="Test list",
        source="x",
        licence="",
        filename="l.json",
        data=(
            b'{"id": "os-1", "schema": "Company", "properties": {"name": ["Dongguan Huaxin Garment Co Ltd"],'
            b' "country": ["cn"]}}\n'
            b'{"id": "os-2", "schema": "Person", "properties": {"name": ["Somebody"]}}\n'
        ),
    )
    services.screen()
    hit.refresh_from_db()
    assert hit.status == "confirmed"
    assert not type(hit).objects.filter(status="pending").exists()
    # An entry dropped from the list withdraws its flag.
    services.import_sanctions(
        actor_of(w.coordinator),
        name="Test list",
        source="x",
        licence="",
        filename="l.csv",
        data=b"name,country,identifiers,programme\nAcme Export,AE,,Test\n",
    )
    assert not selectors.site_risk(actor_of(w.admin_b), w.extras["shared"]).sanctions


def test_override_is_on_the_members_audit_trail(rworld: World) -> None:
    from covenant.core.models import AuditEvent

    w = rworld
    event = AuditEvent.objects.get(action="risk.override.set")
    assert event.org_id == w.member_a.pk
    assert event.summary["score"] == 8.5 and "canary-a" in event.summary["justification"]
    assert event.summary["computed"] is not None
    page = w.client(w.admin_a).get("/activity/").content.decode()
    assert "risk.override.set" in page or "override" in page


def test_nightly_run_alerts_newly_exposed_members(rworld: World) -> None:
    import io

    from django.core.management import call_command

    from tests.factories import link, make_facility

    w = rworld
    site = make_facility("Nawa Cocoa Traders", "CI", "Méagui", subdivision="CI-BS", sector="Agriculture")
    link(w.member_b, site, tier=2)
    out = io.StringIO()
    call_command("recompute_risk", stdout=out)
    assert "1 new event alerts" in out.getvalue()
    event = w.extras["event"]
    assert sorted(a.org.name for a in event.alerts.all()) == sorted([w.member_a.name, w.member_b.name])
    assert [link.facility for link, _r in selectors.affected_sites(actor_of(w.admin_b), event)] == [site]
    view = selectors.site_risk(actor_of(w.admin_b), site)
    assert view.events == [event]


def test_site_in_an_ituc_5_plus_country(db) -> None:  # type: ignore[no-untyped-def]
    from covenant.risk.interface import risk_bands
    from tests.factories import make_facility

    site = make_facility("Yangon Garment Co., Ltd.", "MM", "Hlaing Tharyar", sector="Apparel", products=["T-shirts"])
    from covenant.risk.models import SiteRisk

    bangladesh = make_facility("Dhaka Garment Ltd.", "BD", "Savar", sector="Apparel", products=["T-shirts"])
    netherlands = make_facility("Tilburg Garment B.V.", "NL", "Tilburg", sector="Apparel", products=["T-shirts"])
    # Medium before any site evidence (the worst tenth of the reference profiles are listed
    # goods on farms), and above the same factory in an ITUC 5 and an ITUC 2 country.
    assert risk_bands([site.pk, bangladesh.pk, netherlands.pk]) == {
        site.pk: "medium",
        bangladesh.pk: "medium",
        netherlands.pk: "low",
    }
    profiles = {r.facility_id: r.profile for r in SiteRisk.objects.select_related("profile")}
    foa = {pk: profiles[pk].scores["freedom_of_association"] for pk in (site.pk, bangladesh.pk, netherlands.pk)}
    assert foa[site.pk] > foa[bangladesh.pk] > foa[netherlands.pk]
    assert SiteRisk.objects.get(facility=site).top_topic == "freedom_of_association"
    labels = [line[0] for line in profiles[site.pk].explanation["freedom_of_association"]]
    assert "ITUC Global Rights Index 2025: rating 5+" in labels
