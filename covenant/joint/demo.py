"""Two demo joint actions, written through the services (deterministic; safe to run twice).

(a) Living wages on Kenyan tea estates: led by mem-06 (Hollybrook Tea), with mem-01, the trade union
    uni-1, the CSO cso-2 and the secretariat as facilitator.
(b) Recruitment fees of migrant workers in Malaysian glove and palm supply chains: led by mem-04, with
    mem-07, cso-3 and the secretariat as observer; a gender dimension on women migrant workers.
Members outside both (mem-02, mem-03 and others) see neither; the secretariat sees counts besides
the two it takes part in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from covenant.core.actors import Actor
from covenant.joint import services
from covenant.joint.models import JointAction, ParticipantRole, ParticipantStatus
from covenant.orgs.models import Membership, Organisation, OrgKind
from covenant.registry import interface as registry

TEA = "Living wages on tea estates in Kenya's highlands"
FEES = "Recruitment fees of migrant workers in Malaysian glove and palm supply chains"


def _actor(org: Organisation) -> Actor | None:
    roles = ("coordinator",) if org.kind == OrgKind.SECRETARIAT else ("admin",)
    membership = Membership.objects.filter(org=org, role__in=roles).select_related("user").order_by("pk").first()
    return Actor(user=membership.user, org=org, role=membership.role) if membership else None


def _kenyan_tea_sites(actor: Actor, limit: int = 3) -> list[str]:
    """Tea sites in Kenya the lead sources from (the demo register may have none)."""
    links = registry.own_links(actor).filter(facility__country="KE").select_related("facility").order_by("facility_id")
    found = []
    for link in links:
        products = " ".join(link.products or []).casefold()
        if "tea" in products and link.facility.public_id not in found:
            found.append(link.facility.public_id)
        if len(found) == limit:
            break
    return found


def _join(lead: Actor, action: JointAction, org: Organisation, role: str) -> None:
    invited = services.invite(lead, action, org, role)
    member = _actor(org)
    if member is not None:
        services.accept(member, invited)
    else:  # an organisation without people in the demo still shows as invited
        assert invited.status == ParticipantStatus.INVITED


def seed_joint(*, orgs: dict[str, Organisation], log: Callable[[str], object] = print) -> None:
    secretariat = next((o for o in orgs.values() if o.kind == OrgKind.SECRETARIAT), None)
    needed = ("mem-01", "mem-04", "mem-06", "mem-07", "uni-1", "cso-2", "cso-3")
    if secretariat is None or any(key not in orgs for key in needed):
        log("  joint actions: demo organisations missing, skipped")
        return
    today = timezone.localdate()
    made = 0
    lead = _actor(orgs["mem-06"])
    if lead is not None and not JointAction.objects.filter(title=TEA).exists():
        made += 1
        tea = services.create_action(
            lead,
            services.ActionInput(
                title=TEA,
                aim=(
                    "Close the gap between wages paid and the Anker living-wage benchmark for tea pluckers on the "
                    "estates the members buy from, through a shared wage-ladder study, collective bargaining "
                    "supported by the union, and a premium the buyers pay together. Members share plans and "
                    "progress here, never prices or volumes."
                ),
                topics=["wages", "freedom_of_association"],
                sites=_kenyan_tea_sites(lead),
                countries=["KE"],
                commodities=["tea"],
                gender_dimension=(
                    "Most pluckers on piece rates are women; the wage-ladder study and all results are split by "
                    "sex, and the union's women's committee takes part in every estate dialogue."
                ),
            ),
        )
        _join(lead, tea, orgs["mem-01"], ParticipantRole.PARTICIPANT)
        _join(lead, tea, orgs["uni-1"], ParticipantRole.PARTICIPANT)
        _join(lead, tea, orgs["cso-2"], ParticipantRole.PARTICIPANT)
        _join(lead, tea, secretariat, ParticipantRole.FACILITATOR)
        services.change_status(lead, tea, "active")
        for title, days, owner in (
            ("Wage-ladder study of 12 estates published", -30, orgs["cso-2"]),
            ("Bargaining round with estate management", 60, orgs["uni-1"]),
            ("Buyers' living-wage premium agreed", 150, orgs["mem-06"]),
        ):
            milestone = services.add_milestone(lead, tea, title=title, due_on=today + timedelta(days=days), owner=owner)
            if days < 0:
                services.complete_milestone(lead, tea, milestone, today + timedelta(days=days))
        for key, amount in (("mem-06", "45000"), ("mem-01", "30000")):
            services.add_budget_share(lead, tea, org=orgs[key], amount=Decimal(amount), currency="EUR")
        services.add_gender_target(
            lead,
            tea,
            indicator="Workers reached",
            target_women=3200,
            target_men=1800,
            actual_women=1450,
            actual_men=820,
        )
        services.add_gender_target(
            lead,
            tea,
            indicator="Workers at or above the living wage",
            target_women=2000,
            target_men=1100,
            actual_women=310,
            actual_men=240,
        )
        services.add_progress_update(
            lead,
            tea,
            text="The wage-ladder study is out: average total pay is 38 % below the benchmark, more for women.",
            progress=25,
        )
    lead = _actor(orgs["mem-04"])
    if lead is not None and not JointAction.objects.filter(title=FEES).exists():
        made += 1
        fees = services.create_action(
            lead,
            services.ActionInput(
                title=FEES,
                aim=(
                    "Apply the Employer Pays Principle across the glove and palm-oil suppliers the members share: "
                    "map the recruitment corridors, repay fees workers paid, and end passport retention."
                ),
                topics=["migrant_workers", "forced_labour"],
                countries=["MY", "NP", "BD"],
                commodities=[g for g in ("rubber gloves", "palm fruit") if g in services.goods()],
                gender_dimension=(
                    "Women migrant workers: separate interviews by women interviewers, safe housing, and "
                    "repayment figures reported by sex."
                ),
            ),
        )
        _join(lead, fees, orgs["mem-07"], ParticipantRole.PARTICIPANT)
        _join(lead, fees, orgs["cso-3"], ParticipantRole.PARTICIPANT)
        _join(lead, fees, secretariat, ParticipantRole.OBSERVER)
        services.change_status(lead, fees, "active")
        services.add_milestone(
            lead, fees, title="Recruitment corridors mapped", due_on=today + timedelta(days=45), owner=orgs["cso-3"]
        )
        services.add_budget_share(lead, fees, org=orgs["mem-04"], amount=Decimal("60000"), currency="USD")
        services.add_gender_target(
            lead, fees, indicator="Workers repaid recruitment fees", target_women=900, target_men=2100
        )
        services.add_progress_update(lead, fees, text="Three suppliers signed the repayment plan.", progress=15)
        # Published: the public page and the sector's report show its summary (no names: nobody opted in).
        services.publish_summary(lead, fees, confirm=services.summary_fingerprint(services.publish_preview(fees)))
    log(f"  joint actions: {made} added ({JointAction.objects.count()} in all)")
