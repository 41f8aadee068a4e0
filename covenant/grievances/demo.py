"""The grievance part of the demo sector: a mechanism, keys, participating members and a few cases.

Idempotent: it does nothing if the secretariat already has a mechanism. The demo receipts
are fixed (so the printed one works on every run); real receipts are always random.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from covenant.core.actors import Actor
from covenant.grievances import services
from covenant.grievances.models import Mechanism
from covenant.orgs.models import Membership, Organisation
from covenant.registry.interface import SupplyLink

DEMO_PASSPHRASE = "demo grievance passphrase 2026"  # noqa: S105 (printed for the demo on purpose)
DEMO_RECEIPT = "4711 2026 0815 4242"
DEMO_CASES = [
    ("en", ["wages", "hours"], "We worked 14 hours a day in the peak season and overtime was not paid.", True),
    ("bn", ["safety"], "কারখানার পেছনের সিঁড়ির দরজা রাতের শিফটে তালাবদ্ধ থাকে।", False),
    ("ar", ["harassment"], "المشرف يصرخ علينا ويهددنا بالفصل إذا طلبنا إجازة.", False),
]


def seed(*, secretariat: Organisation, members: Sequence[Organisation], log: Callable[[str], None]) -> None:
    if Mechanism.objects.filter(secretariat=secretariat).exists():
        log("  grievance mechanism: already set up")
        return
    handler = Membership.objects.filter(org=secretariat, role="grievance_handler").select_related("user").first()
    if handler is None:
        return
    actor = Actor(user=handler.user, org=secretariat, role="grievance_handler", via="cli")
    services.set_up_key(actor, DEMO_PASSPHRASE)  # opens the secretariat's mechanism too
    mechanism = Mechanism.objects.get(secretariat=secretariat)
    for member in members[::2]:
        admin = Membership.objects.filter(org=member, role="admin").select_related("user").first()
        if admin is not None:
            services.set_participation(Actor(user=admin.user, org=member, role="admin", via="cli"), mechanism, True)
    site_link = SupplyLink.objects.filter(org__in=[m.pk for m in members[::2]]).select_related("facility").first()
    for n, (lang, topics, what, with_site) in enumerate(DEMO_CASES):
        services.submit(
            Actor.anonymous(),
            services.Intake(
                mechanism=mechanism,
                channel="web",
                language=lang,
                what=what,
                topics=topics,
                facility=site_link.facility if with_site and site_link else None,
                workplace="" if with_site and site_link else "Demo workplace",
            ),
            receipt=DEMO_RECEIPT.replace(" ", "") if n == 0 else None,
        )
    log(f"  grievance mechanism: {len(DEMO_CASES)} cases; public page /report/{mechanism.slug}/")
    log(f"  grievance key passphrase: {DEMO_PASSPHRASE}; a demo receipt: {DEMO_RECEIPT}")
