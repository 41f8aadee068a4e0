"""The dashboard shows the cards the apps registered, per kind, in the order it always had."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from covenant.core import dashboard
from tests.conftest import World, actor_of, client_for

# The cards' headings per kind, as they were when core built every dashboard itself (and the
# member's self-assessment card since).
HEADINGS = {
    "member": [
        "Start your due diligence",
        "Audits and corrective actions",
        "Risk",
        "Self-assessment",
        "Your organisation",
    ],
    "secretariat": ["Participants", "Your organisation"],
    "supplier": ["What you can do here", "Audits and corrective actions", "Your organisation"],
    "audit_firm": ["What you can do here", "Your organisation"],
    "cso": ["What you can do here", "Your organisation"],
}


def _headings(html: str) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", html[html.index("<main") :])


def test_each_kind_gets_the_same_cards_in_the_same_order(world: World) -> None:
    people = {
        "member": [world.admin_a, world.viewer_a],
        "secretariat": [world.coordinator, world.grievance_handler],
        "supplier": [world.supplier_admin],
        "audit_firm": [world.auditor],
        "cso": [world.cso_admin],
    }
    for kind, users in people.items():
        for user in users:
            assert actor_of(user).kind == kind
            html = client_for(user).get(reverse("core:dashboard")).content.decode()
            assert _headings(html) == HEADINGS[kind], (kind, user)


def test_a_card_only_reaches_the_kinds_it_was_registered_for(world: World) -> None:
    templates = {
        kind: [card.template for card in dashboard.cards_for(actor_of(user))]
        for kind, user in (("member", world.admin_a), ("supplier", world.supplier_admin), ("cso", world.cso_admin))
    }
    assert "risk/_dashboard_card.html" in templates["member"]
    assert "risk/_dashboard_card.html" not in templates["supplier"] + templates["cso"]
    assert "registry/_dashboard_card.html" not in templates["supplier"] + templates["cso"]
    assert "orgs/_dashboard_participants.html" not in templates["member"]


def test_a_card_whose_function_answers_none_is_left_out(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard, "_cards", dict(dashboard._cards))  # restored after the test
    dashboard.register_card(("member",), "probe-shown.html", lambda actor: {"n": 1}, position=1)
    dashboard.register_card(("member",), "probe-hidden.html", lambda actor: None, position=2)
    shown = dashboard.cards_for(actor_of(world.admin_a))
    assert shown[0].template == "probe-shown.html" and shown[0].context == {"n": 1}
    assert "probe-hidden.html" not in [card.template for card in shown]


def test_two_cards_may_not_claim_one_position() -> None:
    taken = dashboard.registered_cards()[0]
    with pytest.raises(ValueError, match="position"):
        dashboard.register_card(("member",), "probe.html", lambda actor: {}, position=taken.position)
    assert "probe.html" not in [card.template for card in dashboard.registered_cards()]
