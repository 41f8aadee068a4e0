"""The pages: the member's own plan and decisions, 404 for anyone else, counts for the secretariat."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from covenant.plans.models import ExitDecision, PlanAction, PlanRisk
from covenant.registry.models import SupplyLink
from tests.conftest import World, client_for


def test_the_plan_page_shows_risks_actions_overdue_and_candidates(plans: World) -> None:
    page = client_for(plans.admin_a).get(reverse("plans:plan"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "canary-a wage ladder with the supplier" in body
    assert "overdue" in body
    assert "From your risk overview" in body and "Add to plan" in body
    assert plans.extras["cocoa"].public_id in body  # a leading site not yet in the plan


def test_another_member_sees_nothing_of_the_plan(plans: World) -> None:
    client = client_for(plans.admin_b)
    page = client.get(reverse("plans:plan"))
    assert page.status_code == 200 and "canary-a" not in page.content.decode()
    for url in (
        reverse("plans:risk", args=[plans.extras["plan_risk"].pk]),
        reverse("plans:action", args=[plans.extras["plan_action"].pk]),
        reverse("plans:exit", args=[plans.extras["exit_decision"].pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"status": "closed", "rank": 1, "why": "probe"}).status_code == 404
    assert "canary-a" not in client.get(reverse("plans:exits")).content.decode()
    assert client.get(reverse("plans:export")).content.decode().count("\n") == 1  # the header only


def test_suppliers_and_the_secretariat_get_no_plan(plans: World) -> None:
    assert client_for(plans.supplier_admin).get(reverse("plans:plan")).status_code == 403
    assert client_for(plans.coordinator).get(reverse("plans:plan")).status_code == 403
    url = reverse("plans:risk", args=[plans.extras["plan_risk"].pk])
    assert client_for(plans.coordinator).get(url).status_code in (403, 404)


def test_the_secretariat_sees_counts_only(plans: World) -> None:
    page = client_for(plans.coordinator).get(reverse("plans:exit_summary"))
    assert page.status_code == 200
    body = page.content.decode()
    assert plans.extras["event"].title in body
    for secret in ("canary-a", plans.member_a.name, plans.extras["cocoa"].name, plans.extras["cocoa"].public_id):
        assert secret not in body
    assert client_for(plans.admin_a).get(reverse("plans:exit_summary")).status_code == 403


def test_the_csv_export_holds_the_plan(plans: World) -> None:
    response = client_for(plans.viewer_a).get(reverse("plans:export") + "?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Priority", "Topic", "Scope"]
    assert rows[1][0] == "1" and rows[1][3] == plans.extras["shared"].public_id
    assert rows[1][9] == "canary-a wage ladder with the supplier" and rows[1][-1] == "yes"
    xlsx = client_for(plans.viewer_a).get(reverse("plans:export") + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_adding_a_risk_and_an_action_from_the_pages(plans: World) -> None:
    client = client_for(plans.admin_a)
    cocoa = plans.extras["cocoa"]
    response = client.post(
        reverse("plans:add_risk"), {"topic": "child_labour", "scope": "site", "site": cocoa.public_id, "why": "kids"}
    )
    assert response.status_code == 302
    risk = PlanRisk.objects.get(org=plans.member_a, facility=cocoa)
    assert risk.rank == 2
    response = client.post(
        reverse("plans:add_action", args=[risk.pk]),
        {
            "kind": "joint",
            "joint_action": str(plans.extras["b_only"].pk),
            "description": "probe",
            "status": "planned",
        },
    )
    assert response.status_code == 302 and not risk.actions.exists()  # not a choice, and the service refuses
    response = client.post(
        reverse("plans:add_action", args=[risk.pk]),
        {
            "kind": "joint",
            "joint_action": str(plans.extras["tea"].pk),
            "description": "Community child-care with the tea joint action",
            "status": "planned",
            "owner_user": str(plans.editor_a.pk),
            "due_on": "2030-06-30",
        },
    )
    assert response.status_code == 302
    action = risk.actions.get()
    assert action.joint_action == plans.extras["tea"] and action.owner_user == plans.editor_a
    page = client.get(reverse("plans:action", args=[action.pk]))
    assert page.status_code == 200 and "Community child-care" in page.content.decode()


def test_a_viewer_reads_but_does_not_write(plans: World) -> None:
    client = client_for(plans.viewer_a)
    risk = plans.extras["plan_risk"]
    assert client.get(reverse("plans:risk", args=[risk.pk])).status_code == 200
    assert (
        client.post(reverse("plans:add_action", args=[risk.pk]), {"kind": "own", "description": "x"}).status_code == 403
    )
    assert PlanAction.objects.count() == 1


def test_an_exit_from_the_page_previews_then_records_on_confirmation(plans: World) -> None:
    client = client_for(plans.admin_a)
    cocoa = plans.extras["cocoa"]
    form = client.get(reverse("plans:exits") + f"?site={cocoa.public_id}")
    assert form.status_code == 200 and str(plans.extras["response"].event.title) in form.content.decode()
    data = {
        "site": cocoa.public_id,
        "event_response": str(plans.extras["response"].pk),
        "decision": "exit",
        "justification": "The cooperative refuses remediation",
        "notice_given_on": "2026-01-10",
        "notice_days": "90",
        "wages_secured": "yes",
        "consulted": "yes",
        "consulted_with": "Cocoa farmers' union",
    }
    before = ExitDecision.objects.count()
    preview = client.post(reverse("plans:exits"), data)
    assert preview.status_code == 200 and ExitDecision.objects.count() == before
    body = preview.content.decode()
    assert "stays as it is" in body and reverse("registry:link", args=[plans.extras["a_cocoa"].pk]) in body
    done = client.post(reverse("plans:exits"), {**data, "confirm": "on"})
    assert done.status_code == 302
    item = ExitDecision.objects.latest("pk")
    assert item.decision == "exit" and item.consulted_with == "Cocoa farmers' union"
    assert SupplyLink.objects.get(pk=plans.extras["a_cocoa"].pk).end_date is None


def test_an_exit_page_refuses_a_plan_without_its_essentials(plans: World) -> None:
    client = client_for(plans.admin_a)
    data = {
        "event_response": str(plans.extras["response"].pk),
        "decision": "exit",
        "justification": "x",
        "confirm": "on",
    }
    before = ExitDecision.objects.count()
    page = client.post(reverse("plans:exits"), data)
    assert page.status_code == 200 and ExitDecision.objects.count() == before
    assert "An exit must be responsible" in page.content.decode()
