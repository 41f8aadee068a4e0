"""Every public string of the grievance mechanism exists in every intake language (at least 24,
among them those the sector's sourcing workforces read); the staff pages are fully Dutch; the
compiled catalogues are current; right-to-left languages render right to left."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import get_language_info, to_locale

from covenant.grievances import services
from tests.conftest import World
from tests.grievances.public_messages import Message, public_messages

LOCALE = Path(__file__).resolve().parents[2] / "covenant" / "grievances" / "locale"
LANGS = [code for code, _name in settings.GRIEVANCE_LANGUAGES if code != "en"]
PUBLIC_SOURCES = ("templates/grievances/public/", "dialogue.py", "files.py", "public.py", "voice.py")


# Languages the workforces of the sector's sourcing countries read (docs/translations.md).
REQUIRED = {"zh-hans", "my", "km", "ur", "am", "th"}
# nplurals per language (CLDR / GNU gettext); a wrong Plural-Forms header breaks every plural.
NPLURALS = {"ar": 6, "uk": 4, "es": 3, "ro": 3, "id": 1, "vi": 1, "zh-hans": 1, "my": 1, "km": 1, "th": 1}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}|</?[a-z]+[^>]*>")


@cache
def _public_set() -> frozenset[Message]:
    return frozenset(public_messages())


def _po(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / to_locale(lang) / "LC_MESSAGES" / "django.po"))


def _public(entry: polib.POEntry) -> bool:
    if (entry.msgctxt, entry.msgid) in _public_set():
        return True
    return any(src in path for path, _line in entry.occurrences for src in PUBLIC_SOURCES)


def test_the_public_strings_are_found_in_the_code() -> None:
    """The set the tests below check is derived from templates, modules and choices: make sure
    each source still yields what the worker sees."""
    found = _public_set()
    for expected in [
        (None, "Report a problem at work"),  # template
        ("open the report", "Open"),  # template, with a context
        (None, "%(days)s days at most"),  # blocktranslate
        (None, "%(name)s: complaints"),  # public.py
        (None, "The photo is too large. Send a photo of at most %(mb)s MB."),  # files.py
        (None, "Please write what happened."),  # a reporter-facing service
        (None, "Pay and wages"),  # a topic
        (None, "Remedy agreed for part of the complaint"),  # an outcome
    ]:
        assert expected in found
    assert (None, "Only grievance handlers may enter a case for someone.") not in found  # never shown to a reporter


def test_enough_languages_each_known_to_django() -> None:
    codes = [code for code, _name in settings.GRIEVANCE_LANGUAGES]
    assert len(codes) >= 24 and len(set(codes)) == len(codes)
    assert set(codes) >= REQUIRED
    names = [name for _code, name in settings.GRIEVANCE_LANGUAGES]
    assert len(set(names)) == len(names)
    for code in codes:
        info = get_language_info(code)
        assert info["bidi"] == (code in settings.GRIEVANCE_RTL_LANGUAGES), code
    assert {"ar", "ur"} <= set(settings.GRIEVANCE_RTL_LANGUAGES)


@pytest.mark.parametrize("lang", LANGS)
def test_public_strings_translated(lang: str) -> None:
    po = _po(lang)
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    missing = [m for m in _public_set() if m not in entries or not entries[m].msgstr or "fuzzy" in entries[m].flags]
    missing += [e.msgid for e in po if _public(e) and (not e.msgstr or "fuzzy" in e.flags)]
    assert not missing, f"{lang}: translate {missing}"
    mo_file = polib.mofile(str(LOCALE / to_locale(lang) / "LC_MESSAGES" / "django.mo"))
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in mo_file}
    stale = [e.msgid for e in po if e.msgstr and mo.get((e.msgctxt, e.msgid)) != e.msgstr]
    assert not stale, f"{lang}: django.mo is stale, run msgfmt: {stale[:3]}"
    assert po.metadata.get("Language") == to_locale(lang)
    nplurals = re.match(r"nplurals=(\d+);", po.metadata.get("Plural-Forms", ""))
    assert nplurals and int(nplurals.group(1)) == NPLURALS.get(lang, 2), f"{lang}: Plural-Forms"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_and_tags_survive_translation(lang: str) -> None:
    broken = [
        (e.msgid, e.msgstr)
        for e in _po(lang)
        if e.msgstr and _public(e) and sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(e.msgstr))
    ]
    assert not broken, f"{lang}: {broken}"


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
        ("zh-hans", "举报工作中的问题"),
        ("my", "အလုပ်ခွင် ပြဿနာကို တိုင်ကြားရန်"),
        ("km", "រាយការណ៍បញ្ហានៅកន្លែងធ្វើការ"),
        ("ur", "کام کی جگہ کے مسئلے کی رپورٹ کریں"),
        ("am", "በሥራ ቦታ ያለ ችግር ያሳውቁ"),
        ("th", "แจ้งปัญหาในที่ทำงาน"),
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


@pytest.mark.parametrize("lang", LANGS)
def test_public_strings_read_as_the_intake_translates_them(lang: str) -> None:
    """The staff pages' catalogue (covenant/locale, LOCALE_PATHS) and the catalogues of apps listed
    before this one (allauth, django-countries...) are searched first; where they hold a public
    string of the intake too, they must not put another word in the worker's mouth (a button "Open"
    is a verb there, a status elsewhere: such strings take a context of their own)."""
    po = _po(lang)
    differ = []
    with translation.override(lang):
        for e in po:
            if not _public(e) or not e.msgstr or e.msgid_plural:
                continue
            shown = translation.pgettext(e.msgctxt, e.msgid) if e.msgctxt else translation.gettext(e.msgid)
            if shown != e.msgstr:
                differ.append((e.msgid, e.msgstr, shown))
    assert not differ, f"{lang}: {differ}"


@pytest.mark.parametrize("lang", [code for code, _name in settings.GRIEVANCE_LANGUAGES])
def test_every_public_page_speaks_the_language_and_its_direction(gw: World, lang: str) -> None:
    mechanism = gw.extras["mechanism"]
    mechanism.name = services.default_mechanism_name(gw.secretariat.name)
    mechanism.save(update_fields=["name"])
    direction = "rtl" if lang in settings.GRIEVANCE_RTL_LANGUAGES else "ltr"
    with translation.override(lang):
        header = translation.gettext("%(name)s: complaints") % {"name": gw.secretariat.name}
        title = translation.gettext("Report a problem at work")
    for page in ("intake", "rules", "follow_up"):
        response = Client().get(reverse(f"grievances:{page}", args=[mechanism.slug, lang]))
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<html lang="{lang}" dir="{direction}">' in html
        # The mechanism's name was stored in English; the header says it in the page's language.
        assert f'<p class="mech">{escape(header)}</p>' in html
        if lang != "en":
            assert ": grievances" not in html
    assert escape(title) in Client().get(reverse("grievances:intake", args=[mechanism.slug, lang])).content.decode()


def test_a_name_the_initiative_chose_is_kept(gw: World) -> None:
    html = Client().get(reverse("grievances:intake", args=[gw.extras["mechanism"].slug, "th"])).content.decode()
    assert '<p class="mech">Fair Home joint grievance mechanism</p>' in html


def test_language_choice_offers_each_language_in_its_own_words(gw: World) -> None:
    html = Client().get(reverse("grievances:languages", args=[gw.extras["mechanism"].slug])).content.decode()
    for code, name in settings.GRIEVANCE_LANGUAGES:
        with translation.override(code):
            prompt = translation.gettext("Report a problem at work")
        direction = "rtl" if code in settings.GRIEVANCE_RTL_LANGUAGES else "ltr"
        assert f'<li lang="{code}" dir="{direction}">' in html
        assert escape(name) in html and escape(prompt) in html
    assert "<script" not in html
