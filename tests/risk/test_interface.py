"""The interface through which audits, grievances and events feed site risk."""

from __future__ import annotations

import pytest

from covenant.risk.interface import MAX_DELTA, Signal, UnknownTopic, clear_signals, replace_signals
from covenant.risk.models import SiteSignal, Topic
from tests.factories import make_facility


def test_the_salient_topics_are_data(db) -> None:  # type: ignore[no-untyped-def]
    codes = list(Topic.objects.values_list("code", flat=True))
    assert codes[:2] == ["forced_labour", "child_labour"]
    assert len(codes) == 13
    assert Topic.objects.get(code="freedom_of_association").name_nl == "Vrijheid van vakvereniging"


def test_replace_then_clear(db) -> None:  # type: ignore[no-untyped-def]
    site = make_facility("Mill", "IN")
    replace_signals(
        facility_id=site.pk,
        source="audit",
        source_ref="A1",
        signals=[
            Signal("wages", 2.0, "Major finding: wages below legal minimum"),
            Signal("child_labour", -9, "No finding"),
        ],
    )
    assert SiteSignal.objects.filter(facility=site).count() == 2
    assert SiteSignal.objects.get(topic__code="child_labour").delta == -MAX_DELTA  # capped
    replace_signals(facility_id=site.pk, source="audit", source_ref="A1", signals=[Signal("wages", 1.0, "Corrected")])
    assert list(SiteSignal.objects.values_list("topic__code", "delta")) == [("wages", 1.0)]
    replace_signals(facility_id=site.pk, source="grievance", source_ref="G1", signals=[Signal("wages", 1.5, "Case")])
    assert clear_signals(source="audit", source_ref="A1") == 1
    assert list(SiteSignal.objects.values_list("source", flat=True)) == ["grievance"]


def test_unknown_topics_and_sources_are_refused(db) -> None:  # type: ignore[no-untyped-def]
    site = make_facility("Mill", "IN")
    with pytest.raises(UnknownTopic):
        replace_signals(facility_id=site.pk, source="audit", source_ref="A1", signals=[Signal("happiness", 1, "x")])
    with pytest.raises(ValueError, match="unknown signal source"):
        replace_signals(facility_id=site.pk, source="rumour", source_ref="x", signals=[])
