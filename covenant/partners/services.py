"""Writes of finding partners: signalling and withdrawing interest, and the matches they make.

Signalling requires sharing the subject now (a site the member links to; a hotspot in its chain,
high in its own view and in the shared picture); a refusal says the same whatever others do, so
it tells nothing about them. When an interest makes a match, both members are told by e-mail
after the commit, each in their people's language, and the pair is logged (``Match``, and an
audit event on each side naming the other, which both may now read). Withdrawing hides the
match again at once; its audit event names nobody.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from covenant.core import audit as trail
from covenant.core import mail
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.orgs.models import Organisation, OrgKind
from covenant.orgs.selectors import people_to_tell
from covenant.partners import selectors
from covenant.partners.models import Interest, Match, SubjectKind
from covenant.registry.interface import Facility, facility_by_public_id, own_links
from covenant.risk.models import Topic

NOTE_MAX = 300


def _refused() -> ValidationError:
    # One message for every subject the member does not share, whoever else shares it.
    return ValidationError(
        _("You can signal interest only in a site you source from now or a hotspot in your own chain.")
    )


def subject_label(kind: str, key: str) -> str:
    """The subject in words, in the active language: "site CN2019067NZ95AM" or "Kenya × tea × Wages"."""
    if kind == SubjectKind.SITE:
        return _("site %(id)s") % {"id": key}
    spot = selectors.Hotspot.parse(key)
    if spot is None:
        return key
    from django_countries import countries

    topic = Topic.objects.filter(code=spot.topic).first()
    return f"{countries.name(spot.country) or spot.country} × {spot.commodity} × {topic.label if topic else spot.topic}"


def _check_shares(actor: Actor, kind: str, key: str) -> tuple[str, int | None]:
    """The subject's canonical key (and facility) if the actor shares it now; else refused."""
    if kind == SubjectKind.SITE:
        site = facility_by_public_id(key)
        if site is None or not own_links(actor).filter(facility_id=site.pk).exists():
            raise _refused()
        return site.public_id, site.pk
    if kind == SubjectKind.HOTSPOT:
        spot = selectors.Hotspot.parse(key)
        if spot is None:
            raise _refused()
        own_view, public = selectors.own_hotspots(actor)
        if spot not in own_view:
            raise _refused()
        if spot not in public:
            raise ValidationError(
                _(
                    "This hotspot is high only in your own view (your overrides or the evidence you may read). "
                    "Partners are found on the shared risk picture, where it is not high."
                )
            )
        return spot.key, None
    raise _refused()


@transaction.atomic
def signal_interest(actor: Actor, kind: str, key: str, *, note: str = "", show_contact: bool = False) -> Interest:
    """The member would act together with others on a subject it shares. Nobody learns of it
    until another member sharing the subject signals too; then both see each other's name."""
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()
    note = " ".join(note.split())
    if len(note) > NOTE_MAX:
        raise ValidationError(_("The note may be at most %(n)d characters.") % {"n": NOTE_MAX})
    key, facility_id = _check_shares(actor, kind, key.strip())
    if Interest.objects.filter(org=org, kind=kind, key=key, withdrawn_at__isnull=True).exists():
        raise Conflict(_("You have already signalled interest in this."))
    try:
        with transaction.atomic():
            interest = Interest.objects.create(
                org=org,
                kind=kind,
                key=key,
                facility_id=facility_id,
                note=note,
                contact=actor.user if show_contact else None,
                created_by=actor.user,
            )
    except IntegrityError as exc:  # the same interest signalled twice at once
        raise Conflict(_("You have already signalled interest in this.")) from exc
    trail.record(actor, "partners.interest.signalled", obj=interest, summary={"kind": kind, "key": key})
    _make_matches(actor, interest)
    return interest


def _make_matches(actor: Actor, interest: Interest, *, new_pairs_only: bool = False) -> None:
    """Log and announce the matches a new interest makes: with every other member interested in
    the subject and sharing it now (pairwise: all mutually interested members see each other).
    ``new_pairs_only``: leave pairs already logged alone (a merge moving interests that had matched)."""
    org = interest.org
    subject = (interest.kind, interest.key)
    sharing = selectors.sharers(interest.kind, [interest.key]).get(interest.key, set())
    partners = selectors.mutual_partners(org.pk, {subject: sharing})
    now = timezone.now()
    for other in partners.get(subject, []):
        first, second = sorted((org.pk, other.org_id))
        if (
            new_pairs_only
            and Match.objects.filter(kind=interest.kind, key=interest.key, first_id=first, second_id=second).exists()
        ):
            continue
        match, created = Match.objects.get_or_create(
            kind=interest.kind, key=interest.key, first_id=first, second_id=second, defaults={"made_at": now}
        )
        if not created:
            match.last_made_at = now
            match.save(update_fields=["last_made_at"])
        summary = {"kind": interest.kind, "key": interest.key}
        # Both may read these: each names the partner its own member now sees.
        trail.record(
            actor, "partners.match.made", obj=match, org_id=org.pk, summary={**summary, "partner": other.org.name}
        )
        trail.record(
            actor, "partners.match.made", obj=match, org_id=other.org_id, summary={**summary, "partner": org.name}
        )
        _announce(org, other.org, interest.kind, interest.key)
        _announce(other.org, org, interest.kind, interest.key)


def _announce(to: Organisation, partner: Organisation, kind: str, key: str) -> None:
    def write() -> tuple[str, str]:
        subject = _("A partner shares your interest: %(partner)s") % {"partner": partner.name}
        body = _(
            "%(partner)s has also signalled interest in acting together on %(subject)s, which you both share. "
            "You can now see each other on the Partners page of Covenant. Share risks and plans, never prices "
            "or volumes."
        ) % {"partner": partner.name, "subject": subject_label(kind, key)}
        return subject, body

    transaction.on_commit(mail.after_commit(people_to_tell([to.pk]), write))


@transaction.atomic
def withdraw_interest(actor: Actor, interest: Interest) -> Interest:
    """Hide the subject's matches again from now on. Past reveals stay logged."""
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()
    interest = Interest.objects.select_for_update().get(pk=interest.pk, org=org)
    if interest.withdrawn_at is not None:
        raise Conflict(_("This interest was already withdrawn."))
    interest.withdrawn_at = timezone.now()
    interest.save(update_fields=["withdrawn_at"])
    # No partner named: the withdrawing side's trail records only that it withdrew.
    trail.record(
        actor, "partners.interest.withdrawn", obj=interest, summary={"kind": interest.kind, "key": interest.key}
    )
    return interest


def move_interests_on_merge(*, loser: Facility, survivor: Facility, actor: Actor | None = None, **_: object) -> None:
    """A merged record's site interests (and logged matches) are about the surviving site. A member
    interested in both keeps one interest (the other is withdrawn). Members interested in the two
    records were interested in one site: the matches this makes are logged and announced."""
    now = timezone.now()
    for match in Match.objects.filter(kind=SubjectKind.SITE, key=loser.public_id):
        if Match.objects.filter(
            kind=SubjectKind.SITE, key=survivor.public_id, first_id=match.first_id, second_id=match.second_id
        ).exists():
            match.delete()
        else:
            match.key = survivor.public_id
            match.save(update_fields=["key"])
    moved = []
    for interest in Interest.objects.filter(kind=SubjectKind.SITE, facility_id=loser.pk, withdrawn_at__isnull=True):
        if Interest.objects.filter(
            org_id=interest.org_id, kind=SubjectKind.SITE, key=survivor.public_id, withdrawn_at__isnull=True
        ).exists():
            interest.withdrawn_at = now
            interest.save(update_fields=["withdrawn_at"])
        else:
            moved.append(interest.pk)
    Interest.objects.filter(kind=SubjectKind.SITE, facility_id=loser.pk).update(
        facility=survivor, key=survivor.public_id
    )
    for interest in Interest.objects.filter(pk__in=moved).select_related("org"):
        _make_matches(actor or Actor.system(), interest, new_pairs_only=True)
