"""A read-only token changes nothing: every write route of the API answers 403 and leaves no trace.

The write routes are read from the OpenAPI document, so a route added later is walked too: it
needs an entry in ``WRITES`` (who owns what it changes, its path values and a well-formed body),
and ``test_every_write_route_is_walked`` fails until it has one. Each probe uses a read-only
token of an administrator of the organisation that owns the object, with a body that a
read-write token of the same person could send, so only the token's limit stands in the way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from covenant.accounts import services as account_services
from covenant.api import api
from covenant.core.models import AuditEvent
from tests.conftest import World, actor_of
from tests.dbstate import snapshot
from tests.factories import PDF_BYTES, audits_world, registry_world, risk_world

Value = Callable[[World], object]

WRITE_METHODS = {"post", "put", "patch", "delete"}


def _x(key: str, attr: str = "pk") -> Value:
    return lambda w: getattr(w.extras[key], attr)


def _spare_token(w: World) -> object:
    token, _secret = account_services.create_token(actor_of(w.admin_a), name="erp")
    return token.pk


def _pending_invitation(w: World) -> object:
    from covenant.orgs import services as org_services

    invitation, _token = org_services.invite(actor_of(w.admin_a), email="new@noordhaven.example", role="viewer")
    return invitation.pk


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("report.pdf", PDF_BYTES, content_type="application/pdf")


def _findings_csv() -> SimpleUploadedFile:
    data = b"section,grade,description\n5,major,Overtime premium not paid\n"
    return SimpleUploadedFile("findings.csv", data, content_type="text/csv")


def _list_csv() -> SimpleUploadedFile:
    data = b"name,country\nNew Site Ltd,CN\n"
    return SimpleUploadedFile("list.csv", data, content_type="text/csv")


def _lock(w: World, key: str) -> object:
    """An object of the locked-audit world (issue 13), built on first use."""
    from tests.factories import audit_lock_world

    return audit_lock_world(w).extras[key].pk


def _joint(w: World) -> object:
    """Member A's joint audit of the shared site (its audit request joined it)."""
    from covenant.audits.models import JointAudit

    return JointAudit.objects.get(facility=w.extras["shared"]).pk


def _joint_link(w: World, key: str) -> Any:
    """A joint audit whose chosen firm is the world's audit firm, and the firm's audit to link."""
    from tests.factories import joint_audit_world

    return joint_audit_world(w).extras[key]


def _duplicate_pair(w: World) -> object:
    from covenant.registry.models import DuplicatePair

    shared, other = w.extras["shared"], w.extras["other"]
    pair, _created = DuplicatePair.objects.get_or_create(
        a_id=min(shared.pk, other.pk),
        b_id=max(shared.pk, other.pk),
        defaults={"score": 0.6, "features": {"name_weighted": 0.8}},
    )
    return pair.pk


def _provisional(w: World) -> object:
    """A site member A added by hand: provisional, waiting in the secretariat's moderation queue."""
    from covenant.registry.services import add_site

    if "provisional" not in w.extras:
        outcome = add_site(
            actor_of(w.admin_a), name="Probe Provisional Dyehouse", address="Dongguan", country="CN", create=True
        )
        w.extras["provisional"] = outcome.facility
    return w.extras["provisional"].public_id


def _disclosure_fingerprint(w: World) -> str:
    from covenant.registry.selectors import disclosure_preview

    return disclosure_preview(actor_of(w.coordinator)).fingerprint


def _learning_resource(w: World) -> Any:
    from tests.learning.builders import learning_world

    return learning_world(w).extras["lib_sector"]


@dataclass(frozen=True)
class Write:
    owner: str  # the World attribute (or extras key) of an administrator of the owning organisation
    path: dict[str, Value] = field(default_factory=dict)
    body: Callable[[World], dict[str, Any]] | None = None  # JSON, or form fields and files for uploads
    query: Callable[[World], dict[str, Any]] | None = None
    reads: bool = False  # a POST that only reads (answers 200 to a read-only token, changes nothing)


WRITES: dict[str, Write] = {
    "revoke_token": Write("admin_a", {"token_id": _spare_token}),
    "create_invitation": Write("admin_a", body=lambda w: {"email": "someone@noordhaven.example", "role": "viewer"}),
    "revoke_invitation": Write("admin_a", {"invitation_id": _pending_invitation}),
    "match_facility": Write("admin_a", body=lambda w: {"name": "Dongguan Huaxin Garment", "country": "CN"}, reads=True),
    "upload_list": Write("admin_a", body=lambda w: {"list_name": "Spring", "file": _list_csv()}),
    "add_site": Write("admin_a", body=lambda w: {"name": "New Site Ltd", "country": "PT", "tier": 1}),
    "confirm_upload": Write("admin_a", {"upload_id": _x("upload")}, body=lambda w: {"end_links": False}),
    "undo_row": Write("admin_a", {"row_id": _x("row")}),
    "archive_list": Write("admin_a", {"list_id": _x("supplier_list")}),
    "delete_list": Write("admin_a", {"list_id": _x("supplier_list")}),
    "set_upload_mapping": Write(
        "admin_a", {"upload_id": _x("upload")}, body=lambda w: {"mapping": {"name": 0, "country": 1}}
    ),
    "confirm_row": Write("admin_a", {"row_id": _x("row")}, body=lambda w: {"facility": w.extras["shared"].public_id}),
    "reject_row": Write("admin_a", {"row_id": _x("row")}, body=lambda w: {"facility": w.extras["shared"].public_id}),
    "new_from_row": Write("admin_a", {"row_id": _x("row")}),
    "dismiss_duplicate": Write("coordinator", {"pair_id": _duplicate_pair}),
    "moderation_accept": Write("coordinator", {"public_id": _provisional}),
    "moderation_reject": Write("coordinator", {"public_id": _provisional}),
    "moderation_merge": Write(
        "coordinator", {"public_id": _provisional}, body=lambda w: {"into": w.extras["shared"].public_id}
    ),
    "publish_disclosure": Write("coordinator", body=lambda w: {"fingerprint": _disclosure_fingerprint(w)}),
    "create_audit": Write(
        "audit_supplier_admin",
        body=lambda w: {
            "facility": w.extras["audit_site"].public_id,
            "scheme": "smeta/7.0-4p",
            "start_date": "2026-01-05",
            "end_date": "2026-01-06",
            "audit_firm": w.audit_firm.slug,
            "auditors": [{"name": "A. Auditor", "is_lead": True}],
        },
    ),
    "upload_report": Write("audit_supplier_admin", {"audit_id": _x("audit")}, body=lambda w: {"file": _pdf()}),
    "import_findings": Write(
        "audit_supplier_admin", {"audit_id": _x("audit")}, body=lambda w: {"file": _findings_csv()}
    ),
    "share_audit": Write("audit_supplier_admin", {"audit_id": _x("audit")}, body=lambda w: {"member": w.member_b.slug}),
    "unshare_audit": Write("audit_supplier_admin", {"audit_id": _x("audit"), "member": lambda w: w.member_a.slug}),
    "verify_cap": Write("admin_a", {"action_id": _x("action")}, body=lambda w: {"method": "desk_review"}),
    "add_cap_evidence": Write(
        "audit_supplier_admin", {"action_id": _x("action")}, body=lambda w: {"note": "Payslips", "file": _pdf()}
    ),
    "update_cap": Write(
        "audit_supplier_admin", {"action_id": _x("action")}, body=lambda w: {"responsible": "HR manager"}
    ),
    # Issue 13: joint audits (member A's, from its audit request in the audits world).
    "open_joint_audit": Write("admin_a", body=lambda w: {"facility": w.extras["audit_site"].public_id}),
    "join_joint_audit": Write("admin_a", {"joint_id": lambda w: _joint(w)}, body=lambda w: {"cost_share_percent": 40}),
    "link_joint_audit": Write(
        "auditor",
        {"joint_id": lambda w: _joint_link(w, "joint_link").pk},
        body=lambda w: {"audit": str(_joint_link(w, "joint_link_audit").pk)},
    ),
    # Issue 13: the firm submits and revises its locked audit; deadlines move by extension requests.
    "submit_audit": Write("auditor", {"audit_id": lambda w: _lock(w, "firm_draft")}),
    "revise_audit": Write(
        "auditor",
        {"audit_id": lambda w: _lock(w, "firm_audit")},
        body=lambda w: {"reason": "Head count corrected", "workers_female": 77},
    ),
    "request_cap_extension": Write(
        "audit_supplier_admin",
        {"action_id": lambda w: _lock(w, "firm_action")},
        body=lambda w: {"due_date": "2030-01-31", "reason": "New machines arrive in January"},
    ),
    "decide_cap_extension": Write(
        "admin_a", {"extension_id": lambda w: _lock(w, "extension")}, body=lambda w: {"approve": True}
    ),
    "comment_on_finding": Write(
        "admin_a", {"audit_id": _x("audit"), "number": lambda w: 1}, body=lambda w: {"text": "Payslips, please"}
    ),
    "set_risk_override": Write(
        "admin_a",
        {"public_id": _x("cocoa", "public_id")},
        body=lambda w: {"topic": "wages", "score": 7.0, "justification": "Our own audit"},
    ),
    "remove_risk_override": Write(
        "admin_a", {"public_id": _x("shared", "public_id")}, query=lambda w: {"topic": "wages"}
    ),
    # Issue 15: members' entries and the supplier's evidence on a grievance case.
    "add_member_entry": Write(
        "admin_a",
        {"case_id": lambda w: _remediation(w, "case").pk},
        body=lambda w: {"kind": "comment", "text": "probe"},
    ),
    "add_action_evidence": Write(
        "supplier_admin",
        {
            "case_id": lambda w: _remediation(w, "case").pk,
            "number": lambda w: _remediation(w, "grievance_action").number,
        },
        body=lambda w: {"note": "probe"},
    ),
    # Issue 17 item 1: finding partners.
    "signal_partner_interest": Write(
        "admin_a", body=lambda w: {"kind": "site", "key": w.extras["shared"].public_id, "note": "probe"}
    ),
    "withdraw_partner_interest": Write("admin_a", {"interest_id": lambda w: _partner_interest(w)}),
    "respond_to_event": Write(
        "admin_a",
        {"event_id": _x("event")},
        body=lambda w: {"facility": w.extras["cocoa"].public_id, "status": "done", "checklist_done": [0, 1]},
    ),
    # Issue 16: the member's self-assessment (its 2026 draft, answered in full; tests/assessments/builders.py).
    "save_self_assessment_answers": Write(
        "admin_a", {"year": lambda w: _self_assessment_year(w)}, body=lambda w: {"answers": {"1.1.a": "no"}}
    ),
    "submit_self_assessment": Write("admin_a", {"year": lambda w: _self_assessment_year(w)}),
    # Issue 17: member A's action plan and exit decisions (tests/plans/builders.py).
    "add_plan_risk": Write("admin_a", body=lambda w: {"topic": "wages", "scope": "chain", "why": "probe"}),
    "update_plan_risk": Write("admin_a", {"risk_id": lambda w: _plan(w, "plan_risk")}, body=lambda w: {"why": "probe"}),
    "add_plan_action": Write(
        "admin_a", {"risk_id": lambda w: _plan(w, "plan_risk")}, body=lambda w: {"kind": "own", "description": "probe"}
    ),
    "update_plan_action": Write(
        "admin_a", {"action_id": lambda w: _plan(w, "plan_action")}, body=lambda w: {"status": "done"}
    ),
    "record_exit_decision": Write(
        "admin_a",
        body=lambda w: {"decision": "continue", "justification": "probe", "event_response": _plan(w, "response")},
    ),
    "set_learning_progress": Write(
        "admin_a", {"resource_id": lambda w: _learning_resource(w).pk}, body=lambda w: {"status": "completed"}
    ),
}


def _plan(w: World, key: str) -> Any:
    """The pk of a row of member A's action plan world, built on first use."""
    from tests.plans.builders import plans_world

    return plans_world(w).extras[key].pk


def _self_assessment_year(w: World) -> int:
    from tests.assessments.builders import tenancy_world

    return int(tenancy_world(w).extras["sa_cycle"].year)


def _partner_interest(w: World) -> object:
    from covenant.partners import services

    return services.signal_interest(actor_of(w.admin_a), "site", w.extras["shared"].public_id).pk


def _remediation(w: World, key: str) -> Any:
    """A grievance case shared with the site's supplier, with a corrective action open."""
    from tests.grievances.builders import remediation_world

    remediation_world(w)
    return w.extras[key]


def _write_operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """``{handler name: (method, path template, operation)}`` for every write in the document."""
    found = {}
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, operation in item.items():
            if method in WRITE_METHODS:
                found[operation["operationId"].rsplit("_api_", 1)[-1]] = (method, path, operation)
    return found


OPERATIONS = _write_operations()


def test_every_write_route_is_walked() -> None:
    missing = sorted(set(OPERATIONS) - set(WRITES))
    assert not missing, f"Write routes without an entry in WRITES ({__file__}): {missing}"
    stale = sorted(set(WRITES) - set(OPERATIONS))
    assert not stale, f"Entries in WRITES for routes that no longer exist: {stale}"
    # The walk means something only if it covers the kinds of write there are.
    assert {m for m, _p, _o in OPERATIONS.values()} == {"post", "put", "patch", "delete"}


@pytest.fixture
def sector(world: World) -> World:
    registry_world(world)
    audits_world(world)
    risk_world(world)
    return world


def _owner(w: World, name: str) -> Any:
    return getattr(w, name) if hasattr(w, name) else w.extras[name]


def _request(w: World, name: str, token: str) -> tuple[str, str, dict[str, Any]]:
    """Method, URL and client arguments; objects the probe needs (a spare token) are made here."""
    method, template, operation = OPERATIONS[name]
    spec = WRITES[name]
    url = template
    for param, value in spec.path.items():
        url = url.replace("{" + param + "}", str(value(w)))
    assert "{" not in url, f"{name}: no value for a path parameter of {template}"
    if spec.query:
        url += "?" + urlencode(spec.query(w))
    content = operation.get("requestBody", {}).get("content", {})
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if content:
        assert spec.body is not None, f"{name} takes a body: give WRITES[{name!r}] a well-formed one"
        body = spec.body(w)
        if "multipart/form-data" in content:
            kwargs["data"] = body  # the test client encodes files and fields as multipart
        else:
            kwargs.update(data=body, content_type="application/json")
    return method, url, kwargs


def _send(w: World, name: str, token: str) -> Any:
    method, url, kwargs = _request(w, name, token)
    return getattr(Client(), method)(url, **kwargs)


def test_a_read_only_token_changes_nothing(sector: World) -> None:
    """One sector for the whole walk (building it is the slow part); every route is probed and
    every failure reported together. A probe that wrongly wrote fails the test whatever follows."""
    failures = []
    for name in sorted(OPERATIONS):
        if name not in WRITES:
            failures.append(f"{name}: a write route without an entry in WRITES")
            continue
        spec = WRITES[name]
        owner = _owner(sector, spec.owner)
        _t, token = account_services.create_token(actor_of(owner), name="reader", read_only=True)
        method, url, kwargs = _request(sector, name, token)
        before = snapshot(project_only=False)
        response = getattr(Client(), method)(url, **kwargs)
        expected = 200 if spec.reads else 403
        if response.status_code != expected:
            failures.append(f"{name}: {method.upper()} {url} gave {response.status_code}, not {expected}")
        new_events = list(
            AuditEvent.objects.filter(seq__gt=before["last audit event"]).values_list("action", flat=True)
        )
        if new_events:
            failures.append(f"{name}: recorded {new_events}")
        after = snapshot(project_only=False)
        changed = {k: (v, after[k]) for k, v in before.items() if after[k] != v}
        if changed:
            failures.append(f"{name}: changed row counts {changed}")
    assert not failures, "A read-only token got through:\n" + "\n".join(failures)


def test_the_same_writes_work_with_a_read_write_token(sector: World) -> None:
    """The 403s above come from the token's limit: the same person's read-write token gets through."""
    for name in ("revoke_token", "share_audit", "set_risk_override", "verify_cap"):
        spec = WRITES[name]
        _t, token = account_services.create_token(actor_of(_owner(sector, spec.owner)), name="rw", read_only=False)
        response = _send(sector, name, token)
        assert response.status_code < 300, f"{name}: {response.status_code} {response.content[:300]!r}"
