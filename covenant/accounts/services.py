"""Writes about people: API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from covenant.accounts.models import ApiToken
from covenant.core import audit
from covenant.core.actors import Actor

TOKEN_PREFIX = "cov_"  # noqa: S105 (a label, not a secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(
    actor: Actor, *, name: str, read_only: bool = True, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make an API token for the actor's organisation. The returned secret is
    shown to the person once and never stored."""
    org = actor.require_org()
    if actor.user is None or actor.via != "web":
        raise PermissionDenied(_("API tokens are made in the browser by a signed-in person."))
    if not read_only:
        actor.require_edit()
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name, so you know later what uses it."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The expiry date must be in the future."))
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        org=org,
        user=actor.user,
        name=name,
        prefix=prefix,
        token_hash=hash_secret(secret),
        read_only=read_only,
        expires_at=expires_at,
    )
    audit.record(actor, "accounts.token.created", obj=token, summary={"name": name, "read_only": read_only})
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> None:
    """A token's owner or an administrator of its organisation revokes it.

    Read-only credentials change nothing, this included: a leaked read-only
    token must not be able to cut off the organisation's integrations."""
    if actor.read_only:
        raise PermissionDenied("Read-only credentials cannot revoke tokens.")
    if token.org != actor.org or (token.user != actor.user and not actor.can_admin):
        raise PermissionDenied
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor, "accounts.token.revoked", obj=token, summary={"name": token.name})


def authenticate_token(raw: str) -> Actor | None:
    """Turn a bearer token into the Actor it stands for, or None."""
    if not raw.startswith(TOKEN_PREFIX) or raw.count("_") < 2:
        return None
    prefix, _sep, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    token = ApiToken.objects.select_related("org", "user").filter(prefix=prefix).first()
    if token is None or not token.is_active or not token.user.is_active or not token.org.is_active:
        return None
    if not secrets.compare_digest(token.token_hash, hash_secret(secret)):
        return None
    membership = token.user.memberships.filter(org=token.org).first()
    if membership is None:
        return None
    now = timezone.now()
    # Touch last_used_at at most once a minute so busy clients don't write every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return Actor(user=token.user, org=token.org, role=membership.role, via="api", read_only=token.read_only)


def language_codes() -> list[str]:
    """The codes a person may pick (settings.LANGUAGES)."""
    return [code for code, _name in settings.LANGUAGES]


@transaction.atomic
def set_language(actor: Actor, code: str) -> None:
    """The signed-in person's chosen language, kept on their account: every page and every e-mail
    to them follows it, whichever device they use. An unknown code is refused."""
    user = actor.user
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to keep a language on your account."))
    if code not in language_codes():
        raise ValidationError(_("Covenant does not speak this language yet."))
    if user.language == code:
        return
    before = user.language
    user.language = code
    user.save(update_fields=["language"])
    audit.record(actor, "accounts.language.changed", obj=user, summary={"from": before, "to": code})
