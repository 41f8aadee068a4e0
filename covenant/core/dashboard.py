"""The first screen: cards that apps register, shown by organisation kind.

Each app registers its cards from its ``AppConfig.ready()`` with :func:`register_card`:
the kinds that see the card, its template, and a function of the actor that returns the
card's context (``None`` hides the card). ``core`` renders them in ``position`` order and
knows nothing of what they show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from covenant.core.actors import Actor

CardContext = Callable[[Actor], Mapping[str, object] | None]


@dataclass(frozen=True)
class Card:
    kinds: tuple[str, ...]
    template: str
    context: CardContext
    position: int


@dataclass(frozen=True)
class ShownCard:
    template: str
    context: Mapping[str, object]


_cards: dict[str, Card] = {}


def register_card(kinds: tuple[str, ...], template: str, function: CardContext, *, position: int) -> None:
    """Add a card to the dashboards of ``kinds``. Registering a template again replaces its card."""
    clash = next((c for c in _cards.values() if c.position == position and c.template != template), None)
    if clash is not None:
        # Same reason as in the menu: the order must not depend on the order apps are loaded in.
        raise ValueError(f"{template} and {clash.template} both want position {position}")
    _cards[template] = Card(tuple(kinds), template, function, position)


def registered_cards() -> list[Card]:
    return sorted(_cards.values(), key=lambda card: card.position)


def cards_for(actor: Actor) -> list[ShownCard]:
    """The cards of the actor's kind, each with its context, in order."""
    shown: list[ShownCard] = []
    for card in registered_cards():
        if actor.kind not in card.kinds:
            continue
        context = card.context(actor)
        if context is not None:
            shown.append(ShownCard(card.template, context))
    return shown
