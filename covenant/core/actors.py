"""Who is acting, and for which organisation.

Every service function and every selector takes an :class:`Actor` first. It is
built once per request (web session or API token) or per background job, so the
rest of the code never looks at ``request.user`` directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from covenant.core.roles import ADMIN_ROLES, EDIT_ROLES

# Type names only, never imported at run time: core imports no app above it (tests/test_layers.py).
if TYPE_CHECKING:
    from covenant.accounts.models import User
    from covenant.orgs.models import Organisation


@dataclass(frozen=True)
class Actor:
    user: User | None
    org: Organisation | None
    role: str | None
    via: str = "web"  # web | api | task | cli | system
    read_only: bool = False  # API tokens can be limited to reading

    @classmethod
    def system(cls, via: str = "system", org: Organisation | None = None) -> Actor:
        """The platform itself (migrations, the demo seeder, scheduled jobs)."""
        return cls(user=None, org=org, role=None, via=via)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(user=None, org=None, role=None, via="web")

    @property
    def is_member_of_org(self) -> bool:
        return self.org is not None and self.role is not None

    @property
    def is_system(self) -> bool:
        return self.user is None and self.via in {"system", "task", "cli"}

    @property
    def kind(self) -> str | None:
        return self.org.kind if self.org is not None else None

    @property
    def is_secretariat(self) -> bool:
        return self.org is not None and self.org.is_secretariat and self.role is not None

    @property
    def can_edit(self) -> bool:
        return not self.read_only and self.role in EDIT_ROLES

    @property
    def has_admin_role(self) -> bool:
        """An administrator, whether or not these credentials may write."""
        return self.role in ADMIN_ROLES

    @property
    def can_admin(self) -> bool:
        return not self.read_only and self.has_admin_role

    def require_org(self) -> Organisation:
        if self.org is None or self.role is None:
            raise PermissionDenied("You do not act for an organisation.")
        return self.org

    def require_edit(self) -> Organisation:
        org = self.require_org()
        if not self.can_edit:
            raise PermissionDenied("Your role may not change this.")
        return org

    def require_admin(self) -> Organisation:
        org = self.require_org()
        if not self.can_admin:
            raise PermissionDenied("Only an administrator of your organisation may do this.")
        return org

    def require_admin_role(self) -> Organisation:
        """For reads reserved to administrators (a read-only admin token passes)."""
        org = self.require_org()
        if not self.has_admin_role:
            raise PermissionDenied("Only an administrator of your organisation may see this.")
        return org

    def require_kind(self, *kinds: str) -> Organisation:
        org = self.require_org()
        if org.kind not in kinds:
            raise PermissionDenied("Your organisation may not do this.")
        return org

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.email
        return self.via
