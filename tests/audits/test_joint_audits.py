"""Joint audits (issue 13, item 7): counts without names, co-funders, the cost split, the link, consent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from covenant.audits import rules, selectors, services
from covenant.audits.models import (
    AccessRequest,
    ApscaAuditor,
    Audit,
    AuditRequestStatus,
    AuditShare,
    JointAudit,
    JointAuditStatus,
    SchemeVersion,
)
from covenant.core.errors import Conflict
from covenant.core.models import AuditEvent
from covenant.orgs.models import Organisation
from covenant.registry.models import Facility
from tests.conftest import World, actor_of, client_for, make_org, make_user
from tests.factories import link, make_facility

TODAY = timezone.localdate()


def _smeta() -> SchemeVersion:
    return SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p")


def _site(world: World, name: str = "Huaxin Dye House") -> Facility:
    site = make_facility(name, "CN", "9 River Road, Dongguan")
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
    site.refresh_from_db()
    return site


def _firm_audit(world: World, site: Facility) -> Audit:
    return services.create_audit(
        actor_of(world.auditor),
        services.AuditInput(
            facility=site,
            scheme_version=_smeta(),
            start_date=TODAY - timedelta(days=3),
            end_date=TODAY - timedelta(days=2),
            auditors=[services.AuditorInput("Li Wei", "21701234", "CSCA", True)],
        ),
    )


@pytest.fixture
def joint_world(world: World) -> World:
    """Members A, B and C source from one site without an audit; D (linked elsewhere only) does not."""
    ApscaAuditor.objects.create(number="21701234", name="Li Wei", level="CSCA", status="active")
    site = _site(world)
    member_c = make_org("Derde Markt", "member", size="sme")
    member_d = make_org("Vierde Huis", "member", size="sme")
    world.extras.update(
        site=site,
        member_c=member_c,
        admin_c=make_user(member_c, "admin", "admin@derdemarkt.example"),
        member_d=member_d,
        admin_d=make_user(member_d, "admin", "admin@vierdehuis.example"),
    )
    for org in (world.member_a, world.member_b, member_c):
        link(org, site)
    link(member_d, _site(world, "Another Mill"))
    return world


def test_the_cost_split_rule() -> None:
    total = Decimal("3000")
    assert rules.cost_split(total, [None, None]) == [Decimal("1500.00")] * 2
    assert rules.cost_split(total, [Decimal("50"), None, Decimal("30")]) == [
        Decimal("1500.00"),
        Decimal("600.00"),
        Decimal("900.00"),
    ]
    assert rules.cost_split(None, [Decimal("50"), None]) == [None, None]
    assert rules.shares_fit([Decimal("50"), None, Decimal("50")])
    assert not rules.shares_fit([Decimal("60"), Decimal("50")])
    assert not rules.shares_fit([Decimal("0")])


def test_members_see_how_many_others_need_an_audit_never_who(joint_world: World) -> None:
    w = joint_world
    site = w.extras["site"]
    a, b, c = actor_of(w.admin_a), actor_of(w.admin_b), actor_of(w.extras["admin_c"])
    assert selectors.joint_needs(a) == []
    services.request_audit(b, site)
    needs = selectors.joint_needs(a)
    assert [(n.facility, n.others, n.joined) for n in needs] == [(site, 1, False)]
    services.request_audit(c, site)
    assert selectors.joint_needs(a)[0].others == 2
    # B sees the others, not itself.
    assert [(n.others, n.joined) for n in selectors.joint_needs(b)] == [(1, True)]
    # D does not source from the site: nothing of it, and the joint audit is a 404.
    assert selectors.joint_needs(actor_of(w.extras["admin_d"])) == []
    page = client_for(w.admin_a).get(reverse("audits:joint"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "2 other members need an audit here" in body
    assert w.member_b.name not in body and w.extras["member_c"].name not in body
    # A member whose link ended is no longer counted (the register's own count drops it too).
    from covenant.registry.models import SupplyLink

    SupplyLink.objects.filter(org=w.extras["member_c"], facility=site).update(end_date=TODAY - timedelta(days=1))
    assert selectors.joint_needs(a)[0].others == 1


def test_a_site_with_a_recognised_audit_the_member_may_read_needs_no_joint_audit(joint_world: World) -> None:
    w = joint_world
    site = w.extras["site"]
    services.request_audit(actor_of(w.admin_b), site)
    audit = _firm_audit(w, site)
    services.grant_access(actor_of(w.supplier_admin), audit, w.member_a)
    assert selectors.joint_needs(actor_of(w.admin_a)) == []
    with pytest.raises(ValidationError):
        services.open_joint_audit(actor_of(w.admin_a), site)


def test_open_join_split_and_who_sees_what(joint_world: World) -> None:
    w = joint_world
    site = w.extras["site"]
    a, b, c = actor_of(w.admin_a), actor_of(w.admin_b), actor_of(w.extras["admin_c"])
    joint = services.open_joint_audit(
        a,
        site,
        scheme_version=_smeta(),
        target_date=TODAY + timedelta(days=60),
        estimated_cost=Decimal("3000"),
        note="Announced, two days",
        cost_share_percent=Decimal("50"),
    )
    assert joint.opened_by == w.member_a and joint.status == JointAuditStatus.PLANNING
    assert AuditEvent.objects.filter(action="audits.joint.opened", org_id=w.member_a.pk).exists()
    # One joint audit per site: B joins it rather than opening another.
    with pytest.raises(Conflict):
        services.open_joint_audit(b, site)
    # Before joining, B is an outsider: 404 on the joint audit, its page and its API.
    with pytest.raises(Http404):
        selectors.get_joint_audit(b, joint.pk)
    assert client_for(w.admin_b).get(reverse("audits:joint_detail", args=[joint.pk])).status_code == 404
    assert client_for(w.admin_b).get(reverse("api:get_joint_audit", args=[joint.pk])).status_code == 404
    services.join_joint_audit(b, selectors.joinable_joint_audit(b, joint.pk))
    services.join_joint_audit(c, joint, cost_share_percent=Decimal("30"))
    # Shares together at most 100 %.
    with pytest.raises(ValidationError):
        services.join_joint_audit(b, joint, cost_share_percent=Decimal("25"))
    assert services.cost_share(joint, w.member_b.pk) == (3, Decimal("600.00"))
    assert services.cost_share(joint, w.member_a.pk) == (3, Decimal("1500.00"))
    rows = {r.org_id: amount for r, amount in selectors.joint_cofunders(b, joint)}
    assert rows == {
        w.member_a.pk: Decimal("1500.00"),
        w.member_b.pk: Decimal("600.00"),
        w.extras["member_c"].pk: Decimal("900.00"),
    }
    # Co-funders see each other's names once they joined.
    body = client_for(w.admin_b).get(reverse("audits:joint_detail", args=[joint.pk])).content.decode()
    assert w.member_a.name in body and w.extras["member_c"].name in body and "600.00" in body
    # A member not linked to the site cannot join (404), nor see it.
    d = actor_of(w.extras["admin_d"])
    with pytest.raises(Http404):
        selectors.joinable_joint_audit(d, joint.pk)
    with pytest.raises(Http404):
        selectors.get_joint_audit(d, joint.pk)
    # The supplier of the site sees the plan and the count, not the names.
    supplier = actor_of(w.supplier_admin)
    assert selectors.get_joint_audit(supplier, joint.pk).cofunders == 3  # type: ignore[attr-defined]
    assert selectors.joint_cofunders(supplier, joint) == []
    data = client_for(w.supplier_admin).get(reverse("api:get_joint_audit", args=[joint.pk])).json()
    assert data["cofunders"] is None and data["cofunder_count"] == 3
    # The secretariat and other firms see nothing.
    for outsider in (w.coordinator, w.auditor):
        with pytest.raises(Http404):
            selectors.get_joint_audit(actor_of(outsider), joint.pk)


def test_only_the_opener_plans_and_leaving_passes_the_role_on(joint_world: World) -> None:
    w = joint_world
    site = w.extras["site"]
    a, b = actor_of(w.admin_a), actor_of(w.admin_b)
    joint = services.open_joint_audit(a, site, estimated_cost=Decimal("2000"))
    services.join_joint_audit(b, joint)
    plan = {"audit_firm": w.audit_firm, "scheme_version": _smeta(), "target_date": None, "estimated_cost": None}
    with pytest.raises(PermissionDenied):
        services.plan_joint_audit(b, joint, **plan)
    with pytest.raises(ValidationError):
        services.plan_joint_audit(a, joint, **{**plan, "audit_firm": w.member_b})  # not an audit firm
    services.plan_joint_audit(a, joint, **plan)
    joint.refresh_from_db()
    assert joint.audit_firm == w.audit_firm
    # The chosen firm now sees the joint audit, with the co-funders (it contracts with them).
    firm = actor_of(w.auditor)
    assert [r.org for r, _amount in selectors.joint_cofunders(firm, joint)] == [w.member_a, w.member_b]
    services.leave_joint_audit(a, joint)
    joint.refresh_from_db()
    assert joint.opened_by == w.member_b
    with pytest.raises(Http404):
        selectors.get_joint_audit(a, joint.pk)  # A left: an outsider again
    assert services.can_plan_joint(b, joint)


def test_linking_keeps_consent_with_the_supplier(joint_world: World) -> None:
    w = joint_world
    site = w.extras["site"]
    a, b = actor_of(w.admin_a), actor_of(w.admin_b)
    joint = services.open_joint_audit(a, site, estimated_cost=Decimal("2000"))
    services.join_joint_audit(b, joint)
    audit = _firm_audit(w, site)
    firm = actor_of(w.auditor)
    # Not chosen yet: the firm is an outsider.
    with pytest.raises(Http404):
        selectors.get_joint_audit(firm, joint.pk)
    services.plan_joint_audit(
        a, joint, audit_firm=w.audit_firm, scheme_version=None, target_date=None, estimated_cost=Decimal("2000")
    )
    other = _firm_audit(w, _site(w, "Other Site"))
    with pytest.raises(ValidationError):
        services.link_joint_audit(firm, joint, other)  # another site's audit
    # Another member's admin cannot link.
    with pytest.raises(PermissionDenied):
        services.link_joint_audit(a, joint, audit)
    shares_before = AuditShare.objects.count()
    services.link_joint_audit(firm, joint, audit)
    joint.refresh_from_db()
    # Linked, but nothing shared: each co-funder's request went to the supplier, which decides.
    assert joint.audit == audit and joint.status == JointAuditStatus.PLANNING
    assert AuditShare.objects.count() == shares_before
    asked = AccessRequest.objects.filter(facility=site, status="pending", supplier=w.supplier)
    assert set(asked.values_list("org_id", flat=True)) == {w.member_a.pk, w.member_b.pk}
    assert not selectors.visible_audits(a).filter(pk=audit.pk).exists()
    data = client_for(w.admin_a).get(reverse("api:get_joint_audit", args=[joint.pk])).json()
    assert data["audit_linked"] is True and data["audit"] is None  # not readable yet
    # Once linked, co-funders can neither leave nor be added.
    with pytest.raises(Conflict):
        services.leave_joint_audit(b, joint)
    with pytest.raises(Conflict):
        services.link_joint_audit(firm, joint, audit)
    supplier = actor_of(w.supplier_admin)
    services.decide_access_request(supplier, asked.get(org=w.member_a), grant=True)
    joint.refresh_from_db()
    assert joint.status == JointAuditStatus.PLANNING  # B may not read it yet
    services.decide_access_request(supplier, asked.get(org=w.member_b), grant=True)
    joint.refresh_from_db()
    assert joint.status == JointAuditStatus.DONE and joint.audit == audit
    assert set(joint.requests.values_list("status", flat=True)) == {AuditRequestStatus.DONE}
    data = client_for(w.admin_b).get(reverse("api:get_joint_audit", args=[joint.pk])).json()
    assert data["audit"] == str(audit.pk) and data["status"] == "done"


def test_a_supplier_sharing_everything_fulfils_at_the_link(joint_world: World) -> None:
    w = joint_world
    site = w.extras["site"]
    a = actor_of(w.admin_a)
    joint = services.open_joint_audit(a, site)
    supplier = actor_of(w.supplier_admin)
    services.set_share_all(supplier, True)
    audit = _firm_audit(w, site)
    # The supplier itself links its site's audit.
    services.link_joint_audit(supplier, joint, audit)
    joint.refresh_from_db()
    assert joint.status == JointAuditStatus.DONE and not AccessRequest.objects.filter(facility=site).exists()


def test_the_api_opens_joins_and_links(joint_world: World) -> None:
    w = joint_world
    site = w.extras["site"]
    api_a, api_b = client_for(w.admin_a), client_for(w.admin_b)
    response = api_a.post(
        reverse("api:open_joint_audit"),
        {"facility": site.public_id, "scheme": "smeta/7.0-4p", "estimated_cost": "1000", "cost_share_percent": "40"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    joint_id = response.json()["id"]
    response = api_b.post(reverse("api:join_joint_audit", args=[joint_id]), {}, content_type="application/json")
    assert response.status_code == 200
    mine = {c["member"]: c for c in response.json()["cofunders"]}
    assert Decimal(mine[w.member_b.slug]["amount"]) == Decimal("600.00")
    listed = api_b.get(reverse("api:list_joint_audits")).json()
    assert [item["id"] for item in listed["items"]] == [joint_id]
    # Member D is not linked to the site: its join is a 404, its list empty.
    api_d = client_for(w.extras["admin_d"])
    assert (
        api_d.post(reverse("api:join_joint_audit", args=[joint_id]), {}, content_type="application/json").status_code
        == 404
    )
    assert api_d.get(reverse("api:list_joint_audits")).json()["count"] == 0
    joint = JointAudit.objects.get(pk=joint_id)
    services.plan_joint_audit(
        actor_of(w.admin_a), joint, audit_firm=w.audit_firm, scheme_version=None, target_date=None, estimated_cost=None
    )
    audit = _firm_audit(w, site)
    response = client_for(w.auditor).post(
        reverse("api:link_joint_audit", args=[joint_id]), {"audit": str(audit.pk)}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["audit_linked"] is True


def test_the_pages_open_join_plan_and_link(joint_world: World) -> None:
    w = joint_world
    site = w.extras["site"]
    response = client_for(w.admin_a).post(
        reverse("audits:joint_open"), {"facility": site.public_id, "estimated_cost": "900", "cost_share_percent": ""}
    )
    joint = JointAudit.objects.get(facility=site)
    assert response.status_code == 302 and response["Location"] == reverse("audits:joint_detail", args=[joint.pk])
    assert client_for(w.admin_b).post(reverse("audits:joint_join", args=[joint.pk]), {}).status_code == 302
    assert joint.requests.filter(org=w.member_b, status=AuditRequestStatus.JOINED).exists()
    response = client_for(w.admin_a).post(
        reverse("audits:joint_plan", args=[joint.pk]), {"audit_firm": w.audit_firm.pk}
    )
    assert response.status_code == 302
    joint.refresh_from_db()
    assert joint.audit_firm == w.audit_firm
    audit = _firm_audit(w, site)
    page = client_for(w.auditor).get(reverse("audits:joint_detail", args=[joint.pk]))
    assert page.status_code == 200 and "Link the audit that fulfils it" in page.content.decode()
    client_for(w.auditor).post(reverse("audits:joint_link", args=[joint.pk]), {"audit": str(audit.pk)})
    joint.refresh_from_db()
    assert joint.audit == audit
    assert client_for(w.admin_b).post(reverse("audits:joint_leave", args=[joint.pk])).status_code == 302
    assert joint.requests.filter(org=w.member_b, status=AuditRequestStatus.JOINED).exists()  # too late to leave
    assert Organisation.objects.filter(pk=w.member_b.pk).exists()
