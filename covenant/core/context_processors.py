from __future__ import annotations

from django.http import HttpRequest

from covenant.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, object]:
    """The actor and the menus the apps registered (``core/navigation.py``)."""
    actor = getattr(request, "actor", None)
    if actor is None or actor.user is None:
        return {"actor": actor}
    return {
        "actor": actor,
        "menu": menu_for(actor, request.path) if actor.org is not None else [],
        "account_menu": menu_for(actor, request.path, place="account") if actor.org is not None else [],
    }
