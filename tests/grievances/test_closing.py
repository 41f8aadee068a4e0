"""A case closes only with an outcome and a message to the reporter, after a preview; the
reporter sees the agreed remedy on follow-up; blank counts of people stay blank."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from covenant.core.models import AuditEvent
from covenant.grievances import selectors, services
from covenant.grievances.models import Case, EntryKind, Remedy, Stage
from tests.conftest import World, actor_of, client_for
from tests.grievances.builders import PASSPHRASE

CLOSING = "canary-close the factory paid the wages it owed you"
REMEDY_TEXT = "canary-remedy three months of back pay for line 7"


def _investigating(w: World) -> tuple[Case, bytes]:
    handler = actor_of(w.grievance_handler)
    case = w.extras["case"]
    key = services.case_key_for(handler, case, services.unlock_key(handler, PASSPHRASE))
    assert key is not None
    for stage in (Stage.ACKNOWLEDGED, Stage.ADMISSIBILITY, Stage.INVESTIGATION):
        case = services.move_to(handler, case, stage, key)
    return case, key


def _unlocked(w: World) -> Client:
    client = client_for(w.grievance_handler)
    client.post(reverse("grievances:key"), {"action": "unlock", "passphrase": PASSPHRASE})
    return client


def test_closing_needs_an_outcome_and_a_message(gw: World) -> None:
    case, key = _investigating(gw)
    handler = actor_of(gw.grievance_handler)
    with pytest.raises(ValidationError, match="outcome"):
        services.close_case(handler, case, key, "", CLOSING)
    with pytest.raises(ValidationError, match="outcome"):
        services.close_case(handler, case, key, "cake", CLOSING)
    with pytest.raises(ValidationError, match="message"):
        services.close_case(handler, case, key, "remedied", "   ")
    with pytest.raises(ValidationError, match="Unlock"):
        services.close_case(handler, case, None, "remedied", CLOSING)
    with pytest.raises(ValidationError, match="outcome"):
        services.move_to(handler, case, Stage.CLOSED, key)  # the plain stage button cannot close
    assert Case.objects.get(pk=case.pk).stage == Stage.INVESTIGATION


def test_close_shows_a_preview_then_closes_on_confirmation(gw: World) -> None:
    case, _key = _investigating(gw)
    client = _unlocked(gw)
    url = reverse("grievances:close", args=[case.pk])
    preview = client.post(url, {"outcome": "remedied", "message": CLOSING})
    assert preview.status_code == 200
    text = html.unescape(preview.content.decode())
    assert 'id="preview-outcome">Remedy agreed' in text and CLOSING in text and 'name="confirm" value="1"' in text
    assert Case.objects.get(pk=case.pk).stage == Stage.INVESTIGATION  # nothing written yet
    # Without an outcome the form refuses, and nothing changes.
    page = html.unescape(client.post(url, {"message": CLOSING, "confirm": "1"}, follow=True).content.decode())
    assert "Outcome: This field is required." in page and Case.objects.get(pk=case.pk).stage == Stage.INVESTIGATION
    response = client.post(url, {"outcome": "remedied", "message": CLOSING, "confirm": "1"}, follow=True)
    assert "Saved." in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.outcome == "remedied" and case.closed_on is not None
    message = case.entries.filter(kind=EntryKind.TO_REPORTER).get()
    assert CLOSING.encode() not in bytes(message.body_enc)
    events = AuditEvent.objects.filter(object_id=str(case.pk), action="grievances.case.stage")
    assert events.order_by("pk").last().summary == {"stage": "closed", "outcome": "remedied"}  # type: ignore[union-attr]
    # A member routed the case cannot close it.
    assert client_for(gw.admin_a).post(url, {"outcome": "remedied", "message": "x"}).status_code == 403


def test_the_reporter_sees_the_outcome_the_message_and_the_agreed_remedy(gw: World) -> None:
    case, key = _investigating(gw)
    handler = actor_of(gw.grievance_handler)
    remedy = services.RemedyInput(type="back_pay", amount=Decimal("300"), currency="usd", description=REMEDY_TEXT)
    services.record_remedy(handler, case, key, remedy)
    services.close_case(handler, case, key, "remedied", CLOSING)
    page = Client().post(
        reverse("grievances:follow_up", args=[gw.extras["mechanism"].slug, "en"]), {"receipt": gw.extras["receipt"]}
    )
    text = html.unescape(page.content.decode())
    assert 'id="outcome">Remedy agreed' in text
    assert CLOSING in text and REMEDY_TEXT in text and "Back pay" in text and "300" in text
    # In Spanish too: the outcome and the remedy type are reporter-facing strings.
    spanish = Client().post(
        reverse("grievances:follow_up", args=[gw.extras["mechanism"].slug, "es"]), {"receipt": gw.extras["receipt"]}
    )
    assert "Remedy agreed" not in spanish.content.decode() and "Back pay" not in spanish.content.decode()


def test_blank_counts_stay_blank(gw: World) -> None:
    case, key = _investigating(gw)
    handler = actor_of(gw.grievance_handler)
    remedy = services.record_remedy(handler, case, key, services.RemedyInput(type="apology", female=2))
    remedy = Remedy.objects.get(pk=remedy.pk)
    assert (remedy.beneficiaries_female, remedy.beneficiaries_male, remedy.beneficiaries_other) == (2, None, None)
    assert remedy.beneficiaries == 2
    blank = services.record_remedy(handler, case, key, services.RemedyInput(type="apology"))
    assert Remedy.objects.get(pk=blank.pk).beneficiaries is None
    page = html.unescape(_unlocked(gw).get(reverse("grievances:detail", args=[case.pk])).content.decode())
    assert "women 2, men not recorded, other not recorded" in page
    assert "women not recorded, men not recorded, other not recorded" in page
    assert "women 0" not in page
    # The form sends blanks for blank boxes: no pre-filled zeros.
    assert 'name="female" min="0">' in page
    review = selectors.effectiveness_review(gw.extras["mechanism"], case.received_on.year)
    assert review["beneficiaries_female"] is None  # 2 < 5: suppressed, and no crash on the blanks
