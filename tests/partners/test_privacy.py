"""The privacy rules of finding partners (docs/partners.md), one test or more each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from covenant.accounts.models import User
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.core.models import AuditEvent
from covenant.partners import selectors, services
from covenant.partners.models import Interest, Match
from covenant.registry.models import SupplyLink
from tests.conftest import World, actor_of, make_org, make_user
from tests.factories import make_facility

TEA_CHILD = "KE|tea|child_labour"


def _actor(world: World, key: str) -> Actor:
    user = getattr(world, key, None) or world.extras[key]
    return actor_of(user)


def _signal(world: World, key: str, kind: str, subject: str, **kw: Any) -> Interest:
    return services.signal_interest(_actor(world, key), kind, subject, **kw)


def _partners_of(world: World, key: str) -> dict[str, list[str]]:
    view = selectors.shared(_actor(world, key))
    return {s.key: [p.name for p in s.partners] for s in view.subjects}


def _page_text(world: World, key: str) -> str:
    view = selectors.shared(_actor(world, key))
    return repr(view.subjects) + repr(view.lapsed)


def test_no_names_before_interest_is_mutual(partners: World) -> None:
    tea = partners.extras["tea"].public_id
    _signal(partners, "admin_a", "site", tea, note="living wage project")
    for key in ("admin_a", "admin_b", "admin_c"):
        assert _partners_of(partners, key)[tea] == []
    # B sees a count, never that A is interested, nor A's note.
    b_view = selectors.shared(_actor(partners, "admin_b"))
    b_tea = next(s for s in b_view.subjects if s.key == tea)
    assert b_tea.others == 2 and b_tea.interest is None
    assert "Noordhaven" not in _page_text(partners, "admin_b")
    assert "living wage" not in _page_text(partners, "admin_b")


def test_after_mutual_interest_only_the_two_see_each_other(
    partners: World, django_capture_on_commit_callbacks: Any
) -> None:
    tea = partners.extras["tea"].public_id
    _signal(partners, "admin_a", "site", tea, note="living wage project", show_contact=True)
    with django_capture_on_commit_callbacks(execute=True):
        _signal(partners, "admin_b", "site", tea)
    assert _partners_of(partners, "admin_a")[tea] == ["Zuidkust Retail"]
    assert _partners_of(partners, "admin_b")[tea] == ["Noordhaven Foods"]
    # B sees the note and the contact A chose to show; A sees no contact of B's (B chose none).
    b_tea = next(s for s in selectors.shared(_actor(partners, "admin_b")).subjects if s.key == tea)
    assert b_tea.partners[0].note == "living wage project"
    assert b_tea.partners[0].contact_email == partners.admin_a.email
    a_tea = next(s for s in selectors.shared(_actor(partners, "admin_a")).subjects if s.key == tea)
    assert a_tea.partners[0].contact_email == ""
    # C shares the site but did not signal: nothing. D does not share it: nothing either.
    assert _partners_of(partners, "admin_c")[tea] == []
    for key in ("admin_c", "admin_d"):
        text = _page_text(partners, key)
        assert "Noordhaven" not in text and "Zuidkust" not in text
    # The pair is logged once; both are told by e-mail, each side naming the other.
    assert Match.objects.count() == 1
    a_mail = [m for m in mail.outbox if partners.admin_a.email in m.to]
    b_mail = [m for m in mail.outbox if partners.admin_b.email in m.to]
    assert len(a_mail) == 1 and "Zuidkust Retail" in a_mail[0].subject
    assert len(b_mail) == 1 and "Noordhaven Foods" in b_mail[0].subject
    assert not [m for m in mail.outbox if "oostzee" in " ".join(m.to) or "westland" in " ".join(m.to)]


def test_the_match_email_is_in_each_readers_language(
    partners: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import translation

    # The catalogue is compiled at release: mark each text with the language active as it is written.
    monkeypatch.setattr(services, "_", lambda text: f"[{translation.get_language()}] {text}")
    User.objects.filter(pk=partners.admin_b.pk).update(language="nl")
    tea = partners.extras["tea"].public_id
    _signal(partners, "admin_a", "site", tea)
    with django_capture_on_commit_callbacks(execute=True):
        _signal(partners, "admin_b", "site", tea)
    b_mail = next(m for m in mail.outbox if partners.admin_b.email in m.to)
    a_mail = next(m for m in mail.outbox if partners.admin_a.email in m.to)
    assert a_mail.subject.startswith("[en") and b_mail.subject.startswith("[nl")
    assert b_mail.body.startswith("[nl")


def test_no_email_before_the_commit(partners: World, django_capture_on_commit_callbacks: Any) -> None:
    tea = partners.extras["tea"].public_id
    _signal(partners, "admin_a", "site", tea)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _signal(partners, "admin_b", "site", tea)
    assert mail.outbox == [] and callbacks


def test_a_match_is_pairwise_among_all_mutually_interested_members(partners: World) -> None:
    for key in ("admin_a", "admin_b", "admin_c"):
        _signal(partners, key, "hotspot", TEA_CHILD)
    assert sorted(_partners_of(partners, "admin_a")[TEA_CHILD]) == ["Oostzee Trading", "Zuidkust Retail"]
    assert sorted(_partners_of(partners, "admin_b")[TEA_CHILD]) == ["Noordhaven Foods", "Oostzee Trading"]
    assert sorted(_partners_of(partners, "admin_c")[TEA_CHILD]) == ["Noordhaven Foods", "Zuidkust Retail"]
    # D shares the hotspot (another estate) but did not signal: it sees the count only.
    assert _partners_of(partners, "admin_d")[TEA_CHILD] == []
    assert Match.objects.count() == 3
    # D signals: now everyone sees D and D sees the three.
    _signal(partners, "admin_d", "hotspot", TEA_CHILD)
    assert len(_partners_of(partners, "admin_d")[TEA_CHILD]) == 3
    assert "Westland Tea Company" in _partners_of(partners, "admin_a")[TEA_CHILD]


def test_interest_in_one_subject_reveals_nothing_on_another(partners: World) -> None:
    _signal(partners, "admin_a", "site", partners.extras["tea"].public_id)
    _signal(partners, "admin_b", "hotspot", TEA_CHILD)
    assert all(names == [] for names in _partners_of(partners, "admin_a").values())
    assert all(names == [] for names in _partners_of(partners, "admin_b").values())


def test_a_withdrawn_interest_hides_the_match_from_then_on(partners: World) -> None:
    tea = partners.extras["tea"].public_id
    mine = _signal(partners, "admin_a", "site", tea)
    _signal(partners, "admin_b", "site", tea)
    services.withdraw_interest(_actor(partners, "admin_a"), mine)
    assert _partners_of(partners, "admin_a")[tea] == []
    assert _partners_of(partners, "admin_b")[tea] == []
    # The past reveal stays logged; the withdrawing side's event names nobody.
    assert Match.objects.count() == 1
    event = AuditEvent.objects.filter(action="partners.interest.withdrawn").get()
    assert event.org_id == partners.member_a.pk
    assert "Zuidkust" not in str(event.summary) + event.object_repr
    with pytest.raises(Conflict):
        services.withdraw_interest(_actor(partners, "admin_a"), mine)
    # Signalling again makes the match again (the log keeps one row per pair and subject).
    _signal(partners, "admin_a", "site", tea)
    assert _partners_of(partners, "admin_b")[tea] == ["Noordhaven Foods"]
    assert Match.objects.count() == 1


def test_an_ended_link_ends_the_match_and_the_interest_counts_no_more(partners: World) -> None:
    tea = partners.extras["tea"].public_id
    _signal(partners, "admin_a", "site", tea)
    _signal(partners, "admin_b", "site", tea)
    yesterday = timezone.localdate() - timedelta(days=1)
    SupplyLink.objects.filter(org=partners.member_b, facility=partners.extras["tea"]).update(end_date=yesterday)
    assert _partners_of(partners, "admin_a")[tea] == []
    # B's interest is listed as no longer counting; its page shows no partner on it.
    b_view = selectors.shared(_actor(partners, "admin_b"))
    assert [i.key for i in b_view.lapsed] == [tea]
    assert "Noordhaven" not in repr(b_view.subjects)


def test_fishing_for_a_site_one_does_not_source_from_is_refused_alike(partners: World) -> None:
    nobody = make_facility("Unlinked Tea Estate", "KE", "Kisii", sector="Agriculture", products=["Tea"])
    messages = []
    # D does not source from the shared estate (others do), nor from the unlinked one (nobody
    # does), nor does a made-up id exist: one and the same refusal for each.
    for key in (partners.extras["tea"].public_id, nobody.public_id, "KE2026001XXXXXX", "CI|cocoa|child_labour"):
        kind = "hotspot" if "|" in key else "site"
        with pytest.raises(ValidationError) as refused:
            _signal(partners, "admin_d", kind, key)
        messages.append(refused.value.messages)
    assert len({tuple(m) for m in messages}) == 1
    assert not Interest.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="partners.").exists()


def test_a_hotspot_high_only_in_ones_own_view_cannot_be_signalled(partners: World) -> None:
    from covenant.risk import services as risk_services

    risk_services.set_override(
        _actor(partners, "admin_a"), partners.extras["own"], "wages", 9.5, "our own audit found unpaid overtime"
    )
    with pytest.raises(ValidationError):
        _signal(partners, "admin_a", "hotspot", "BD|garments|wages")
    assert not Interest.objects.exists()


def test_only_members_editors_signal(partners: World) -> None:
    tea = partners.extras["tea"].public_id
    with pytest.raises(PermissionDenied):
        _signal(partners, "viewer_a", "site", tea)
    with pytest.raises(PermissionDenied):
        _signal(partners, "supplier_admin", "site", tea)
    with pytest.raises(PermissionDenied):
        _signal(partners, "coordinator", "site", tea)
    _signal(partners, "editor_a", "site", tea)
    with pytest.raises(Conflict):
        _signal(partners, "admin_a", "site", tea)


def test_notes_are_short(partners: World) -> None:
    with pytest.raises(ValidationError):
        _signal(partners, "admin_a", "site", partners.extras["tea"].public_id, note="x" * 301)


def test_the_secretariat_sees_counts_only(partners: World) -> None:
    tea = partners.extras["tea"].public_id
    _signal(partners, "admin_a", "site", tea, note="canary-a note")
    _signal(partners, "admin_b", "site", tea)
    _signal(partners, "admin_c", "hotspot", TEA_CHILD)
    counts = selectors.sector_counts(_actor(partners, "coordinator"))
    assert counts.sites_shared == 2  # the tea estate and the cocoa cooperative
    assert counts.hotspots_shared >= 2  # KE × tea × child labour, CI × cocoa × ...
    assert (counts.interests_active, counts.interests_sites, counts.interests_hotspots) == (3, 2, 1)
    assert counts.matches == 1 and counts.members_interested == 3
    assert all(isinstance(v, int) for v in vars(counts).values())
    # Members, branch associations and suppliers get no counts page, and the secretariat no member page.
    branch = make_org("Branche Thee", "branch_association")
    branch_admin = make_user(branch, "admin", "admin@branche.example")
    for user in (partners.admin_a, branch_admin, partners.supplier_admin):
        with pytest.raises(PermissionDenied):
            selectors.sector_counts(actor_of(user))
    with pytest.raises(PermissionDenied):
        selectors.shared(_actor(partners, "coordinator"))
    with pytest.raises(PermissionDenied):
        selectors.shared(actor_of(branch_admin))


def test_merging_moves_interests_to_the_surviving_site(
    partners: World, django_capture_on_commit_callbacks: Any
) -> None:
    from covenant.registry import services as registry_services
    from tests.factories import link

    tea = partners.extras["tea"]
    dupe = make_facility("Kericho Highland Tea Estates Ltd", "KE", "Kericho", sector="Agriculture", products=["Tea"])
    link(partners.extras["member_d"], dupe, tier=1)
    _signal(partners, "admin_d", "site", dupe.public_id)
    _signal(partners, "admin_a", "site", tea.public_id)
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.merge_facilities(actor_of(partners.coordinator), dupe, tea)
    assert any(partners.admin_a.email in m.to for m in mail.outbox)
    moved = Interest.objects.get(org=partners.extras["member_d"])
    assert (moved.key, moved.facility_id) == (tea.public_id, tea.pk)
    # Both were interested in the same real site: the merge makes the match, logged and announced.
    assert _partners_of(partners, "admin_a")[tea.public_id] == ["Westland Tea Company"]
    assert Match.objects.filter(key=tea.public_id).count() == 1
    assert AuditEvent.objects.filter(action="partners.match.made", org_id=partners.member_a.pk).exists()
