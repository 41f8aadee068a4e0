"""Drafts, completeness, submission and its lock, the workforce profile, and who may write."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from covenant.core.errors import Conflict
from covenant.core.models import AuditEvent
from covenant.saq import gaps, questionnaire, services
from covenant.saq.models import Saq, SaqStatus, add_months
from tests.conftest import World, actor_of
from tests.saq.world import fill, full_answers


def test_a_draft_fills_section_by_section_and_its_completeness_follows(sw: World) -> None:
    actor = actor_of(sw.extras["saq_supplier_admin"])
    site = sw.extras["saq_site"]
    sw.extras["saq_draft"].delete()
    Saq.objects.filter(facility=site).delete()
    draft = services.start(actor, site)
    assert draft.completeness == 0 and draft.answers == {}
    assert services.start(actor, site).pk == draft.pk  # one draft per site
    draft = services.save_section(actor, draft, "forced_labour", {"FL-07": "yes", "WH-01": "no", "FL-99": "yes"})
    assert draft.answers == {"FL-07": "yes"}  # other sections' and unknown codes are ignored
    assert 0 < draft.completeness < 10
    draft = services.save_section(actor, draft, "forced_labour", {})
    assert draft.answers == {} and draft.completeness == 0
    with pytest.raises(ValidationError):
        services.submit(actor, draft)
    assert AuditEvent.objects.filter(action="saq.answers.saved", object_id=str(draft.pk)).count() == 2


def test_submitting_locks_the_saq_for_12_months_and_the_next_starts_from_its_answers(sw: World) -> None:
    actor = actor_of(sw.extras["saq_supplier_admin"])
    saq: Saq = sw.extras["saq"]
    assert saq.status == SaqStatus.SUBMITTED and saq.completeness == 100
    assert saq.valid_until == add_months(saq.submitted_at.date(), 12)  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        services.save_section(actor, saq, "forced_labour", {"FL-07": "no"})
    with pytest.raises(Conflict):
        services.submit(actor, saq)
    draft: Saq = sw.extras["saq_draft"]
    assert draft.pk != saq.pk and draft.status == SaqStatus.DRAFT
    assert draft.answers == saq.answers and draft.refugee_workers == saq.refugee_workers
    services.save_section(actor, draft, "forced_labour", {"FL-07": "no"})
    saq.refresh_from_db()
    assert saq.answers["FL-07"] == "yes"


def test_the_months_roll_over_to_the_last_day() -> None:
    from datetime import date

    assert add_months(date(2026, 1, 31), 12) == date(2027, 1, 31)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_only_the_sites_supplier_writes_its_saq(sw: World) -> None:
    site, draft = sw.extras["saq_site"], sw.extras["saq_draft"]
    for user in (sw.supplier_admin, sw.admin_a, sw.coordinator):
        with pytest.raises(PermissionDenied):
            services.start(actor_of(user), site)
        with pytest.raises(PermissionDenied):
            services.save_section(actor_of(user), draft, "forced_labour", {"FL-07": "no"})
        with pytest.raises(PermissionDenied):
            services.submit(actor_of(user), draft)
    with pytest.raises(PermissionDenied):
        services.share(actor_of(sw.supplier_admin), site, sw.member_b)


def test_the_workforce_profile_must_add_up(sw: World) -> None:
    actor = actor_of(sw.extras["saq_supplier_admin"])
    draft = sw.extras["saq_draft"]
    too_many = services.Workforce(10, 10, None, 25, None, None, None, [])
    with pytest.raises(ValidationError):
        services.save_workforce(actor, draft, too_many)
    nations = services.Workforce(10, 10, None, 5, None, 2, None, [("VN", 15), ("MM", 10)])
    with pytest.raises(ValidationError):
        services.save_workforce(actor, draft, nations)
    saved = services.save_workforce(actor, draft, services.Workforce(10, 10, None, 5, None, 2, None, [("MM", 5)]))
    assert saved.headcount == 20 and saved.share_of(saved.refugee_workers) == 10.0
    assert saved.nationalities == [{"country": "MM", "count": 5}]


def test_submission_needs_every_answer_and_a_headcount(sw: World) -> None:
    actor = actor_of(sw.extras["saq_supplier_admin"])
    draft = sw.extras["saq_draft"]
    draft = services.save_workforce(actor, draft, services.Workforce(None, None, None, None, None, None, None, []))
    assert len(services.missing(draft)) == 1
    with pytest.raises(ValidationError):
        services.submit(actor, draft)
    draft = fill(draft, full_answers(), actor=actor)
    assert services.missing(draft) == []
    assert services.submit(actor, draft).status == SaqStatus.SUBMITTED


def test_the_gap_report_groups_risk_answers_by_topic_with_resources(sw: World, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[list[str]] = []

    def fake_resources(*, topics: list[str], **kwargs: object) -> list[object]:
        asked.append(list(topics))
        return []

    monkeypatch.setattr(gaps, "resources_for", fake_resources)
    report = gaps.gap_report(sw.extras["saq"])
    codes = [t.code for t in report]
    assert "forced_labour" in codes and len(codes) == len(set(codes))
    forced = next(t for t in report if t.code == "forced_labour")
    assert {line.question.code for line in forced.lines} >= {f"FL-{i:02d}" for i in range(1, 12)}
    assert all(line.question.first_step for line in forced.lines)
    assert asked == [[c] for c in codes]
    points = [t.points for t in report]
    assert points == sorted(points, reverse=True)


def test_a_clean_saq_has_no_gaps_and_the_library_hears_of_the_suppliers_gaps(sw: World) -> None:
    v1 = questionnaire.load("v1")
    assert v1.risk_answers(full_answers()) == []
    owner = actor_of(sw.extras["saq_supplier_admin"])
    topics = {g.topic for g in gaps.saq_gaps(owner)}
    assert "forced_labour" in topics and all(g.source == "saq" for g in gaps.saq_gaps(owner))
    assert gaps.saq_gaps(actor_of(sw.admin_a)) == []
    assert gaps.saq_gaps(actor_of(sw.supplier_admin)) == []
