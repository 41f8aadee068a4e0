"""Shared fixtures: a small sector with one organisation of each kind.

``world`` holds two member companies (A and B), a supplier, an audit firm, a
civil-society organisation and the secretariat, each with an administrator.
Member A's private things carry the marker ``canary-a`` so tenancy tests can
check that nobody else ever sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from covenant.accounts.models import User
from covenant.core.actors import Actor
from covenant.orgs import services as org_services
from covenant.orgs.middleware import ACTIVE_ORG_SESSION_KEY
from covenant.orgs.models import Membership, Organisation

SYSTEM = Actor.system(via="cli")
PASSWORD = "correct horse battery staple 42"


def make_org(name: str, kind: str, size: str = "", country: str = "NL") -> Organisation:
    return org_services.create_organisation(SYSTEM, name=name, kind=kind, size=size, country=country)


def make_user(org: Organisation, role: str, email: str, full_name: str = "", mfa: bool | None = None) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=full_name or email.split("@")[0])
    membership = org_services.add_member(SYSTEM, org, user, role)
    if mfa or (mfa is None and membership.requires_mfa):
        TOTP.activate(user, generate_totp_secret())
    return user


def actor_of(user: User, org: Organisation | None = None) -> Actor:
    membership = Membership.objects.select_related("org").get(user=user, **({"org": org} if org else {}))
    return Actor(user=user, org=membership.org, role=membership.role)


def client_for(user: User | None, org: Organisation | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        if org is not None:
            session = client.session
            session[ACTIVE_ORG_SESSION_KEY] = org.pk
            session.save()
    return client


@dataclass
class World:
    secretariat: Organisation
    member_a: Organisation
    member_b: Organisation
    supplier: Organisation
    audit_firm: Organisation
    cso: Organisation
    coordinator: User
    grievance_handler: User
    admin_a: User
    editor_a: User
    viewer_a: User
    admin_b: User
    supplier_admin: User
    auditor: User
    cso_admin: User
    extras: dict[str, Any] = field(default_factory=dict)

    def actor(self, user: User) -> Actor:
        return actor_of(user)

    def client(self, user: User | None) -> Client:
        return client_for(user)


@pytest.fixture
def world(db: Any) -> World:
    secretariat = make_org("Fair Home Sector Agreement", "secretariat")
    member_a = make_org("Noordhaven Foods", "member", size="large")
    member_b = make_org("Zuidkust Retail", "member", size="sme")
    supplier = make_org("Huaxin Garments", "supplier", country="CN")
    audit_firm = make_org("Veritas Social Audits", "audit_firm")
    cso = make_org("Workers First Helpline", "cso")
    return World(
        secretariat=secretariat,
        member_a=member_a,
        member_b=member_b,
        supplier=supplier,
        audit_firm=audit_firm,
        cso=cso,
        coordinator=make_user(secretariat, "coordinator", "coordinator@sector.example"),
        grievance_handler=make_user(secretariat, "grievance_handler", "handler@sector.example"),
        admin_a=make_user(member_a, "admin", "admin.canary-a@noordhaven.example"),
        editor_a=make_user(member_a, "editor", "editor.canary-a@noordhaven.example"),
        viewer_a=make_user(member_a, "viewer", "viewer.canary-a@noordhaven.example"),
        admin_b=make_user(member_b, "admin", "admin@zuidkust.example"),
        supplier_admin=make_user(supplier, "admin", "admin@huaxin.example"),
        auditor=make_user(audit_firm, "admin", "lead@veritas.example"),
        cso_admin=make_user(cso, "admin", "coordinator@workersfirst.example"),
    )


@pytest.fixture
def login() -> Callable[[User | None], Client]:
    return client_for


@pytest.fixture(autouse=True)
def _own_data_dir(settings: Any, tmp_path: Any) -> None:
    """Each test gets its own files directory (uploads, match-index snapshots) and a fresh index."""
    from covenant.registry import matchindex

    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "data" / "files"
    matchindex.reset()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a request in Dutch (LocaleMiddleware activates
    the language for the thread and leaves it there) must not turn the next test's text Dutch."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
