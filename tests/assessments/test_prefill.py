"""Each pre-filled figure is the number of the page it links to."""

from __future__ import annotations

from django.urls import reverse

from covenant.assessments import prefill
from tests.conftest import World, actor_of
from tests.factories import risk_world


def test_figures_equal_the_pages_they_come_from(world: World) -> None:
    risk_world(world)  # member A: two linked sites, one list row to review, one event alert answered
    actor = actor_of(world.admin_a)
    client = world.client(world.admin_a)

    mapped = prefill.sites_mapped(actor)
    summary = client.get(reverse("registry:chain")).context["summary"]
    assert (summary["sites"], summary["to_review"]) == (2, 1)
    assert mapped.value == 67 and "2 of 3 sites (67 %) mapped" in mapped.text
    assert mapped.link == reverse("registry:chain")

    beyond = prefill.beyond_tier1(actor)
    assert beyond.value == 0 and "2 sites in your chain, 2 linked" in beyond.text

    coverage = client.get(reverse("audits:coverage")).context["coverage"]
    audited = prefill.high_risk_audited(actor)
    if coverage.high_risk:
        assert audited.value == round(100 * coverage.high_risk_covered / coverage.high_risk)
        assert f"{coverage.high_risk_covered} of {coverage.high_risk} high-risk sites" in audited.text
    else:
        assert audited.value is None

    events = prefill.event_responses(actor)
    assert events.value == 100 and "1 of 1 risk-event alerts" in events.text

    grievances = prefill.grievance_participation(actor)
    assert grievances.value == "no"

    plan = prefill.plan_coverage(actor)
    assert plan.value is None  # no plan yet: nothing to count, the member answers itself

    # Member B has one linked site and no alert: its own figures, never member A's.
    b = actor_of(world.admin_b)
    assert prefill.sites_mapped(b).value == 100
    assert prefill.event_responses(b).value is None


def test_an_unanswered_alert_lowers_the_share(world: World) -> None:
    from covenant.risk.models import EventResponse

    risk_world(world)
    EventResponse.objects.filter(org=world.member_a).delete()
    figure = prefill.event_responses(actor_of(world.admin_a))
    assert figure.value == 0 and "0 of 1" in figure.text
