"""``/api/v1/self-assessments``: the member's own assessments with a score per step, writes that
answer 409 once submitted, and aggregates for the secretariat and branch associations only."""

from __future__ import annotations

from typing import Any

from django.test import Client

from covenant.accounts import services as account_services
from covenant.orgs import services as org_services
from tests.assessments.builders import members, open_cycle, submitted
from tests.conftest import SYSTEM, World, actor_of, make_org, make_user


def _api(user: Any) -> tuple[Client, dict[str, str]]:
    _token, secret = account_services.create_token(actor_of(user), name="api", read_only=False)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_member_lists_its_assessments_with_a_score_per_step(world: World) -> None:
    cycle = open_cycle(world)
    submitted(actor_of(world.admin_a), cycle, level="top")
    client, auth = _api(world.admin_a)
    body = client.get("/api/v1/self-assessments", **auth).json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["year"] == 2026 and item["status"] == "submitted" and item["questionnaire_version"] == "2026.1"
    assert item["scores"] == {str(s): 4 for s in range(1, 7)}
    detail = client.get("/api/v1/self-assessments/2026", **auth).json()
    assert detail["answers"]["1.1.a"] == {"value": "yes", "platform": False}
    assert "2.1.a" in detail["platform_figures"]
    b_client, b_auth = _api(world.admin_b)
    assert b_client.get("/api/v1/self-assessments", **b_auth).json()["count"] == 0
    assert b_client.get("/api/v1/self-assessments/2026", **b_auth).status_code == 404


def test_writes_after_submission_answer_409_and_change_nothing(world: World) -> None:
    cycle = open_cycle(world)
    from covenant.assessments import services

    draft = services.start(actor_of(world.admin_a), cycle)
    client, auth = _api(world.admin_a)
    url = "/api/v1/self-assessments/2026/answers"
    ok = client.patch(url, {"answers": {"1.1.a": "partly"}}, content_type="application/json", **auth)
    assert ok.status_code == 200 and ok.json()["answers"]["1.1.a"]["value"] == "partly"
    bad = client.patch(url, {"answers": {"1.1.a": "maybe"}}, content_type="application/json", **auth)
    assert bad.status_code in {400, 422}
    assert client.post("/api/v1/self-assessments/2026/submit", **auth).status_code in {400, 422}  # unanswered
    submitted(actor_of(world.admin_a), cycle)
    locked = client.patch(url, {"answers": {"1.1.a": "no"}}, content_type="application/json", **auth)
    assert locked.status_code == 409
    assert client.post("/api/v1/self-assessments/2026/submit", **auth).status_code == 409
    draft.refresh_from_db()
    assert draft.answers["1.1.a"]["value"] == "yes"


def test_aggregates_for_the_secretariat_and_branch_associations_none_below_five(world: World) -> None:
    cycle = open_cycle(world)
    branch = make_org("Branche Wonen", "branch_association")
    branch_admin = make_user(branch, "admin", "admin@branche-wonen.example")
    admins = members(5)
    for admin in admins[:4]:
        org_services.set_branch_associations(SYSTEM, admin.memberships.get().org, [branch])
    for admin in admins:
        submitted(actor_of(admin), cycle, level="top")
    url = "/api/v1/self-assessments/aggregates?year=2026"
    client, auth = _api(world.coordinator)
    sector = client.get(url, **auth).json()
    assert sector["submitted"] == 5 and sector["steps"][0]["counts"] == [0, 0, 0, 0, 5]
    b_client, b_auth = _api(branch_admin)
    own = b_client.get(url, **b_auth).json()
    assert own["members"] == 4 and own["steps"] is None and "Fewer than 5" in own["reason"]
    m_client, m_auth = _api(world.admin_a)
    assert m_client.get(url, **m_auth).status_code == 403
    none = client.get("/api/v1/self-assessments/aggregates?year=2031", **auth).json()
    assert none["steps"] is None and "no self-assessment cycle for 2031" in none["reason"]
