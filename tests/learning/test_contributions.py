"""Members' tools: private until the secretariat approves, locked once published (a change is a
new version), files checked and served only through the view that checks access."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from covenant.core.errors import Conflict
from covenant.learning import selectors, services
from covenant.learning.models import Resource, ResourceStatus
from tests.conftest import World, actor_of, client_for
from tests.factories import PDF_BYTES, make_pdf
from tests.learning.builders import learning_world, tool


@pytest.fixture
def lw(world: World) -> World:
    return learning_world(world)


def _page(user: object, resource: Resource) -> int:
    return client_for(user).get(reverse("learning:resource", args=[resource.pk])).status_code  # type: ignore[arg-type]


def test_a_submitted_tool_is_seen_by_its_organisation_and_the_secretariat_only(lw: World) -> None:
    submitted = lw.extras["lib_submitted"]
    assert _page(lw.admin_a, submitted) == 200
    assert _page(lw.viewer_a, submitted) == 200
    assert _page(lw.coordinator, submitted) == 200
    for outsider in (lw.admin_b, lw.supplier_admin, lw.auditor, lw.cso_admin):
        assert _page(outsider, submitted) == 404
        assert client_for(outsider).get(reverse("learning:file", args=[submitted.pk])).status_code == 404


def test_a_draft_is_not_even_the_secretariats(lw: World) -> None:
    draft = lw.extras["lib_draft"]
    assert _page(lw.admin_a, draft) == 200
    assert _page(lw.coordinator, draft) == 404
    assert draft not in selectors.review_queue(actor_of(lw.coordinator))


def test_approval_publishes_and_tells_the_contributor(lw: World, django_capture_on_commit_callbacks: Any) -> None:
    submitted = lw.extras["lib_submitted"]
    lw.editor_a.language = "nl"
    lw.editor_a.save(update_fields=["language"])
    mail.outbox.clear()
    with pytest.raises(PermissionDenied):
        services.decide(actor_of(lw.admin_b), submitted, approve=True)
    client = client_for(lw.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("learning:decide", args=[submitted.pk]), {"decision": "approve"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ResourceStatus.PUBLISHED and submitted.reviewer == lw.coordinator
    assert _page(lw.admin_b, submitted) == 200
    download = client_for(lw.admin_b).get(reverse("learning:file", args=[submitted.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["Cache-Control"] == "private, no-store" and "attachment" in download["Content-Disposition"]
    # One message per language: the administrator reads English, the editor Dutch.
    to = sorted(tuple(m.to) for m in mail.outbox)
    assert to == [(lw.admin_a.email,), (lw.editor_a.email,)]
    with pytest.raises(Conflict):
        services.decide(actor_of(lw.coordinator), submitted, approve=False, reason="late")


def test_rejection_needs_a_reason_and_keeps_the_tool_private(
    lw: World, django_capture_on_commit_callbacks: Any
) -> None:
    submitted = lw.extras["lib_submitted"]
    with pytest.raises(ValidationError):
        services.decide(actor_of(lw.coordinator), submitted, approve=False, reason=" ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(lw.coordinator).post(
            reverse("learning:decide", args=[submitted.pk]),
            {"decision": "reject", "reason": "The licence forbids sharing."},
        )
    submitted.refresh_from_db()
    assert submitted.status == ResourceStatus.REJECTED
    assert _page(lw.admin_b, submitted) == 404
    assert any("The licence forbids sharing." in m.body for m in mail.outbox)


def test_members_cannot_decide_and_viewers_cannot_contribute(lw: World) -> None:
    submitted = lw.extras["lib_submitted"]
    before = submitted.status
    response = client_for(lw.admin_a).post(reverse("learning:decide", args=[submitted.pk]), {"decision": "approve"})
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == before
    with pytest.raises(PermissionDenied):
        services.save_contribution(actor_of(lw.viewer_a), tool())
    with pytest.raises(PermissionDenied):
        services.save_contribution(actor_of(lw.supplier_admin), tool())
    assert client_for(lw.supplier_admin).get(reverse("learning:contribute")).status_code == 403


def test_a_published_tool_is_changed_by_a_new_version_only(lw: World) -> None:
    published = lw.extras["lib_published"]
    admin_a, coordinator = actor_of(lw.admin_a), actor_of(lw.coordinator)
    change = services.save_contribution(admin_a, tool(title="Wage gap calculator, 2nd edition"), base=published)
    published.refresh_from_db()
    assert change.pk != published.pk and change.replaces == published
    assert published.status == ResourceStatus.PUBLISHED and published.title == "Wage gap calculator for small firms"
    with pytest.raises(Conflict):
        services.save_contribution(admin_a, tool(title="a third"), base=published)
    services.decide(coordinator, change, approve=True)
    published.refresh_from_db()
    assert published.status == ResourceStatus.SUPERSEDED
    # The old version stays readable, and points to the new one.
    page = client_for(lw.admin_b).get(reverse("learning:resource", args=[published.pk])).content.decode()
    assert "Wage gap calculator, 2nd edition" in page
    assert published not in selectors.library(actor_of(lw.admin_b))


def test_the_contribute_page_saves_a_draft_and_submits_it(lw: World) -> None:
    client = client_for(lw.editor_a)
    data = {
        "kind": "template",
        "title": "Remediation plan template",
        "topics": ["child_labour"],
        "steps": ["6"],
        "language": "nl",
        "url": "https://tools.example/remediation",
        "licence": "CC BY 4.0",
        "action": "draft",
    }
    response = client.post(reverse("learning:contribute"), data)
    draft = Resource.objects.get(title="Remediation plan template")
    assert response.status_code == 302 and draft.status == ResourceStatus.DRAFT and draft.steps == [6]
    # Editing the draft changes it in place.
    client.post(reverse("learning:contribute") + f"?from={draft.pk}", {**data, "title": "Remediation plan"})
    draft.refresh_from_db()
    assert draft.title == "Remediation plan" and draft.status == ResourceStatus.DRAFT
    client.post(reverse("learning:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ResourceStatus.SUBMITTED and draft in selectors.review_queue(actor_of(lw.coordinator))
    # Another member cannot start from member A's tool.
    assert client_for(lw.admin_b).get(reverse("learning:contribute") + f"?from={draft.pk}").status_code == 404


def test_a_licence_and_a_link_or_file_are_required(lw: World) -> None:
    admin_a = actor_of(lw.admin_a)
    with pytest.raises(ValidationError):
        services.save_contribution(admin_a, tool(licence=""))
    with pytest.raises(ValidationError):
        services.save_contribution(admin_a, tool(url=""))
    with pytest.raises(ValidationError):
        services.save_contribution(admin_a, tool(url="javascript:alert(1)"))


def _docx(*, macros: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
    return out.getvalue()


def test_files_are_judged_by_their_content(lw: World) -> None:
    admin_a = actor_of(lw.admin_a)

    def upload(name: str, data: bytes) -> Resource:
        return services.save_contribution(admin_a, tool(url="", file_name=name, file_data=data))

    docx = upload("plan.docx", _docx())
    assert docx.file_type.endswith("wordprocessingml.document") and docx.file_name == "plan.docx"
    for name, data in (
        ("plan.docm", _docx(macros=True)),
        ("report.pdf", make_pdf(javascript="app.alert(1)")),
        ("report.pdf", b"MZ\x90\x00 not a pdf"),
        ("renamed.pdf", b"<html><script>alert(1)</script></html>"),
    ):
        with pytest.raises(ValidationError):
            upload(name, data)
    # A PDF named .exe is stored as what it is.
    assert upload("tool.exe", PDF_BYTES).file_name == "tool.pdf"


def test_files_are_not_served_from_the_storage_path(lw: World) -> None:
    submitted = lw.extras["lib_submitted"]
    assert client_for(lw.admin_b).get(f"/private-files/{submitted.file.name}").status_code == 404
    assert client_for(lw.admin_b).get(reverse("learning:file", args=[lw.extras["lib_published"].pk])).status_code == 404


def test_withdrawing_a_published_tool_takes_it_out_of_the_library(lw: World) -> None:
    published = lw.extras["lib_published"]
    with pytest.raises(PermissionDenied):
        services.withdraw(actor_of(lw.admin_b), published)
    response = client_for(lw.admin_a).post(reverse("learning:withdraw", args=[published.pk]))
    assert response.status_code == 302
    assert _page(lw.admin_b, published) == 404 and _page(lw.admin_a, published) == 200


def test_the_pages_offer_what_the_reader_may_do(lw: World) -> None:
    draft, published = lw.extras["lib_draft"], lw.extras["lib_published"]
    own_draft = client_for(lw.editor_a).get(reverse("learning:resource", args=[draft.pk])).content.decode()
    assert "Submit for review" in own_draft and "Edit the draft" in own_draft
    assert (
        "Propose a new version"
        in client_for(lw.editor_a).get(reverse("learning:resource", args=[published.pk])).content.decode()
    )
    # A viewer reads, but is offered no change; another member sees no contributor's actions.
    assert (
        "Propose a new version"
        not in client_for(lw.viewer_a).get(reverse("learning:resource", args=[published.pk])).content.decode()
    )
    other = client_for(lw.admin_b).get(reverse("learning:resource", args=[published.pk])).content.decode()
    assert "Withdraw" not in other and "Mark as completed" in other
    prefilled = client_for(lw.editor_a).get(reverse("learning:contribute") + f"?from={published.pk}").content.decode()
    assert "Wage gap calculator for small firms" in prefilled and "stays as it is until" in prefilled
    queue = client_for(lw.coordinator).get(reverse("learning:review")).content.decode()
    assert lw.extras["lib_submitted"].title in queue and draft.title not in queue
