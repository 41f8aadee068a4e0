"""The interface is fully available in Dutch, and the compiled catalogue is current."""

from __future__ import annotations

from pathlib import Path

import polib
from django.test import Client
from django.urls import reverse

from tests.conftest import World, client_for

LOCALE = Path(__file__).resolve().parents[2] / "covenant" / "locale" / "nl" / "LC_MESSAGES"


def test_every_string_has_a_dutch_translation() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"Translate these in django.po, then run `make messages`: {untranslated}"
    assert not fuzzy, f"Check these fuzzy translations: {fuzzy}"


def test_compiled_catalogue_matches_the_source() -> None:
    po = {
        (e.msgid, e.msgstr or tuple(sorted(e.msgstr_plural.items()))) for e in polib.pofile(str(LOCALE / "django.po"))
    }
    mo = {
        (e.msgid, e.msgstr or tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(LOCALE / "django.mo"))
    }
    assert po <= mo, "django.mo is stale: run `make messages` (or compilemessages)"


def test_language_switch_turns_the_interface_dutch(world: World) -> None:
    client = client_for(world.admin_a)
    response = client.post(reverse("set_language"), {"language": "nl", "next": reverse("core:dashboard")}, follow=True)
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert "Begin met uw gepaste zorgvuldigheid" in html
    assert "Mijn organisatie" in html


def test_login_page_in_dutch_for_dutch_browsers(db) -> None:  # type: ignore[no-untyped-def]
    html = Client(HTTP_ACCEPT_LANGUAGE="nl").get(reverse("account_login")).content.decode()
    assert '<html lang="nl"' in html
    assert "Aanmelden" in html or "Inloggen" in html  # allauth's own Dutch catalogue
