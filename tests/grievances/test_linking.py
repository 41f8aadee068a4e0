"""Every case reaches the site: a handler links a case to a register site (or re-routes it),
and routing follows as for a case filed with that site; the public form's workplace search
works before anything else is filled in."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from covenant.core.models import AuditEvent
from covenant.grievances import selectors, services
from covenant.grievances.models import Case, EntryKind
from covenant.registry.models import FacilityAlias
from tests.conftest import World, actor_of, client_for, make_user
from tests.factories import link
from tests.grievances.builders import PASSPHRASE

ARABIC = "مصنع الدلتا للمناشف"
REASON = "canary-link the worker named the towel factory by its Arabic name"


def _unlocked(w: World) -> Client:
    client = client_for(w.grievance_handler)
    assert client.post(reverse("grievances:key"), {"action": "unlock", "passphrase": PASSPHRASE}).status_code == 302
    return client


def _key(w: World, case: Case) -> bytes:
    private = services.unlock_key(actor_of(w.grievance_handler), PASSPHRASE)
    key = services.case_key_for(actor_of(w.grievance_handler), case, private)
    assert key is not None
    return key


def _unlinked_case(w: World) -> Case:
    """A web report naming the workplace only in free text (Arabic): it reached the handlers only."""
    submitted = services.submit(
        actor_of(w.grievance_handler).__class__.anonymous(),
        services.Intake(
            mechanism=w.extras["mechanism"],
            channel="web",
            language="ar",
            what="canary-unlinked the towels are counted twice",
            workplace=ARABIC,
        ),
    )
    return submitted.case


def _arabic_site(w: World) -> None:
    """The register's other site is also known under the Arabic name; member B sources there."""
    FacilityAlias.objects.create(facility=w.extras["other"], name=ARABIC, source="manual")
    link(w.member_b, w.extras["other"], tier=1)


def _routed(case: Case) -> set[int]:
    return set(case.recipients.values_list("org_id", flat=True))


def _events(case: Case, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(case.pk), action=action))


def test_handler_finds_the_site_by_its_arabic_alias_and_links_the_case(gw: World) -> None:
    _arabic_site(gw)
    case = _unlinked_case(gw)
    other = gw.extras["other"]
    assert gw.member_b.pk not in _routed(case)
    client = _unlocked(gw)
    url = reverse("grievances:link_site", args=[case.pk])
    # The search is a POST that comes back with the page and the results (no JavaScript).
    page = client.post(url, {"action": "search", "site_q": ARABIC})
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert other.public_id in text and 'id="site-results"' in text
    # The public id and a name work too.
    assert other in selectors.site_candidates(actor_of(gw.grievance_handler), other.public_id.lower())
    assert other in selectors.site_candidates(actor_of(gw.grievance_handler), "Factory No. 2")
    # Linking routes it as a case filed with that site: member B, linked there, receives it.
    response = client.post(url, {"site": other.public_id, "reason": REASON}, follow=True)
    assert "Saved." in response.content.decode()
    case.refresh_from_db()
    assert case.facility == other and case.country == other.country
    assert gw.member_b.pk in _routed(case) and gw.member_a.pk not in _routed(case)
    assert selectors.get_case(actor_of(gw.admin_b), case.pk) == case
    # The reason is an encrypted internal note; the audit event names the site, never the words.
    note = case.entries.filter(kind=EntryKind.NOTE).get()
    assert REASON.encode() not in bytes(note.body_enc) and services.entry_body(note, _key(gw, case)) == REASON
    (event,) = _events(case, "grievances.case.linked")
    assert event.summary["site"] == other.public_id and event.summary["members_added"] == 1
    assert "canary" not in str(event.summary) and ARABIC not in str(event.summary)


def test_reroute_moves_the_case_to_the_members_of_the_new_site(gw: World) -> None:
    _arabic_site(gw)
    case = gw.extras["case"]  # filed with the shared site: member A received it
    assert gw.member_a.pk in _routed(case)
    handler = actor_of(gw.grievance_handler)
    case = services.link_case_to_site(handler, case, _key(gw, case), gw.extras["other"], REASON)
    assert gw.member_b.pk in _routed(case)
    # Member A is not linked to the new site: the case is gone from its list and answers 404.
    assert gw.member_a.pk not in _routed(case)
    assert not selectors.case_list(actor_of(gw.admin_a), show="all").filter(pk=case.pk).exists()
    assert client_for(gw.admin_a).get(reverse("grievances:detail", args=[case.pk])).status_code == 404
    (event,) = _events(case, "grievances.case.rerouted")
    assert event.summary == {
        "site": gw.extras["other"].public_id,
        "previous_site": gw.extras["shared"].public_id,
        "members_added": 1,
        "members_removed": 1,
    }
    # The handlers keep their sealed keys through the change.
    assert services.case_key_for(handler, case, services.unlock_key(handler, PASSPHRASE)) is not None


def test_linking_needs_a_reason_an_unlocked_key_and_a_new_site(gw: World) -> None:
    case = gw.extras["case"]
    handler = actor_of(gw.grievance_handler)
    key = _key(gw, case)
    with pytest.raises(ValidationError, match="reason"):
        services.link_case_to_site(handler, case, key, gw.extras["other"], "  ")
    with pytest.raises(ValidationError, match="Unlock"):
        services.link_case_to_site(handler, case, None, gw.extras["other"], REASON)
    with pytest.raises(ValidationError, match="already"):
        services.link_case_to_site(handler, case, key, gw.extras["shared"], REASON)
    assert not _events(case, "grievances.case.rerouted")


def test_others_cannot_link(gw: World) -> None:
    _arabic_site(gw)
    case = gw.extras["case"]
    before = _routed(case)
    url = reverse("grievances:link_site", args=[case.pk])
    data = {"site": gw.extras["other"].public_id, "reason": REASON}
    # A routed member is refused; a member not routed, a supplier and the CSO do not even see it.
    assert client_for(gw.admin_a).post(url, data).status_code == 403
    for user in (gw.admin_b, gw.supplier_admin, gw.cso_admin, gw.coordinator):
        assert client_for(user).post(url, data).status_code in (403, 404), user
    # A grievance handler of another organisation (a CSO not co-handling this mechanism).
    outsider = make_user(gw.cso, "grievance_handler", "handler@workersfirst.example")
    with pytest.raises(PermissionDenied):
        services.link_case_to_site(actor_of(outsider), case, b"\0" * 32, gw.extras["other"], REASON)
    assert _routed(case) == before and Case.objects.get(pk=case.pk).facility == gw.extras["shared"]
    assert not AuditEvent.objects.filter(action__startswith="grievances.case.re").exists()


def test_public_search_works_before_anything_else_is_filled_in(gw: World) -> None:
    _arabic_site(gw)
    url = reverse("grievances:intake", args=[gw.extras["mechanism"].slug, "ar"])
    page = Client().get(url).content.decode()
    # The Search button skips the browser's check of the required "What happened?" box.
    assert 'value="search" class="secondary" formnovalidate' in page
    response = Client().post(
        url, {"action": "search", "q": ARABIC, "town": "", "topics": ["wages"], "contact": "canary-kept"}
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert gw.extras["other"].public_id in text
    assert 'class="error"' not in text and not Case.objects.filter(language="ar").exists()
    # What was typed comes back.
    assert 'value="wages" checked' in text and 'value="canary-kept"' in text
