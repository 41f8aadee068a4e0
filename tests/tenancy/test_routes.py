"""Walk every URL pattern and API route and prove outsiders get nothing.

Each route must have a :class:`Case` in ``CASES``. A route added without one
makes ``test_every_route_has_a_case`` fail, so nobody can add a page or an API
handler without saying who may see it.

Kinds of route:
- ``public``: reachable without signing in; must never show member data.
- ``account``: the signed-in person's own account (allauth). The case says what
  an anonymous visitor gets (a public page, or a redirect to the login); a
  signed-in person gets ``signed_in`` and never anything of another person's.
- ``own``: about the actor's own organisation (lists, dashboards, create
  forms). Outsiders may get 200, but never see member A's private data.
- ``shared``: shared data every participant may read (the facility
  register). Anonymous people are turned away; nobody sees member A's data.
- ``object``: addresses one object that belongs to someone. Outsiders get
  404/403 (anonymous: a login redirect or 401), and a write changes nothing;
  then the owner (``by``) gets what ``ok`` says, so a route broken for everyone
  cannot pass as "outsiders are refused".

``methods`` lists every method the route accepts: it must equal what the view
itself accepts (its ``require_*`` decorator, its class, or the API operation),
and a method outside it must be answered 405.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from covenant.accounts import services as account_services
from covenant.orgs import services as org_services
from tests.conftest import PASSWORD, World, actor_of, client_for
from tests.dbstate import snapshot
from tests.factories import PDF_BYTES, registry_world, risk_world

CANARY = "canary-a"

UrlBuilder = Callable[[World], str]


@dataclass(frozen=True)
class Case:
    kind: str  # public | account | own | shared | object
    url: UrlBuilder | None = None  # None: reverse(name) without arguments
    methods: tuple[str, ...] = ("GET",)  # every method the route accepts (HEAD and OPTIONS aside)
    owner: str = "member_a"  # World attribute of the owning organisation (object routes)
    secretariat_sees: bool = False  # declared visible to secretariat staff
    data: Callable[[World], dict[str, object]] | None = None  # a well-formed body, so the probe reaches the checks
    files: Callable[[World], dict[str, object]] | None = None  # files to upload with it (multipart)
    # Object routes: who exercises the owner's side (a World attribute or an extras key; by default
    # the administrator of ``owner``), and what each method answers them when it is not the default
    # (GET 200; a page's POST 302; an API POST or PUT/PATCH 200; DELETE 204). Every write of theirs
    # must leave an audit event.
    by: str = ""
    ok: Mapping[str, int] = field(default_factory=dict)
    session: Callable[[World, Client], None] | None = None  # readies the owner's session (unlocks a key)
    # Routes readable by many but written by one organisation (secretariat tools): everyone
    # else's write is refused and changes nothing.
    writer: str = ""
    # Account routes: what an anonymous visitor gets (PUBLIC or TO_LOGIN) and a signed-in person.
    anonymous: tuple[int, str] = (0, "")
    signed_in: int = 200
    any_method: bool = False  # a third-party view that accepts every method (not ours to change)


FINDINGS_CSV: bytes = b"section,grade,description\n5,minor,probe finding\n"

# What a page of allauth answers an anonymous visitor: itself, or a redirect to the login.
PUBLIC = (200, "")
TO_LOGIN = (302, "/accounts/login/")


def _a_token(w: World) -> str:
    token, _secret = account_services.create_token(actor_of(w.admin_a), name=f"erp-{CANARY}")
    return str(token.pk)


def _a_invitation(w: World) -> str:
    invitation, _token = org_services.invite(
        actor_of(w.admin_a), email=f"new.{CANARY}@noordhaven.example", role="viewer"
    )
    return str(invitation.pk)


def _a_membership(w: World) -> int:
    return int(w.viewer_a.memberships.get().pk)


def _a_job(w: World) -> str:
    from covenant.core.services import create_job

    return str(create_job(actor_of(w.admin_a), "test", label=f"job {CANARY}").pk)


CASES: dict[str, Case] = {
    # Public entry points.
    "home": Case("public"),
    "healthz": Case("public"),
    "set_language": Case("public", methods=("POST",), any_method=True),
    "accounts:language": Case("public", methods=("POST",), data=lambda w: {"language": "vi", "next": "/"}),
    "orgs:accept_invitation": Case(
        "public",
        url=lambda w: reverse("orgs:accept_invitation", args=["not-a-token"]),
        methods=("GET", "POST"),
        data=lambda w: {"full_name": "probe", "password": PASSWORD},
    ),
    "api:openapi-json": Case("public", any_method=True),
    "api:openapi-view": Case("public", any_method=True),
    "api:api-root": Case("public", any_method=True),
    # django-allauth: signing in and out, passwords, addresses, two factors. Each concerns the
    # signed-in person only: a body naming someone else (member A's administrator) changes nothing
    # of theirs. Keys in URLs are made up, so the pages answer "invalid link".
    "account_login": Case(
        "account",
        methods=("GET", "POST", "PUT"),
        anonymous=PUBLIC,
        signed_in=302,
        data=lambda w: {"login": w.admin_a.email, "password": "not the password"},
    ),
    "account_logout": Case("account", methods=("GET", "POST"), anonymous=(302, "/")),
    "account_signup": Case(
        "account",
        methods=("GET", "POST", "PUT"),
        anonymous=PUBLIC,  # the page says sign-up is closed: people join by invitation
        signed_in=302,
        data=lambda w: {"email": w.admin_a.email, "password1": "x" * 20, "password2": "x" * 20},
    ),
    "account_inactive": Case("account", anonymous=PUBLIC),
    "account_reauthenticate": Case(
        "account", methods=("GET", "POST", "PUT"), anonymous=TO_LOGIN, data=lambda w: {"password": "wrong"}
    ),
    "account_email": Case(
        "account",
        methods=("GET", "POST", "PUT"),
        anonymous=TO_LOGIN,
        data=lambda w: {"email": w.admin_a.email, "action_remove": ""},
    ),
    "account_email_verification_sent": Case("account", anonymous=PUBLIC, any_method=True),
    "account_confirm_email": Case(
        "account",
        url=lambda w: reverse("account_confirm_email", args=["made-up-key"]),
        methods=("GET", "POST"),
        anonymous=PUBLIC,
    ),
    "account_change_password": Case(
        "account",
        methods=("GET", "POST", "PUT"),
        anonymous=TO_LOGIN,
        data=lambda w: {"oldpassword": PASSWORD, "password1": "a new one 12345", "password2": "a new one 12345"},
    ),
    "account_set_password": Case("account", methods=("GET", "POST", "PUT"), anonymous=TO_LOGIN, signed_in=302),
    "account_reset_password": Case(
        "account", methods=("GET", "POST", "PUT"), anonymous=PUBLIC, data=lambda w: {"email": w.admin_a.email}
    ),
    "account_reset_password_done": Case("account", anonymous=PUBLIC),
    "account_reset_password_from_key": Case(
        "account",
        url=lambda w: reverse("account_reset_password_from_key", args=["1", "made-up-key"]),
        methods=("GET", "POST", "PUT"),
        anonymous=PUBLIC,
        data=lambda w: {"password1": "a new one 12345", "password2": "a new one 12345"},
    ),
    "account_reset_password_from_key_done": Case("account", anonymous=PUBLIC),
    "account_confirm_login_code": Case(
        "account", methods=("GET", "POST", "PUT"), anonymous=TO_LOGIN, signed_in=302, data=lambda w: {"code": "x"}
    ),
    "mfa_index": Case("account", anonymous=TO_LOGIN),
    "mfa_authenticate": Case(
        "account", methods=("GET", "POST"), anonymous=TO_LOGIN, signed_in=302, data=lambda w: {"code": "000000"}
    ),
    "mfa_reauthenticate": Case(
        "account", methods=("GET", "POST", "PUT"), anonymous=TO_LOGIN, signed_in=302, data=lambda w: {"code": "0"}
    ),
    "mfa_activate_totp": Case(
        "account", methods=("GET", "POST", "PUT"), anonymous=TO_LOGIN, signed_in=302, data=lambda w: {"code": "0"}
    ),
    # Whoever must use two factors cannot drop them (MFAAdapter): 404 for everyone probing here.
    "mfa_deactivate_totp": Case("account", methods=("GET", "POST", "PUT"), anonymous=TO_LOGIN, signed_in=404),
    "mfa_view_recovery_codes": Case("account", anonymous=TO_LOGIN, signed_in=404),  # none generated yet
    "mfa_generate_recovery_codes": Case(
        "account",
        methods=("GET", "POST", "PUT"),
        anonymous=TO_LOGIN,
        signed_in=302,  # asks to reauthenticate
    ),
    "mfa_download_recovery_codes": Case("account", anonymous=TO_LOGIN, signed_in=404),
    # About your own organisation.
    "core:dashboard": Case("own"),
    "core:audit_log": Case("own"),
    "orgs:switch_organisation": Case("own", methods=("POST",)),
    "orgs:my_organisation": Case("own"),
    "orgs:edit_organisation": Case("own", methods=("GET", "POST")),
    "orgs:invite": Case("own", methods=("POST",)),
    "orgs:directory": Case("own"),
    "orgs:new_organisation": Case(
        "own",
        methods=("GET", "POST"),
        writer="secretariat",
        data=lambda w: {"name": "Probe Spinning Mill", "kind": "supplier", "size": "", "country": "IN"},
    ),
    "accounts:tokens": Case("own", methods=("GET", "POST"), data=lambda w: {"name": "probe"}),
    "api:me": Case("own"),
    "api:list_tokens": Case("own"),
    "api:list_organisations": Case("own"),
    "api:list_users": Case("own"),
    "api:list_invitations": Case("own"),
    "api:create_invitation": Case(
        "own", methods=("POST",), data=lambda w: {"email": "probe@elsewhere.example", "role": "viewer"}
    ),
    "api:list_audit_events": Case("own"),
    # One object that belongs to member A (or, for organisations, to the supplier).
    "core:job_status": Case("object", url=lambda w: reverse("core:job_status", args=[_a_job(w)])),
    "orgs:change_role": Case(
        "object",
        url=lambda w: reverse("orgs:change_role", args=[_a_membership(w)]),
        methods=("POST",),
        data=lambda w: {"role": "editor"},
    ),
    "orgs:remove_member": Case(
        "object", url=lambda w: reverse("orgs:remove_member", args=[_a_membership(w)]), methods=("POST",)
    ),
    "orgs:revoke_invitation": Case(
        "object", url=lambda w: reverse("orgs:revoke_invitation", args=[_a_invitation(w)]), methods=("POST",)
    ),
    "orgs:organisation_detail": Case(
        "object",
        url=lambda w: reverse("orgs:organisation_detail", args=[w.supplier.slug]),
        owner="supplier",
        secretariat_sees=True,
    ),
    "orgs:set_apsca_status": Case(
        "object",
        url=lambda w: reverse("orgs:set_apsca_status", args=[w.audit_firm.slug]),
        methods=("POST",),
        owner="secretariat",
        data=lambda w: {"apsca_status": "provisional"},
    ),
    "accounts:revoke_token": Case(
        "object", url=lambda w: reverse("accounts:revoke_token", args=[_a_token(w)]), methods=("POST",)
    ),
    "api:revoke_token": Case(
        "object", url=lambda w: reverse("api:revoke_token", args=[_a_token(w)]), methods=("DELETE",)
    ),
    "api:get_organisation": Case(
        "object",
        url=lambda w: reverse("api:get_organisation", args=[w.supplier.slug]),
        owner="supplier",
        secretariat_sees=True,
    ),
    "api:list_members": Case(
        "object",
        url=lambda w: reverse("api:list_members", args=[w.member_a.slug]),
        secretariat_sees=True,
    ),
    "api:revoke_invitation": Case(
        "object", url=lambda w: reverse("api:revoke_invitation", args=[_a_invitation(w)]), methods=("DELETE",)
    ),
    # The facility register (shared) and member A's supply chain (private).
    "registry:facilities": Case("shared"),
    "registry:facility": Case("shared", url=lambda w: reverse("registry:facility", args=[_x(w, "shared").public_id])),
    "registry:claim": Case(
        "own", url=lambda w: reverse("registry:claim", args=[_x(w, "shared").public_id]), methods=("POST",)
    ),
    "registry:split": Case(
        "object",
        url=lambda w: reverse("registry:split", args=[_x(w, "shared").public_id]),
        methods=("GET", "POST"),
        owner="secretariat",
        data=lambda w: {"name": "Huaxin Garment Plant 3", "address": "probe"},
    ),
    "registry:lists": Case("own", methods=("GET", "POST")),
    "registry:upload": Case("object", url=lambda w: reverse("registry:upload", args=[_x(w, "upload").pk])),
    "registry:upload_mapping": Case(
        "object",
        url=lambda w: reverse("registry:upload_mapping", args=[_mapping_upload(w).pk]),
        methods=("GET", "POST"),
        data=lambda w: {"name": "0", "country": "1"},
    ),
    "registry:upload_ends": Case(
        "object",
        url=lambda w: reverse("registry:upload_ends", args=[_confirm_upload(w).pk]),
        methods=("POST",),
        data=lambda w: {"decision": "end"},
    ),
    "registry:review": Case("own"),
    "registry:review_bulk": Case("own", methods=("POST",)),
    "registry:review_confirm": Case(
        "object",
        url=lambda w: reverse("registry:review_confirm", args=[_x(w, "row").pk]),
        methods=("POST",),
        data=lambda w: {"facility": _x(w, "shared").public_id},
    ),
    "registry:review_reject": Case(
        "object",
        url=lambda w: reverse("registry:review_reject", args=[_x(w, "row").pk]),
        methods=("POST",),
        data=lambda w: {"facility": _x(w, "shared").public_id},
    ),
    "registry:review_new": Case(
        "object", url=lambda w: reverse("registry:review_new", args=[_x(w, "row").pk]), methods=("POST",)
    ),
    "registry:review_undo": Case(
        "object", url=lambda w: reverse("registry:review_undo", args=[_rejected_row(w).pk]), methods=("POST",)
    ),
    "registry:review_search": Case(
        "object", url=lambda w: reverse("registry:review_search", args=[_x(w, "row").pk]) + "?q=Dongguan+Huaxin"
    ),
    "registry:upload_export": Case(
        "object", url=lambda w: reverse("registry:upload_export", args=[_x(w, "upload").pk]) + "?format=csv"
    ),
    "registry:list_archive": Case(
        "object",
        url=lambda w: reverse("registry:list_archive", args=[_x(w, "supplier_list").pk]),
        methods=("GET", "POST"),
    ),
    "registry:list_delete": Case(
        "object", url=lambda w: reverse("registry:list_delete", args=[_x(w, "supplier_list").pk]), methods=("POST",)
    ),
    "registry:chain": Case("own"),
    "registry:chain_export": Case("own"),
    "registry:link": Case(
        "object",
        url=lambda w: reverse("registry:link", args=[_x(w, "a_link").pk]),
        methods=("GET", "POST"),
        data=lambda w: {"tier": "2", "products": "probe", "reference": "probe"},
    ),
    "registry:add_site": Case(
        "own",
        methods=("GET", "POST"),
        data=lambda w: {"name": "Probe Knitting Works", "country": "PT", "tier": "1"},
        ok={"POST": 302},
    ),
    "registry:site_suggestions": Case(
        "own", url=lambda w: reverse("registry:site_suggestions") + "?name=Dongguan+Huaxin&country=CN"
    ),
    "registry:add_edge": Case("own", methods=("POST",)),
    "registry:preferences": Case("own", methods=("POST",)),
    "registry:claims": Case("own"),
    "registry:claim_decide": Case(
        "object",
        url=lambda w: reverse("registry:claim_decide", args=[_x(w, "claim").pk]),
        methods=("POST",),
        owner="supplier",
        secretariat_sees=True,
        by="coordinator",  # the supplier's claim, decided by the secretariat
        data=lambda w: {"decision": "verify"},
    ),
    "registry:merge": Case(
        "own",
        methods=("GET", "POST"),
        writer="secretariat",
        data=lambda w: {"loser": _x(w, "other").public_id, "survivor": _x(w, "shared").public_id, "confirm": "yes"},
    ),
    "registry:disclosure": Case(
        "own", methods=("GET", "POST"), writer="secretariat", data=lambda w: {"fingerprint": _fingerprint(w)}
    ),
    # The moderation queue of provisional sites is the secretariat's: nobody else lists or decides them.
    "registry:moderation": Case("object", url=lambda w: reverse("registry:moderation"), owner="secretariat"),
    "registry:moderation_accept": Case(
        "object",
        url=lambda w: reverse("registry:moderation_accept", args=[_provisional(w)]),
        methods=("POST",),
        owner="secretariat",
    ),
    "registry:moderation_reject": Case(
        "object",
        url=lambda w: reverse("registry:moderation_reject", args=[_provisional(w)]),
        methods=("GET", "POST"),
        owner="secretariat",
        data=lambda w: {"confirm": "on"},
    ),
    # The duplicates queue is the secretariat's: nobody else sees a pair or decides one.
    "registry:duplicates": Case("object", url=lambda w: reverse("registry:duplicates"), owner="secretariat"),
    "registry:duplicates_scan": Case(
        "object",
        url=lambda w: reverse("registry:duplicates_scan"),
        methods=("POST",),
        owner="secretariat",
        ok={"POST": 200},  # the page shows the scan's progress
    ),
    "registry:duplicate_dismiss": Case(
        "object",
        url=lambda w: reverse("registry:duplicate_dismiss", args=[_duplicate_pair(w)]),
        methods=("POST",),
        owner="secretariat",
    ),
    "registry:disclosed": Case("public", url=lambda w: _published(w)),
    "api:search_facilities": Case("shared"),
    "api:get_facility": Case("shared", url=lambda w: reverse("api:get_facility", args=[_x(w, "shared").public_id])),
    "api:match_facility": Case("own", methods=("POST",)),
    "api:upload_list": Case("own", methods=("POST",)),
    "api:get_upload": Case("object", url=lambda w: reverse("api:get_upload", args=[_x(w, "upload").pk])),
    "api:upload_rows": Case("object", url=lambda w: reverse("api:upload_rows", args=[_x(w, "upload").pk])),
    "api:confirm_row": Case(
        "object",
        url=lambda w: reverse("api:confirm_row", args=[_x(w, "row").pk]),
        methods=("POST",),
        data=lambda w: {"facility": _x(w, "shared").public_id},
    ),
    "api:reject_row": Case(
        "object",
        url=lambda w: reverse("api:reject_row", args=[_x(w, "row").pk]),
        methods=("POST",),
        data=lambda w: {"facility": _x(w, "shared").public_id},
    ),
    "api:new_from_row": Case(
        "object", url=lambda w: reverse("api:new_from_row", args=[_x(w, "row").pk]), methods=("POST",)
    ),
    "api:undo_row": Case(
        "object", url=lambda w: reverse("api:undo_row", args=[_rejected_row(w).pk]), methods=("POST",)
    ),
    "api:export_upload_results": Case(
        "object", url=lambda w: reverse("api:export_upload_results", args=[_x(w, "upload").pk])
    ),
    "api:archive_list": Case(
        "object", url=lambda w: reverse("api:archive_list", args=[_x(w, "supplier_list").pk]), methods=("POST",)
    ),
    "api:delete_list": Case(
        "object", url=lambda w: reverse("api:delete_list", args=[_x(w, "supplier_list").pk]), methods=("DELETE",)
    ),
    "api:supply_chain": Case("own"),
    "api:export_chain": Case("own"),
    "api:add_site": Case(
        "own",
        methods=("POST",),
        data=lambda w: {"name": "Probe Knitting Works", "country": "PT", "tier": 1},
        ok={"POST": 201},
    ),
    "api:moderation_queue": Case("object", url=lambda w: reverse("api:moderation_queue"), owner="secretariat"),
    "api:moderation_accept": Case(
        "object",
        url=lambda w: reverse("api:moderation_accept", args=[_provisional(w)]),
        methods=("POST",),
        owner="secretariat",
    ),
    "api:moderation_reject": Case(
        "object",
        url=lambda w: reverse("api:moderation_reject", args=[_provisional(w)]),
        methods=("POST",),
        owner="secretariat",
    ),
    "api:moderation_merge": Case(
        "object",
        url=lambda w: reverse("api:moderation_merge", args=[_provisional(w)]),
        methods=("POST",),
        owner="secretariat",
        data=lambda w: {"into": _x(w, "shared").public_id},
    ),
    "api:duplicate_pairs": Case("object", url=lambda w: reverse("api:duplicate_pairs"), owner="secretariat"),
    "api:dismiss_duplicate": Case(
        "object",
        url=lambda w: reverse("api:dismiss_duplicate", args=[_duplicate_pair(w)]),
        methods=("POST",),
        owner="secretariat",
    ),
    "api:disclosure_preview": Case("object", url=lambda w: reverse("api:disclosure_preview"), owner="secretariat"),
    "api:publish_disclosure": Case(
        "object",
        url=lambda w: reverse("api:publish_disclosure"),
        methods=("POST",),
        owner="secretariat",
        ok={"POST": 201},
        data=lambda w: {"fingerprint": _fingerprint(w)},
    ),
    "api:list_lists": Case("own"),
    "api:list_uploads": Case("own"),
    "api:get_upload_mapping": Case(
        "object", url=lambda w: reverse("api:get_upload_mapping", args=[_mapping_upload(w).pk])
    ),
    "api:confirm_upload": Case(
        "object",
        url=lambda w: reverse("api:confirm_upload", args=[_confirm_upload(w).pk]),
        methods=("POST",),
        data=lambda w: {"end_links": True},
    ),
    "api:set_upload_mapping": Case(
        "object",
        url=lambda w: reverse("api:set_upload_mapping", args=[_mapping_upload(w).pk]),
        methods=("PUT",),
        data=lambda w: {"mapping": {"name": 0, "country": 1}},
    ),
    # --- Audits (tests/factories.py audits_world): a supplier's audit shared with member A only.
    # The audit's owner is a supplier none of the probes acts for, so every probe is an
    # outsider; "owner" stays member_a, the one organisation it was shared with.
    "audits:list": Case("own", url=lambda w: _audits(w, reverse("audits:list"))),
    "audits:create": Case("own", url=lambda w: _audits(w, reverse("audits:create")), methods=("GET", "POST")),
    # The entry form's live site search: the register as the actor may search it, nothing private.
    "audits:site_suggestions": Case(
        "own",
        url=lambda w: _audits(w, reverse("audits:site_suggestions")) + "?site_q=" + w.extras["audit_site"].public_id,
    ),
    "audits:share_all": Case("own", methods=("POST",)),
    "audits:request_access": Case(
        "own",
        url=lambda w: _audits(w, reverse("audits:request_access")),
        methods=("POST",),
        data=lambda w: {"facility": _x(w, "audit_site").public_id},
    ),
    "audits:coverage": Case("own", url=lambda w: _audits(w, reverse("audits:coverage"))),
    "audits:coverage_export": Case(
        "own", url=lambda w: _audits(w, reverse("audits:coverage_export")) + "?format=csv&sort=risk&band=high_plus"
    ),
    "audits:requests": Case("own", url=lambda w: _audits(w, reverse("audits:requests")), methods=("GET", "POST")),
    "audits:recognition": Case("own", url=lambda w: _audits(w, reverse("audits:recognition")), methods=("GET", "POST")),
    # Joint audits (issue 13): member A's request for the shared site joined a joint audit (A is its
    # only co-funder and its opener); the link case is a second joint audit whose chosen firm is the
    # world's audit firm, with the firm's submitted audit of that site.
    "audits:joint": Case("own", url=lambda w: _audits(w, reverse("audits:joint"))),
    "audits:joint_open": Case(
        "own",
        url=lambda w: _audits(w, reverse("audits:joint_open")),
        methods=("POST",),
        data=lambda w: {"facility": _x(w, "shared").public_id, "estimated_cost": "1000"},
    ),
    "audits:joint_detail": Case("object", url=lambda w: reverse("audits:joint_detail", args=[_joint(w).pk])),
    "audits:joint_join": Case(
        "object",
        url=lambda w: reverse("audits:joint_join", args=[_joint(w).pk]),
        methods=("POST",),
        data=lambda w: {"cost_share_percent": "40"},
    ),
    "audits:joint_leave": Case(
        "object", url=lambda w: reverse("audits:joint_leave", args=[_joint(w).pk]), methods=("POST",)
    ),
    "audits:joint_plan": Case(
        "object",
        url=lambda w: reverse("audits:joint_plan", args=[_joint(w).pk]),
        methods=("POST",),
        data=lambda w: {"audit_firm": w.audit_firm.pk, "estimated_cost": "1200"},
    ),
    "audits:joint_link": Case(
        "object",
        url=lambda w: reverse("audits:joint_link", args=[_joint_link(w, "joint").pk]),
        methods=("POST",),
        owner="audit_firm",
        data=lambda w: {"audit": str(_joint_link(w, "audit").pk)},
    ),
    "api:list_joint_audits": Case("own", url=lambda w: _audits(w, reverse("api:list_joint_audits"))),
    "api:open_joint_audit": Case(
        "own",
        url=lambda w: _audits(w, reverse("api:open_joint_audit")),
        methods=("POST",),
        data=lambda w: {"facility": _x(w, "shared").public_id},
    ),
    "api:get_joint_audit": Case("object", url=lambda w: reverse("api:get_joint_audit", args=[_joint(w).pk])),
    "api:join_joint_audit": Case(
        "object",
        url=lambda w: reverse("api:join_joint_audit", args=[_joint(w).pk]),
        methods=("POST",),
        data=lambda w: {"cost_share_percent": 40},
    ),
    "api:link_joint_audit": Case(
        "object",
        url=lambda w: reverse("api:link_joint_audit", args=[_joint_link(w, "joint").pk]),
        methods=("POST",),
        owner="audit_firm",
        data=lambda w: {"audit": str(_joint_link(w, "audit").pk)},
    ),
    "audits:sector": Case("own", url=lambda w: _audits(w, reverse("audits:sector"))),
    # --- Supplier self-assessments (tests/saq/world.py): a supplier none of the probes acts for
    # submitted a SAQ of its site, shared with member A only; member B is linked to the site too
    # and asked for it; the supplier has a draft open.
    "saq:list": Case("own", url=lambda w: _saq(w, reverse("saq:list"))),
    "saq:shared": Case("own", url=lambda w: _saq(w, reverse("saq:shared"))),
    "saq:sector": Case("own", url=lambda w: _saq(w, reverse("saq:sector"))),
    "saq:sharing": Case("own", methods=("POST",), data=lambda w: {"share_with_linked": "on"}),
    "saq:ask": Case("own", url=lambda w: reverse("saq:ask", args=[_sq(w, "saq_site").public_id]), methods=("POST",)),
    "saq:detail": Case("object", url=lambda w: reverse("saq:detail", args=[_sq(w, "saq").pk])),
    "api:facility_saq": Case("object", url=lambda w: reverse("api:facility_saq", args=[_sq(w, "saq_site").public_id])),
    "api:list_saqs": Case("own", url=lambda w: _saq(w, reverse("api:list_saqs"))),
    # The supplier's own: its draft, gap report, sharing and requests.
    "saq:start": Case("object", url=lambda w: _saq_start(w), methods=("POST",), by="saq_supplier_admin"),
    "saq:section": Case(
        "object",
        url=lambda w: reverse("saq:section", args=[_sq(w, "saq_draft").pk, "forced_labour"]),
        methods=("GET", "POST"),
        by="saq_supplier_admin",
        data=lambda w: {"FL-07": "no"},
    ),
    "saq:workforce": Case(
        "object",
        url=lambda w: reverse("saq:workforce", args=[_sq(w, "saq_draft").pk]),
        methods=("GET", "POST"),
        by="saq_supplier_admin",
        data=lambda w: {"workers_women": "5", "workers_men": "5"},
    ),
    "saq:submit": Case(
        "object",
        url=lambda w: reverse("saq:submit", args=[_sq(w, "saq_draft").pk]),
        methods=("POST",),
        by="saq_supplier_admin",
        data=lambda w: {"confirm": "on"},
    ),
    "saq:gaps": Case("object", url=lambda w: reverse("saq:gaps", args=[_sq(w, "saq").pk]), by="saq_supplier_admin"),
    "saq:share": Case(
        "object",
        url=lambda w: reverse("saq:share", args=[_sq(w, "saq_site").public_id]),
        methods=("GET", "POST"),
        by="saq_supplier_admin",
        data=lambda w: {"member": w.member_b.pk},
    ),
    "saq:withdraw": Case(
        "object",
        url=lambda w: reverse("saq:withdraw", args=[_sq(w, "saq_site").public_id, w.member_a.pk]),
        methods=("POST",),
        by="saq_supplier_admin",
    ),
    "saq:decide": Case(
        "object",
        url=lambda w: reverse("saq:decide", args=[_sq(w, "saq_request").pk]),
        methods=("POST",),
        by="saq_supplier_admin",
        data=lambda w: {"grant": "1"},
    ),
    "audits:schemes": Case(
        "own",
        methods=("GET", "POST"),
        writer="secretariat",
        data=lambda w: {
            "scheme_code": "probe",
            "scheme_name": "Probe scheme",
            "version": "1",
            "label": "Probe 1",
            "validity_months": "24",
            "sections": "1 | Wages | wages",
            "grades": "maj | Major | major | yes | no",
        },
    ),
    "audits:apsca": Case(
        "own",
        url=lambda w: _audits(w, reverse("audits:apsca")),
        methods=("GET", "POST"),
        writer="secretariat",
        files=lambda w: {
            "file": _file("apsca.csv", b"Number,Name,Level,Status,Valid until\n21709999,P,CSCA,Active,\n")
        },
    ),
    "audits:caps": Case("own", url=lambda w: _audits(w, reverse("audits:caps") + "?show=open")),
    "audits:caps_export": Case("own", url=lambda w: _audits(w, reverse("audits:caps_export") + "?show=open&sort=risk")),
    "audits:detail": Case("object", url=lambda w: _audit_url(w, "audits:detail")),
    "audits:report": Case("object", url=lambda w: _audit_url(w, "audits:report")),
    # Writes on the audit are its supplier's (member A only reads it).
    "audits:attach_report": Case(
        "object",
        url=lambda w: _audit_url(w, "audits:attach_report"),
        methods=("POST",),
        by="audit_supplier_admin",
        files=lambda w: {"file": _file("report.pdf", PDF_BYTES)},
    ),
    "audits:add_finding": Case(
        "object",
        url=lambda w: _audit_url(w, "audits:add_finding"),
        methods=("POST",),
        by="audit_supplier_admin",
        data=lambda w: {"section": "5", "grade": "minor", "description": "probe"},
    ),
    "audits:import_findings": Case(
        "object",
        url=lambda w: _audit_url(w, "audits:import_findings"),
        methods=("POST",),
        by="audit_supplier_admin",
        files=lambda w: {"file": _file("findings.csv", FINDINGS_CSV)},
    ),
    "audits:share": Case(
        "object",
        url=lambda w: _audit_url(w, "audits:share"),
        methods=("GET", "POST"),
        by="audit_supplier_admin",
        data=lambda w: {"member": w.member_b.pk},
    ),
    # Issue 13, item 6: stopping a share asks first; comments on findings; an old version's report.
    "audits:stop_sharing": Case(
        "object",
        url=lambda w: reverse("audits:stop_sharing", args=[_ax(w, "audit").pk, w.member_a.pk]),
        methods=("GET", "POST"),
        by="audit_supplier_admin",
        data=lambda w: {"confirm": "on"},
    ),
    "audits:comment": Case(
        "object",
        url=lambda w: reverse("audits:comment", args=[_ax(w, "audit").pk, 1]),
        methods=("POST",),
        data=lambda w: {"text": "probe comment"},
    ),
    "audits:version_report": Case(
        "object",
        url=lambda w: reverse("audits:version_report", args=[_lk(w, "firm_audit").pk, _old_report(w)]),
        owner="audit_firm",
    ),
    "audits:withdraw": Case(
        "object", url=lambda w: _audit_url(w, "audits:withdraw"), methods=("POST",), by="audit_supplier_admin"
    ),
    "audits:action": Case(
        "object",
        url=lambda w: reverse("audits:action", args=[_ax(w, "action").pk]),
        methods=("GET", "POST"),
        by="audit_supplier_admin",
        data=lambda w: {"action": "probe", "responsible": "probe"},
    ),
    "audits:add_evidence": Case(
        "object",
        url=lambda w: reverse("audits:add_evidence", args=[_ax(w, "action").pk]),
        methods=("POST",),
        by="audit_supplier_admin",
        files=lambda w: {"file": _file("payslips.pdf", PDF_BYTES)},
    ),
    "audits:verify": Case(
        "object",
        url=lambda w: reverse("audits:verify", args=[_ax(w, "action").pk]),
        methods=("POST",),
        data=lambda w: {"method": "desk_review"},
    ),
    "audits:evidence": Case("object", url=lambda w: reverse("audits:evidence", args=[_ax(w, "evidence").pk])),
    "audits:decide_request": Case(
        "object",
        url=lambda w: reverse("audits:decide_request", args=[_ax(w, "access_request").pk]),
        methods=("POST",),
        by="audit_supplier_admin",
        data=lambda w: {"decision": "grant"},
    ),
    # Issue 13: the firm's locked audit (owner: the audit firm), its draft and revisions; the
    # supplier asks to move a deadline, member A (reading the supplier's audit) decides.
    "audits:submit": Case(
        "object", url=lambda w: _lock_url(w, "audits:submit", "firm_draft"), methods=("POST",), owner="audit_firm"
    ),
    "audits:revise": Case(
        "object",
        url=lambda w: _lock_url(w, "audits:revise", "firm_audit"),
        methods=("GET", "POST"),
        owner="audit_firm",
        data=lambda w: {
            "audit_type": "initial",
            "announcement": "announced",
            "start_date": _lk(w, "firm_audit").start_date.isoformat(),
            "end_date": _lk(w, "firm_audit").end_date.isoformat(),
            "workers_female": "77",
            "auditors": "Probe Auditor",
            "reason": "probe",
        },
    ),
    "audits:edit_finding": Case(
        "object",
        url=lambda w: reverse("audits:edit_finding", args=[_lk(w, "firm_audit").pk, 1]),
        methods=("POST",),
        owner="audit_firm",
        data=lambda w: {"section": "5", "grade": "minor", "description": "probe", "reason": "probe"},
    ),
    "audits:version": Case(
        "object", url=lambda w: reverse("audits:version", args=[_lk(w, "firm_audit").pk, 1]), owner="audit_firm"
    ),
    "audits:request_extension": Case(
        "object",
        url=lambda w: reverse("audits:request_extension", args=[_lk(w, "firm_action").pk]),
        methods=("POST",),
        by="audit_supplier_admin",
        data=lambda w: {"due_date": "2030-01-31", "reason": "probe"},
    ),
    "audits:decide_extension": Case(
        "object",
        url=lambda w: reverse("audits:decide_extension", args=[_lk(w, "extension").pk]),
        methods=("POST",),
        data=lambda w: {"decision": "approve"},
    ),
    "api:submit_audit": Case(
        "object", url=lambda w: _lock_url(w, "api:submit_audit", "firm_draft"), methods=("POST",), owner="audit_firm"
    ),
    "api:revise_audit": Case(
        "object",
        url=lambda w: _lock_url(w, "api:revise_audit", "firm_audit"),
        methods=("POST",),
        owner="audit_firm",
        ok={"POST": 201},
        data=lambda w: {"reason": "probe", "workers_female": 77},
    ),
    "api:list_audit_revisions": Case(
        "object", url=lambda w: _lock_url(w, "api:list_audit_revisions", "firm_audit"), owner="audit_firm"
    ),
    "api:list_cap_extensions": Case(
        "object", url=lambda w: reverse("api:list_cap_extensions", args=[_lk(w, "extension").action_id])
    ),
    "api:request_cap_extension": Case(
        "object",
        url=lambda w: reverse("api:request_cap_extension", args=[_lk(w, "firm_action").pk]),
        methods=("POST",),
        by="audit_supplier_admin",
        ok={"POST": 201},
        data=lambda w: {"due_date": "2030-01-31", "reason": "probe"},
    ),
    "api:decide_cap_extension": Case(
        "object",
        url=lambda w: reverse("api:decide_cap_extension", args=[_lk(w, "extension").pk]),
        methods=("POST",),
        data=lambda w: {"approve": True},
    ),
    "api:list_audit_alerts": Case("own", url=lambda w: _audits(w, reverse("api:list_audit_alerts"))),
    "api:list_schemes": Case("own"),
    "api:list_audits": Case("own", url=lambda w: _audits(w, reverse("api:list_audits"))),
    "api:create_audit": Case("own", url=lambda w: _audits(w, reverse("api:create_audit")), methods=("POST",)),
    "api:get_coverage": Case("own", url=lambda w: _audits(w, reverse("api:get_coverage"))),
    "api:coverage_sites": Case("own", url=lambda w: _audits(w, reverse("api:coverage_sites")) + "?sort=risk"),
    "api:get_audit": Case("object", url=lambda w: _audit_url(w, "api:get_audit")),
    "api:download_report": Case("object", url=lambda w: _audit_url(w, "api:download_report")),
    "api:upload_report": Case(
        "object",
        url=lambda w: _audit_url(w, "api:upload_report"),
        methods=("POST",),
        by="audit_supplier_admin",
        files=lambda w: {"file": _file("report.pdf", PDF_BYTES)},
    ),
    "api:import_findings": Case(
        "object",
        url=lambda w: _audit_url(w, "api:import_findings"),
        methods=("POST",),
        ok={"POST": 201},
        by="audit_supplier_admin",
        files=lambda w: {"file": _file("findings.csv", FINDINGS_CSV)},
    ),
    "api:list_caps": Case("own", url=lambda w: _audits(w, reverse("api:list_caps") + "?show=open")),
    "api:verify_cap": Case(
        "object",
        url=lambda w: reverse("api:verify_cap", args=[_ax(w, "action").pk]),
        methods=("POST",),
        data=lambda w: {"method": "desk_review"},
    ),
    "api:share_audit": Case(
        "object",
        url=lambda w: _audit_url(w, "api:share_audit"),
        methods=("POST",),
        ok={"POST": 201},
        by="audit_supplier_admin",
        data=lambda w: {"member": w.member_b.slug},
    ),
    "api:unshare_audit": Case(
        "object",
        url=lambda w: reverse("api:unshare_audit", args=[_ax(w, "audit").pk, w.member_a.slug]),
        methods=("DELETE",),
        by="audit_supplier_admin",
    ),
    "api:list_audit_shares": Case(
        "object", url=lambda w: _audit_url(w, "api:list_audit_shares"), by="audit_supplier_admin"
    ),
    "api:list_audit_reads": Case(
        "object", url=lambda w: _audit_url(w, "api:list_audit_reads"), by="audit_supplier_admin"
    ),
    "api:list_finding_comments": Case(
        "object", url=lambda w: reverse("api:list_finding_comments", args=[_ax(w, "audit").pk, 1])
    ),
    "api:comment_on_finding": Case(
        "object",
        url=lambda w: reverse("api:comment_on_finding", args=[_ax(w, "audit").pk, 1]),
        methods=("POST",),
        ok={"POST": 201},
        data=lambda w: {"text": "probe comment"},
    ),
    "api:download_version_report": Case(
        "object",
        url=lambda w: reverse("api:download_version_report", args=[_lk(w, "firm_audit").pk, _old_report(w)]),
        owner="audit_firm",
    ),
    "api:add_cap_evidence": Case(
        "object",
        url=lambda w: reverse("api:add_cap_evidence", args=[_ax(w, "action").pk]),
        methods=("POST",),
        ok={"POST": 201},
        by="audit_supplier_admin",
        files=lambda w: {"file": _file("payslips.pdf", PDF_BYTES)},
    ),
    "api:update_cap": Case(
        "object",
        url=lambda w: reverse("api:update_cap", args=[_ax(w, "action").pk]),
        methods=("PATCH",),
        by="audit_supplier_admin",
        data=lambda w: {"responsible": "probe", "progress": True},
    ),
    # --- Risk (covenant/risk) -----------------------------------------------------------
    # The overview, exports and alerts are the member's own; site scores are sector data
    # (shared); overrides and event responses are member A's (canary-a); hits and the
    # indicator/sanctions tools belong to the secretariat.
    "risk:overview": Case("own"),
    "risk:export": Case("own"),
    "risk:override": Case(
        "own",
        url=lambda w: reverse("risk:override", args=[_r(w, "shared").public_id]),
        methods=("POST",),
        data=lambda w: {"topic": "wages", "score": "1", "justification": "probe from an outsider"},
    ),
    "risk:remove_override": Case(
        "object", url=lambda w: reverse("risk:remove_override", args=[_r(w, "override").pk]), methods=("POST",)
    ),
    "risk:overrides": Case("own"),
    "risk:events": Case(
        "shared",
        methods=("GET", "POST"),
        writer="secretariat",
        data=lambda w: {
            "kind": "sanctions",
            "title": "Probe event",
            "regions": "TM",
            "starts_on": "2026-11-01",
            "topics": ["forced_labour"],
            "raise_by": "1",
            "guidance": "probe",
            "checklist": "probe",
        },
    ),
    "risk:event": Case("shared", url=lambda w: reverse("risk:event", args=[_r(w, "event").pk])),
    "risk:event_end": Case(
        "object",
        url=lambda w: reverse("risk:event_end", args=[_r(w, "event").pk]),
        methods=("POST",),
        owner="secretariat",
    ),
    "risk:event_respond": Case(
        "object",
        url=lambda w: reverse("risk:event_respond", args=[_r(w, "event").pk, _r(w, "cocoa").public_id]),
        methods=("POST",),
        data=lambda w: {"status": "done", "note": "probe"},
    ),
    "risk:indicators": Case(
        "shared",
        methods=("GET", "POST"),
        writer="secretariat",
        data=lambda w: {  # a draft: the secretariat goes on to compare it with what is in force
            "name": "Probe index",
            "level": "country",
            "edition": "1",
            "licence": "probe",
            "w_forced_labour": "3",
        },
        files=lambda w: {"file": _file("probe.csv", b"country,value,source\nCI,6,Probe\n")},
    ),
    "risk:indicator": Case(
        "shared",
        url=lambda w: reverse("risk:indicator", args=[_first_indicator()]),
        methods=("GET", "POST"),
        writer="secretariat",
        data=lambda w: {"w_forced_labour": "2"},
    ),
    # Drafts (issue 14, item 7) are the secretariat's alone: comparing, publishing, discarding.
    "risk:indicator_preview": Case(
        "object", url=lambda w: reverse("risk:indicator_preview", args=[_draft(w, "preview")]), owner="secretariat"
    ),
    "risk:indicator_publish": Case(
        "object",
        url=lambda w: reverse("risk:indicator_publish", args=[_draft(w, "publish")]),
        methods=("GET", "POST"),
        owner="secretariat",
        ok={"POST": 200},  # the page shows the recomputation's progress
    ),
    "risk:indicator_discard": Case(
        "object",
        url=lambda w: reverse("risk:indicator_discard", args=[_draft(w, "discard")]),
        methods=("POST",),
        owner="secretariat",
    ),
    "risk:recompute": Case(
        "object", url=lambda w: reverse("risk:recompute"), methods=("POST",), owner="secretariat", ok={"POST": 200}
    ),
    "risk:sanctions": Case(
        "object",
        url=lambda w: reverse("risk:sanctions"),
        methods=("GET", "POST"),
        owner="secretariat",
        ok={"POST": 200},  # the page shows the screening's progress
        data=lambda w: {"name": "Probe list", "source": "probe"},
        files=lambda w: {"file": _file("list.csv", b"name,country,identifiers,programme\nProbe Mill,TM,,Test\n")},
    ),
    "risk:hit_decide": Case(
        "object",
        url=lambda w: reverse("risk:hit_decide", args=[_r(w, "hit").pk]),
        methods=("POST",),
        owner="secretariat",
        data=lambda w: {"decision": "confirm"},
    ),
    "api:risk_overview": Case("own"),
    "api:list_risk_overrides": Case("own"),
    "api:facility_risk": Case("shared", url=lambda w: reverse("api:facility_risk", args=[_r(w, "shared").public_id])),
    "api:list_events": Case("shared"),
    "api:get_event": Case("shared", url=lambda w: reverse("api:get_event", args=[_r(w, "event").pk])),
    "api:set_risk_override": Case(
        "object",
        url=lambda w: reverse("api:set_risk_override", args=[_r(w, "shared").public_id]),
        methods=("PUT",),
        data=lambda w: {"topic": "wages", "score": 1, "justification": "probe from an outsider"},
    ),
    "api:remove_risk_override": Case(
        "object",
        url=lambda w: reverse("api:remove_risk_override", args=[_r(w, "shared").public_id]) + "?topic=wages",
        methods=("DELETE",),
    ),
    "api:respond_to_event": Case(
        "object",
        url=lambda w: reverse("api:respond_to_event", args=[_r(w, "event").pk]),
        methods=("POST",),
        data=lambda w: {"facility": _r(w, "cocoa").public_id, "status": "done", "note": "probe"},
    ),
    # --- Grievances (tests/grievances/builders.py): a case about the shared site, routed to the
    # secretariat's handlers and to member A (linked, taking part). Member B takes part but is not
    # linked; the secretariat's coordinator is not a grievance handler: both must get nothing.
    "grievances:languages": Case("public", url=lambda w: reverse("grievances:languages", args=[_gm(w)])),
    "grievances:intake": Case(
        "public",
        url=lambda w: reverse("grievances:intake", args=[_gm(w), "ar"]),
        methods=("GET", "POST"),
        data=lambda w: {"workplace": "probe", "what": "probe"},
    ),
    "grievances:rules": Case("public", url=lambda w: reverse("grievances:rules", args=[_gm(w), "bn"])),
    "grievances:follow_up": Case(
        "public",
        url=lambda w: reverse("grievances:follow_up", args=[_gm(w), "en"]),
        methods=("GET", "POST"),
        data=lambda w: {"receipt": "0000000000000000"},
    ),
    # Provider webhooks: signed requests only (an unsigned probe is refused with 403).
    "grievances:sms_webhook": Case("public", methods=("POST",), data=lambda w: {"From": "+1", "Body": "hi"}),
    "grievances:whatsapp_webhook": Case("public", methods=("GET", "POST"), data=lambda w: {"object": "probe"}),
    "grievances:list": Case("own", url=lambda w: _gm(w) and reverse("grievances:list") + "?show=all"),
    "grievances:key": Case(
        "own",
        url=lambda w: _gm(w) and reverse("grievances:key"),
        methods=("GET", "POST"),
        data=lambda w: {"action": "unlock", "passphrase": "probe probe probe"},
    ),
    "grievances:operator_intake": Case(
        "own", url=lambda w: _gm(w) and reverse("grievances:operator_intake"), methods=("GET", "POST")
    ),
    "grievances:review": Case("own", url=lambda w: _gm(w) and reverse("grievances:review")),
    "grievances:participation": Case("own", methods=("POST",)),
    "grievances:detail": Case("object", url=lambda w: reverse("grievances:detail", args=[_g(w, "case").pk])),
    "api:list_cases": Case("own", url=lambda w: _gm(w) and reverse("api:list_cases") + "?show=all"),
    "api:get_case": Case("object", url=lambda w: reverse("api:get_case", args=[_g(w, "case").pk])),
    # The handlers' actions on the case: each probe is a well-formed form, so only the checks stop it.
    "grievances:acknowledge": Case(
        "object",
        url=lambda w: reverse("grievances:acknowledge", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
    ),
    "grievances:move": Case(
        "object",
        url=lambda w: reverse("grievances:move", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        data=lambda w: {"stage": "acknowledged"},
    ),
    "grievances:add_message": Case(
        "object",
        url=lambda w: reverse("grievances:add_message", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        session=lambda w, client: _unlock(client),
        data=lambda w: {"text": "probe"},
    ),
    "grievances:add_note": Case(
        "object",
        url=lambda w: reverse("grievances:add_note", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        session=lambda w, client: _unlock(client),
        data=lambda w: {"text": "probe"},
    ),
    "grievances:assign": Case(
        "object",
        url=lambda w: reverse("grievances:assign", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        data=lambda w: {"handlers": [w.grievance_handler.pk]},
    ),
    "grievances:set_retaliation": Case(
        "object",
        url=lambda w: reverse("grievances:set_retaliation", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        data=lambda w: {"at_risk": "on"},
    ),
    "grievances:record_remedy": Case(
        "object",
        url=lambda w: reverse("grievances:record_remedy", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        data=lambda w: {"type": "apology", "female": "1"},
    ),
    "grievances:grant_access": Case(
        "object",
        url=lambda w: reverse("grievances:grant_access", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        session=lambda w, client: _unlock(client, member_key_of=w.admin_a),
        data=lambda w: {"org": w.member_a.pk},
    ),
    "grievances:link_site": Case(
        "object",
        url=lambda w: reverse("grievances:link_site", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        session=lambda w, client: _unlock(client),
        data=lambda w: {"site": w.extras["other"].public_id, "reason": "probe"},
    ),
    "grievances:set_urgent": Case(
        "object",
        url=lambda w: reverse("grievances:set_urgent", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        session=lambda w, client: _unlock(client),
        data=lambda w: {"urgent": "on", "reason": "probe"},
    ),
    "grievances:close": Case(
        "object",
        url=lambda w: reverse("grievances:close", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        session=lambda w, client: _unlock(client),
        data=lambda w: _closable(w),
    ),
    "grievances:photo": Case(
        "object",
        url=lambda w: reverse("grievances:photo", args=[_g(w, "case").pk, _g(w, "attachment").pk]),
        by="grievance_handler",
        session=lambda w, client: _unlock(client),
    ),
    # Issue 15: remedy with the site's supplier (its verified claim) and the routed members. Until
    # a handler shares the case, the supplier is an outsider like any other; after, another supplier is.
    "grievances:share_supplier": Case(
        "object",
        url=lambda w: reverse("grievances:share_supplier", args=[_claimed(w).pk]),
        methods=("POST",),
        by="grievance_handler",
        session=lambda w, client: _unlock(client),
    ),
    "grievances:open_action": Case(
        "object",
        url=lambda w: reverse("grievances:open_action", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        session=lambda w, client: _unlock(client),
        data=lambda w: {"text": "probe"},
    ),
    "grievances:add_evidence": Case(
        "object",
        url=lambda w: reverse("grievances:add_evidence", args=[_gr(w, "case").pk, _gr(w, "grievance_action").number]),
        methods=("POST",),
        owner="supplier",
        by="supplier_admin",
        data=lambda w: {"note": "probe"},
    ),
    "grievances:verify_action": Case(
        "object",
        url=lambda w: reverse("grievances:verify_action", args=[_gr(w, "case").pk, _with_evidence(w).number]),
        methods=("POST",),
        by="grievance_handler",
        data=lambda w: {"method": "desk_review"},
    ),
    "grievances:add_member_entry": Case(
        "object",
        url=lambda w: reverse("grievances:add_member_entry", args=[_g(w, "case").pk]),
        methods=("POST",),
        data=lambda w: {"kind": "comment", "text": "probe"},
    ),
    "grievances:commitment_status": Case(
        "object",
        url=lambda w: reverse("grievances:commitment_status", args=[_g(w, "case").pk, _commitment(w).number]),
        methods=("POST",),
        data=lambda w: {"status": "done"},
    ),
    "grievances:show_member_entry": Case(
        "object",
        url=lambda w: reverse("grievances:show_member_entry", args=[_g(w, "case").pk, _commitment(w).number]),
        methods=("POST",),
        by="grievance_handler",
        data=lambda w: {"shown": "on"},
    ),
    "api:get_remediation": Case("object", url=lambda w: reverse("api:get_remediation", args=[_g(w, "case").pk])),
    "api:add_member_entry": Case(
        "object",
        url=lambda w: reverse("api:add_member_entry", args=[_g(w, "case").pk]),
        methods=("POST",),
        data=lambda w: {"kind": "comment", "text": "probe"},
        ok={"POST": 201},
    ),
    "api:add_action_evidence": Case(
        "object",
        url=lambda w: reverse("api:add_action_evidence", args=[_gr(w, "case").pk, _gr(w, "grievance_action").number]),
        methods=("POST",),
        owner="supplier",
        by="supplier_admin",
        data=lambda w: {"note": "probe"},
        ok={"POST": 201},
    ),
    "grievances:voice_webhook": Case("public", methods=("POST",), data=lambda w: {"From": "+1", "CallSid": "CA1"}),
    "grievances:recording": Case(
        "object",
        url=lambda w: reverse("grievances:recording", args=[_voice(w).case_id, _voice(w).pk]),
        by="grievance_handler",
        session=lambda w, client: _unlock(client),
    ),
    "grievances:add_translation": Case(
        "object",
        url=lambda w: reverse("grievances:add_translation", args=[_g(w, "case").pk]),
        methods=("POST",),
        by="grievance_handler",
        session=lambda w, client: _unlock(client),
        data=lambda w: {"entry": "0", "language": "en", "text": "probe"},
    ),
    # --- Capability building: the quick scan is open to anyone; a member's drafts from it are its own.
    "capability:quick_scan": Case(
        "public", url=lambda w: reverse("capability:quick_scan") + "?country=CI&product=cocoa"
    ),
    "capability:quick_scan_pdf": Case(
        "public", url=lambda w: reverse("capability:quick_scan_pdf") + "?country=CI&product=cocoa"
    ),
    "capability:drafts": Case("own", methods=("GET", "POST"), data=lambda w: {"country": "GH", "product": "coffee"}),
    "capability:draft": Case("object", url=lambda w: reverse("capability:draft", args=[_scan_draft(w).pk])),
    "capability:draft_list_file": Case(
        "object", url=lambda w: reverse("capability:draft_list_file", args=[_scan_draft(w).pk])
    ),
    "capability:draft_delete": Case(
        "object", url=lambda w: reverse("capability:draft_delete", args=[_scan_draft(w).pk]), methods=("POST",)
    ),
    "api:quick_scan_api": Case("public", url=lambda w: reverse("api:quick_scan_api") + "?country=CI&product=cocoa"),
    # --- Finding partners (issue 17 item 1): a member's counts and interests are its own; names only where
    # mutual (tests/partners); the secretariat's page holds numbers only. Signalling needs sharing the
    # subject: another member posting member A's site is refused and learns nothing.
    "partners:home": Case("own"),
    "partners:overview": Case("own"),
    "partners:signal": Case(
        "own", methods=("POST",), data=lambda w: {"kind": "site", "key": _x(w, "shared").public_id, "note": CANARY}
    ),
    "partners:withdraw": Case(
        "object", url=lambda w: reverse("partners:withdraw", args=[_partner_interest(w).pk]), methods=("POST",)
    ),
    "api:partners_shared": Case("own"),
    "api:signal_partner_interest": Case(
        "own", methods=("POST",), data=lambda w: {"kind": "site", "key": _x(w, "shared").public_id, "note": CANARY}
    ),
    "api:withdraw_partner_interest": Case(
        "object",
        url=lambda w: reverse("api:withdraw_partner_interest", args=[_partner_interest(w).pk]),
        methods=("DELETE",),
    ),
    # --- Self-assessment: a member's assessment and its evidence are its own (the secretariat reads them
    # only where the deployment allows it: off here); the secretariat runs cycles and reopens; aggregates only.
    "assessments:home": Case("own"),
    "assessments:start": Case("own", methods=("POST",)),
    "assessments:cycles": Case(
        "own", methods=("GET", "POST"), writer="secretariat", data=lambda w: {"year": 2031, "deadline": "2099-12-31"}
    ),
    "assessments:cycle": Case(
        "object", url=lambda w: reverse("assessments:cycle", args=[_sa(w).cycle.year]), owner="secretariat"
    ),
    "assessments:cycle_close": Case(
        "object",
        url=lambda w: reverse("assessments:cycle_close", args=[_sa(w).cycle.year]),
        methods=("POST",),
        owner="secretariat",
    ),
    "assessments:aggregates": Case("own"),
    "assessments:assessment": Case("object", url=lambda w: reverse("assessments:assessment", args=[_sa(w).pk])),
    "assessments:step": Case(
        "object",
        url=lambda w: reverse("assessments:step", args=[_sa(w).pk, 2]),
        methods=("GET", "POST"),
        data=lambda w: {"2.2.a": "partly"},
    ),
    "assessments:evidence_add": Case(
        "object",
        url=lambda w: reverse("assessments:evidence_add", args=[_sa(w).pk]),
        methods=("POST",),
        data=lambda w: {"question": "1.2", "link": "https://example.org/probe"},
    ),
    "assessments:evidence": Case(
        "object", url=lambda w: reverse("assessments:evidence", args=[_sa(w, "sa_evidence").pk])
    ),
    "assessments:evidence_remove": Case(
        "object",
        url=lambda w: reverse("assessments:evidence_remove", args=[_sa(w, "sa_evidence").pk]),
        methods=("POST",),
    ),
    "assessments:submit": Case(
        "object", url=lambda w: reverse("assessments:submit", args=[_sa(w).pk]), methods=("GET", "POST")
    ),
    "assessments:result": Case("object", url=lambda w: reverse("assessments:result", args=[_sa(w).pk])),
    "assessments:reopen": Case(
        "object",
        url=lambda w: reverse("assessments:reopen", args=[_sa_submitted(w).cycle.year]),
        methods=("POST",),
        owner="secretariat",
        data=lambda w: {"member": w.member_a.pk, "reason": "probe"},
    ),
    "api:list_self_assessments": Case("own", url=lambda w: _sa(w) and reverse("api:list_self_assessments")),
    "api:self_assessment_aggregates": Case(
        "own", url=lambda w: _sa(w) and "/api/v1/self-assessments/aggregates?year=2026"
    ),
    "api:get_self_assessment": Case("own", url=lambda w: _sa(w) and "/api/v1/self-assessments/2026"),
    "api:save_self_assessment_answers": Case(
        "own",
        url=lambda w: _sa(w) and "/api/v1/self-assessments/2026/answers",
        methods=("PATCH",),
        data=lambda w: {"answers": {"2.2.a": "partly"}},
    ),
    "api:submit_self_assessment": Case(
        "own", url=lambda w: _sa(w) and "/api/v1/self-assessments/2026/submit", methods=("POST",)
    ),
    "orgs:set_branch_associations": Case(
        "object",
        url=lambda w: _branch_url(w),
        methods=("POST",),
        owner="secretariat",
        data=lambda w: {"branch_associations": [w.extras["branch"].pk]},
    ),
    # --- Learning library: what is published is everyone's; a participant's tool is its own until the
    # secretariat approves it (the secretariat sees it once submitted, never a draft); progress is the person's.
    "learning:library": Case("own"),
    "learning:my_progress": Case("own"),
    "learning:contribute": Case(
        "own",
        methods=("GET", "POST"),
        data=lambda w: {
            "kind": "tool",
            "title": "Probe tool",
            "steps": ["2"],
            "language": "en",
            "url": "https://tools.example/probe",
            "licence": "CC BY 4.0",
        },
    ),
    "learning:review": Case("object", url=lambda w: reverse("learning:review"), owner="secretariat"),
    "learning:resource": Case("object", url=lambda w: _learning_url(w, "learning:resource"), secretariat_sees=True),
    "learning:file": Case("object", url=lambda w: _learning_url(w, "learning:file"), secretariat_sees=True),
    "learning:progress": Case(
        "own",
        url=lambda w: _learning_url(w, "learning:progress", "lib_sector"),
        methods=("POST",),
        data=lambda w: {"status": "started"},
    ),
    "learning:submit": Case(
        "object", url=lambda w: _learning_url(w, "learning:submit", "lib_draft"), methods=("POST",)
    ),
    "learning:withdraw": Case("object", url=lambda w: _learning_url(w, "learning:withdraw"), methods=("POST",)),
    "learning:decide": Case(
        "object",
        url=lambda w: _learning_url(w, "learning:decide"),
        methods=("POST",),
        secretariat_sees=True,
        by="coordinator",  # member A's tool, decided by the secretariat
        data=lambda w: {"decision": "approve"},
    ),
    "api:list_learning_resources": Case("own"),
    "api:get_learning_resource": Case(
        "object", url=lambda w: f"/api/v1/learning/resources/{_learning(w, 'lib_submitted').pk}", secretariat_sees=True
    ),
    "api:set_learning_progress": Case(
        "own",
        url=lambda w: f"/api/v1/learning/resources/{_learning(w, 'lib_sector').pk}/progress",
        methods=("POST",),
        data=lambda w: {"status": "completed"},
    ),
    # --- Joint actions: only accepted participants see one (member A leads, with the world's CSO and a
    # trade union); an invited organisation sees the invitation only; everyone else gets 404.
    "joint:list": Case("own"),
    "joint:new": Case("own", methods=("GET", "POST"), data=lambda w: {"title": "probe", "aim": "probe"}),
    "joint:published": Case("public"),
    "joint:detail": Case("object", url=lambda w: _ja(w, "joint:detail")),
    "joint:edit": Case(
        "object",
        url=lambda w: _ja(w, "joint:edit"),
        methods=("GET", "POST"),
        data=lambda w: {"title": "probe", "aim": "probe", "topics": ["wages"], "countries": "KE"},
    ),
    "joint:invitation": Case("object", url=lambda w: _ja(w, "joint:invitation", "invited_action")),
    "joint:accept": Case("object", url=lambda w: _ja(w, "joint:accept", "invited_action"), methods=("POST",)),
    "joint:decline": Case("object", url=lambda w: _ja(w, "joint:decline", "invited_action"), methods=("POST",)),
    # The lead may not leave (it is the last one): the CSO taking part leaves.
    "joint:leave": Case("object", url=lambda w: _ja(w, "joint:leave"), methods=("POST",), by="cso_admin"),
    "joint:invite": Case(
        "object",
        url=lambda w: _ja(w, "joint:invite"),
        methods=("POST",),
        data=lambda w: {"org": str(w.member_b.pk), "role": "observer"},
    ),
    "joint:role": Case(
        "object",
        url=lambda w: _ja(w, "joint:role"),
        methods=("POST",),
        data=lambda w: {"participant": str(_ja_part(w, w.cso)), "role": "observer"},
    ),
    "joint:named": Case(
        "object", url=lambda w: _ja(w, "joint:named"), methods=("POST",), data=lambda w: {"named": "on"}
    ),
    "joint:milestone": Case(
        "object",
        url=lambda w: _ja(w, "joint:milestone"),
        methods=("POST",),
        data=lambda w: {"title": "probe", "due_on": "2030-01-01", "owner": str(w.member_a.pk)},
    ),
    "joint:milestone_done": Case(
        "object",
        url=lambda w: _ja(w, "joint:milestone_done", first=lambda: _ja_item(w, "milestone")),
        methods=("POST",),
        data=lambda w: {"milestone": str(_ja_item(w, "milestone")), "done_on": "2020-01-01"},
    ),
    "joint:budget": Case(
        "object",
        url=lambda w: _ja(w, "joint:budget"),
        methods=("POST",),
        data=lambda w: {"org": str(w.member_a.pk), "amount": "100", "currency": "EUR"},
    ),
    "joint:document": Case(
        "object",
        url=lambda w: _ja(w, "joint:document"),
        methods=("POST",),
        data=lambda w: {"title": "probe"},
        files=lambda w: {"file": _file("plan.pdf", PDF_BYTES)},
    ),
    "joint:document_file": Case(
        "object",
        url=lambda w: reverse("joint:document_file", args=[_ja_action(w).public_id, _ja_item(w, "document")]),
    ),
    "joint:gender": Case(
        "object",
        url=lambda w: _ja(w, "joint:gender"),
        methods=("POST",),
        data=lambda w: {
            "indicator": "probe",
            "target_women": "5",
            "target_men": "5",
            "actual_women": "0",
            "actual_men": "0",
        },
    ),
    "joint:gender_actuals": Case(
        "object",
        url=lambda w: _ja(w, "joint:gender_actuals", first=lambda: _ja_item(w, "gender_target")),
        methods=("POST",),
        data=lambda w: {"target": str(_ja_item(w, "gender_target")), "actual_women": "3", "actual_men": "2"},
    ),
    "joint:progress": Case(
        "object",
        url=lambda w: _ja(w, "joint:progress"),
        methods=("POST",),
        data=lambda w: {"text": "probe", "progress": "20"},
    ),
    "joint:attach_finding": Case(
        "object",
        url=lambda w: _ja(w, "joint:attach_finding", first=lambda: _ax(w, "audit")),
        methods=("POST",),
        data=lambda w: {"finding": str(_ax(w, "audit").findings.get(collaborative=True).pk)},
    ),
    "joint:attach_case": Case(
        "object",
        url=lambda w: _ja(w, "joint:attach_case", first=lambda: _g(w, "case")),
        methods=("POST",),
        data=lambda w: {"reference": _g(w, "case").reference},
    ),
    "joint:attach_event": Case(
        "object",
        url=lambda w: _ja(w, "joint:attach_event", first=lambda: _ja_item(w, "event")),
        methods=("POST",),
        data=lambda w: {"event": str(_ja_item(w, "event"))},
    ),
    "joint:status": Case(
        "object", url=lambda w: _ja(w, "joint:status"), methods=("GET", "POST"), data=lambda w: {"status": "active"}
    ),
    "joint:publish": Case(
        "object",
        url=lambda w: _ja(w, "joint:publish"),
        methods=("GET", "POST"),
        data=lambda w: {"confirm": _ja_fingerprint(w)},
    ),
    "joint:unpublish": Case("object", url=lambda w: _ja(w, "joint:unpublish", publish=True), methods=("POST",)),
    "api:list_joint_actions": Case("own"),
    "api:get_joint_action": Case(
        "object", url=lambda w: reverse("api:get_joint_action", args=[_ja_action(w).public_id])
    ),
    # --- Action plans (covenant/plans): member A's plan and exit decisions (canary-a), private to it;
    # the secretariat's page counts decisions only; other members add to their own plan.
    "plans:plan": Case("own"),
    "plans:export": Case("own"),
    "plans:add_risk": Case(
        "own", methods=("POST",), data=lambda w: {"topic": "wages", "scope": "chain", "why": "probe"}
    ),
    "plans:risk": Case(
        "object",
        url=lambda w: reverse("plans:risk", args=[_pl(w, "plan_risk").pk]),
        methods=("GET", "POST"),
        data=lambda w: {"rank": "1", "why": "probe", "status": "open"},
    ),
    "plans:add_action": Case(
        "object",
        url=lambda w: reverse("plans:add_action", args=[_pl(w, "plan_risk").pk]),
        methods=("POST",),
        data=lambda w: {"kind": "own", "description": "probe", "status": "planned"},
    ),
    "plans:action": Case(
        "object",
        url=lambda w: reverse("plans:action", args=[_pl(w, "plan_action").pk]),
        methods=("GET", "POST"),
        data=lambda w: {"kind": "own", "description": "probe", "status": "done"},
    ),
    "plans:exits": Case(
        "own",
        methods=("GET", "POST"),
        data=lambda w: {
            "event_response": str(_pl(w, "response").pk),
            "decision": "continue",
            "justification": "probe",
        },
    ),
    "plans:exit": Case(
        "object",
        url=lambda w: reverse("plans:exit", args=[_pl(w, "exit_decision").pk]),
        methods=("GET", "POST"),
        data=lambda w: {"status": "in_progress", "timeline": "probe"},
    ),
    "plans:exit_summary": Case("own"),
    "api:get_action_plan": Case("own"),
    "api:add_plan_risk": Case(
        "own", methods=("POST",), data=lambda w: {"topic": "wages", "scope": "chain", "why": "probe"}
    ),
    "api:update_plan_risk": Case(
        "object",
        url=lambda w: reverse("api:update_plan_risk", args=[_pl(w, "plan_risk").pk]),
        methods=("PATCH",),
        data=lambda w: {"why": "probe"},
    ),
    "api:add_plan_action": Case(
        "object",
        url=lambda w: reverse("api:add_plan_action", args=[_pl(w, "plan_risk").pk]),
        methods=("POST",),
        data=lambda w: {"kind": "own", "description": "probe"},
        ok={"POST": 201},
    ),
    "api:update_plan_action": Case(
        "object",
        url=lambda w: reverse("api:update_plan_action", args=[_pl(w, "plan_action").pk]),
        methods=("PATCH",),
        data=lambda w: {"status": "done"},
    ),
    "api:list_exit_decisions": Case("own"),
    "api:record_exit_decision": Case(
        "own",
        methods=("POST",),
        data=lambda w: {"decision": "continue", "justification": "probe", "event_response": _pl(w, "response").pk},
    ),
}


def _g(w: World, key: str):  # type: ignore[no-untyped-def]
    """Grievance data, built on first use on top of the registry world."""
    from tests.grievances.builders import grievance_world

    if "grievances" not in w.extras:
        grievance_world(w)
    return w.extras[key]


def _voice(w: World):  # type: ignore[no-untyped-def]
    """The recording of a voice case about the shared site (routed like the web case)."""
    from tests.grievances.builders import voice_recording

    _g(w, "case")
    return voice_recording(w)


def _claimed(w: World):  # type: ignore[no-untyped-def]
    """The grievance case, its site's claim verified: the supplier it may be shared with."""
    from covenant.registry import services as registry_services

    case = _g(w, "case")
    claim = w.extras["claim"]
    claim.refresh_from_db()
    if claim.status == "pending":
        registry_services.decide_claim(actor_of(w.coordinator), claim, verified=True)
    return case


def _gr(w: World, key: str):  # type: ignore[no-untyped-def]
    """The case shared with the site's supplier, with a corrective action open."""
    from tests.grievances.builders import remediation_world

    remediation_world(w)
    return w.extras[key]


def _with_evidence(w: World):  # type: ignore[no-untyped-def]
    from covenant.grievances import remediation

    action = _gr(w, "grievance_action")
    remediation.add_evidence(actor_of(w.supplier_admin), action, "probe evidence")
    return action


def _commitment(w: World):  # type: ignore[no-untyped-def]
    """Member A's commitment on the case."""
    from covenant.grievances import remediation

    if "commitment" not in w.extras:
        w.extras["commitment"] = remediation.add_member_entry(
            actor_of(w.admin_a), _g(w, "case"), remediation.EntryInput(kind="commitment", text="probe")
        )
    return w.extras["commitment"]


def _unlock(client: Client, member_key_of: Any = None) -> None:
    """Unlock the handlers' key in this session, as a handler does before reading a case
    (and, to share a case with a member in full, let that member set up its own key first)."""
    from covenant.grievances import services as grievance_services
    from tests.grievances.builders import MEMBER_PASSPHRASE, PASSPHRASE

    if member_key_of is not None:
        grievance_services.set_up_key(actor_of(member_key_of), MEMBER_PASSPHRASE)
    client.post(reverse("grievances:key"), {"action": "unlock", "passphrase": PASSPHRASE})


def _closable(w: World) -> dict[str, object]:
    """A confirmed closing of the case, moved first to a stage it may close from."""
    from covenant.grievances.models import Case as GrievanceCase
    from covenant.grievances.models import Stage

    GrievanceCase.objects.filter(pk=_g(w, "case").pk).update(stage=Stage.INVESTIGATION)
    return {"outcome": "no_agreement", "message": "probe", "confirm": "1"}


def _gm(w: World) -> str:
    return str(_g(w, "mechanism").slug)


def _saq(w: World, url: str) -> str:
    """Build the SAQ world once per test (tests/saq/world.py), then answer ``url``."""
    from tests.saq.world import saq_world

    saq_world(w)
    return url


def _sq(w: World, key: str):  # type: ignore[no-untyped-def]
    _saq(w, "")
    return w.extras[key]


def _saq_start(w: World) -> str:
    """Starting a SAQ of the site: its open draft is removed first, so the owner's start writes one."""
    _sq(w, "saq_draft").delete()
    return reverse("saq:start", args=[_sq(w, "saq_site").public_id])


def _audits(w: World, url: str) -> str:
    """Build the audits world once per test, then answer ``url``."""
    from tests.factories import audits_world

    if "audit" not in w.extras:
        audits_world(w)
    return url


def _ax(w: World, key: str):  # type: ignore[no-untyped-def]
    _audits(w, "")
    return w.extras[key]


def _audit_url(w: World, name: str) -> str:
    _audits(w, "")
    return reverse(name, args=[_x(w, "audit").pk])


def _joint(w: World):  # type: ignore[no-untyped-def]
    """Member A's joint audit of the shared site (its audit request in the audits world joined it)."""
    from covenant.audits.models import JointAudit

    _audits(w, "")
    return JointAudit.objects.get(facility=_x(w, "shared"))


def _joint_link(w: World, key: str):  # type: ignore[no-untyped-def]
    """A second joint audit of member A's whose chosen firm is the world's audit firm, with the
    firm's submitted audit of its site (tests/factories.py joint_audit_world)."""
    from tests.factories import joint_audit_world

    return joint_audit_world(w).extras["joint_link" if key == "joint" else "joint_link_audit"]


def _lk(w: World, key: str):  # type: ignore[no-untyped-def]
    """The locked-audit world of issue 13 (tests/factories.py audit_lock_world), built once per test."""
    from tests.factories import audit_lock_world

    return audit_lock_world(w).extras[key]


def _lock_url(w: World, name: str, key: str) -> str:
    return reverse(name, args=[_lk(w, key).pk])


def _old_report(w: World) -> int:
    """A version of the firm's audit whose report a later revision replaced (built once per test)."""
    from covenant.audits import services as audit_services

    audit = _lk(w, "firm_audit")
    if "old_report_version" not in w.extras:
        for name in ("canary-a-first.pdf", "canary-a-second.pdf"):
            audit_services.attach_report(actor_of(w.auditor), audit, filename=name, data=PDF_BYTES, reason="probe")
        w.extras["old_report_version"] = audit.version - 1
    return int(w.extras["old_report_version"])


def _pl(w: World, key: str):  # type: ignore[no-untyped-def]
    """Member A's action plan and exit decisions, built on first use on top of the risk world."""
    from tests.plans.builders import plans_world

    return plans_world(w).extras[key]


def _r(w: World, key: str):  # type: ignore[no-untyped-def]
    """Risk data, built on first use on top of the registry world."""
    if "risk" not in w.extras:
        risk_world(w)
    return w.extras[key]


def _draft(w: World, key: str) -> int:
    """A draft indicator of the secretariat's (one per route: publishing or discarding uses it up)."""
    from covenant.risk import services as risk_services

    name = f"draft-{key}"
    if name not in w.extras:
        w.extras[name] = risk_services.upload_indicator(
            actor_of(w.coordinator),
            name=f"Probe {key} index",
            level="country",
            edition="1",
            licence="probe",
            url="",
            data=b"country,value,source\nCI,6,Probe\n",
            weights={"forced_labour": 2.0},
        )
    return int(w.extras[name].pk)


def _first_indicator() -> int:
    from covenant.risk.models import Indicator

    return int(Indicator.objects.order_by("pk").values_list("pk", flat=True)[0])


def _mapping_upload(w: World):  # type: ignore[no-untyped-def]
    """Member A's upload whose columns nobody recognised: it waits for them to say which is which."""
    from covenant.registry.services import start_upload

    if "mapping_upload" not in w.extras:
        w.extras["mapping_upload"] = start_upload(
            actor_of(w.admin_a), _x(w, "supplier_list"), filename="canary-a.csv", data=b"Col A,Col B\nMill,CN\n"
        )
    return w.extras["mapping_upload"]


def _confirm_upload(w: World):  # type: ignore[no-untyped-def]
    """Member A's full list that would end its canary-a link: it waits for them to confirm."""
    from covenant.registry.services import _pending_ends

    if "confirm_upload" not in w.extras:
        from covenant.registry.models import ListUpload, SupplyLink, UploadStatus

        first = _x(w, "upload")
        SupplyLink.objects.filter(pk=_x(w, "a_link").pk).update(source_upload=first)
        upload = ListUpload.objects.create(
            org=w.member_a,
            supplier_list=first.supplier_list,
            version=first.version + 1,
            filename="canary-a-v2.csv",
            status=UploadStatus.CONFIRM,
        )
        upload.diff = {"previous_version": first.version, "pending_ends": _pending_ends(upload)}
        upload.save(update_fields=["diff"])
        w.extras["confirm_upload"] = upload
    return w.extras["confirm_upload"]


def _rejected_row(w: World):  # type: ignore[no-untyped-def]
    """Member A's row in review after "not this one" on its best candidate: undo has a decision to take back."""
    from covenant.registry.services import reject_candidate

    row = _x(w, "row")
    if not row.details.get("rejected"):
        reject_candidate(actor_of(w.admin_a), row, _x(w, "shared").public_id)
        row.refresh_from_db()
    return row


def _file(name: str, content: bytes) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _x(w: World, key: str):  # type: ignore[no-untyped-def]
    return w.extras[key]


def _learning(w: World, key: str):  # type: ignore[no-untyped-def]
    """The learning library and member A's tools (submitted, draft: canary-a; published: not)."""
    from tests.learning.builders import learning_world

    return learning_world(w).extras[key]


def _learning_url(w: World, name: str, key: str = "lib_submitted") -> str:
    return reverse(name, args=[_learning(w, key).pk])


def _sa(w: World, key: str = "sa_draft"):  # type: ignore[no-untyped-def]
    """Member A's self-assessment (answered, a canary-a text answer, not submitted) and its evidence."""
    from tests.assessments.builders import tenancy_world

    return tenancy_world(w).extras[key]


def _sa_submitted(w: World):  # type: ignore[no-untyped-def]
    from tests.assessments.builders import tenancy_submitted

    return tenancy_submitted(w)


def _branch_url(w: World) -> str:
    """The secretariat's form for member A's branch associations, with one branch association to choose."""
    from tests.conftest import make_org

    if "branch" not in w.extras:
        w.extras["branch"] = make_org("Branche Probe", "branch_association")
    return reverse("orgs:set_branch_associations", args=[w.member_a.slug])


def _partner_interest(w: World):  # type: ignore[no-untyped-def]
    """Member A's interest in acting together on the site it sources from, its note marked with the canary."""
    from covenant.partners import services

    if "partner_interest" not in w.extras:
        w.extras["partner_interest"] = services.signal_interest(
            actor_of(w.admin_a), "site", w.extras["shared"].public_id, note=f"{CANARY} living wage project"
        )
    return w.extras["partner_interest"]


def _scan_draft(w: World):  # type: ignore[no-untyped-def]
    """Member A's draft supply chain from a quick scan, named with the canary."""
    from covenant.capability import library, services
    from covenant.capability.models import ScanDraft

    if "scan_draft" not in w.extras:
        cocoa = library.item("cocoa")
        assert cocoa is not None
        draft = services.create_draft(actor_of(w.admin_a), ["CI"], [cocoa])
        ScanDraft.objects.filter(pk=draft.pk).update(name=f"scan {CANARY}")
        w.extras["scan_draft"] = draft
    return w.extras["scan_draft"]


def _fingerprint(w: World) -> str:
    """The fingerprint of the disclosure preview as it stands, as the confirmation posts it."""
    from covenant.registry.selectors import disclosure_preview

    return disclosure_preview(actor_of(w.coordinator)).fingerprint


def _provisional(w: World) -> str:
    """A site member A added by hand: provisional, in the secretariat's moderation queue."""
    from covenant.registry.services import add_site

    if "provisional" not in w.extras:
        outcome = add_site(
            actor_of(w.admin_a), name="Probe Provisional Dyehouse", address="Dongguan", country="CN", create=True
        )
        w.extras["provisional"] = outcome.facility
    return str(w.extras["provisional"].public_id)


def _duplicate_pair(w: World) -> int:
    """An open pair of the duplicates queue: the shared site and its look-alike."""
    from covenant.registry.models import DuplicatePair

    if "pair" not in w.extras:
        shared, other = _x(w, "shared"), _x(w, "other")
        w.extras["pair"] = DuplicatePair.objects.create(
            a_id=min(shared.pk, other.pk), b_id=max(shared.pk, other.pk), score=0.6, features={"name_weighted": 0.8}
        )
    return int(w.extras["pair"].pk)


def _published(w: World) -> str:
    from covenant.registry.services import publish_disclosure

    publish_disclosure(actor_of(w.coordinator))
    return reverse("registry:disclosed", args=["csv"])


def _ja_action(w: World, key: str = "joint_action"):  # type: ignore[no-untyped-def]
    """Member A's joint action (tests/joint/worlds.py), or the CSO's that invited member A."""
    from tests.joint.worlds import action_of

    return action_of(w, key)


def _ja(
    w: World, name: str, key: str = "joint_action", publish: bool = False, first: Callable[[], object] | None = None
) -> str:
    """The URL of a route of the joint action; ``first`` builds what the probe's body names before any snapshot."""
    from covenant.joint import services as joint_services

    if first is not None:
        first()
    action = _ja_action(w, key)
    if publish:
        summary = joint_services.publish_preview(action)
        joint_services.publish_summary(actor_of(w.admin_a), action, confirm=joint_services.summary_fingerprint(summary))
    return reverse(name, args=[action.public_id])


def _ja_part(w: World, org: Any) -> int:
    return int(_ja_action(w).participants.get(org=org).pk)


def _ja_fingerprint(w: World) -> str:
    from covenant.joint import services as joint_services

    return joint_services.summary_fingerprint(joint_services.publish_preview(_ja_action(w)))


def _ja_item(w: World, kind: str) -> int:
    """A milestone, document, gender target or risk event of member A's joint action, made once."""
    from datetime import date

    from covenant.joint import services as joint_services

    key = f"joint_{kind}"
    if key not in w.extras:
        action, actor = _ja_action(w), actor_of(w.admin_a)
        if kind == "milestone":
            item = joint_services.add_milestone(
                actor, action, title="canary-a milestone", due_on=date(2030, 1, 1), owner=w.member_a
            )
        elif kind == "document":
            item = joint_services.add_document(
                actor, action, title="canary-a plan", filename="plan.pdf", data=PDF_BYTES
            )
        elif kind == "gender_target":
            item = joint_services.add_gender_target(
                actor, action, indicator="canary-a reached", target_women=10, target_men=5
            )
        else:
            from tests.factories import declare_flood

            item = declare_flood(w.coordinator, "Probe flood", ["KE"], date(2020, 1, 1))
        w.extras[key] = item
    return int(w.extras[key].pk)


def _route_patterns(
    patterns: list[URLPattern | URLResolver] | None = None, ns: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _route_patterns(p.url_patterns, inner)
        elif p.name:
            yield (f"{ns}:{p.name}" if ns else p.name), p
        else:
            yield f"<unnamed {p.pattern}>", p


@cache
def route_patterns() -> dict[str, URLPattern]:
    found: dict[str, URLPattern] = {}
    for name, pattern in _route_patterns():
        found.setdefault(name, pattern)
    return found


def all_routes() -> list[str]:
    return sorted(route_patterns())


def case_for(name: str) -> Case | None:
    return CASES.get(name)


# --- The methods a route accepts, read from its view --------------------------------------

IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})


def _nonlocals(func: Callable[..., object]) -> dict[str, Any]:
    try:
        return dict(inspect.getclosurevars(func).nonlocals)
    except TypeError:  # a partial or a builtin: nothing to read
        return {}


def _ninja_path_view(callback: Callable[..., object]) -> Any:
    """The django-ninja ``PathView`` behind an API route (its view closes over it), or None."""
    view = _nonlocals(callback).get("self")
    return view if hasattr(view, "operations") else None


def _operation_name(operation: Any) -> str:
    return str(getattr(operation, "url_name", None) or operation.view_func.__name__)


def accepted_methods(name: str, *, whole_path: bool = False) -> frozenset[str] | None:
    """The methods the route's view accepts, or None when the view accepts any method.

    API routes: the operation's methods (``whole_path``: of every operation on that path,
    which is what decides a 405). Class-based views: the handlers they define. Functions:
    the list a ``require_POST`` / ``require_safe`` / ``require_http_methods`` decorator holds.
    """
    callback = route_patterns()[name].callback
    path_view = _ninja_path_view(callback)
    if path_view is not None:
        short = name.rpartition(":")[2]
        operations = [op for op in path_view.operations if whole_path or _operation_name(op) == short]
        return frozenset(m for op in operations for m in op.methods) - IGNORED_METHODS
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return frozenset(m.upper() for m in view_class.http_method_names if hasattr(view_class, m)) - IGNORED_METHODS
    func: Callable[..., object] | None = callback
    while func is not None:
        found = _nonlocals(func).get("request_method_list")
        if found is not None:
            return frozenset(found) - IGNORED_METHODS
        func = getattr(func, "__wrapped__", None)
    return None


def _refused_method(name: str) -> str | None:
    """A method the route does not accept: GET for a write-only route, POST for a page."""
    accepted = accepted_methods(name, whole_path=True)
    if accepted is None:
        return None
    return next(m for m in ("GET", "POST", "DELETE", "PUT", "PATCH") if m not in accepted)


def test_every_route_has_a_case() -> None:
    missing = [name for name in all_routes() if case_for(name) is None]
    assert not missing, f"Routes without a tenancy case in tests/tenancy/test_routes.py: {missing}"
    stale = sorted(set(CASES) - set(all_routes()))
    assert not stale, f"Tenancy cases for routes that no longer exist: {stale}"


def test_cases_declare_the_methods_of_their_view() -> None:
    wrong = []
    for name in all_routes():
        case = CASES.get(name)
        if case is None:
            continue
        accepted = accepted_methods(name)
        if accepted is None:
            callback = route_patterns()[name].callback
            module = getattr(getattr(callback, "func", callback), "__module__", "") or ""  # partials too
            if not case.any_method or module.startswith("covenant."):
                wrong.append(f"{name}: its view accepts any method; decorate it (require_safe, require_POST, ...)")
        elif case.any_method or set(case.methods) != accepted:
            wrong.append(f"{name}: the case says {sorted(case.methods)}, the view accepts {sorted(accepted)}")
    assert not wrong, "\n".join(wrong)


def test_the_method_reader_reads_views() -> None:
    # It must see through the decorators, and tell a route from its siblings on one API path.
    assert accepted_methods("orgs:change_role") == frozenset({"POST"})
    assert accepted_methods("api:create_invitation") == frozenset({"POST"})
    assert accepted_methods("api:create_invitation", whole_path=True) == frozenset({"GET", "POST"})
    assert accepted_methods("account_logout") == frozenset({"GET", "POST"})
    assert accepted_methods("set_language") is None
    assert _refused_method("orgs:change_role") == "GET"
    assert _refused_method("api:create_invitation") == "DELETE"


# --- Probes ------------------------------------------------------------------------------


def _is_api(url: str) -> bool:
    return url.startswith("/api/")


def _request(
    client: Client,
    method: str,
    url: str,
    token: str | None,
    data: dict[str, object] | None = None,
    files: dict[str, object] | None = None,
) -> tuple[int, str, str]:
    headers: dict[str, object] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method in {"POST", "PUT", "PATCH"} and (data is not None or files is not None):
        if files is not None:
            headers.update(data={**(data or {}), **files})  # multipart
        elif _is_api(url):
            headers.update(data=data, content_type="application/json")
        else:
            headers.update(data=data)
    response = getattr(client, method.lower())(url, **headers)
    body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
    return response.status_code, body, response.get("Location", "")


def _signed_in(user: Any, api: bool) -> tuple[Client, str | None]:
    """A client for ``user`` and, on the API, a bearer token of theirs (made before any snapshot)."""
    if api and user is not None:
        _t, token = account_services.create_token(actor_of(user), name="probe", read_only=False)
        return Client(), token
    return client_for(user), None


def _body(case: Case, world: World) -> tuple[dict[str, object] | None, dict[str, object] | None]:
    return (case.data(world) if case.data else None), (case.files(world) if case.files else None)


def _changes(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {key: (before[key], after[key]) for key in before if before[key] != after[key]}


def test_the_snapshot_sees_a_change(sector: World) -> None:
    before = snapshot()
    assert set(before) >= {"registry.Facility", "audits.Audit", "grievances.Case", "last audit event"}
    _a_invitation(sector)
    assert set(_changes(before, snapshot())) == {"orgs.Invitation", "core.AuditEvent", "last audit event"}


def _everyone(world: World) -> list[tuple[str, Any]]:
    return [
        ("anonymous", None),
        ("another member", world.admin_b),
        ("a supplier", world.supplier_admin),
        ("an audit firm", world.auditor),
        ("the secretariat", world.coordinator),
        ("civil society", world.cso_admin),
    ]


def _outsiders(world: World, case: Case) -> list[tuple[str, Any]]:
    owner_org = getattr(world, case.owner)
    result = []
    for label, user in _everyone(world)[:5]:
        if user is not None:
            org = user.memberships.get().org
            if org == owner_org or (org.is_secretariat and case.secretariat_sees):
                continue
        result.append((label, user))
    return result


def _is_writer(world: World, case: Case, user: Any) -> bool:
    return user is not None and user.memberships.get().org == getattr(world, case.writer)


ADMINS = {
    "member_a": "admin_a",
    "member_b": "admin_b",
    "secretariat": "coordinator",
    "supplier": "supplier_admin",
    "audit_firm": "auditor",
    "cso": "cso_admin",
}


def _owner_user(world: World, case: Case) -> Any:
    key = case.by or ADMINS[case.writer or case.owner]
    return getattr(world, key) if hasattr(world, key) else world.extras[key]


def _expected(case: Case, method: str, api: bool) -> int:
    if method in case.ok:
        return case.ok[method]
    if method == "GET":
        return 200
    if method == "DELETE":
        return 204
    return 200 if api else 302


@pytest.fixture
def sector(world: World) -> World:
    return registry_world(world)


@pytest.mark.parametrize("name", all_routes())
def test_route(sector: World, name: str) -> None:
    """Outsiders get nothing and change nothing; the owner gets in; other methods get 405."""
    world = sector
    case = CASES[name]
    url = case.url(world) if case.url else reverse(name)
    if case.kind == "account":
        _check_account(world, case, url)
    else:
        _check_outsiders(world, case, name, url)
    if case.kind == "object" or case.writer:
        _check_owner(world, case, name, url)
    _check_refused_method(world, case, name, url)


def _check_outsiders(world: World, case: Case, name: str, url: str) -> None:
    api = _is_api(url)
    people = _outsiders(world, case) if case.kind == "object" else _everyone(world)
    for label, user in people:
        client, token = _signed_in(user, api)
        for method in case.methods:
            if method != "GET" and case.writer and _is_writer(world, case, user):
                continue  # the writer's own write is the owner's side, below
            # A write that must be refused must also leave every table as it was.
            guarded = method != "GET" and (
                case.kind == "object" or (bool(case.writer) and not _is_writer(world, case, user))
            )
            before = snapshot() if guarded else {}
            status, body, location = _request(client, method, url, token, *_body(case, world))
            who = f"{label} {method} {url}"
            assert status < 500, f"{who} crashed with {status}"
            assert CANARY not in body, f"{who} leaked member A's data"
            if user is None and (case.kind in {"object", "shared"} or guarded):
                assert status == (401 if api else 302), f"{who} gave {status}"
                if status == 302:
                    assert location.startswith("/accounts/login/"), f"{who} redirected to {location}"
            elif case.kind == "object" or guarded:
                assert status in {403, 404}, f"{who} gave {status}, expected 403/404"
            if guarded:
                changed = _changes(before, snapshot())
                assert not changed, f"{who} changed something: {changed}"


def _check_owner(world: World, case: Case, name: str, url: str) -> None:
    """The owner's side: without it, a route broken for everyone would pass as refusing outsiders."""
    user = _owner_user(world, case)
    api = _is_api(url)
    client, token = _signed_in(user, api)
    if case.session is not None:
        case.session(world, client)
    for method in case.methods if case.kind == "object" else [m for m in case.methods if m != "GET"]:
        before = snapshot()
        status, body, location = _request(client, method, url, token, *_body(case, world))
        who = f"the owner ({user.email}) {method} {url}"
        expected = _expected(case, method, api)
        assert status == expected, f"{who} gave {status}, expected {expected}: {location or body[:300]}"
        if method != "GET":
            after = snapshot()
            assert after["last audit event"] > before["last audit event"], f"{who} wrote nothing: {body[:300]}"


def _check_refused_method(world: World, case: Case, name: str, url: str) -> None:
    method = _refused_method(name)
    if method is None:
        assert case.any_method, name
        return
    api = _is_api(url)
    if case.kind == "object" or case.writer:
        user = _owner_user(world, case)
    elif case.kind == "public" or (case.kind == "account" and case.anonymous == PUBLIC):
        user = None
    else:
        user = world.viewer_a if case.kind == "account" else world.admin_a
    client, token = _signed_in(user, api)
    allowed = {405}
    if case.kind == "account":
        # allauth's views turn a request away (to the login, to reauthenticate, "invalid link")
        # before they look at its method: then any method gets what GET gets.
        allowed.add(_request(client, "GET", url, token)[0])
    before = snapshot()
    status, _body_text, _location = _request(client, method, url, token, *_body(case, world))
    assert status in allowed, f"{method} {url} gave {status}, expected 405 (the route accepts {sorted(case.methods)})"
    assert not _changes(before, snapshot()), f"{method} {url} changed something"


# --- Account routes (allauth) -------------------------------------------------------------


def _account_state(users: list[Any]) -> list[object]:
    """What a person's account is: password, addresses, second factors, being active."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from covenant.accounts.models import User

    state: list[object] = []
    for user in User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk"):
        state.append((user.email, user.password, user.is_active))
        # allauth files the login address as an unverified EmailAddress the first time a reset is
        # asked for it: bookkeeping, not a change. Other addresses and verifying one are.
        addresses = EmailAddress.objects.filter(user=user)
        state.append(sorted(addresses.exclude(email=user.email).values_list("email", "verified", "primary")))
        state.append(addresses.filter(email=user.email, verified=True).exists())
        state.append(sorted(Authenticator.objects.filter(user=user).values_list("type", "pk")))
    return state


def _check_account(world: World, case: Case, url: str) -> None:
    people = [world.admin_a, world.editor_a, world.viewer_a, world.admin_b]
    everyone_else = {u.pk: [p for p in people if p != u] for u in people}
    # Anonymous: a public page that shows nobody's data, or a redirect to the login.
    status, body, location = _request(Client(), "GET", url, None)
    expected_status, expected_location = case.anonymous
    assert expected_status, f"account route {url} needs an expectation for anonymous visitors"
    assert status == expected_status, f"anonymous GET {url} gave {status}, expected {expected_status}"
    assert location.startswith(expected_location), f"anonymous GET {url} went to {location}"
    assert not any(p.email in body for p in people), f"anonymous GET {url} shows someone's address"
    # Signed in: a colleague of member A's administrator, and someone of another member.
    for user in (world.viewer_a, world.admin_b):
        others = everyone_else[user.pk]
        state = _account_state(others)
        client = client_for(user)
        for method in case.methods:
            status, body, location = _request(client, method, url, None, *_body(case, world))
            who = f"{user.email} {method} {url}"
            assert status < 500, f"{who} crashed with {status}"
            if method == "GET":
                assert status == case.signed_in, f"{who} gave {status}, expected {case.signed_in}"
            shown = [p.email for p in others if p.email in body]
            assert not shown, f"{who} shows other people's addresses: {shown}"
        assert _account_state(others) == state, f"{user.email} changed someone else's account via {url}"
    # And anonymous writes change nobody's account.
    state = _account_state(people)
    client = Client()
    for method in case.methods:
        if method != "GET":
            status, _b, _l = _request(client, method, url, None, *_body(case, world))
            assert status < 500, f"anonymous {method} {url} crashed with {status}"
    assert _account_state(people) == state, f"an anonymous visitor changed an account via {url}"


def test_owner_can_reach_object_routes(sector: World) -> None:
    """The negative tests above mean something only if the owner does get in."""
    world = sector
    client = client_for(world.admin_a)
    for name in ("registry:upload", "registry:link"):
        case = CASES[name]
        assert case.url is not None
        response = client.get(case.url(world))
        assert response.status_code == 200, name
        assert CANARY in response.content.decode(), name
    assert CANARY in client.get(reverse("registry:review")).content.decode()
    assert CANARY in client.get(reverse("registry:chain_export")).content.decode()
    assert client.get(reverse("core:job_status", args=[_a_job(world)])).status_code == 200
    assert client.get(reverse("orgs:my_organisation")).content.decode().count(CANARY) >= 3
    _t, token = account_services.create_token(actor_of(world.admin_a), name="owner")
    response = Client().get(
        reverse("api:list_members", args=[world.member_a.slug]), HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    assert CANARY in response.content.decode()
    supplier_client = client_for(world.supplier_admin)
    assert supplier_client.get(reverse("orgs:organisation_detail", args=[world.supplier.slug])).status_code == 200


def test_the_walker_fails_a_route_broken_for_its_owner(sector: World) -> None:
    # An upload nobody has: outsiders get 404 as they should, but so would the owner.
    case = Case("object", url=lambda w: reverse("registry:upload", args=["00000000-0000-0000-0000-000000000000"]))
    url = case.url(sector)  # type: ignore[misc]
    _check_outsiders(sector, case, "registry:upload", url)
    with pytest.raises(AssertionError, match="the owner"):
        _check_owner(sector, case, "registry:upload", url)


def test_the_walker_fails_an_outsider_who_gets_in(sector: World) -> None:
    # Declared as member A's object, an invitation form any administrator may post would let member B in.
    case = Case("object", methods=("POST",), data=lambda w: {"email": "x@elsewhere.example", "role": "viewer"})
    with pytest.raises(AssertionError, match="another member POST"):
        _check_outsiders(sector, case, "orgs:invite", reverse("orgs:invite"))
