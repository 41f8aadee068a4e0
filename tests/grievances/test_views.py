"""The public pages (intake, rules, follow-up) and the handlers' and members' pages."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from covenant.core.models import AuditEvent
from covenant.grievances import keyring, services
from covenant.grievances.models import Case, EntryKind, Stage
from tests.conftest import World, actor_of, client_for
from tests.grievances.builders import MEMBER_PASSPHRASE, PASSPHRASE, SECRET_NAME, SECRET_TEXT, photo_bytes

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
    assert f'<html lang="{lang}" dir="{"rtl" if lang in settings.GRIEVANCE_RTL_LANGUAGES else "ltr"}">' in html
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
    client.post(reverse("grievances:acknowledge", args=[case.pk]))
    client.post(reverse("grievances:add_message", args=[case.pk]), {"text": "We are on it"})
    client.post(reverse("grievances:add_note", args=[case.pk]), {"text": "internal only"})
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
        assert client.post(reverse("grievances:acknowledge", args=[case.pk])).status_code == 404
        assert case.reference not in client.get(reverse("grievances:list") + "?show=all").content.decode()
    assert client_for(gw.admin_a).post(reverse("grievances:acknowledge", args=[case.pk])).status_code == 403
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


# --- The handlers' actions: one route each, a form for the input, the service for the rules ----

ACTIONS = (
    "acknowledge",
    "move",
    "add_message",
    "add_note",
    "assign",
    "set_retaliation",
    "record_remedy",
    "grant_access",
)


def _act(client: Client, name: str, case: Case, data: Mapping[str, object] | None = None) -> str:
    """Post to an action, follow it back to the case, and return the page as text."""
    response = client.post(reverse(f"grievances:{name}", args=[case.pk]), data or {}, follow=True)
    assert response.redirect_chain == [(reverse("grievances:detail", args=[case.pk]), 302)], name
    return html.unescape(response.content.decode())


def _case_state(case: Case) -> tuple[object, ...]:
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.stage,
        fresh.retaliation_risk,
        fresh.protective_measures_enc,
        fresh.entries.count(),
        fresh.remedies.count(),
        sorted(fresh.assigned_to.values_list("pk", flat=True)),
        sorted(fresh.recipients.filter(full_access=True).values_list("org_id", flat=True)),
    )


def _events(case: Case) -> list[str]:
    return list(AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))


def test_acknowledge(gw: World) -> None:
    case = gw.extras["case"]
    client = client_for(gw.grievance_handler)  # acknowledging needs no unlocked key
    page = _act(client, "acknowledge", case)
    case.refresh_from_db()
    assert "Saved." in page and case.stage == Stage.ACKNOWLEDGED and case.acknowledged_on is not None
    assert _events(case) == ["grievances.case.stage"]
    # Twice is refused by the stage flow, and changes nothing.
    before = _case_state(case)
    page = _act(client, "acknowledge", case)
    assert "cannot move to" in page and "Saved." not in page
    assert _case_state(case) == before


def test_move_through_the_flow_and_close_as_not_admissible(gw: World) -> None:
    case = gw.extras["case"]
    client = _unlocked_handler(gw)
    _act(client, "acknowledge", case)
    assert "Saved." in _act(client, "move", case, {"stage": "admissibility"})
    before = _case_state(case)
    page = _act(client, "move", case, {"stage": "nonsense"})
    assert "Stage: Select a valid choice. nonsense is not one of the available choices." in page
    # The rules stay with the service: a stage off the flow, or closing without a reason.
    assert "cannot move to" in _act(client, "move", case, {"stage": "appeal"})
    # Closing takes an outcome and a message to the reporter (and, here, the reason).
    assert "Choose the outcome of the case." in _act(client, "move", case, {"stage": "closed"})
    close = {"outcome": "not_admissible", "message": "We cannot take this up canary-m", "confirm": "1"}
    assert "Give the reason why the case is not admissible." in _act(client, "close", case, close)
    assert _case_state(case) == before
    page = _act(client, "close", case, {**close, "reason": "Outside the sector canary-x"})
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.admissible is False
    assert "Outside the sector canary-x" in page  # the reason, read back through the case key
    assert b"canary-x" not in bytes(case.inadmissible_reason_enc)


def test_add_message_reaches_the_reporter(gw: World) -> None:
    case = gw.extras["case"]
    client = _unlocked_handler(gw)
    before = _case_state(case)
    assert "Message: This field is required." in _act(client, "add_message", case, {"text": "   "})
    assert _case_state(case) == before
    assert "Saved." in _act(client, "add_message", case, {"text": "We are looking into it"})
    assert case.entries.filter(kind=EntryKind.TO_REPORTER).count() == 1
    assert "grievances.case.message" in _events(case)
    follow = Client().post(_follow_url(gw), {"receipt": gw.extras["receipt"]}).content.decode()
    assert "We are looking into it" in follow


def test_add_note_needs_text_and_an_unlocked_key(gw: World, settings: object) -> None:
    case = gw.extras["case"]
    before = _case_state(case)
    locked = client_for(gw.grievance_handler)
    assert "Unlock your organisation's key first." in _act(locked, "add_note", case, {"text": "kept secret"})
    client = _unlocked_handler(gw)
    assert "Note: This field is required." in _act(client, "add_note", case, {})
    settings.GRIEVANCE_TEXT_MAX_CHARS = 10  # type: ignore[attr-defined]
    assert "Note: The text is too long. Please make it shorter." in _act(client, "add_note", case, {"text": "x" * 11})
    assert _case_state(case) == before
    assert "Saved." in _act(client, "add_note", case, {"text": "hush note"})  # within the limit
    entry = case.entries.get(kind=EntryKind.NOTE)
    assert entry.body_enc is not None and b"hush note" not in bytes(entry.body_enc)


def test_assign_only_to_the_mechanism_handlers(gw: World) -> None:
    case = gw.extras["case"]
    client = client_for(gw.grievance_handler)
    before = _case_state(case)
    for bad in ([gw.admin_a.pk], ["nobody"]):
        page = _act(client, "assign", case, {"handlers": bad})
        assert "Assigned to: Select a valid choice." in page and "Saved." not in page
    assert _case_state(case) == before
    assert "Saved." in _act(client, "assign", case, {"handlers": [gw.grievance_handler.pk]})
    assert list(case.assigned_to.all()) == [gw.grievance_handler]
    assert "Saved." in _act(client, "assign", case, {})  # nobody ticked: unassigned
    assert not case.assigned_to.exists()


def test_set_retaliation_with_measures(gw: World, settings: object) -> None:
    case = gw.extras["case"]
    client = _unlocked_handler(gw)
    settings.GRIEVANCE_TEXT_MAX_CHARS = 20  # type: ignore[attr-defined]
    before = _case_state(case)
    page = _act(client, "set_retaliation", case, {"at_risk": "on", "measures": "m" * 21})
    assert "Protective measures: The text is too long." in page
    assert _case_state(case) == before
    page = _act(client, "set_retaliation", case, {"at_risk": "on", "measures": "Moved to day shift"})
    case.refresh_from_db()
    assert "Saved." in page and case.retaliation_risk and "Moved to day shift" in page
    assert "grievances.case.retaliation" in _events(case)


def test_record_remedy(gw: World) -> None:
    case = gw.extras["case"]
    client = _unlocked_handler(gw)
    before = _case_state(case)
    bad_inputs = [
        ({"type": "back_pay", "amount": "lots"}, "Amount (back pay, compensation): Give the amount as a number."),
        ({"type": "apology", "female": "1.5"}, "Women: Give numbers of people as whole numbers."),
        ({"type": "apology", "male": "-2"}, "Men: Ensure this value is greater than or equal to 0."),
        ({"type": "cake"}, "Type: Select a valid choice."),
        ({"type": "back_pay"}, "Give the amount of back pay."),  # the service's rule
    ]
    for data, error in bad_inputs:
        page = _act(client, "record_remedy", case, data)
        assert error in page and "Saved." not in page, data
    assert _case_state(case) == before
    page = _act(
        client,
        "record_remedy",
        case,
        {"type": "back_pay", "amount": "1200,50", "currency": "bdt", "female": "3", "male": ""},
    )
    assert "Saved." in page
    remedy = case.remedies.get()
    assert remedy.amount == Decimal("1200.50") and remedy.currency == "BDT"
    # Blank counts stay blank ("not recorded"), never 0.
    assert (remedy.beneficiaries_female, remedy.beneficiaries_male, remedy.beneficiaries_other) == (3, None, None)
    assert "grievances.case.remedy" in _events(case)


def test_grant_access_to_a_routed_member_only(gw: World) -> None:
    case = gw.extras["case"]
    services.set_up_key(actor_of(gw.admin_a), MEMBER_PASSPHRASE)
    services.set_up_key(actor_of(gw.admin_b), MEMBER_PASSPHRASE)
    client = _unlocked_handler(gw)
    before = _case_state(case)
    for org in (gw.member_b.pk, gw.secretariat.pk, "abc"):
        page = _act(client, "grant_access", case, {"org": org})
        assert "Member: This organisation did not receive the case." in page, org
    assert _case_state(case) == before
    assert "Saved." in _act(client, "grant_access", case, {"org": gw.member_a.pk})
    assert case.recipients.get(org=gw.member_a).full_access
    assert "grievances.case.full_access" in _events(case)


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_refused_to_everyone_but_handlers(gw: World, name: str) -> None:
    case = gw.extras["case"]
    services.set_up_key(actor_of(gw.admin_a), MEMBER_PASSPHRASE)
    url = reverse(f"grievances:{name}", args=[case.pk])
    data = {
        "stage": "acknowledged",
        "text": "probe",
        "handlers": [gw.grievance_handler.pk],
        "at_risk": "on",
        "type": "apology",
        "org": gw.member_a.pk,
    }
    before, events = _case_state(case), AuditEvent.objects.count()
    assert client_for(gw.admin_a).post(url, data).status_code == 403  # routed member, not a handler
    for user in (gw.admin_b, gw.supplier_admin, gw.auditor, gw.coordinator, gw.cso_admin):
        assert client_for(user).post(url, data).status_code == 404, user
    assert Client().post(url, data).status_code == 302  # to the sign-in page
    assert client_for(gw.grievance_handler).get(url).status_code == 405
    assert _case_state(case) == before and AuditEvent.objects.count() == events
    # The same request from a handler does go through (so the refusals above mean something).
    page = _act(_unlocked_handler(gw), name, case, data)
    assert "Saved." in page and _case_state(case) != before


def test_operator_intake_shows_form_errors_and_keeps_what_was_typed(gw: World) -> None:
    client = client_for(gw.grievance_handler)
    url = reverse("grievances:operator_intake")
    cases = Case.objects.count()
    response = client.post(url, {"language": "hi", "site_id": "XX-NOPE", "topics": ["wages"], "what": "Caller says"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Site id: We do not know this site id." in page
    assert ">Caller says</textarea>" in page and 'value="XX-NOPE"' in page
    assert 'value="wages" checked' in page and 'value="hi" selected' in page
    response = client.post(url, {"language": "xx", "workplace": "Unit 2", "what": " "})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Language of the caller: Select a valid choice." in page and "What happened: This field is required." in page
    assert Case.objects.count() == cases
    response = client.post(url, {"language": "en", "site_id": gw.extras["shared"].public_id, "what": "Caller says"})
    assert response.status_code == 200 and Case.objects.get(channel="operator").facility == gw.extras["shared"]


def test_people_behind_one_address_keep_their_own_case(gw: World, settings: object) -> None:
    """A factory's shared connection: someone there used up the address's failed look-ups.
    A reporter whose browser sent the report (or opened the case before) still reaches it;
    the browser's token helps with no other receipt, and a browser without one waits."""
    settings.GRIEVANCE_THROTTLE_PER_SOURCE = 3  # type: ignore[attr-defined]
    shared_address = {"REMOTE_ADDR": "203.0.113.40"}
    reporter = Client(**shared_address)
    sent = reporter.post(_intake_url(gw), {"site_id": gw.extras["shared"].public_id, "what": "Locked fire exits"})
    receipt = _receipt_on(sent.content.decode())
    cookie = sent.cookies["grv_device"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == f"/report/{gw.extras['mechanism'].slug}/"
    assert receipt not in cookie.value
    # A right receipt does not use up the address's tries: it gives its attempt back.
    for _ in range(5):
        assert reporter.post(_follow_url(gw), {"receipt": receipt}).status_code == 200
    guesser = Client(**shared_address)
    for i in range(3):
        assert guesser.post(_follow_url(gw), {"receipt": f"{i:016d}"}).status_code == 404
    assert guesser.post(_follow_url(gw), {"receipt": gw.extras["receipt"]}).status_code == 429
    # The reporter's browser still opens its own case from the locked address ...
    page = reporter.post(_follow_url(gw), {"receipt": receipt})
    assert page.status_code == 200 and "Locked fire exits" in page.content.decode()
    # ... but its token is no help with any other receipt: those are refused, unchecked.
    assert reporter.post(_follow_url(gw), {"receipt": gw.extras["receipt"]}).status_code == 429
    assert reporter.post(_follow_url(gw), {"receipt": "9" * 16}).status_code == 429
    # A copied token without the receipt is nothing; someone else's browser waits the hour.
    other = Client(**shared_address)
    other.cookies["grv_device"] = cookie.value
    assert other.post(_follow_url(gw), {"receipt": gw.extras["receipt"]}).status_code == 429
    assert Client(**shared_address).post(_follow_url(gw), {"receipt": receipt}).status_code == 429
    # Another address is not held back.
    elsewhere = Client(REMOTE_ADDR="198.51.100.9")
    assert elsewhere.post(_follow_url(gw), {"receipt": gw.extras["receipt"]}).status_code == 200


def test_a_browser_that_opened_a_case_is_remembered_for_it(gw: World, settings: object) -> None:
    settings.GRIEVANCE_THROTTLE_PER_SOURCE = 2  # type: ignore[attr-defined]
    browser = Client(REMOTE_ADDR="203.0.113.41")
    assert browser.post(_follow_url(gw), {"receipt": gw.extras["receipt"]}).status_code == 200
    for i in range(2):
        Client(REMOTE_ADDR="203.0.113.41").post(_follow_url(gw), {"receipt": f"{i:016d}"})
    assert browser.post(_follow_url(gw), {"receipt": gw.extras["receipt"]}).status_code == 200
