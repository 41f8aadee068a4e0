"""The main menu, by organisation kind and role.

Each app registers its entries from its ``AppConfig.ready()`` (``register(NavItem(...))``);
the base template renders whatever applies to the actor, so a supplier never sees a link
it could not use. ``core`` knows no app's pages: the order comes from each item's
``position`` (tens, so an app can slot an entry between two others).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from covenant.core.actors import Actor
from covenant.core.roles import ALL_KINDS


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    position: int
    kinds: tuple[str, ...] = ALL_KINDS
    admin_only: bool = False
    # "main" is the menu bar; "account" the menu under the person's name, for what
    # concerns their own organisation rather than the due-diligence work itself.
    place: str = "main"

    def applies_to(self, actor: Actor) -> bool:
        return actor.kind in self.kinds and (actor.can_admin or not self.admin_only)


_items: dict[tuple[str, str], NavItem] = {}


def register(*items: NavItem) -> None:
    """Add menu entries. Registering an entry again (same place and URL name) replaces it."""
    for item in items:
        clash = next(
            (
                other
                for key, other in _items.items()
                if other.place == item.place and other.position == item.position and key != (item.place, item.url_name)
            ),
            None,
        )
        if clash is not None:
            # Two entries in one place: their order would depend on which app's ready() ran first.
            raise ValueError(f"{item.url_name} and {clash.url_name} both want position {item.position}")
        _items[item.place, item.url_name] = item


def registered(place: str = "main") -> list[NavItem]:
    """Every entry of one menu, in menu order, whoever it applies to."""
    return sorted((item for item in _items.values() if item.place == place), key=lambda item: item.position)


def menu_for(actor: Actor, current_path: str, place: str = "main") -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for item in registered(place):
        if not item.applies_to(actor):
            continue
        url = reverse(item.url_name)
        active = current_path == url or (url != "/" and current_path.startswith(url) and url.count("/") > 2)
        items.append({"label": item.label, "url": url, "active": active})
    return items
