"""The public pages (intake, rules, follow-up) and the handlers' and members' pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from covenant.grievances import keyring
from covenant.grievances.models import Case, Stage
from tests.conftest import World, client_for
from tests.grievances.builders import PASSPHRASE, SECRET_NAME, SECRET_TEXT, photo_bytes

LANGS = [code for code, _name in settings.GRIEVANCE_LANGUAGES]


def _intake_url(w: World, lang: str = "en") -> str:
    return reverse("grievances:intake", args=[w.extras["mechanism"].slug, lang])


def _follow_url(w: World, lang: str = "en") -> str:
    return reverse("grievances:follow_up", args=[w.extras["mechanism"].slug, lang])


def _receipt_on(html: str) -> str:
    match = re.search(r'class="receipt" id="(?:new-)?receipt">([\d ]+)<', html)
    assert match, html[:2000]
    return match.group(1).replace(" ", "")


@pytest.mark.parametrize("lang", LANGS)
def test_intake_page_in_every_language_is_light_and_script_free(gw: World, lang: str) -> None:
    response = Client().get(_intake_url(gw, lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    assert "<script" not in html and "style=" not in html
    css = Path(finders.find("grievances/report.css") or "").read_bytes()
    assert len(response.content) + len(css) < 50 * 1024
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Language"] == lang
    rules = Client().get(reverse("grievances:rules", args=[gw.extras["mechanism"].slug, lang]))
    assert rules.status_code == 200 and len(rules.content) + len(css) < 50 * 1024


def test_unknown_language_or_mechanism_is_404(gw: World) -> None:
    assert Client().get(_intake_url(gw, "xx")).status_code == 404
    assert Client().get(reverse("grievances:intake", args=["nope", "en"])).status_code == 404


def test_workplace_search_through_the_matching_engine(gw: World) -> None:
    before = Case.objects.count()
    response = Client().post(
        _intake_url(gw), {"action": "search", "q": "Huaxin Garment", "town": "Dongguan", "what": "kept"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and gw.extras["shared"].public_id in html
    assert ">kept</textarea>" in html  # what was written so far is kept
    assert Case.objects.count() == before  # searching files nothing
    # Choosing the found site routes the case to it.
    Client().post(_intake_url(gw), {"facility": gw.extras["shared"].public_id, "what": "Unpaid overtime"})
    assert Case.objects.filter(facility=gw.extras["shared"]).count() == 2


def test_web_intake_then_follow_up_with_the_receipt(gw: World) -> None:
    client = Client()
    response = client.post(
        _intake_url(gw, "bn"),
        {
            "site_id": gw.extras["shared"].public_id,
            "topics": ["wages", "hours"],
            "what": "বেতন তিন মাস বাকি",
            "share_contact": "1",
            "contact": "01700000000",
            "photos": [SimpleUploadedFile("me.jpg", photo_bytes(gps=True), content_type="image/jpeg")],
        },
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    receipt = _receipt_on(response.content.decode())
    case = Case.objects.exclude(pk=gw.extras["case"].pk).get()
    assert case.language == "bn" and case.topics == ["wages", "hours"] and not case.anonymous
    assert case.attachments.count() == 1
    page = client.post(_follow_url(gw, "bn"), {"receipt": receipt})
    assert page.status_code == 200
    assert "বেতন তিন মাস বাকি" in page.content.decode()


def test_a_flood_of_reports_from_one_source_is_refused(gw: World, settings: object) -> None:
    settings.GRIEVANCE_SUBMISSIONS_PER_SOURCE = 2  # type: ignore[attr-defined]
    before = Case.objects.count()
    report = {"site_id": gw.extras["shared"].public_id, "what": "No pay slips"}
    for _ in range(2):
        assert Client().post(_intake_url(gw), report).status_code == 200
    refused = Client().post(_intake_url(gw), report)
    assert refused.status_code == 429 and "Too many tries" in refused.content.decode()
    assert Case.objects.count() == before + 2
    # Another connection is not held back by it.
    other = Client(REMOTE_ADDR="198.51.100.7").post(_intake_url(gw), report)
    assert other.status_code == 200 and Case.objects.count() == before + 3


def test_empty_text_refused_on_the_page(gw: World) -> None:
    before = Case.objects.count()
    response = Client().post(_intake_url(gw), {"workplace": "Some factory", "what": "  "})
    assert response.status_code == 400
    assert "Please write what happened." in response.content.decode()
    assert Case.objects.count() == before


def test_wrong_type_attachment_refused_on_the_page(gw: World) -> None:
    before = Case.objects.count()
    response = Client().post(
        _intake_url(gw),
        {"workplace": "X", "what": "text", "photos": [SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf")]},
    )
    assert response.status_code == 400
    assert Case.objects.count() == before


def test_wrong_receipt_page_identical_to_unknown(gw: World) -> None:
    receipt = gw.extras["receipt"]
    wrong = ("0" if receipt[0] != "0" else "1") + receipt[1:]
    a = Client().post(_follow_url(gw), {"receipt": wrong})
    b = Client().post(_follow_url(gw), {"receipt": "0000000000000000"})
    c = Client().post(_follow_url(gw), {"receipt": "nonsense"})

    def strip(html: bytes) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())

    assert a.status_code == b.status_code == c.status_code == 404
    assert strip(a.content) == strip(b.content) == strip(c.content)


def test_reporter_reply_and_officer_sees_it(gw: World) -> None:
    client = Client()
    response = client.post(_follow_url(gw), {"receipt": gw.extras["receipt"], "action": "reply", "text": "More detail"})
    assert response.status_code == 200
    assert "More detail" in response.content.decode()


def _unlocked_handler(w: World) -> Client:
    client = client_for(w.grievance_handler)
    response = client.post(reverse("grievances:key"), {"action": "unlock", "passphrase": PASSPHRASE})
    assert response.status_code == 302
    assert keyring.COOKIE in response.cookies
    cookie = response.cookies[keyring.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == keyring.COOKIE_PATH
    return client


def test_handler_reads_the_case_only_after_unlocking(gw: World) -> None:
    case = gw.extras["case"]
    url = reverse("grievances:detail", args=[case.pk])
    locked = client_for(gw.grievance_handler).get(url).content.decode()
    assert SECRET_TEXT not in locked and "Unlock your organisation" in locked
    client = _unlocked_handler(gw)
    html = client.get(url).content.decode()
    assert SECRET_TEXT in html and SECRET_NAME in html
    photo = client.get(reverse("grievances:photo", args=[case.pk, gw.extras["attachment"].pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert photo.content.startswith(b"\xff\xd8\xff") and "no-store" in photo["Cache-Control"]
    # The cookie alone (another session) or the session alone opens nothing.
    other = client_for(gw.grievance_handler)
    other.cookies[keyring.COOKIE] = client.cookies[keyring.COOKIE].value
    assert SECRET_TEXT not in other.get(url).content.decode()
    del client.cookies[keyring.COOKIE]
    assert SECRET_TEXT not in client.get(url).content.decode()


def test_wrong_passphrase_does_not_unlock(gw: World) -> None:
    client = client_for(gw.grievance_handler)
    response = client.post(
        reverse("grievances:key"), {"action": "unlock", "passphrase": "wrong wrong wrong"}, follow=True
    )
    assert "does not open" in response.content.decode()
    assert keyring.COOKIE not in client.cookies or not client.cookies[keyring.COOKIE].value


def test_unlocked_key_expires_when_idle(gw: World, settings: object) -> None:
    client = _unlocked_handler(gw)
    settings.GRIEVANCE_UNLOCK_IDLE_SECONDS = -1  # type: ignore[attr-defined]
    html = client.get(reverse("grievances:detail", args=[gw.extras["case"].pk])).content.decode()
    assert SECRET_TEXT not in html


def test_officer_acknowledges_and_reporter_sees_it(gw: World) -> None:
    case = gw.extras["case"]
    client = _unlocked_handler(gw)
    client.post(reverse("grievances:act", args=[case.pk]), {"action": "stage", "stage": "acknowledged"})
    client.post(reverse("grievances:act", args=[case.pk]), {"action": "message", "text": "We are on it"})
    client.post(reverse("grievances:act", args=[case.pk]), {"action": "note", "text": "internal only"})
    case.refresh_from_db()
    assert case.stage == Stage.ACKNOWLEDGED
    html = Client().post(_follow_url(gw), {"receipt": gw.extras["receipt"]}).content.decode()
    assert "Acknowledged" in html and "We are on it" in html and "internal only" not in html


def test_member_sees_redacted_view_and_unlinked_member_nothing(gw: World) -> None:
    case = gw.extras["case"]
    url = reverse("grievances:detail", args=[case.pk])
    html = client_for(gw.admin_a).get(url).content.decode()
    assert case.reference in html and gw.extras["shared"].name in html
    assert SECRET_TEXT not in html and SECRET_NAME not in html
    assert case.reference in client_for(gw.admin_a).get(reverse("grievances:list")).content.decode()
    for user in (gw.admin_b, gw.supplier_admin, gw.auditor, gw.coordinator, gw.cso_admin):
        client = client_for(user)
        assert client.get(url).status_code == 404, user
        assert client.get(reverse("grievances:photo", args=[case.pk, gw.extras["attachment"].pk])).status_code == 404
        assert (
            client.post(
                reverse("grievances:act", args=[case.pk]), {"action": "stage", "stage": "acknowledged"}
            ).status_code
            == 404
        )
        assert case.reference not in client.get(reverse("grievances:list") + "?show=all").content.decode()
    member_act = client_for(gw.admin_a).post(
        reverse("grievances:act", args=[case.pk]), {"action": "stage", "stage": "acknowledged"}
    )
    assert member_act.status_code == 403
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED


def test_operator_intake_page(gw: World) -> None:
    client = client_for(gw.grievance_handler)
    response = client.post(
        reverse("grievances:operator_intake"),
        {"language": "hi", "workplace": "Tiruppur knit unit", "topics": ["wages"], "what": "Caller says unpaid"},
    )
    assert response.status_code == 200
    receipt = re.search(r'<code id="receipt">([\d ]+)</code>', response.content.decode())
    assert receipt
    case = Case.objects.get(channel="operator")
    assert case.receipt_must_change and case.language == "hi"
    first = Client().post(_follow_url(gw), {"receipt": receipt.group(1)}).content.decode()
    new = _receipt_on(first)
    assert new != receipt.group(1).replace(" ", "")
    assert Client().post(_follow_url(gw), {"receipt": receipt.group(1)}).status_code == 404
    assert Client().post(_follow_url(gw), {"receipt": new}).status_code == 200
    assert client_for(gw.admin_a).get(reverse("grievances:operator_intake")).status_code == 403


def test_member_sets_participation(gw: World) -> None:
    client = client_for(gw.admin_b)
    client.post(reverse("grievances:participation"), {})
    assert not gw.member_b.grievance_participation.get().active
    client.post(reverse("grievances:participation"), {"takes_part": "on"})
    assert gw.member_b.grievance_participation.get().active
    assert (
        client_for(gw.supplier_admin).post(reverse("grievances:participation"), {"takes_part": "on"}).status_code == 403
    )


def test_review_page_suppresses_small_cells(gw: World) -> None:
    html = client_for(gw.coordinator).get(reverse("grievances:review")).content.decode()
    assert 'id="total">—<' in html  # one case: suppressed
    assert client_for(gw.admin_a).get(reverse("grievances:review")).status_code == 403


def test_no_ip_or_user_agent_stored(gw: World) -> None:
    Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="UniqueAgent/9.9").post(
        _intake_url(gw), {"workplace": "A place", "what": "Something happened"}
    )
    from tests.grievances.test_dump import dump_everything

    dump = dump_everything()
    assert b"203.0.113.77" not in dump and b"UniqueAgent" not in dump
