"""Reads about people and their API tokens."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import QuerySet

from covenant.accounts.models import ApiToken, User
from covenant.core.actors import Actor
from covenant.core.roles import role_requires_mfa
from covenant.core.scoping import get_scoped_or_404, scoped


def user_requires_mfa(user: User) -> bool:
    """True when any of the person's roles needs a second factor."""
    roles = user.memberships.values_list("org__kind", "role")
    return any(role_requires_mfa(str(kind), str(role)) for kind, role in roles)


def has_totp(user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def org_tokens(actor: Actor) -> QuerySet[ApiToken]:
    """An organisation's API tokens (never their secrets)."""
    return scoped(actor, ApiToken.objects.select_related("user"), owner="org")


def get_token(actor: Actor, token_id: object) -> ApiToken:
    return get_scoped_or_404(org_tokens(actor), pk=token_id)
