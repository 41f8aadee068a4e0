"""The member's pages (form without JavaScript, pre-filled figures, submit with a preview, result
with change and gaps), the secretariat's cycle page, and the aggregates under the five-member rule."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from covenant.assessments import services
from covenant.assessments.models import Assessment, AssessmentStatus
from covenant.orgs import services as org_services
from tests.assessments.builders import answers, members, open_cycle, submitted
from tests.conftest import SYSTEM, World, actor_of, make_org, make_user
from tests.factories import registry_world


def test_a_member_answers_step_by_step_takes_a_figure_and_submits(world: World) -> None:
    registry_world(world)  # one linked site, one list row waiting for review: 1 of 2 (50 %) mapped
    client = world.client(world.admin_a)
    assert "No self-assessment cycle is open" in client.get(reverse("assessments:home")).content.decode()
    open_cycle(world)
    response = client.post(reverse("assessments:start"))
    assessment = Assessment.objects.get(org=world.member_a)
    assert response.url == reverse("assessments:assessment", args=[assessment.pk])
    step2 = reverse("assessments:step", args=[assessment.pk, 2])
    page = client.get(step2).content.decode()
    assert "The platform shows" in page and "1 of 2 sites (50 %) mapped" in page
    response = client.post(step2, {"2.1.a": "10", "accept:2.1.a": "on", "2.2.a": "partly", "next": "1"})
    assert response.url == reverse("assessments:step", args=[assessment.pk, 3])
    assessment.refresh_from_db()
    assert assessment.answers["2.1.a"] == {"value": 50, "platform": True}  # the figure, not the 10 typed
    assert assessment.answers["2.2.a"] == {"value": "partly", "platform": False}
    client.post(step2, {"2.1.a": "not a number"})
    assessment.refresh_from_db()
    assert assessment.answers["2.1.a"]["value"] == 50  # a bad value changes nothing
    preview = client.get(reverse("assessments:submit", args=[assessment.pk])).content.decode()
    assert "questions are not answered yet" in preview
    client.post(reverse("assessments:submit", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    services.save_draft(actor_of(world.admin_a), assessment, answers(level="partly"))
    response = client.post(reverse("assessments:submit", args=[assessment.pk]))
    assert response.url == reverse("assessments:result", args=[assessment.pk])
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.prefill["2.1.a"]["value"] == 50
    # Locked: the form shows answers without inputs, and a post changes nothing.
    client.post(step2, {"2.2.a": "yes"})
    assessment.refresh_from_db()
    assert assessment.answers["2.2.a"]["value"] == "partly"
    assert 'name="2.2.a"' not in client.get(step2).content.decode()


def test_the_result_shows_scores_the_change_since_last_year_and_linked_gaps(world: World) -> None:
    from covenant.learning.models import Resource, ResourceStep

    guide = Resource.objects.create(
        kind="guide",
        title="Mapping your chain beyond tier 1",
        language="en",
        licence="CC BY 4.0",
        status="published",
        url="https://example.org/guide",
    )
    ResourceStep.objects.create(resource=guide, step=2)
    member = actor_of(world.admin_a)
    last = open_cycle(world, 2025)
    submitted(member, last, level="bottom")
    services.close_cycle(actor_of(world.coordinator), last)
    this = submitted(member, open_cycle(world, 2026), level="partly")
    page = world.client(world.admin_a).get(reverse("assessments:result", args=[this.pk])).content.decode()
    assert "<svg" in page and page.count('fill="#2f6f4f"') == 6  # one bar per step, drawn on the server
    scores = this.scores
    assert all(f"+{scores[str(s)]}" in page for s in range(1, 7) if scores[str(s)])
    assert reverse("risk:overview") in page  # step 2's page
    assert "Mapping your chain beyond tier 1" in page and reverse("learning:resource", args=[guide.pk]) in page
    # The learning library's gap source says the same.
    from covenant.assessments.gaps import self_assessment_gaps

    gaps = self_assessment_gaps(member)
    assert {g.step for g in gaps} == {s for s in range(1, 7) if scores[str(s)] < 3}
    assert self_assessment_gaps(actor_of(world.admin_b)) == []


def test_another_member_gets_404_on_every_page_of_an_assessment(world: World) -> None:
    cycle = open_cycle(world)
    mine = submitted(actor_of(world.admin_a), cycle, extra={"2.2.g": "canary-a risks"})
    evidence = None
    services.reopen(actor_of(world.coordinator), mine, reason="add evidence")
    evidence = services.attach_evidence(actor_of(world.admin_a), mine, question="1.1", link="https://example.org/p")
    b = world.client(world.admin_b)
    for url in (
        reverse("assessments:assessment", args=[mine.pk]),
        reverse("assessments:step", args=[mine.pk, 2]),
        reverse("assessments:submit", args=[mine.pk]),
        reverse("assessments:result", args=[mine.pk]),
        reverse("assessments:evidence", args=[evidence.pk]),
    ):
        assert b.get(url).status_code == 404, url
    assert b.post(reverse("assessments:step", args=[mine.pk, 2]), {"2.2.a": "no"}).status_code == 404
    reopen = reverse("assessments:reopen", args=[cycle.year])
    assert b.post(reopen, {"member": world.member_a.pk, "reason": "x"}).status_code == 404


def test_the_secretariat_reads_a_members_scores_only_where_the_deployment_allows(world: World, settings: Any) -> None:
    cycle = open_cycle(world)
    mine = submitted(actor_of(world.admin_a), cycle, extra={"2.2.g": "canary-a risks"})
    secretariat = world.client(world.coordinator)
    result = reverse("assessments:result", args=[mine.pk])
    cycle_page = reverse("assessments:cycle", args=[cycle.year])
    assert secretariat.get(result).status_code == 404
    page = secretariat.get(cycle_page)
    assert page.context["statuses"] is None and result not in page.content.decode()
    assert "counts and aggregates only" in page.content.decode()
    settings.COVENANT_SELF_ASSESSMENT_PER_MEMBER = True
    assert secretariat.get(result).status_code == 200
    page = secretariat.get(cycle_page)
    assert result in page.content.decode()
    [row] = [s for s in page.context["statuses"] if s.org == world.member_a]
    assert row.scores == mine.scores
    assert world.client(world.admin_b).get(result).status_code == 404  # another member still not


def test_aggregates_are_hidden_below_five_members_and_shown_at_five(world: World) -> None:
    cycle = open_cycle(world)
    admins = members(4)
    for admin in admins[:3]:
        submitted(actor_of(admin), cycle, level="top")
    submitted(actor_of(world.admin_a), cycle, level="bottom")
    page = reverse("assessments:cycle", args=[cycle.year])
    secretariat = world.client(world.coordinator)
    assert "Fewer than 5 members submitted: not shown." in secretariat.get(page).content.decode()
    submitted(actor_of(admins[3]), cycle, level="partly")
    shown = secretariat.get(page)
    aggregate = shown.context["overview"].aggregate
    assert aggregate.submitted == 5
    assert aggregate.steps[0].counts[4] == 3 and aggregate.steps[0].counts[0] == 1
    assert aggregate.steps[0].median == 4.0


def test_a_branch_association_sees_aggregates_of_its_own_members_only(world: World) -> None:
    branch = make_org("Branche Voeding", "branch_association")
    branch_admin = make_user(branch, "admin", "admin@branche.example")
    cycle = open_cycle(world)
    own = members(5, "Food")
    others = members(3, "Retail")
    for admin in own:
        org_services.set_branch_associations(SYSTEM, admin.memberships.get().org, [branch])
        submitted(actor_of(admin), cycle, level="bottom", extra={"2.2.g": "canary-a private text"})
    for admin in others:
        submitted(actor_of(admin), cycle, level="top")
    client = world.client(branch_admin)
    response = client.get(reverse("assessments:aggregates"), {"year": cycle.year})
    aggregate = response.context["aggregate"]
    assert aggregate.members == 5 and aggregate.submitted == 5
    assert all(d.counts == [5, 0, 0, 0, 0] for d in aggregate.steps)  # the others' 4s are not in it
    body = response.content.decode()
    assert "canary-a" not in body and "Food 0" not in body
    # One member fewer submitted: not shown.
    Assessment.objects.filter(org=own[0].memberships.get().org).update(status="reopened")
    assert "not shown" in client.get(reverse("assessments:aggregates")).content.decode()
    # A member company sees no aggregates.
    assert world.client(world.admin_a).get(reverse("assessments:aggregates")).status_code == 403


def test_the_secretariat_opens_and_closes_a_cycle_and_reopens_from_the_cycle_page(world: World) -> None:
    client = world.client(world.coordinator)
    response = client.post(reverse("assessments:cycles"), {"year": 2026, "deadline": "2099-03-31"})
    assert response.status_code == 302
    cycle = services.Cycle.objects.get(year=2026)
    mine = submitted(actor_of(world.admin_a), cycle)
    reopen = reverse("assessments:reopen", args=[2026])
    response = client.post(reopen, {"member": world.member_b.pk, "reason": "x"}, follow=True)
    assert "has no self-assessment in 2026" in response.content.decode()
    client.post(reopen, {"member": world.member_a.pk, "reason": "figures of the wrong year"})
    mine.refresh_from_db()
    assert mine.status == AssessmentStatus.REOPENED and mine.reopened_reason == "figures of the wrong year"
    client.post(reverse("assessments:cycle_close", args=[2026]))
    cycle.refresh_from_db()
    assert not cycle.is_open
    assert world.client(world.admin_a).post(reverse("assessments:cycles"), {"year": 2027}).status_code == 403
