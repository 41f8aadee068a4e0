"""Scheme overlap with the reference protocol (issue 13, item 8): the rule, the data, the policy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from covenant.audits import protocol, rules, selectors, services
from covenant.audits.models import ApscaAuditor, SchemeVersion
from covenant.registry.models import Facility
from tests.conftest import World, actor_of, client_for
from tests.factories import link, make_facility

TODAY = timezone.localdate()


def _version(code: str) -> SchemeVersion:
    scheme, version = code.split("/")
    return SchemeVersion.objects.get(scheme__code=scheme, version=version)


# --- The rule --------------------------------------------------------------------------------


def test_overlap_is_the_share_of_reference_clauses_covered() -> None:
    clauses = ["A", "B", "C", "D"]
    assert rules.overlap({"1": ["A"], "2": ["B", "C"], "3": ["D"]}, clauses) == 100.0
    # A clause named by two sections counts once; unknown codes add nothing.
    assert rules.overlap({"1": ["A"], "2": ["A", "X"], "3": ["C"]}, clauses) == 50.0
    assert rules.overlap({"1": ["A", "B", "C"]}, ["A", "B", "C", "D", "E", "F", "G", "H"]) == 37.5
    assert rules.overlap({}, clauses) == 0.0
    assert rules.overlap({"1": ["A"]}, []) == 0.0


def test_the_higher_minimum_overlap_wins_and_versions_below_it_drop_out() -> None:
    overlaps = {1: 100.0, 2: 87.5, 3: 60.0}
    sector = rules.Policy(frozenset({1, 2, 3}), 36, False, min_overlap=85)
    # No member policy: the sector's minimum applies.
    assert rules.stricter(sector, None, None, overlaps).version_ids == {1, 2}
    # A member asking for more is stricter; one asking for less cannot lower the sector's.
    strict = rules.Policy(frozenset(), 36, False, min_overlap=90)
    effective = rules.stricter(sector, strict, None, overlaps)
    assert effective.version_ids == {1} and effective.min_overlap == 90
    lenient = rules.Policy(frozenset(), 36, False, min_overlap=50)
    effective = rules.stricter(sector, lenient, None, overlaps)
    assert effective.version_ids == {1, 2} and effective.min_overlap == 85
    # Neither sets a minimum: nothing drops out.
    none = rules.stricter(rules.Policy(frozenset({1, 2, 3}), 36, False), None, None, overlaps)
    assert none.version_ids == {1, 2, 3} and none.min_overlap is None
    # A version with no map counts as no overlap.
    assert rules.stricter(sector, None, None, {1: 100.0}).version_ids == {1}


# --- The data --------------------------------------------------------------------------------


def test_the_reference_protocol_is_data_with_sources() -> None:
    clauses = protocol.clauses()
    assert 12 <= len(clauses) <= 16
    codes = protocol.clause_codes()
    assert len(set(codes)) == len(codes)
    for clause in clauses:
        assert clause["code"] and clause["name"] and clause["source"]
    assert "not an official" in protocol.reference_protocol()["note"].lower()
    # Every map names clauses the protocol has (its sections are checked against the versions below).
    for key, reference_map in protocol.seeded_maps().items():
        for section_codes in reference_map.values():
            assert set(section_codes) <= set(codes), key


@pytest.mark.django_db
def test_the_migration_loaded_each_seeded_versions_map() -> None:
    for key, reference_map in protocol.seeded_maps().items():
        version = _version(key)
        assert version.reference_map == reference_map
        assert set(reference_map) <= {s["code"] for s in version.sections}, key
    assert _version("smeta/7.0-4p").reference_overlap == 100.0
    assert _version("amfori-bsci/2023").reference_overlap == 100.0
    assert _version("rba-vap/8.0").reference_overlap == 100.0
    # Labour and health & safety only: no environment, no business ethics (14 of 16).
    assert _version("smeta/7.0-2p").reference_overlap == 87.5
    assert _version("sa8000/2014").reference_overlap == 87.5


# --- Recognition -----------------------------------------------------------------------------


def _site(world: World) -> Facility:
    site = make_facility("Huaxin Garments Plant 1", "CN", "1 Factory Road, Dongguan")
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
    site.refresh_from_db()
    return site


def _audit(world: World, site: Facility, version: SchemeVersion):  # type: ignore[no-untyped-def]
    return services.create_audit(
        actor_of(world.auditor),
        services.AuditInput(
            facility=site,
            scheme_version=version,
            start_date=TODAY - timedelta(days=12),
            end_date=TODAY - timedelta(days=10),
            auditors=[services.AuditorInput("Li Wei", "21701234", "CSCA", True)],
        ),
    )


def test_a_members_minimum_overlap_drops_versions_below_it(world: World) -> None:
    ApscaAuditor.objects.create(number="21701234", name="Li Wei", level="CSCA", status="active")
    site = _site(world)
    link(world.member_a, site)
    link(world.member_b, site)
    supplier = actor_of(world.supplier_admin)
    four, two = _audit(world, site, _version("smeta/7.0-4p")), _audit(world, site, _version("smeta/7.0-2p"))
    for audit in (four, two):
        for member in (world.member_a, world.member_b):
            services.grant_access(supplier, audit, member)
    services.set_policy(
        actor_of(world.admin_b),
        version_ids=[],
        max_age_months=36,
        require_qualified_auditor=True,
        required_pillars=[],
        min_overlap=90,
    )
    assert selectors.member_policy(world.member_b).min_overlap == 90  # type: ignore[union-attr]
    assert selectors.is_recognised_for(four, world.member_b)
    assert not selectors.is_recognised_for(two, world.member_b)  # 87.5 % < 90 %
    assert selectors.is_recognised_for(two, world.member_a)  # the sector sets no minimum
    # The sector's minimum binds every member; a member cannot go below it.
    services.set_policy(
        actor_of(world.coordinator),
        version_ids=list(selectors.sector_policy().accepted_versions.values_list("pk", flat=True)),
        max_age_months=36,
        require_qualified_auditor=True,
        required_pillars=[],
        min_overlap=95,
    )
    assert not selectors.is_recognised_for(two, world.member_a)
    assert selectors.effective_policy(world.member_b).min_overlap == 95
    # Coverage follows the same policy (the version simply drops out).
    assert selectors.coverage(actor_of(world.admin_a)).covered == 1
    with pytest.raises(ValidationError):
        services.set_policy(
            actor_of(world.admin_b),
            version_ids=[],
            max_age_months=36,
            require_qualified_auditor=True,
            required_pillars=[],
            min_overlap=101,
        )


def test_a_custom_scheme_maps_its_sections_to_checked_clauses(world: World) -> None:
    secretariat = actor_of(world.coordinator)
    version = services.add_scheme_version(
        secretariat,
        scheme_code="fair-wear",
        scheme_name="Fair Wear audit",
        version="2025",
        label="Fair Wear 2025",
        sections="1 | Wages | wages | WAGES\n2 | Hours | working_hours | hours, EMPLOY\n3 | Other",
        grades="major | Major | major",
    )
    assert version.reference_map == {"1": ["WAGES"], "2": ["HOURS", "EMPLOY"]}
    assert version.reference_overlap == rules.overlap(version.reference_map, protocol.clause_codes())
    with pytest.raises(ValidationError) as info:
        services.add_scheme_version(
            secretariat,
            scheme_code="fair-wear",
            scheme_name="Fair Wear audit",
            version="2026",
            label="Fair Wear 2026",
            sections="1 | Wages | wages | WAGES LIVING",
            grades="major | Major | major",
        )
    assert "LIVING" in " ".join(info.value.messages)
    assert not SchemeVersion.objects.filter(version="2026").exists()


def test_overlap_is_shown_on_the_pages_and_in_the_api(world: World) -> None:
    page = client_for(world.admin_a).get(reverse("audits:recognition"))
    assert page.status_code == 200
    assert "Overlap with the reference protocol" in page.content.decode()
    assert "87.5 %" in page.content.decode() or "87,5 %" in page.content.decode()
    schemes = client_for(world.coordinator).get(reverse("audits:schemes"))
    assert "overlap with the reference protocol" in schemes.content.decode()
    api = client_for(world.admin_a).get(reverse("api:list_schemes") + "?page_size=100")
    items = {item["code"]: item for item in api.json()["items"]}
    assert items["smeta/7.0-2p"]["overlap"] == 87.5
    assert items["smeta/7.0-4p"]["overlap"] == 100.0
    assert items["sa8000/2014"]["reference_map"]["9"] == ["MGMT", "GRIEV", "SUBCON"]
    # The member's policy form takes the minimum.
    response = client_for(world.admin_b).post(
        reverse("audits:recognition"),
        {"max_age_months": "36", "require_qualified_auditor": "on", "min_overlap": "90"},
    )
    assert response.status_code == 302
    assert selectors.member_policy(world.member_b).min_overlap == 90  # type: ignore[union-attr]
