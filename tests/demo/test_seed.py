"""The demo seeder writes a small sector through the services, and is idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from covenant.core.audit import verify_chain
from covenant.core.models import AuditEvent
from covenant.demo.data import DEMO_PASSWORD
from covenant.demo.seed import seed
from covenant.orgs.models import Membership, Organisation
from covenant.registry import matchindex
from covenant.registry.models import Facility, ListRow, SupplyLink

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        Membership.objects.count(),
        Facility.objects.count(),
        SupplyLink.objects.count(),
        ListRow.objects.count(),
        AuditEvent.objects.count(),
    )


def test_seeding_twice_gives_the_same_data() -> None:
    matchindex.reset()
    result = seed(2026, 160, log=lambda _msg: None)
    first = _counts()
    assert first[2] > 100  # the register
    statuses = set(ListRow.objects.values_list("status", flat=True))
    assert {"matched", "new", "error"} <= statuses
    # A few new sites wait in the secretariat's moderation queue; the rest were accepted.
    waiting = set(Facility.objects.filter(confirmation="provisional").values_list("pk", flat=True))
    assert 0 < len(waiting) <= 5
    seed(2026, 160, log=lambda _msg: None)
    assert _counts() == first
    assert set(Facility.objects.filter(confirmation="provisional").values_list("pk", flat=True)) == waiting
    assert verify_chain().ok
    roles = {login.role for login in result.logins}
    assert {"member admin", "member viewer", "secretariat coordinator", "supplier admin", "audit firm admin"} <= roles


def test_demo_logins_work(client) -> None:  # type: ignore[no-untyped-def]
    matchindex.reset()
    result = seed(2026, 120, log=lambda _msg: None)
    member = next(login for login in result.logins if login.role == "member admin")
    response = client.post("/accounts/login/", {"login": member.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_demo_command_prints_the_url_and_a_login_per_role() -> None:
    matchindex.reset()
    out = io.StringIO()
    call_command("demo", "--no-serve", "--sites", "100", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    assert DEMO_PASSWORD in text
    for role in ("member admin", "member editor", "member viewer", "secretariat coordinator", "supplier admin"):
        assert role in text


def test_the_demo_audit_is_shared_with_three_customers_and_avoids_two() -> None:
    from covenant.audits import selectors as audit_selectors
    from covenant.audits.models import Audit, CapStatus

    matchindex.reset()
    seed(2026, 160, log=lambda _msg: None)
    audit = Audit.objects.get()
    assert audit.shares.count() == 3 and audit.scheme_version.scheme.code == "smeta"
    assert all(audit_selectors.is_recognised_for(audit, share.org) for share in audit.shares.all())
    assert audit_selectors.avoided_by_audit() == {audit.pk: 2}
    assert audit.actions.filter(status=CapStatus.CLOSED, verification_method="desk_review").count() == 1
    # Issue 13: the firm's audit is locked, corrected once as a second version; two extension requests.
    assert audit.is_locked and audit.version == 2 and audit.revisions.count() == 1
    assert sorted(audit.actions.values_list("extensions__status", flat=True).exclude(extensions=None)) == [
        "approved",
        "pending",
    ]
