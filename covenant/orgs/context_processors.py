from __future__ import annotations

from django.http import HttpRequest

from covenant.orgs.selectors import memberships_of


def memberships(request: HttpRequest) -> dict[str, object]:
    """The signed-in person's organisations, for switching between them in the menu."""
    actor = getattr(request, "actor", None)
    if actor is None or actor.user is None:
        return {}
    return {"my_memberships": list(memberships_of(actor.user))}
