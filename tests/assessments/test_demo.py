"""The demo's self-assessments: the issue's check, as the demo member, the secretariat and a branch
association through the API; seeding again adds nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from covenant.accounts import services as account_services
from covenant.assessments.demo import seed_assessments
from covenant.assessments.models import Assessment, AssessmentStatus, Cycle
from covenant.core.actors import Actor
from covenant.demo.seed import seed
from covenant.orgs.models import Membership
from covenant.registry import matchindex

pytestmark = pytest.mark.django_db


def _get(org_key_user: Membership, url: str) -> dict[str, object]:
    actor = Actor(user=org_key_user.user, org=org_key_user.org, role=org_key_user.role)
    _t, secret = account_services.create_token(actor, name="check", read_only=True)
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200, response.content[:300]
    return response.json()  # type: ignore[no-any-return]


def test_the_demo_meets_the_issues_check() -> None:
    matchindex.reset()
    orgs = seed(2026, 120, log=lambda _msg: None).orgs
    assert Cycle.objects.get(year=2025).status == "closed" and Cycle.objects.get(year=2026).status == "open"
    submitted = Assessment.objects.filter(status=AssessmentStatus.SUBMITTED)
    assert submitted.filter(cycle__year=2025).count() >= 8
    assert submitted.filter(cycle__year=2026).count() >= 6
    assert Assessment.objects.filter(cycle__year=2026, status=AssessmentStatus.DRAFT).exists()
    # Varied: not every member at the same maturity.
    assert len({tuple(sorted(a.scores.items())) for a in submitted}) > 3
    counts = Assessment.objects.count()
    seed_assessments(orgs=orgs, log=lambda _msg: None)
    assert Assessment.objects.count() == counts

    member = Membership.objects.filter(org=orgs["mem-01"], role="admin").select_related("user", "org").first()
    assert member is not None
    mine = _get(member, "/api/v1/self-assessments")
    this_year = next(i for i in mine["items"] if i["year"] == 2026)  # type: ignore[index,union-attr]
    assert this_year["status"] == "submitted" and set(this_year["scores"]) == {"1", "2", "3", "4", "5", "6"}
    detail = _get(member, "/api/v1/self-assessments/2026")
    assert any(a["platform"] for a in detail["answers"].values())  # type: ignore[union-attr]

    secretariat = (
        Membership.objects.filter(
            org=orgs["sec"] if "sec" in orgs else next(o for o in orgs.values() if o.kind == "secretariat"),
            role="coordinator",
        )
        .select_related("user", "org")
        .first()
    )
    assert secretariat is not None
    sector = _get(secretariat, "/api/v1/self-assessments/aggregates?year=2026")
    assert sector["submitted"] >= 5 and sector["steps"] is not None  # type: ignore[operator]
    for key, shown in (("bra-1", True), ("bra-2", False)):
        branch = Membership.objects.filter(org=orgs[key]).select_related("user", "org").first()
        if branch is None:
            continue
        found = _get(branch, "/api/v1/self-assessments/aggregates?year=2026")
        assert (found["steps"] is not None) is shown, key
        assert "answers" not in found
