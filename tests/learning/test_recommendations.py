"""Recommendations: from every registered gap source and from the member's risk, each with its
reason; and resources_for's ranking by topic, step and language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse

from covenant.core.actors import Actor
from covenant.learning import interface, selectors, services
from covenant.learning.interface import Gap
from covenant.learning.models import Resource
from tests.conftest import World, actor_of, client_for
from tests.factories import risk_world
from tests.learning.builders import learning_world, tool


@pytest.fixture
def lw(world: World) -> World:
    return learning_world(world)


def _self_assessment(actor: Actor) -> list[Gap]:
    # A stand-in for the self-assessment's source: member A's step 2 is weak.
    if actor.org is None or actor.org.name != "Noordhaven Foods":
        return []
    return [Gap(source="self_assessment", reason="Your self-assessment: step 2 at 1 of 4", step=2, url="/sa/")]


@pytest.fixture
def registered_source() -> Iterator[None]:
    interface.register_gap_source(_self_assessment)
    yield
    interface._GAP_SOURCES.remove(_self_assessment)


def test_a_registered_gap_source_recommends_resources_with_its_reason(lw: World, registered_source: None) -> None:
    recs = selectors.recommendations(actor_of(lw.admin_a))
    assert recs
    for rec in recs:
        assert 2 in rec.resource.steps
        assert [g.reason for g in rec.reasons] == ["Your self-assessment: step 2 at 1 of 4"]
    page = client_for(lw.admin_a).get(reverse("learning:library")).content.decode()
    assert "Recommended for you" in page and "Your self-assessment: step 2 at 1 of 4" in page
    # Member B has no such gap (and no chain): nothing recommended.
    assert selectors.recommendations(actor_of(lw.admin_b)) == []


def test_completed_resources_are_not_recommended_again(lw: World, registered_source: None) -> None:
    first = selectors.recommendations(actor_of(lw.admin_a))[0].resource
    services.set_progress(actor_of(lw.admin_a), first, "completed")
    assert first not in [r.resource for r in selectors.recommendations(actor_of(lw.admin_a))]


def test_a_failing_gap_source_does_not_take_the_library_down(lw: World) -> None:
    def broken(actor: Actor) -> list[Gap]:
        raise RuntimeError("boom")

    interface.register_gap_source(broken)
    try:
        assert client_for(lw.admin_a).get(reverse("learning:library")).status_code == 200
    finally:
        interface._GAP_SOURCES.remove(broken)


def test_the_members_high_risk_topics_recommend_resources(world: World) -> None:
    lw = learning_world(risk_world(world))
    gaps = selectors.risk_gaps(actor_of(lw.admin_a))
    assert gaps
    assert all(g.source == "risk" and g.topic and g.reason.startswith("High risk in your chain: ") for g in gaps)
    recs = selectors.recommendations(actor_of(lw.admin_a))
    topics = {g.topic for g in gaps}
    assert recs and all(topics & {t.code for t in r.resource.topics.all()} for r in recs)
    # Not for a supplier, who has no member's chain.
    assert selectors.risk_gaps(actor_of(lw.supplier_admin)) == []


def test_resources_for_ranks_fit_then_language_then_specificity(lw: World) -> None:
    admin_a = actor_of(lw.admin_a)
    coordinator = actor_of(lw.coordinator)

    def published(**fields: object) -> Resource:
        made = services.save_contribution(admin_a, tool(**fields))
        return services.decide(coordinator, made, approve=True)

    both = published(title="Both", topics=["harsh_treatment"], steps=[5], language="de")
    dutch = published(title="Dutch", topics=["harsh_treatment"], steps=[], language="nl")
    english = published(title="English", topics=["harsh_treatment"], steps=[], language="en")
    spanish = published(title="Spanish", topics=["harsh_treatment"], steps=[], language="es")
    found = interface.resources_for(topics=["harsh_treatment"], steps=[5], language="nl", limit=50)
    mine = [r for r in found if r.pk in {both.pk, dutch.pk, english.pk, spanish.pk}]
    # Two matches first; then the reader's language, English, others.
    assert mine == [both, dutch, english, spanish]
    # The limit cuts the same ranking short.
    assert interface.resources_for(topics=["harsh_treatment"], steps=[5], language="nl", limit=3) == found[:3]
    # A topic-specific guide before one on every topic, at equal fit.
    wages = selectors.resources_for(topics=["wages"], language="en", limit=50)
    keys = [r.key for r in wages]
    assert keys.index("global-living-wage") < keys.index("eti-base-code")
    assert selectors.resources_for(topics=[], steps=[]) == []
    # Nothing unpublished, ever.
    assert lw.extras["lib_submitted"] not in selectors.resources_for(topics=["forced_labour"], steps=[6], limit=500)
