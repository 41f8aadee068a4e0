"""Progress is the person's own: nobody else reads it (not their administrator), the secretariat
counts it without names."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from covenant.accounts import services as account_services
from covenant.learning import selectors, services
from covenant.learning.models import Progress
from tests.conftest import World, actor_of, client_for
from tests.learning.builders import learning_world


@pytest.fixture
def lw(world: World) -> World:
    return learning_world(world)


def test_marking_progress_on_the_page_and_seeing_it_on_my_progress(lw: World) -> None:
    sector = lw.extras["lib_sector"]
    client = client_for(lw.editor_a)
    assert client.post(reverse("learning:progress", args=[sector.pk]), {"status": "started"}).status_code == 302
    first = Progress.objects.get(user=lw.editor_a, resource=sector)
    assert first.status == "started" and first.completed_at is None
    client.post(reverse("learning:progress", args=[sector.pk]), {"status": "completed"})
    done = Progress.objects.get(user=lw.editor_a, resource=sector)
    assert done.status == "completed" and done.completed_at is not None and done.started_at == first.started_at
    assert sector.title in client.get(reverse("learning:my_progress")).content.decode()
    # Not the administrator's, nor anyone else's.
    for other in (lw.admin_a, lw.admin_b, lw.coordinator):
        assert sector.title not in client_for(other).get(reverse("learning:my_progress")).content.decode()
        assert selectors.progress_of(actor_of(other), sector) is None
    # An invalid status changes nothing.
    client.post(reverse("learning:progress", args=[sector.pk]), {"status": "mastered"})
    assert Progress.objects.get(user=lw.editor_a, resource=sector).status == "completed"


def test_no_progress_on_what_the_person_may_not_open(lw: World) -> None:
    submitted = lw.extras["lib_submitted"]
    response = client_for(lw.admin_b).post(reverse("learning:progress", args=[submitted.pk]), {"status": "started"})
    assert response.status_code == 404
    assert not Progress.objects.filter(resource=submitted).exists()


def test_the_api_writes_the_callers_own_progress_and_read_only_tokens_cannot(lw: World) -> None:
    sector = lw.extras["lib_sector"]
    _token, secret = account_services.create_token(actor_of(lw.admin_b), name="lms", read_only=False)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    url = f"/api/v1/learning/resources/{sector.pk}/progress"
    client = client_for(None)
    response = client.post(url, {"status": "completed"}, content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["status"] == "completed"
    detail = client.get(f"/api/v1/learning/resources/{sector.pk}", **auth).json()
    assert detail["my_progress"]["status"] == "completed"
    # The same resource read by another person shows their own (none).
    assert client_for(lw.admin_a).get(f"/api/v1/learning/resources/{sector.pk}").json()["my_progress"] is None
    _ro, ro_secret = account_services.create_token(actor_of(lw.admin_a), name="ro", read_only=True)
    refused = client.post(
        url, {"status": "started"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {ro_secret}"
    )
    assert refused.status_code == 403 and not Progress.objects.filter(user=lw.admin_a).exists()
    with pytest.raises(PermissionDenied):
        services.set_progress(replace(actor_of(lw.admin_a), read_only=True), sector, "started")


def test_the_secretariat_sees_counts_without_names(lw: World) -> None:
    sector = lw.extras["lib_sector"]
    services.set_progress(actor_of(lw.admin_a), sector, "completed")
    services.set_progress(actor_of(lw.admin_b), sector, "started")
    usage = selectors.usage(actor_of(lw.coordinator), sector)
    assert usage is not None and (usage.started, usage.completed) == (2, 1)
    assert selectors.usage(actor_of(lw.admin_a), sector) is None
    page = client_for(lw.coordinator).get(reverse("learning:resource", args=[sector.pk])).content.decode()
    assert "2 people started it, 1 completed it." in page and lw.admin_a.email not in page


def test_completion_counts_by_kind_and_since(lw: World) -> None:
    guide, tool = lw.extras["lib_sector"], lw.extras["lib_published"]
    assert guide.kind == "guide" and tool.kind == "tool"
    services.set_progress(actor_of(lw.admin_a), guide, "completed")
    services.set_progress(actor_of(lw.admin_b), guide, "completed")
    services.set_progress(actor_of(lw.admin_b), tool, "completed")
    services.set_progress(actor_of(lw.editor_a), tool, "started")
    counts = selectors.completion_counts()
    assert counts["guide"] == 2 and counts["tool"] == 1 and counts["template"] == 0 and counts["total"] == 3
    Progress.objects.filter(user=lw.admin_a).update(completed_at=timezone.now() - timedelta(days=400))
    assert selectors.completion_counts(since=timezone.now() - timedelta(days=365))["total"] == 2
