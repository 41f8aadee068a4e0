"""Issue 14, item 5: overrides carry a review date, expire, are reminded of once, and are marked in lists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from covenant.accounts.services import create_token
from covenant.core.models import AuditEvent
from covenant.risk import evidence, services
from covenant.risk.models import RiskOverride, add_months
from tests.conftest import World, actor_of, client_for
from tests.factories import risk_world


@pytest.fixture
def rworld(world: World) -> World:
    return risk_world(world)


def _override(w: World) -> RiskOverride:
    return RiskOverride.objects.get(pk=w.extras["override"].pk)


def _review(w: World, days: int) -> RiskOverride:
    """Member A's canary-a override (wages on the shared site) with its review date ``days`` from today."""
    RiskOverride.objects.filter(pk=w.extras["override"].pk).update(review_on=timezone.localdate() + timedelta(days))
    return _override(w)


def _api(user: Any, write: bool = True) -> Client:
    _token, secret = create_token(actor_of(user), name="api", read_only=not write)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_review_date_is_set_by_default_chosen_within_two_years_and_audited(rworld: World) -> None:
    w = rworld
    today = timezone.localdate()
    assert _override(w).review_on == add_months(today, 12)
    site = w.extras["shared"]
    admin = actor_of(w.admin_a)
    for bad in (today, today - timedelta(days=3), add_months(today, 24) + timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.set_override(admin, site, "wages", 7, "Our own audit found unpaid overtime.", review_on=bad)
    assert _override(w).review_on == add_months(today, 12)  # refused: nothing changed
    # Renewal: the same topic again with a new date.
    services.set_override(admin, site, "wages", 7, "Re-checked at our visit in May.", review_on=add_months(today, 24))
    renewed = _override(w)
    assert renewed.review_on == add_months(today, 24) and renewed.score == 7
    event = AuditEvent.objects.filter(action="risk.override.set").order_by("-pk").first()
    assert event is not None and event.org_id == w.member_a.pk
    assert event.summary["review_on"] == add_months(today, 24).isoformat()
    assert event.summary["previous_review_on"] == add_months(today, 12).isoformat()


def test_an_expired_override_no_longer_applies_but_stays_listed(rworld: World) -> None:
    w = rworld
    site = w.extras["shared"]
    admin = actor_of(w.admin_a)
    assert evidence.active_overrides(admin, [site.pk]).count() == 1
    assert evidence.member_scores(admin, [site.pk])[site.pk].overridden
    _review(w, 0)  # the review date itself still counts
    assert evidence.active_overrides(admin, [site.pk]).count() == 1
    _review(w, -1)
    assert not evidence.active_overrides(admin, [site.pk]).exists()
    assert site.pk not in evidence.member_scores(admin, [site.pk])
    assert evidence.own_overrides(admin, [site.pk]).count() == 1
    page = client_for(w.admin_a).get(reverse("risk:overrides")).content.decode()
    assert "canary-a: our own audit" in page and "expired" in page
    panel = client_for(w.admin_a).get(reverse("registry:facility", args=[site.public_id])).content.decode()
    assert "expired" in panel
    body = _api(w.admin_a).get(reverse("api:facility_risk", args=[site.public_id])).json()
    wages = next(t for t in body["topics"] if t["topic"] == "wages")
    assert wages["your_score"] == 8.5 and wages["your_score_expired"] is True


def test_review_due_is_marked_on_the_overview_and_the_overrides_page(rworld: World) -> None:
    w = rworld
    _review(w, 10)
    page = client_for(w.admin_a).get(reverse("risk:overrides")).content.decode()
    assert "review due" in page
    overview = client_for(w.admin_a).get(reverse("risk:overview")).content.decode()
    assert "review due" in overview and "your score" in overview
    _review(w, 200)
    assert "review due" not in client_for(w.admin_a).get(reverse("risk:overview")).content.decode()


def test_only_the_member_sees_its_overrides(rworld: World) -> None:
    w = rworld
    for user in (w.admin_b,):
        page = client_for(user).get(reverse("risk:overrides"))
        assert page.status_code == 200 and "canary-a" not in page.content.decode()
        listed = _api(user).get(reverse("api:list_risk_overrides"))
        assert listed.status_code == 200 and listed.json()["items"] == []
    for user in (w.coordinator, w.supplier_admin):
        assert client_for(user).get(reverse("risk:overrides")).status_code in (403, 404)
        assert _api(user).get(reverse("api:list_risk_overrides")).status_code in (403, 404)
    own = _api(w.viewer_a, write=False).get(reverse("api:list_risk_overrides")).json()["items"]
    assert [o["justification"] for o in own] == ["canary-a: our own audit found unpaid overtime"]
    assert own[0]["review_on"] == add_months(timezone.localdate(), 12).isoformat() and own[0]["review_state"] == ""
    # Member B cannot renew or remove member A's override through its own chain either.
    with pytest.raises(PermissionDenied):
        services.remove_override(actor_of(w.admin_b), _override(w))
    assert RiskOverride.objects.filter(pk=w.extras["override"].pk).exists()


def test_the_api_accepts_and_returns_the_review_date(rworld: World) -> None:
    w = rworld
    site = w.extras["shared"]
    url = reverse("api:set_risk_override", args=[site.public_id])
    day = add_months(timezone.localdate(), 6)
    body = {"topic": "forced_labour", "score": 6, "justification": "Passports held by agents.", "review_on": str(day)}
    response = _api(w.editor_a).put(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["review_on"] == day.isoformat()
    too_far = body | {"review_on": str(add_months(timezone.localdate(), 30))}
    assert _api(w.editor_a).put(url, too_far, content_type="application/json").status_code == 400
    assert RiskOverride.objects.get(org=w.member_a, facility=site, topic__code="forced_labour").review_on == day
    # Left out: a year ahead.
    response = _api(w.editor_a).put(url, body | {"review_on": None}, content_type="application/json")
    assert response.json()["review_on"] == add_months(timezone.localdate(), 12).isoformat()


def test_reminders_go_once_per_stage_to_the_members_editors_in_their_language(
    rworld: World, django_capture_on_commit_callbacks: Any
) -> None:
    w = rworld
    w.editor_a.language = "nl"
    w.editor_a.save(update_fields=["language"])
    _review(w, 40)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_override_reminders() == 0  # not due yet
    assert not mail.outbox
    _review(w, 20)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_override_reminders() == 1
        assert services.send_override_reminders() == 0  # idempotent: once per stage and date
    # One message per language (the admin reads English, the editor Dutch); viewers are not told.
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([w.admin_a.email, w.editor_a.email]) and len(mail.outbox) == 2
    assert all("canary-a" not in m.subject and w.extras["shared"].public_id in m.body for m in mail.outbox)
    assert not any(w.admin_b.email in m.to for m in mail.outbox)
    event = AuditEvent.objects.get(action="risk.override.reminded")
    assert event.org_id == w.member_a.pk and event.summary == {"due": [w.extras["override"].pk], "expired": []}
    mail.outbox.clear()
    _review(w, -1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_override_reminders() == 1
        assert services.send_override_reminders() == 0
    assert len(mail.outbox) == 2 and all("expired" in m.subject or "verlopen" in m.subject for m in mail.outbox)
    # Renewed with a new date: both reminders are armed again for that date.
    mail.outbox.clear()
    services.set_override(
        actor_of(w.admin_a),
        w.extras["shared"],
        "wages",
        8,
        "Checked again; still unpaid overtime.",
        review_on=timezone.localdate() + timedelta(days=5),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_override_reminders() == 1
    assert len(mail.outbox) == 2


def test_the_command_runs_the_reminders(rworld: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    _review(rworld, 3)
    out = StringIO()
    call_command("remind_overrides", stdout=out)
    assert "1 member(s) reminded." in out.getvalue()
    assert _override(rworld).reminded_due_for == _override(rworld).review_on
