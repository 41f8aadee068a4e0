"""Each person picks a language: kept on the account, it wins over the browser's on every page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from covenant.accounts import services
from covenant.core.models import AuditEvent
from tests.conftest import World, actor_of, client_for

# The languages supplier and audit-firm staff need (issue 13), besides English and Dutch.
PRODUCTION_LANGUAGES = ["vi", "zh-hans", "bn", "tr", "hi", "id", "km", "pt", "es", "fr"]


def test_the_platform_offers_the_production_countries_languages() -> None:
    codes = [code for code, _name in settings.LANGUAGES]
    assert codes[:2] == ["en", "nl"]
    assert set(PRODUCTION_LANGUAGES) <= set(codes)


@pytest.mark.parametrize("code", PRODUCTION_LANGUAGES)
def test_each_language_has_a_catalogue_with_the_supplier_words(code: str) -> None:
    # The supplier's and the audit firm's main words read in the language, not in English.
    with translation.override(code):
        for word in ("Enter an audit", "Corrective actions", "Supplier", "Findings"):
            assert translation.gettext(word) != word, (code, word)


def test_a_signed_in_persons_choice_is_kept_on_the_account(world: World) -> None:
    client = client_for(world.supplier_admin)
    response = client.post("/language/", {"language": "vi", "next": "/audits/"})
    assert response.status_code == 302
    assert response["Location"] == "/audits/"
    world.supplier_admin.refresh_from_db()
    assert world.supplier_admin.language == "vi"
    event = AuditEvent.objects.filter(action="accounts.language.changed").get()
    assert event.summary == {"from": "", "to": "vi"}

    # Another device, whose browser asks for Dutch: the account's language wins.
    other = client_for(world.supplier_admin)
    page = other.get("/audits/", HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    assert '<html lang="vi"' in page.content.decode()
    assert page["Content-Language"] == "vi"


def test_without_a_choice_the_browser_decides(world: World) -> None:
    page = client_for(world.supplier_admin).get("/audits/", HTTP_ACCEPT_LANGUAGE="tr")
    assert '<html lang="tr"' in page.content.decode()


def test_an_unknown_language_is_refused_and_nothing_is_kept(world: World) -> None:
    with pytest.raises(ValidationError):
        services.set_language(actor_of(world.supplier_admin), "xx")
    client_for(world.supplier_admin).post("/language/", {"language": "xx", "next": "/"})
    world.supplier_admin.refresh_from_db()
    assert world.supplier_admin.language == ""
    assert not AuditEvent.objects.filter(action="accounts.language.changed").exists()


def test_someone_signed_out_switches_with_a_cookie_only(db: None) -> None:
    client = Client()
    response = client.post("/language/", {"language": "km", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "km"


def test_the_header_names_each_language_in_itself(world: World) -> None:
    page = client_for(world.auditor).get("/audits/").content.decode()
    for name in ("Tiếng Việt", "简体中文", "বাংলা", "Türkçe", "ខ្មែរ"):
        assert name in page
