"""Every public string of the grievance mechanism exists in all 12 intake languages; the
staff pages are fully Dutch; the compiled catalogues are current."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import World

LOCALE = Path(__file__).resolve().parents[2] / "covenant" / "grievances" / "locale"
LANGS = [code for code, _name in settings.GRIEVANCE_LANGUAGES if code != "en"]
PUBLIC_SOURCES = ("templates/grievances/public/", "dialogue.py", "files.py", "public.py")


def _public(entry: polib.POEntry) -> bool:
    return any(src in path for path, _line in entry.occurrences for src in PUBLIC_SOURCES)


@pytest.mark.parametrize("lang", LANGS)
def test_public_strings_translated(lang: str) -> None:
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if _public(e) and (not e.msgstr or "fuzzy" in e.flags)]
    assert not missing, f"{lang}: translate {missing}"
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))}
    stale = [e.msgid for e in po if e.msgstr and mo.get(e.msgid) != e.msgstr]
    assert not stale, f"{lang}: django.mo is stale, run msgfmt: {stale[:3]}"


def test_dutch_catalogue_complete() -> None:
    po = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    assert not po.untranslated_entries() and not po.fuzzy_entries()


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("ar", "الإبلاغ عن مشكلة في العمل"),
        ("bn", "কর্মস্থলের সমস্যা জানান"),
        ("hi", "काम की जगह की समस्या बताएँ"),
        ("uk", "Повідомити про проблему на роботі"),
        ("vi", "Phản ánh vấn đề ở nơi làm việc"),
        ("nl", "Een probleem op het werk melden"),
    ],
)
def test_intake_page_speaks_the_language(gw: World, lang: str, phrase: str) -> None:
    html = Client().get(reverse("grievances:intake", args=[gw.extras["mechanism"].slug, lang])).content.decode()
    assert phrase in html
    rules = Client().get(reverse("grievances:rules", args=[gw.extras["mechanism"].slug, lang])).content.decode()
    assert "14" in rules and "90" in rules  # the mechanism's own time frames


def test_public_language_does_not_leak_into_the_staff_ui(gw: World) -> None:
    client = Client()
    client.get(reverse("grievances:intake", args=[gw.extras["mechanism"].slug, "ar"]))
    html = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en"' in html


@pytest.mark.parametrize("lang", [code for code in LANGS if code in dict(settings.LANGUAGES)])
def test_public_strings_read_as_the_intake_translates_them(lang: str) -> None:
    """The staff pages' catalogue (covenant/locale) is searched first; where it holds a public string
    of the intake too, it must not put another word in the worker's mouth (a button "Open" is a verb
    there, a status elsewhere: such strings take a context of their own)."""
    from django.utils import translation

    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    differ = []
    with translation.override(lang):
        for e in po:
            if not _public(e) or not e.msgstr or e.msgid_plural:
                continue
            shown = translation.pgettext(e.msgctxt, e.msgid) if e.msgctxt else translation.gettext(e.msgid)
            if shown != e.msgstr:
                differ.append((e.msgid, e.msgstr, shown))
    assert not differ, f"{lang}: {differ}"
