"""Walk every URL pattern and API route and prove outsiders get nothing.

Each route must have a :class:`Case` in ``CASES`` (or match an allauth account
prefix). A route added without one makes ``test_every_route_has_a_case`` fail,
so nobody can add a page or an API handler without saying who may see it.

Kinds of route:
- ``public``: reachable without signing in; must never show member data.
- ``account``: the signed-in person's own account (allauth); no tenant data.
- ``own``: about the actor's own organisation (lists, dashboards, create
  forms). Outsiders may get 200, but never see member A's private data.
- ``shared``: shared data every participant may read (the facility
  register). Anonymous people are turned away; nobody sees member A's data.
- ``object``: addresses one object that belongs to someone. Outsiders get
  404/403 (anonymous: a login redirect or 401), and a write changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from covenant.accounts import services as account_services
from covenant.core.models import AuditEvent
from covenant.orgs import services as org_services
from tests.conftest import World, actor_of, client_for
from tests.factories import registry_world, risk_world

CANARY = "canary-a"

UrlBuilder = Callable[[World], str]


@dataclass(frozen=True)
class Case:
    kind: str  # public | account | own | shared | object
    url: UrlBuilder | None = None  # None: reverse(name) without arguments
    methods: tuple[str, ...] = ("GET",)
    owner: str = "member_a"  # World attribute of the owning organisation (object routes)
    secretariat_sees: bool = False  # declared visible to secretariat staff
    data: Callable[[World], dict[str, object]] | None = None  # a well-formed body, so the probe reaches the checks


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
    "set_language": Case("public", methods=("POST",)),
    "orgs:accept_invitation": Case("public", url=lambda w: reverse("orgs:accept_invitation", args=["not-a-token"])),
    "api:openapi-json": Case("public"),
    "api:openapi-view": Case("public"),
    "api:api-root": Case("public"),
    # About your own organisation.
    "core:dashboard": Case("own"),
    "core:audit_log": Case("own"),
    "core:switch_organisation": Case("own", methods=("POST",)),
    "orgs:my_organisation": Case("own"),
    "orgs:edit_organisation": Case("own"),
    "orgs:invite": Case("own", methods=("POST",)),
    "orgs:directory": Case("own"),
    "orgs:new_organisation": Case("own"),
    "accounts:tokens": Case("own"),
    "api:me": Case("own"),
    "api:list_tokens": Case("own"),
    "api:list_organisations": Case("own"),
    "api:list_users": Case("own"),
    "api:list_invitations": Case("own"),
    "api:create_invitation": Case("own"),
    "api:list_audit_events": Case("own"),
    # One object that belongs to member A (or, for organisations, to the supplier).
    "core:job_status": Case("object", url=lambda w: reverse("core:job_status", args=[_a_job(w)])),
    "orgs:change_role": Case(
        "object", url=lambda w: reverse("orgs:change_role", args=[_a_membership(w)]), methods=("POST",)
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
    ),
    "registry:lists": Case("own"),
    "registry:upload": Case("object", url=lambda w: reverse("registry:upload", args=[_x(w, "upload").pk])),
    "registry:upload_mapping": Case(
        "object", url=lambda w: reverse("registry:upload_mapping", args=[_x(w, "upload").pk]), methods=("GET", "POST")
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
    "registry:chain": Case("own"),
    "registry:chain_export": Case("own"),
    "registry:link": Case(
        "object", url=lambda w: reverse("registry:link", args=[_x(w, "a_link").pk]), methods=("GET", "POST")
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
    ),
    "registry:merge": Case("own", methods=("GET", "POST")),
    "registry:disclosure": Case("own"),
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
    "api:supply_chain": Case("own"),
    "api:export_chain": Case("own"),
    # --- Audits (tests/factories.py audits_world): a supplier's audit shared with member A only.
    # The audit's owner is a supplier none of the probes acts for, so every probe is an
    # outsider; "owner" stays member_a, the one organisation it was shared with.
    "audits:list": Case("own", url=lambda w: _audits(w, reverse("audits:list"))),
    "audits:create": Case("own", url=lambda w: _audits(w, reverse("audits:create")), methods=("GET", "POST")),
    "audits:share_all": Case("own", methods=("POST",)),
    "audits:request_access": Case(
        "own",
        url=lambda w: _audits(w, reverse("audits:request_access")),
        methods=("POST",),
        data=lambda w: {"facility": _x(w, "audit_site").public_id},
    ),
    "audits:coverage": Case("own", url=lambda w: _audits(w, reverse("audits:coverage"))),
    "audits:requests": Case("own", url=lambda w: _audits(w, reverse("audits:requests")), methods=("GET", "POST")),
    "audits:recognition": Case("own", url=lambda w: _audits(w, reverse("audits:recognition"))),
    "audits:sector": Case("own", url=lambda w: _audits(w, reverse("audits:sector"))),
    "audits:schemes": Case("own", methods=("GET", "POST")),
    "audits:apsca": Case("own", url=lambda w: _audits(w, reverse("audits:apsca"))),
    "audits:caps": Case("own", url=lambda w: _audits(w, reverse("audits:caps") + "?show=open")),
    "audits:detail": Case("object", url=lambda w: _audit_url(w, "audits:detail")),
    "audits:report": Case("object", url=lambda w: _audit_url(w, "audits:report")),
    "audits:attach_report": Case("object", url=lambda w: _audit_url(w, "audits:attach_report"), methods=("POST",)),
    "audits:add_finding": Case(
        "object",
        url=lambda w: _audit_url(w, "audits:add_finding"),
        methods=("POST",),
        data=lambda w: {"section": "5", "grade": "minor", "description": "probe"},
    ),
    "audits:import_findings": Case("object", url=lambda w: _audit_url(w, "audits:import_findings"), methods=("POST",)),
    "audits:share": Case(
        "object",
        url=lambda w: _audit_url(w, "audits:share"),
        methods=("POST",),
        data=lambda w: {"member": w.member_b.pk},
    ),
    "audits:withdraw": Case("object", url=lambda w: _audit_url(w, "audits:withdraw"), methods=("POST",)),
    "audits:action": Case(
        "object",
        url=lambda w: reverse("audits:action", args=[_ax(w, "action").pk]),
        methods=("GET", "POST"),
        data=lambda w: {"action": "probe", "responsible": "probe"},
    ),
    "audits:add_evidence": Case(
        "object", url=lambda w: reverse("audits:add_evidence", args=[_ax(w, "action").pk]), methods=("POST",)
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
        data=lambda w: {"decision": "grant"},
    ),
    "api:list_schemes": Case("own"),
    "api:list_audits": Case("own", url=lambda w: _audits(w, reverse("api:list_audits"))),
    "api:create_audit": Case("own", url=lambda w: _audits(w, reverse("api:create_audit")), methods=("POST",)),
    "api:get_coverage": Case("own", url=lambda w: _audits(w, reverse("api:get_coverage"))),
    "api:get_audit": Case("object", url=lambda w: _audit_url(w, "api:get_audit")),
    "api:download_report": Case("object", url=lambda w: _audit_url(w, "api:download_report")),
    "api:upload_report": Case("object", url=lambda w: _audit_url(w, "api:upload_report"), methods=("POST",)),
    "api:import_findings": Case("object", url=lambda w: _audit_url(w, "api:import_findings"), methods=("POST",)),
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
        data=lambda w: {"member": w.member_b.slug},
    ),
    "api:unshare_audit": Case(
        "object",
        url=lambda w: reverse("api:unshare_audit", args=[_ax(w, "audit").pk, w.member_a.slug]),
        methods=("DELETE",),
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
    "risk:events": Case("shared"),
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
    "risk:indicators": Case("shared"),
    "risk:indicator": Case("shared", url=lambda w: reverse("risk:indicator", args=[_first_indicator()])),
    "risk:recompute": Case("object", url=lambda w: reverse("risk:recompute"), methods=("POST",), owner="secretariat"),
    "risk:sanctions": Case("object", url=lambda w: reverse("risk:sanctions"), owner="secretariat"),
    "risk:hit_decide": Case(
        "object",
        url=lambda w: reverse("risk:hit_decide", args=[_r(w, "hit").pk]),
        methods=("POST",),
        owner="secretariat",
        data=lambda w: {"decision": "confirm"},
    ),
    "api:risk_overview": Case("own"),
    "api:facility_risk": Case("shared", url=lambda w: reverse("api:facility_risk", args=[_r(w, "shared").public_id])),
    "api:list_events": Case("shared"),
    "api:get_event": Case("shared", url=lambda w: reverse("api:get_event", args=[_r(w, "event").pk])),
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
    "grievances:operator_intake": Case("own", url=lambda w: _gm(w) and reverse("grievances:operator_intake")),
    "grievances:review": Case("own", url=lambda w: _gm(w) and reverse("grievances:review")),
    "grievances:participation": Case("own", methods=("POST",)),
    "grievances:detail": Case("object", url=lambda w: reverse("grievances:detail", args=[_g(w, "case").pk])),
    "api:list_cases": Case("own", url=lambda w: _gm(w) and reverse("api:list_cases") + "?show=all"),
    "api:get_case": Case("object", url=lambda w: reverse("api:get_case", args=[_g(w, "case").pk])),
    "grievances:act": Case(
        "object",
        url=lambda w: reverse("grievances:act", args=[_g(w, "case").pk]),
        methods=("POST",),
        data=lambda w: {"action": "stage", "stage": "acknowledged"},
    ),
    "grievances:photo": Case(
        "object", url=lambda w: reverse("grievances:photo", args=[_g(w, "case").pk, _g(w, "attachment").pk])
    ),
}


def _g(w: World, key: str):  # type: ignore[no-untyped-def]
    """Grievance data, built on first use on top of the registry world."""
    from tests.grievances.builders import grievance_world

    if "grievances" not in w.extras:
        grievance_world(w)
    return w.extras[key]


def _gm(w: World) -> str:
    return str(_g(w, "mechanism").slug)


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


def _r(w: World, key: str):  # type: ignore[no-untyped-def]
    """Risk data, built on first use on top of the registry world."""
    if "risk" not in w.extras:
        risk_world(w)
    return w.extras[key]


def _first_indicator() -> int:
    from covenant.risk.models import Indicator

    return int(Indicator.objects.order_by("pk").values_list("pk", flat=True)[0])


def _x(w: World, key: str):  # type: ignore[no-untyped-def]
    return w.extras[key]


def _published(w: World) -> str:
    from covenant.registry.services import publish_disclosure

    publish_disclosure(actor_of(w.coordinator))
    return reverse("registry:disclosed", args=["csv"])


# django-allauth's own pages only ever concern the signed-in person.
ACCOUNT_PREFIXES = ("account_", "mfa_")


def iter_routes(patterns: list[URLPattern | URLResolver] | None = None, ns: str = "") -> Iterator[str]:
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from iter_routes(p.url_patterns, inner)
        elif p.name:
            yield f"{ns}:{p.name}" if ns else p.name
        else:
            yield f"<unnamed {p.pattern}>"


def all_routes() -> list[str]:
    return sorted(set(iter_routes()))


def case_for(name: str) -> Case | None:
    if name in CASES:
        return CASES[name]
    if name.startswith(ACCOUNT_PREFIXES):
        return Case("account")
    return None


def test_every_route_has_a_case() -> None:
    missing = [name for name in all_routes() if case_for(name) is None]
    assert not missing, f"Routes without a tenancy case in tests/tenancy/test_routes.py: {missing}"
    stale = sorted(set(CASES) - set(all_routes()))
    assert not stale, f"Tenancy cases for routes that no longer exist: {stale}"


def _is_api(url: str) -> bool:
    return url.startswith("/api/")


def _request(
    client: Client, method: str, url: str, token: str | None, data: dict[str, object] | None = None
) -> tuple[int, str, str]:
    headers: dict[str, object] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if data is not None and method in {"POST", "PUT", "PATCH"}:
        if _is_api(url):
            headers.update(data=data, content_type="application/json")
        else:
            headers.update(data=data)
    response = getattr(client, method.lower())(url, **headers)
    body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
    return response.status_code, body, response.get("Location", "")


def _outsiders(world: World, case: Case) -> list[tuple[str, object]]:
    owner_org = getattr(world, case.owner)
    people = {
        "anonymous": None,
        "another member": world.admin_b,
        "a supplier": world.supplier_admin,
        "an audit firm": world.auditor,
        "the secretariat": world.coordinator,
    }
    result = []
    for label, user in people.items():
        if user is not None:
            org = user.memberships.get().org
            if org == owner_org or (org.is_secretariat and case.secretariat_sees):
                continue
        result.append((label, user))
    return result


@pytest.fixture
def sector(world: World) -> World:
    return registry_world(world)


@pytest.mark.parametrize("name", all_routes())
def test_outsiders_get_nothing(sector: World, name: str) -> None:
    world = sector
    case = case_for(name)
    assert case is not None
    if case.kind == "account":
        return  # allauth's pages: covered by tests/accounts
    url = case.url(world) if case.url else reverse(name)
    api = _is_api(url)
    for label, user in _outsiders(world, case) if case.kind == "object" else _everyone(world):
        client = client_for(user)  # type: ignore[arg-type]
        token = None
        if api and user is not None:
            _t, token = account_services.create_token(actor_of(user), name="probe")  # type: ignore[arg-type]
            client = Client()
        events_before = AuditEvent.objects.count()
        for method in case.methods:
            status, body, location = _request(client, method, url, token, case.data(world) if case.data else None)
            who = f"{label} {method} {url}"
            assert status < 500, f"{who} crashed with {status}"
            assert CANARY not in body, f"{who} leaked member A's data"
            if case.kind in {"object", "shared"} and user is None:
                allowed = {401} if api else {302}
                assert status in allowed, f"{who} gave {status}"
            if case.kind == "object":
                if user is None:
                    allowed = {401} if api else {302}
                    assert status in allowed, f"{who} gave {status}"
                    if status == 302:
                        assert "/accounts/login/" in location, f"{who} redirected to {location}"
                else:
                    assert status in {403, 404}, f"{who} gave {status}, expected 403/404"
        if case.kind == "object":
            # Outsiders' probes must not have changed anything (tokens made for the probe aside).
            new = AuditEvent.objects.filter(seq__gt=events_before).exclude(action="accounts.token.created")
            assert not new.exists(), f"{label} changed something via {name}: {list(new)}"


def _everyone(world: World) -> list[tuple[str, object]]:
    return [
        ("anonymous", None),
        ("another member", world.admin_b),
        ("a supplier", world.supplier_admin),
        ("an audit firm", world.auditor),
        ("the secretariat", world.coordinator),
        ("civil society", world.cso_admin),
    ]


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
