"""The demo's interests: picked from what the chains share, written through the services, once."""

from __future__ import annotations

from covenant.core.models import AuditEvent
from covenant.partners import selectors
from covenant.partners.demo import seed_partners
from covenant.partners.models import Interest, Match
from tests.conftest import World, actor_of


def test_seed_partners_picks_shared_subjects_and_is_idempotent(partners: World) -> None:
    orgs = {
        "mem-01": partners.member_a,
        "mem-06": partners.member_b,
        "mem-04": partners.extras["member_c"],
        "mem-07": partners.extras["member_d"],
    }
    logged: list[str] = []
    seed_partners(orgs=orgs, log=logged.append)
    interests = {(i.org_id, i.kind, i.key) for i in Interest.objects.all()}
    tea = partners.extras["tea"].public_id
    # Wages is not high on Kenyan tea here: the tea estate both source from is the subject.
    assert (partners.member_a.pk, "site", tea) in interests and (partners.member_b.pk, "site", tea) in interests
    # mem-01 alone on another hotspot it shares: waiting, revealed to nobody.
    alone = [i for i in interests if i[0] == partners.member_a.pk and i[2] != tea]
    assert len(alone) == 1 and alone[0][1] == "hotspot"
    # C and D share nothing in Malaysia: skipped, and said so.
    assert any("Malaysia" in line for line in logged)
    assert Match.objects.count() == 1
    b_view = selectors.shared(actor_of(partners.admin_b))
    assert [p.name for s in b_view.matched for p in s.partners] == ["Noordhaven Foods"]
    before = (Interest.objects.count(), AuditEvent.objects.count())
    seed_partners(orgs=orgs, log=logged.append)
    assert (Interest.objects.count(), AuditEvent.objects.count()) == before
