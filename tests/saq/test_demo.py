"""The demo's SAQs: through the services, shared with the linked members, idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from covenant.registry.interface import Facility
from covenant.saq import demo, selectors
from covenant.saq.models import Saq, SaqStatus
from tests.conftest import World, actor_of, make_org, make_user
from tests.factories import link, make_facility


def test_seed_saq_is_idempotent_and_shares_with_linked_members(world: World) -> None:
    supplier = make_org("Anatolia Denim", "supplier", country="TR")
    make_user(supplier, "admin", "admin@anatoliadenim.example")
    sites = []
    for i in range(4):  # one site of the four is left out: two a supplier besides the demo member's
        site = make_facility(f"Anatolia Denim plant {i}", "TR", f"Organize Sanayi {i}, Denizli")
        Facility.objects.filter(pk=site.pk).update(owner=supplier)
        sites.append(site)
    link(world.member_a, sites[3], tier=1)
    link(world.member_b, sites[3], tier=1)
    orgs = {"mem-01": world.member_a, "mem-02": world.member_b, "sup-1": supplier, "sup-2": world.supplier}
    lines: list[str] = []
    demo.seed_saq(orgs=orgs, log=lines.append)
    demo.seed_saq(orgs=orgs, log=lines.append)
    assert lines == ["  self-assessments: 3 submitted and shared", "  self-assessments: 0 submitted and shared"]
    saqs = Saq.objects.filter(owner=supplier)
    assert saqs.count() == 3 and set(saqs.values_list("status", flat=True)) == {SaqStatus.SUBMITTED}
    # The demo member's site first (then up to two a supplier): both members linked to it read it, no other.
    a_site = selectors.site_saq(actor_of(world.admin_a), sites[3])
    assert a_site is not None and a_site.refugee_workers == 0
    assert [s.facility_id for s in selectors.shared_with_me(actor_of(world.admin_b))] == [sites[3].pk]
    assert selectors.shared_with_me(actor_of(world.supplier_admin)).count() == 0
    assert saqs.filter(refugee_workers__gt=0).count() == 1
    soon = timezone.localdate() + timedelta(days=30)
    assert saqs.filter(valid_until__lte=soon).count() == 1
