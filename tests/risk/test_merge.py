"""What is known about a site's risk follows it when two register records are merged."""

from __future__ import annotations

from covenant.registry import matchindex, services
from covenant.risk.interface import Signal, replace_signals
from covenant.risk.models import SiteSignal
from tests.conftest import World, actor_of
from tests.factories import make_facility


def test_signals_move_to_the_survivor(world: World) -> None:
    matchindex.reset()
    keep = make_facility("Saigon Textile JSC", "VN", "Lot A5, Tan Tao IP")
    dupe = make_facility("Cong ty CP Det Sai Gon", "VN", "Lo A5 KCN Tan Tao")
    replace_signals(
        facility_id=dupe.pk,
        source="audit",
        source_ref="a-1",
        signals=[Signal(topic="working_hours", delta=1.5, explanation="Overtime above 60 hours a week")],
    )
    services.merge_facilities(actor_of(world.coordinator), dupe, keep)
    assert SiteSignal.objects.filter(facility=dupe).count() == 0
    assert SiteSignal.objects.get(facility=keep).explanation == "Overtime above 60 hours a week"


def test_overrides_responses_and_hits_follow_and_the_stored_risk_is_refreshed(world: World) -> None:
    from datetime import date

    from covenant.registry.models import ListRow
    from covenant.risk import engine
    from covenant.risk import services as risk_services
    from covenant.risk.models import EventResponse, RiskOverride, SiteRisk
    from tests.factories import declare_flood, link

    matchindex.reset()
    keep = make_facility("Saigon Textile JSC", "VN", "Lot A5, Tan Tao IP", subdivision="VN-SG")
    dupe = make_facility("Cong ty CP Det Sai Gon", "VN", "Lo A5 KCN Tan Tao", subdivision="VN-SG")
    link(world.member_a, dupe, tier=1)
    link(world.member_b, keep, tier=1)
    link(world.member_b, dupe, tier=2)
    engine.recompute_all()
    admin_a, admin_b = actor_of(world.admin_a), actor_of(world.admin_b)
    risk_services.set_override(admin_a, dupe, "wages", 8.0, "our audit found unpaid overtime")
    risk_services.set_override(admin_b, keep, "wages", 3.0, "living wage paid, checked in 2026")
    risk_services.set_override(admin_b, dupe, "wages", 9.0, "an older view on the duplicate record")
    event = declare_flood(world.coordinator, "Flooding in Ho Chi Minh City", ["VN-SG"], date(2026, 10, 1))
    risk_services.record_response(admin_a, event, dupe, status="in_progress", checklist_done=[0], note="called")

    services.merge_facilities(actor_of(world.coordinator), dupe, keep)

    # Member A's override and response now sit on the survivor; member B keeps the one it set there.
    assert RiskOverride.objects.get(org=world.member_a, facility=keep).score == 8.0
    assert RiskOverride.objects.get(org=world.member_b, facility=keep).score == 3.0
    assert EventResponse.objects.get(org=world.member_a).facility == keep
    # The merged record no longer has a stored risk of its own; the survivor's is current.
    assert not SiteRisk.objects.filter(facility=dupe).exists()
    assert SiteRisk.objects.filter(facility=keep).exists()
    assert not ListRow.objects.filter(facility=dupe).exists()


def test_a_source_that_already_restated_its_signals_for_the_survivor_is_not_counted_twice(world: World) -> None:
    from covenant.risk.receivers import move_signals_on_merge

    keep = make_facility("Saigon Textile JSC", "VN", "Lot A5, Tan Tao IP")
    dupe = make_facility("Cong ty CP Det Sai Gon", "VN", "Lo A5 KCN Tan Tao")
    overtime = [Signal(topic="working_hours", delta=1.5, explanation="Overtime above 60 hours a week")]
    for facility in (dupe, keep):
        replace_signals(facility_id=facility.pk, source="audit", source_ref="a-1", signals=overtime)
    move_signals_on_merge(loser=dupe, survivor=keep)
    assert SiteSignal.objects.filter(facility=keep, source="audit", source_ref="a-1").count() == 1
