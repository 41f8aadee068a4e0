"""Render the cards apps registered on the dashboard (``core/dashboard.py``)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from covenant.core.dashboard import ShownCard

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_card(context: template.Context, card: ShownCard) -> SafeString:
    """Like ``{% include %}``, with the card's own context on top of the page's."""
    assert context.template is not None  # set while a template renders
    card_template = context.template.engine.get_template(card.template)
    with context.push(**card.context):
        return card_template.render(context)
