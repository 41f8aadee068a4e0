"""The action plan through the API: read and write for the member, 404 for anyone else."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from covenant.accounts.services import create_token
from covenant.plans.models import ExitDecision, PlanAction, PlanRisk
from tests.conftest import World, actor_of


def _api(user: Any, *, read_only: bool = False) -> tuple[Client, dict[str, str]]:
    _token, secret = create_token(actor_of(user), name="plan", read_only=read_only)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _send(method: str, user: Any, url: str, body: dict[str, Any] | None = None, **kw: Any) -> Any:
    client, headers = _api(user, **kw)
    call = getattr(client, method)
    if body is None:
        return call(url, **headers)
    return call(url, data=json.dumps(body), content_type="application/json", **headers)


def test_the_member_reads_its_plan(plans: World) -> None:
    answer = _send("get", plans.admin_a, "/api/v1/action-plan")
    assert answer.status_code == 200
    data = answer.json()
    assert data["count"] == 1
    risk = data["items"][0]
    assert risk["topic"] == "wages" and risk["facility"] == plans.extras["shared"].public_id
    assert risk["source"]["on"] and risk["actions"][0]["overdue"] is True
    assert risk["actions"][0]["owner"] == "canary-a buyer"


def test_another_member_gets_an_empty_plan_and_404s(plans: World) -> None:
    assert _send("get", plans.admin_b, "/api/v1/action-plan").json()["count"] == 0
    assert _send("get", plans.admin_b, "/api/v1/exit-decisions").json()["count"] == 0
    risk, action = plans.extras["plan_risk"], plans.extras["plan_action"]
    assert _send("patch", plans.admin_b, f"/api/v1/action-plan/risks/{risk.pk}", {"why": "probe"}).status_code == 404
    answer = _send(
        "post", plans.admin_b, f"/api/v1/action-plan/risks/{risk.pk}/actions", {"kind": "own", "description": "p"}
    )
    assert answer.status_code == 404
    answer = _send("patch", plans.admin_b, f"/api/v1/action-plan/actions/{action.pk}", {"status": "dropped"})
    assert answer.status_code == 404
    answer = _send(
        "post",
        plans.admin_b,
        "/api/v1/exit-decisions",
        {"decision": "continue", "justification": "probe", "event_response": plans.extras["response"].pk},
    )
    assert answer.status_code == 404
    assert PlanAction.objects.get(pk=action.pk).status == "in_progress"
    assert not ExitDecision.objects.filter(org=plans.member_b).exists()


def test_suppliers_and_the_secretariat_are_refused(plans: World) -> None:
    assert _send("get", plans.supplier_admin, "/api/v1/action-plan").status_code == 403
    assert _send("get", plans.coordinator, "/api/v1/exit-decisions").status_code == 403


def test_writing_the_plan(plans: World) -> None:
    answer = _send(
        "post",
        plans.admin_a,
        "/api/v1/action-plan/risks",
        {
            "topic": "child_labour",
            "scope": "area",
            "country": "CI",
            "commodity": "Cocoa",
            "why": "listed good",
            "rank": 1,
        },
    )
    assert answer.status_code == 201, answer.content
    risk = answer.json()
    assert risk["rank"] == 1 and risk["country"] == "CI" and risk["source"]["sites_high"] is not None
    assert PlanRisk.objects.get(pk=plans.extras["plan_risk"].pk).rank == 2
    answer = _send(
        "post",
        plans.admin_a,
        f"/api/v1/action-plan/risks/{risk['id']}/actions",
        {
            "kind": "joint",
            "joint_action": str(plans.extras["tea"].public_id),
            "description": "Joint child-care centres",
            "target": "Two centres open",
            "target_value": "2",
            "target_unit": "centres",
            "owner_email": plans.editor_a.email,
            "due_on": "2030-03-31",
        },
    )
    assert answer.status_code == 201, answer.content
    action = answer.json()
    assert (
        action["joint_action"] == str(plans.extras["tea"].public_id) and action["owner_email"] == plans.editor_a.email
    )
    answer = _send("patch", plans.admin_a, f"/api/v1/action-plan/actions/{action['id']}", {"status": "done"})
    assert answer.status_code == 200 and answer.json()["status"] == "done"
    assert answer.json()["target_value"] == 2.0  # untouched fields stay
    answer = _send("patch", plans.admin_a, f"/api/v1/action-plan/risks/{risk['id']}", {"status": "addressed"})
    assert answer.status_code == 200 and answer.json()["status"] == "addressed"


def test_a_joint_action_the_member_is_not_in_is_refused(plans: World) -> None:
    risk = plans.extras["plan_risk"]
    answer = _send(
        "post",
        plans.admin_a,
        f"/api/v1/action-plan/risks/{risk.pk}/actions",
        {"kind": "joint", "joint_action": str(plans.extras["b_only"].public_id), "description": "probe"},
    )
    assert answer.status_code == 400 and "does not take part" in answer.json()["detail"]
    assert risk.actions.count() == 1


def test_an_exit_needs_the_confirm_flag(plans: World) -> None:
    body = {
        "decision": "exit",
        "justification": "No remediation after two years",
        "event_response": plans.extras["response"].pk,
        "notice_given_on": "2026-01-10",
        "notice_days": 60,
        "wages_secured": True,
        "consulted": True,
        "consulted_with": "Workers' committee",
    }
    before = ExitDecision.objects.count()
    answer = _send("post", plans.admin_a, "/api/v1/exit-decisions", body)
    assert answer.status_code == 400 and "confirm" in answer.json()["detail"]
    assert ExitDecision.objects.count() == before
    answer = _send("post", plans.admin_a, "/api/v1/exit-decisions", {**body, "consulted": None, "confirm": True})
    assert answer.status_code == 400 and "Consultation" in answer.json()["detail"]
    answer = _send("post", plans.admin_a, "/api/v1/exit-decisions", {**body, "confirm": True})
    assert answer.status_code == 201
    assert answer.json()["facility"] == plans.extras["cocoa"].public_id
    listed = _send("get", plans.admin_a, "/api/v1/exit-decisions").json()
    assert {d["decision"] for d in listed["items"]} == {"exit", "suspend"}


def test_a_read_only_token_changes_nothing(plans: World) -> None:
    risk = plans.extras["plan_risk"]
    answer = _send(
        "post",
        plans.admin_a,
        f"/api/v1/action-plan/risks/{risk.pk}/actions",
        {"kind": "own", "description": "x"},
        read_only=True,
    )
    assert answer.status_code == 403 and risk.actions.count() == 1
