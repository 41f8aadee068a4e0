"""Write the demo sector into the database, through the same services people use.

Idempotent: every step first looks for what it would create (by slug, e-mail,
facility id or list name) and skips what is there, so running it twice gives
the same data and no new audit events.

The register starts as the sector's existing register (most of the demo sites,
imported once); then each member uploads its own messy supplier list through
the normal upload path, so the demo shows matched rows, rows waiting for
review, new facilities and row-numbered errors.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from openpyxl import Workbook

from covenant.accounts.models import User
from covenant.assessments.demo import seed_assessments
from covenant.audits.demo import seed as seed_audits
from covenant.core.actors import Actor
from covenant.demo.data import (
    DEMO_PASSWORD,
    DEMO_TOTP_CODE,
    DemoOrg,
    DemoSector,
    DemoSite,
    DemoUser,
    generate_sector,
    member_supplier_list,
)
from covenant.grievances.demo import seed as seed_grievances
from covenant.joint.demo import seed_joint
from covenant.learning.demo import seed_learning
from covenant.orgs import services as org_services
from covenant.orgs.models import Membership, Organisation, role_requires_mfa
from covenant.partners.demo import seed_partners
from covenant.plans.demo import seed_plans
from covenant.registry import services as registry_services
from covenant.registry.ids import new_facility_id
from covenant.registry.models import (
    Confirmation,
    Facility,
    FacilityStatus,
    ListUpload,
    Publication,
    SupplyEdge,
    SupplyLink,
)
from covenant.risk.demo import seed as seed_risk
from covenant.saq.demo import seed_saq

SYSTEM = Actor.system(via="cli")
LIST_NAME = "Supplier list 2026"
# Share of demo sites already in the register before members upload.
PRE_REGISTERED = 0.88
# Members whose upload waits for review in the demo (the rest were reviewed already).
LEAVE_FOR_REVIEW = ("mem-01",)
#: New sites from members' lists the secretariat has not checked yet (its moderation queue).
LEAVE_PROVISIONAL = 5

Log = Callable[[str], None]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    org: str
    email: str
    note: str = ""


@dataclass(frozen=True)
class SeedResult:
    sector: DemoSector
    orgs: dict[str, Organisation]
    logins: list[DemoLogin]


def _slug(org: DemoOrg) -> str:
    return f"{org.key}-{org.domain.split('.')[0]}"[:80]


def _org(demo: DemoOrg) -> Organisation:
    existing = Organisation.objects.filter(slug=_slug(demo)).first()
    if existing is not None:
        return existing
    return org_services.create_organisation(
        SYSTEM, name=demo.name, kind=demo.kind, size=demo.size, country=demo.country, slug=_slug(demo)
    )


def _user(demo: DemoUser, org: Organisation) -> User:
    user = User.objects.filter(email=demo.email).first()
    if user is None:
        user = User.objects.create_user(demo.email, DEMO_PASSWORD, full_name=demo.name)
        org_services.mark_email_verified(user)
    if not Membership.objects.filter(user=user, org=org).exists():
        org_services.add_member(SYSTEM, org, user, demo.role)
    if role_requires_mfa(org.kind, demo.role) and not Authenticator.objects.filter(user=user).exists():
        # A fixed secret per person, so the demo is the same on every machine.
        secret = "".join(random.Random(demo.email).choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(32))
        TOTP.activate(user, secret)
    return user


def _facility_id(site: DemoSite, index: int, rng: random.Random) -> str:
    registered = date(2024, 1, 1) + timedelta(days=index % 700)
    return new_facility_id(
        site.country, registered, "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(5))
    )


def _registered(sector: DemoSector) -> dict[str, str]:
    """Demo site key -> facility id, for the sites the register held before members uploaded."""
    rng = random.Random(sector.seed * 7919)
    ids = {}
    for index, site in enumerate(sector.sites):
        public_id = _facility_id(site, index, rng)
        if rng.random() < PRE_REGISTERED:
            ids[site.key] = public_id
    return ids


def _seed_register(sector: DemoSector, registered: dict[str, str], orgs: dict[str, Organisation], log: Log) -> None:
    existing = set(Facility.objects.filter(public_id__in=registered.values()).values_list("public_id", flat=True))
    items = []
    for site in sector.sites:
        public_id = registered.get(site.key)
        if public_id is None or public_id in existing:
            continue
        owner = orgs.get(site.supplier_key)
        identifiers = {k: v for k, v in (("duns", site.duns), ("lei", site.lei)) if v}
        aliases = ((site.name, site.address),) if site.name != site.name_latin else ()
        items.append(
            registry_services.FacilityInput(
                name=site.name_latin,
                address=site.address_latin,
                country=site.country,
                subdivision=site.subdivision,
                lat=site.lat,
                lng=site.lng,
                sector=site.sector,
                products=site.products,
                workers=site.workers,
                identifiers=identifiers,
                aliases=aliases,
                public_id=public_id,
                owner_id=owner.pk if owner is not None else None,
            )
        )
    if items:
        registry_services.import_facilities(SYSTEM, items, source="demo: the sector's earlier register")
        log(f"  register: imported {len(items)} facilities")


def _list_file(rows: Sequence[dict[str, str]], style: int) -> tuple[str, bytes]:
    """Members send lists in many shapes; rotate through the common ones."""
    english = ["Supplier name", "Address", "Country", "Tier", "Products", "Spend"]
    dutch = ["Naam leverancier", "Adres", "Land", "Schakel", "Producten", "Inkoopwaarde"]
    keys = ["name", "address", "country", "tier", "products", "spend_band"]
    if style == 1:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["Leverancierslijst 2026 (vertrouwelijk)"])
        sheet.append(dutch)
        for row in rows:
            sheet.append([row.get(k, "") for k in keys])
        buffer = io.BytesIO()
        book.save(buffer)
        return "leveranciers-2026.xlsx", buffer.getvalue()
    out = io.StringIO()
    delimiter = ";" if style == 2 else ("\t" if style == 3 else ",")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(dutch if style == 2 else english)
    for row in rows:
        writer.writerow([row.get(k, "") for k in keys])
    text = out.getvalue()
    if style == 3:
        return "suppliers.txt", text.encode("utf-16")
    return ("leveranciers.csv" if style == 2 else "suppliers.csv"), text.encode("utf-8-sig")


def _upload_lists(sector: DemoSector, orgs: dict[str, Organisation], log: Log) -> None:
    for index, member in enumerate(sector.members):
        org = orgs[member.key]
        if ListUpload.objects.filter(org=org, supplier_list__name=LIST_NAME).exists():
            continue
        uploader = Membership.objects.filter(org=org, role__in=("admin", "editor")).select_related("user").first()
        assert uploader is not None
        actor = Actor(user=uploader.user, org=org, role=uploader.role, via="web")
        rows = member_supplier_list(sector, member.key, sector.seed)
        if not rows:  # a very small sector may leave a member without active links
            log(f"  {member.name}: no supplier list (no active links in a sector this small)")
            continue
        filename, data = _list_file(rows, index % 4)
        supplier_list = registry_services.create_list(actor, LIST_NAME)
        upload = registry_services.start_upload(actor, supplier_list, filename=filename, data=data, background=False)
        upload = registry_services.process_upload(upload.pk)
        counts = upload.counts
        log(
            f"  {member.name}: {filename}: {counts.get('matched', 0)} matched, {counts.get('review', 0)} to review, "
            f"{counts.get('new', 0)} new, {counts.get('error', 0)} errors"
        )
        if member.key not in LEAVE_FOR_REVIEW:
            # These members already went through their review queue.
            registry_services.bulk_confirm_best(actor, upload.rows.filter(status="review"))


def _moderate_new_sites(secretariat: Actor, log: Log) -> None:
    """The secretariat already accepted the new sites members' lists brought, all but the
    latest few, which wait in its moderation queue (so a rerun leaves them waiting too)."""
    waiting = list(
        Facility.objects.filter(confirmation=Confirmation.PROVISIONAL, status=FacilityStatus.ACTIVE).order_by(
            "-created_at", "-pk"
        )
    )
    for facility in waiting[LEAVE_PROVISIONAL:]:
        registry_services.accept_facility(secretariat, facility)
    if waiting:
        log(
            f"  register: {max(0, len(waiting) - LEAVE_PROVISIONAL)} new sites accepted, "
            f"{min(len(waiting), LEAVE_PROVISIONAL)} left to moderate"
        )


def _seed_edges(sector: DemoSector, site_ids: dict[str, str], orgs: dict[str, Organisation]) -> None:
    facilities = {f.public_id: f for f in Facility.objects.filter(public_id__in=site_ids.values())}
    links = {(link.org_id, link.facility_id) for link in SupplyLink.objects.only("org_id", "facility_id")}
    edges = []
    for edge in sector.site_edges:
        buyer = facilities.get(site_ids.get(edge.buyer_site_key, ""))
        supplier = facilities.get(site_ids.get(edge.supplier_site_key, ""))
        if buyer is None or supplier is None:
            continue
        for member in sector.members:
            org = orgs[member.key]
            if (org.pk, buyer.pk) in links:
                edges.append(SupplyEdge(org=org, supplier=supplier, buyer=buyer, products=list(edge.products)))
                break
    SupplyEdge.objects.bulk_create(edges, ignore_conflicts=True)


def seed(seed: int = 2026, n_sites: int = 2000, log: Log = print) -> SeedResult:
    """Create (or complete) the demo sector. Safe to run again."""
    sector = generate_sector(seed=seed, n_sites=n_sites)
    log(f"Demo sector '{sector.secretariat.name}' (seed {seed}, {len(sector.sites)} sites)")
    with transaction.atomic():
        people_orgs = {u.org_key for u in sector.users}
        demo_orgs = [
            sector.secretariat,
            *sector.members,
            *sector.audit_firms,
            *sector.csos,
            *sector.branch_associations,
            *sector.unions,
            *(s for s in sector.suppliers if s.key in people_orgs),
        ]
        orgs = {o.key: _org(o) for o in demo_orgs}
        for user in sector.users:
            _user(user, orgs[user.org_key])
        for branch in sector.branch_associations:
            for key in branch.branch_members:
                org_services.set_branch_associations(
                    SYSTEM, orgs[key], [*orgs[key].branch_associations.all(), orgs[branch.key]]
                )
        log(f"  {len(orgs)} organisations, {len(sector.users)} people")
    registered = _registered(sector)
    _seed_register(sector, registered, orgs, log)
    _upload_lists(sector, orgs, log)
    _seed_edges(sector, registered, orgs)
    with transaction.atomic():
        for member in sector.members[::3]:
            org = orgs[member.key]
            admin = Membership.objects.filter(org=org, role="admin").select_related("user").first()
            if admin is not None:
                actor = Actor(user=admin.user, org=org, role="admin")
                registry_services.set_preferences(
                    actor, visible_to_peers=True, disclose_publicly=member.size == "large"
                )
    secretariat = orgs[sector.secretariat.key]
    coordinator = Membership.objects.filter(org=secretariat, role="coordinator").select_related("user").first()
    if coordinator is not None:
        _moderate_new_sites(Actor(user=coordinator.user, org=secretariat, role="coordinator"), log)
    if coordinator is not None and not Publication.objects.exists():
        registry_services.publish_disclosure(Actor(user=coordinator.user, org=secretariat, role="coordinator"))
    if coordinator is not None:
        seed_risk(secretariat_actor=Actor(user=coordinator.user, org=secretariat, role="coordinator"), log=log)
    seed_audits(
        secretariat=secretariat,
        members=[orgs[m.key] for m in sector.members],
        suppliers=[orgs[s.key] for s in sector.suppliers if s.key in orgs],
        audit_firms=[orgs[a.key] for a in sector.audit_firms],
        log=log,
    )
    seed_grievances(secretariat=secretariat, members=[orgs[m.key] for m in sector.members], log=log)
    seed_learning(secretariat=secretariat, member=orgs[sector.members[0].key], log=log)
    seed_joint(orgs=orgs, log=log)
    seed_plans(orgs=orgs, log=log)
    seed_saq(orgs=orgs, log=log)
    seed_partners(orgs=orgs, log=log)
    seed_assessments(orgs=orgs, log=log)  # last: its pre-filled figures read the other seeds' data
    return SeedResult(sector=sector, orgs=orgs, logins=_logins(sector))


def _logins(sector: DemoSector) -> list[DemoLogin]:
    names = {
        o.key: o.name
        for o in (
            sector.secretariat,
            *sector.members,
            *sector.suppliers,
            *sector.audit_firms,
            *sector.csos,
            *sector.branch_associations,
            *sector.unions,
        )
    }
    seen: set[tuple[str, str]] = set()
    logins = []
    for user in sector.users:
        kind = user.org_key.split("-")[0]
        if (kind, user.role) in seen:
            continue
        seen.add((kind, user.role))
        note = "two-factor code: " + DEMO_TOTP_CODE if kind == "sec" else ""
        logins.append(
            DemoLogin(
                role=f"{_KIND_LABELS.get(kind, kind)} {user.role.replace('_', ' ')}",
                org=names[user.org_key],
                email=user.email,
                note=note,
            )
        )
    return logins


_KIND_LABELS = {
    "sec": "secretariat",
    "mem": "member",
    "sup": "supplier",
    "aud": "audit firm",
    "cso": "civil society",
    "bra": "branch association",
    "uni": "trade union",
}
