from __future__ import annotations

from django.http import HttpRequest

from covenant.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, object]:
    actor = getattr(request, "actor", None)
    if actor is None or actor.user is None:
        return {"actor": actor}
    from covenant.orgs.selectors import memberships_of

    return {
        "actor": actor,
        "menu": menu_for(actor, request.path) if actor.org is not None else [],
        "account_menu": menu_for(actor, request.path, place="account") if actor.org is not None else [],
        "my_memberships": list(memberships_of(actor.user)),
    }
