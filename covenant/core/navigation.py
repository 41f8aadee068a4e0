"""The main menu, by organisation kind and role.

Apps add their entries here; the base template renders whatever applies to
the actor, so a supplier never sees a link it could not use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from covenant.core.actors import Actor
from covenant.orgs.models import OrgKind

ALL_KINDS = tuple(OrgKind.values)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    kinds: tuple[str, ...] = ALL_KINDS
    admin_only: bool = False
    # "main" is the menu bar; "account" the menu under the person's name, for what
    # concerns their own organisation rather than the due-diligence work itself.
    place: str = "main"

    def applies_to(self, actor: Actor) -> bool:
        return actor.kind in self.kinds and (actor.can_admin or not self.admin_only)


MENU: list[NavItem] = [
    NavItem(_("Dashboard"), "core:dashboard"),
    NavItem(_("Supply chain"), "registry:chain", kinds=(OrgKind.MEMBER,)),
    NavItem(_("Lists"), "registry:lists", kinds=(OrgKind.MEMBER,)),
    NavItem(_("Review"), "registry:review", kinds=(OrgKind.MEMBER,)),
    NavItem(pgettext_lazy("navigation", "Risk"), "risk:overview", kinds=(OrgKind.MEMBER,)),
    NavItem(_("Risk events"), "risk:events"),
    NavItem(_("Risk indicators"), "risk:indicators", kinds=(OrgKind.SECRETARIAT,)),
    NavItem(_("Sanctions"), "risk:sanctions", kinds=(OrgKind.SECRETARIAT,)),
    NavItem(pgettext_lazy("navigation", "Register"), "registry:facilities"),
    NavItem(_("Audits"), "audits:list", kinds=(OrgKind.MEMBER, OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM)),
    NavItem(_("Audit coverage"), "audits:coverage", kinds=(OrgKind.MEMBER,)),
    NavItem(_("Corrective actions"), "audits:caps", kinds=(OrgKind.MEMBER, OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM)),
    NavItem(_("Audits"), "audits:sector", kinds=(OrgKind.SECRETARIAT,)),
    NavItem(_("Claims"), "registry:claims", kinds=(OrgKind.SECRETARIAT, OrgKind.SUPPLIER)),
    NavItem(_("Disclosure"), "registry:disclosure", kinds=(OrgKind.SECRETARIAT,)),
    NavItem(_("Grievances"), "grievances:list", kinds=(OrgKind.SECRETARIAT, OrgKind.MEMBER, OrgKind.CSO)),
    NavItem(_("Organisations"), "orgs:directory"),
    NavItem(_("My organisation"), "orgs:my_organisation", place="account"),
    NavItem(_("Activity"), "core:audit_log", admin_only=True, place="account"),
    NavItem(_("API tokens"), "accounts:tokens", place="account"),
]


def menu_for(actor: Actor, current_path: str, place: str = "main") -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for item in MENU:
        if item.place != place or not item.applies_to(actor):
            continue
        url = reverse(item.url_name)
        active = current_path == url or (url != "/" and current_path.startswith(url) and url.count("/") > 2)
        items.append({"label": item.label, "url": url, "active": active})
    return items
