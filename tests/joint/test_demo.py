"""The demo's two joint actions: different participants, members outside each, safe to run twice."""

from __future__ import annotations

from covenant.joint import selectors
from covenant.joint.demo import FEES, TEA, seed_joint
from covenant.joint.models import JointAction
from tests.conftest import World, actor_of, make_org, make_user


def test_seed_joint(world: World) -> None:
    orgs = {"sec-1": world.secretariat}
    people = {}
    for key, kind in (
        ("mem-01", "member"), ("mem-02", "member"), ("mem-04", "member"), ("mem-06", "member"),
        ("mem-07", "member"), ("uni-1", "trade_union"), ("cso-2", "cso"), ("cso-3", "cso"),
    ):  # fmt: skip
        orgs[key] = make_org(f"Demo {key}", kind, size="large" if kind == "member" else "")
        people[key] = make_user(orgs[key], "admin", f"admin@{key}.example")
    seed_joint(orgs=orgs, log=lambda _m: None)
    seed_joint(orgs=orgs, log=lambda _m: None)
    assert JointAction.objects.count() == 2
    tea, fees = JointAction.objects.get(title=TEA), JointAction.objects.get(title=FEES)
    assert set(tea.participants.values_list("org__slug", "role", "status")) == {
        (orgs["mem-06"].slug, "lead", "accepted"),
        (orgs["mem-01"].slug, "participant", "accepted"),
        (orgs["uni-1"].slug, "participant", "accepted"),
        (orgs["cso-2"].slug, "participant", "accepted"),
        (world.secretariat.slug, "facilitator", "accepted"),
    }
    assert fees.participants.get(org=world.secretariat).role == "observer"
    assert fees.gender_targets.exists() and tea.gender_targets.count() == 2
    assert tea.milestones.filter(done_on__isnull=False).count() == 1
    # Members outside each see neither; the union sees the tea action only.
    assert not selectors.joint_actions_for(actor_of(people["mem-02"])).exists()
    assert list(selectors.joint_actions_for(actor_of(people["uni-1"]))) == [tea]
    assert list(selectors.joint_actions_for(actor_of(people["mem-07"]))) == [fees]
    assert [s.title for s in selectors.published_summaries()] == [FEES]
