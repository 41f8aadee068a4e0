"""Kinds of organisation and roles inside them: the vocabulary every layer shares.

They live in ``core`` because the actor (``core/actors.py``), the menu and the dashboard
decide by kind and role, and ``core`` imports no app above it. ``orgs.models`` stores
them (and re-exports them); ``accounts`` reads the two-factor rule from here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    SECRETARIAT = "secretariat", _("Sector initiative (secretariat)")
    MEMBER = "member", _("Member company")
    SUPPLIER = "supplier", _("Supplier")
    AUDIT_FIRM = "audit_firm", _("Audit firm")
    CSO = "cso", _("Civil-society organisation")
    # Groups member companies (as in a Dutch sector agreement); sees aggregates of its members only.
    BRANCH_ASSOCIATION = "branch_association", _("Branch association")
    TRADE_UNION = "trade_union", _("Trade union")


ALL_KINDS: tuple[str, ...] = tuple(OrgKind.values)


class Role(models.TextChoices):
    # Roles in member companies, suppliers, audit firms and civil society.
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")
    # Secretariat staff have roles of their own.
    COORDINATOR = "coordinator", _("Coordinator")
    OFFICER = "officer", _("Programme officer")
    GRIEVANCE_HANDLER = "grievance_handler", _("Grievance handler")
    ANALYST = "analyst", _("Monitoring analyst")


ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrgKind.SECRETARIAT: (Role.COORDINATOR, Role.OFFICER, Role.GRIEVANCE_HANDLER, Role.ANALYST),
    OrgKind.MEMBER: (Role.ADMIN, Role.EDITOR, Role.VIEWER),
    OrgKind.SUPPLIER: (Role.ADMIN, Role.EDITOR, Role.VIEWER),
    OrgKind.AUDIT_FIRM: (Role.ADMIN, Role.EDITOR, Role.VIEWER),
    # Unions and NGOs may handle grievances jointly with the secretariat.
    OrgKind.CSO: (Role.ADMIN, Role.EDITOR, Role.VIEWER, Role.GRIEVANCE_HANDLER),
    OrgKind.BRANCH_ASSOCIATION: (Role.ADMIN, Role.EDITOR, Role.VIEWER),
    OrgKind.TRADE_UNION: (Role.ADMIN, Role.EDITOR, Role.VIEWER),
}
ADMIN_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
EDIT_ROLES = ADMIN_ROLES | {Role.EDITOR, Role.OFFICER}


def role_requires_mfa(kind: str, role: str) -> bool:
    """Secretariat staff and anyone who handles grievances must use two factors."""
    return kind == OrgKind.SECRETARIAT or role == Role.GRIEVANCE_HANDLER
