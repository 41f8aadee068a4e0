"""Issue 14, item 7: uploaded indicator sets and new weights are drafts, previewed on the sector's
bands, and in force only once the secretariat publishes them (after a confirmation page)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from covenant.core.models import AuditEvent, Job
from covenant.registry.models import Facility, FacilityStatus
from covenant.risk import selectors, services
from covenant.risk.models import Indicator, IndicatorStatus, IndicatorValue, RiskProfile, SiteRisk, TopicWeight
from covenant.risk.reference import load_reference
from tests.conftest import World, actor_of, client_for
from tests.factories import risk_world
from tests.test_query_counts import BOOKKEEPING, _written_tables

# Countries the shipped data rates, at the worst value: enough profiles to move the bands.
WORST = ["CI", "TM", "BD", "IN", "MM", "PK", "CN", "VN", "GH", "NG", "UZ", "KH", "ET", "KE", "HN"]
GSI = (
    "country,value,source,edition,licence,raw\n"
    + "".join(f"{c},10,Probe slavery index,2023,With written permission (test),{c} 40 per 1000\n" for c in WORST)
).encode()


@pytest.fixture
def rworld(world: World) -> World:
    return risk_world(world)


def _upload(w: World, data: bytes = GSI, **fields: Any) -> Indicator:
    return services.upload_indicator(
        actor_of(w.coordinator),
        name=fields.get("name", "Probe slavery index"),
        level="country",
        edition=fields.get("edition", ""),
        licence=fields.get("licence", ""),
        url="",
        data=data,
        weights=fields.get("weights", {"forced_labour": 6.0, "migrant_workers": 2.0}),
    )


def _state() -> tuple[Any, ...]:
    return (
        list(Indicator.objects.order_by("pk").values_list("pk", "status", "draft_weights")),
        IndicatorValue.objects.count(),
        sorted(TopicWeight.objects.values_list("indicator_id", "topic_id", "points")),
        sorted(SiteRisk.objects.values_list("facility_id", "score", "band")),
        RiskProfile.objects.count(),
    )


def test_an_upload_is_a_draft_that_scores_nothing(rworld: World) -> None:
    w = rworld
    before = _state()
    codes = {i.code for i in load_reference().indicators}
    draft = _upload(w)
    assert draft.status == IndicatorStatus.DRAFT
    assert draft.draft_weights == {"forced_labour": 6.0, "migrant_workers": 2.0}
    assert draft.edition == "2023" and draft.licence == "With written permission (test)"  # from the file
    assert IndicatorValue.objects.filter(indicator=draft, country="TM").get().raw == "TM 40 per 1000"
    assert not TopicWeight.objects.filter(indicator=draft).exists()
    assert {i.code for i in load_reference().indicators} == codes  # scoring does not read it
    assert _state()[2:] == before[2:]
    event = AuditEvent.objects.get(action="risk.indicator.uploaded")
    assert event.summary["status"] == "draft" and event.summary["values"] == len(WORST)
    # Members read published indicators only; a draft is not even there for them.
    page = client_for(w.admin_a).get(reverse("risk:indicators")).content.decode()
    assert "Probe slavery index" not in page
    assert client_for(w.admin_a).get(reverse("risk:indicator", args=[draft.pk])).status_code == 404
    assert "Probe slavery index" in client_for(w.coordinator).get(reverse("risk:indicators")).content.decode()


def test_a_failed_upload_changes_nothing(rworld: World) -> None:
    w = rworld
    before = (_state(), AuditEvent.objects.count())
    bad = (
        b"country,value,source,edition,licence\n"
        b"CI,6,Probe,2023,Permission\n"
        b"XX,3,Probe,2023,Permission\n"
        b"TM,4,Probe,2024,Permission\n"
        b"BD,4,Probe,2023,\n"
    )
    with pytest.raises(ValidationError) as caught:
        _upload(w, bad)
    messages = " ".join(caught.value.messages)  # type: ignore[attr-defined]
    assert "Row 3: unknown country code 'XX'" in messages
    assert "Row 4: edition '2024' differs from row 2's '2023'" in messages
    assert "Row 5: the licence is missing" in messages
    with pytest.raises(ValidationError, match="the file"):  # the form and the file disagree on the edition
        _upload(w, GSI, edition="2018")
    assert (_state(), AuditEvent.objects.count()) == before
    # Through the page, by the secretariat: the rows are listed, nothing changes.
    upload = io.BytesIO(bad)
    upload.name = "gsi.csv"
    response = client_for(w.coordinator).post(
        reverse("risk:indicators"),
        {"name": "Probe", "level": "country", "w_forced_labour": "3", "file": upload},
    )
    assert response.status_code == 200 and "Row 3: unknown country code" in response.content.decode()
    assert (_state(), AuditEvent.objects.count()) == before


def test_only_the_secretariat_uploads_previews_publishes_and_discards(rworld: World) -> None:
    w = rworld
    draft = _upload(w)
    before = (_state(), AuditEvent.objects.count())
    for user in (w.admin_a, w.admin_b, w.supplier_admin, w.auditor):
        client = client_for(user)
        upload = io.BytesIO(GSI)
        upload.name = "gsi.csv"
        body = {"name": "X", "level": "country", "file": upload}
        assert client.post(reverse("risk:indicators"), body).status_code == 403
        assert client.get(reverse("risk:indicator_preview", args=[draft.pk])).status_code in (403, 404)
        assert client.get(reverse("risk:indicator_publish", args=[draft.pk])).status_code in (403, 404)
        assert client.post(reverse("risk:indicator_publish", args=[draft.pk])).status_code in (403, 404)
        assert client.post(reverse("risk:indicator_discard", args=[draft.pk])).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.publish_indicator(actor_of(w.admin_a), draft)
    assert (_state(), AuditEvent.objects.count()) == before


def test_the_preview_compares_the_bands_and_writes_nothing(rworld: World) -> None:
    w = rworld
    draft = _upload(w)
    before = _state()
    client = client_for(w.coordinator)
    client.get(reverse("risk:indicator_preview", args=[draft.pk]))  # warms caches and the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("risk:indicator_preview", args=[draft.pk]))
    assert response.status_code == 200
    assert not _written_tables(ctx) - BOOKKEEPING
    assert _state() == before
    page = response.content.decode()
    assert "Reference profiles" in page and "Active sites in the register" in page and "Publish" in page
    preview = selectors.indicator_preview(actor_of(w.coordinator), draft)
    reference, register, linked = preview.rows
    # Worse values can only raise scores: more profiles high or very high, none fewer.
    assert reference.after != reference.before and sum(reference.after) == sum(reference.before)
    assert sum(reference.after[2:]) > sum(reference.before[2:])
    sites = Facility.objects.filter(status=FacilityStatus.ACTIVE).count()
    assert sum(register.before) == sum(register.after) == sites
    assert register.down == 0 and linked.down == 0
    assert preview.members == 2  # members A and B link sites; none is named
    assert len(preview.recalibrated.limits) == 3


def test_publishing_asks_first_then_puts_the_draft_in_force_and_recomputes(
    rworld: World, django_capture_on_commit_callbacks: Any
) -> None:
    w = rworld
    draft = _upload(w)
    client = client_for(w.coordinator)
    before = _state()
    confirm = client.get(reverse("risk:indicator_publish", args=[draft.pk]))
    assert confirm.status_code == 200 and "Publish and recompute" in confirm.content.decode()
    assert _state() == before  # asking writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("risk:indicator_publish", args=[draft.pk]))
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == IndicatorStatus.PUBLISHED and draft.draft_weights is None
    assert dict(TopicWeight.objects.filter(indicator=draft).values_list("topic__code", "points")) == {
        "forced_labour": 6.0,
        "migrant_workers": 2.0,
    }
    event = AuditEvent.objects.get(action="risk.indicator.published")
    assert event.summary["first_publication"] is True and event.summary["after"]["forced_labour"] == 6.0
    assert AuditEvent.objects.filter(action="risk.recompute.started").exists()
    assert Job.objects.filter(kind="risk.recompute").exists()
    cotton = w.extras["cotton"]
    page = client_for(w.admin_b).get(reverse("registry:facility", args=[cotton.public_id])).content.decode()
    assert "Probe slavery index 2023: TM 40 per 1000" in page
    # Nothing left to publish.
    assert client.get(reverse("risk:indicator_publish", args=[draft.pk])).status_code == 404


def test_new_weights_wait_as_a_draft_until_published_and_can_be_discarded(rworld: World) -> None:
    w = rworld
    coordinator = actor_of(w.coordinator)
    ituc = Indicator.objects.get(code="ituc-gri")
    in_force = dict(TopicWeight.objects.filter(indicator=ituc).values_list("topic__code", "points"))
    url = reverse("risk:indicator", args=[ituc.pk])
    response = client_for(w.coordinator).post(url, {"w_freedom_of_association": "2"})
    assert response.status_code == 302 and response["Location"] == reverse("risk:indicator_preview", args=[ituc.pk])
    ituc.refresh_from_db()
    assert ituc.draft_weights == {"freedom_of_association": 2.0}
    assert dict(TopicWeight.objects.filter(indicator=ituc).values_list("topic__code", "points")) == in_force
    assert AuditEvent.objects.filter(action="risk.indicator.weights_drafted").exists()
    preview = selectors.indicator_preview(coordinator, ituc)
    assert sum(preview.rows[0].after[2:]) <= sum(preview.rows[0].before[2:])  # lighter weights, lower scores
    services.discard_draft(coordinator, ituc)
    ituc.refresh_from_db()
    assert ituc.draft_weights is None and ituc.status == IndicatorStatus.PUBLISHED
    assert dict(TopicWeight.objects.filter(indicator=ituc).values_list("topic__code", "points")) == in_force
    # A discarded draft set goes with its values.
    draft = _upload(w)
    services.discard_draft(coordinator, draft)
    assert not Indicator.objects.filter(pk=draft.pk).exists()
    assert not IndicatorValue.objects.filter(indicator_id=draft.pk).exists()
    assert AuditEvent.objects.filter(action="risk.indicator.draft_discarded").count() == 2


def test_a_published_set_is_not_replaced_by_an_upload(rworld: World) -> None:
    w = rworld
    draft = _upload(w)
    services.publish_indicator(actor_of(w.coordinator), draft)
    before = _state()
    with pytest.raises(ValidationError) as caught:
        _upload(w)
    assert "new edition" in " ".join(caught.value.messages)  # type: ignore[attr-defined]
    assert _state() == before
    again = _upload(w, GSI.replace(b",2023,", b",2025,"))
    assert again.pk != draft.pk and again.status == IndicatorStatus.DRAFT
