"""The learning library of the demo sector: the sector's library from the repository, one tool the
demo member shared and the secretariat approved, one waiting for review, and some progress of
the demo member's administrator. Everything goes through the services; safe to run again."""

from __future__ import annotations

import io
from collections.abc import Callable

from pypdf import PdfWriter

from covenant.core.actors import Actor
from covenant.learning import services
from covenant.learning.models import Progress, ProgressStatus, Resource, ResourceStatus
from covenant.orgs.models import Membership, Organisation

APPROVED = "Supplier code of conduct for small importers (template)"
WAITING = "Toolbox talk: recognising forced labour (training deck)"


def _blank_pdf() -> bytes:
    """One blank A4 page, the same bytes every time: the demo's files pass the same checks as real ones."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _actor(org: Organisation, *roles: str) -> Actor | None:
    membership = Membership.objects.filter(org=org, role__in=roles).select_related("user").order_by("pk").first()
    return Actor(user=membership.user, org=org, role=membership.role) if membership else None


def seed_learning(*, secretariat: Organisation, member: Organisation, log: Callable[[str], object] = print) -> None:
    result = services.import_library(Actor.system())
    log(f"  learning library: {result.created} added, {result.updated} updated, {result.unchanged} unchanged")
    admin, coordinator = _actor(member, "admin"), _actor(secretariat, "coordinator")
    if admin is None or coordinator is None:
        return
    mine = Resource.objects.filter(contributed_by=member)
    if not mine.filter(title=APPROVED).exists():
        tool = services.save_contribution(
            admin,
            services.ContributionInput(
                kind="template",
                title=APPROVED,
                summary="A two-page code of conduct a small importer can send to its suppliers, with the ETI Base "
                "Code's clauses in plain words and a line for the supplier's signature.",
                topics=["forced_labour", "child_labour", "wages", "working_hours"],
                steps=[1],
                language="en",
                file_name="supplier-code-of-conduct.pdf",
                file_data=_blank_pdf(),
                licence="CC BY 4.0",
                licence_url="https://creativecommons.org/licenses/by/4.0/",
                sme_friendly=True,
            ),
        )
        services.decide(coordinator, tool, approve=True)
    if not mine.filter(title=WAITING).exists():
        services.save_contribution(
            admin,
            services.ContributionInput(
                kind="training_deck",
                title=WAITING,
                summary="Ten slides for a 15-minute talk with buyers: the ILO indicators, what to ask at a visit, "
                "whom to call.",
                topics=["forced_labour", "migrant_workers"],
                steps=[2, 3],
                language="nl",
                file_name="toolbox-forced-labour.pdf",
                file_data=_blank_pdf(),
                licence="CC BY-SA 4.0",
                licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
                sme_friendly=True,
            ),
        )
    if admin.user is not None and not Progress.objects.filter(user=admin.user).exists():
        marks = (
            ("oecd-dd-guidance-rbc", ProgressStatus.STARTED),
            ("ilo-forced-labour-indicators", ProgressStatus.COMPLETED),
        )
        for key, status in marks:
            found = Resource.objects.filter(key=key, status=ResourceStatus.PUBLISHED).first()
            if found is not None:
                services.set_progress(admin, found, status)
    log("  learning: one shared tool approved, one waiting for review")
