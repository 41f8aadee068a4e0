"""Writes of capability building: validate, write in a transaction, record on the audit trail."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from covenant.capability.library import Item
from covenant.capability.models import ScanDraft
from covenant.capability.scan import quick_scan
from covenant.core import audit
from covenant.core.actors import Actor
from covenant.core.roles import OrgKind


@transaction.atomic
def create_draft(actor: Actor, countries: Sequence[str], items: Sequence[Item]) -> ScanDraft:
    """Keep a quick scan as a draft supply chain of the actor's organisation: one row per
    country × product or sector, with the risk the scan found. The scan is made again here,
    from the countries and items, so what is stored is what the risk model says now."""
    actor.require_kind(OrgKind.MEMBER)
    org = actor.require_edit()
    if not countries or not items:
        raise ValidationError(_("Choose at least one country and one product or sector."))
    scan = quick_scan(countries, items)
    rows = [
        {
            "country": pair.country,
            "item": pair.item.code,
            "label": pair.item.en,
            "label_nl": pair.item.nl,
            "sector": pair.item.sector,
            "products": [pair.item.en] if pair.item.kind == "product" else [],
            "band": pair.top.risk.band,
            "score": pair.top.risk.score,
            "top_topic": pair.top.risk.code,
            "high_topics": [t.risk.code for t in pair.high_topics],
        }
        for pair in scan.pairs
    ]
    today = formats.date_format(timezone.localdate(), "Y-m-d")
    name = _("Quick scan %(date)s") % {"date": today}
    draft = ScanDraft.objects.create(org=org, name=name[:150], rows=rows, created_by=actor.user)
    audit.record(
        actor,
        "capability.draft.created",
        obj=draft,
        summary={"rows": len(rows), "countries": sorted({r["country"] for r in rows})},
    )
    return draft


@transaction.atomic
def delete_draft(actor: Actor, draft: ScanDraft) -> None:
    actor.require_kind(OrgKind.MEMBER)
    org = actor.require_edit()
    if draft.org_id != org.pk:
        raise ValidationError(_("This draft is not your organisation's."))
    audit.record(actor, "capability.draft.deleted", obj=draft, summary={"rows": len(draft.rows)})
    draft.delete()
