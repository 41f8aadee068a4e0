"""Supplier lists through the API: the lists page and the column-mapping page, route for route."""

from __future__ import annotations

from typing import Any, get_args

from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.core.models import AuditEvent
from covenant.registry import services
from covenant.registry.api import MappingField
from covenant.registry.listfiles import FIELD_LABELS
from covenant.registry.models import ListUpload, UploadStatus
from tests.conftest import World, actor_of
from tests.factories import registry_world

# Headers nothing recognises: the upload waits for the person to map its columns.
UNMAPPED_CSV = b"Col A,Col B,Col C\nAnatolia Towel Mill,TR,Denizli\nBursa Silk Weavers,TR,Bursa\n"


def _api(user: Any, write: bool = True) -> Client:
    _token, secret = create_token(actor_of(user), name="api", read_only=not write)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _waiting_upload(world: World) -> ListUpload:
    """A second version of member A's list, waiting for its column mapping."""
    registry_world(world)
    upload = services.start_upload(
        actor_of(world.editor_a), world.extras["supplier_list"], filename="v2.csv", data=UNMAPPED_CSV
    )
    assert upload.status == UploadStatus.MAPPING
    return upload


def _mapping_url(upload: ListUpload) -> str:
    return reverse("api:get_upload_mapping", args=[upload.pk])


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_the_member_lists_its_lists_with_the_latest_upload_and_its_uploads_newest_first(world: World) -> None:
    upload = _waiting_upload(world)
    api = _api(world.viewer_a, write=False)  # reading needs no write access
    lists = api.get(reverse("api:list_lists"))
    assert lists.status_code == 200, lists.content
    assert lists.json()["count"] == 1
    (only,) = lists.json()["items"]
    assert only["name"] == "canary-a list" and only["versions"] == 2
    assert only["latest_upload"]["id"] == str(upload.pk) and only["latest_upload"]["version"] == 2
    assert only["latest_upload"]["status"] == "mapping"
    uploads = api.get(reverse("api:list_uploads"))
    assert uploads.status_code == 200
    assert [u["version"] for u in uploads.json()["items"]] == [2, 1]
    assert uploads.json()["count"] == 2
    paged = api.get(reverse("api:list_uploads"), {"page_size": 1, "page": 2}).json()
    assert [u["version"] for u in paged["items"]] == [1]


def test_a_list_without_uploads_has_no_latest_upload(world: World) -> None:
    services.create_list(actor_of(world.editor_a), "Empty list")
    (only,) = _api(world.editor_a).get(reverse("api:list_lists")).json()["items"]
    assert only["name"] == "Empty list" and only["versions"] == 0 and only["latest_upload"] is None


def test_another_member_sees_none_of_the_lists_and_a_supplier_is_refused(world: World) -> None:
    _waiting_upload(world)
    other = _api(world.admin_b)
    assert other.get(reverse("api:list_lists")).json()["count"] == 0
    assert other.get(reverse("api:list_uploads")).json()["count"] == 0
    assert "canary-a" not in other.get(reverse("api:list_uploads")).content.decode()
    assert _api(world.supplier_admin).get(reverse("api:list_lists")).status_code == 403


def test_the_member_reads_and_sets_the_mapping_and_matching_starts(
    world: World,
    django_capture_on_commit_callbacks: Any,
) -> None:
    upload = _waiting_upload(world)
    api = _api(world.editor_a)
    shown = api.get(_mapping_url(upload))
    assert shown.status_code == 200, shown.content
    body = shown.json()
    assert body["headers"] == ["Col A", "Col B", "Col C"] and body["mapping"] == {}
    assert body["required"] == ["name", "country"] and body["fields"] == list(FIELD_LABELS)
    assert body["status"] == "mapping"
    with django_capture_on_commit_callbacks(execute=True):
        saved = api.put(
            _mapping_url(upload),
            {"mapping": {"name": 0, "country": 1, "address": 2}},
            content_type="application/json",
        )
    assert saved.status_code == 200, saved.content
    assert saved.json()["status"] == "queued" and saved.json()["mapping"] == {"name": 0, "country": 1, "address": 2}
    # As after the mapping page: the upload was queued and matched.
    done = api.get(reverse("api:get_upload", args=[upload.pk])).json()
    assert done["status"] == "done" and sum(done["counts"].get(k, 0) for k in ("matched", "review", "new")) == 2
    (event,) = _events("registry.list.mapped")
    assert event.via == "api" and event.org_id == world.member_a.pk and event.object_id == str(upload.pk)
    assert event.summary["mapping"] == {"name": "Col A", "country": "Col B", "address": "Col C"}


def test_an_outsider_gets_404_and_changes_nothing(world: World) -> None:
    upload = _waiting_upload(world)
    other = _api(world.admin_b)
    assert other.get(_mapping_url(upload)).status_code == 404
    put = other.put(_mapping_url(upload), {"mapping": {"name": 0, "country": 1}}, content_type="application/json")
    assert put.status_code == 404
    upload.refresh_from_db()
    assert upload.status == UploadStatus.MAPPING and upload.mapping == {}
    assert not _events("registry.list.mapped")


def test_a_read_only_token_reads_the_mapping_but_may_not_set_it(world: World) -> None:
    upload = _waiting_upload(world)
    api = _api(world.admin_a, write=False)
    assert api.get(_mapping_url(upload)).status_code == 200
    put = api.put(_mapping_url(upload), {"mapping": {"name": 0, "country": 1}}, content_type="application/json")
    assert put.status_code == 403
    upload.refresh_from_db()
    assert upload.status == UploadStatus.MAPPING
    assert not _events("registry.list.mapped")


def test_bad_mappings_are_refused(world: World) -> None:
    upload = _waiting_upload(world)
    api = _api(world.editor_a)

    def put(body: object) -> Any:
        return api.put(_mapping_url(upload), body, content_type="application/json")

    unknown_field = put({"mapping": {"name": 0, "country": 1, "colour": 2}})
    assert unknown_field.status_code == 422
    assert unknown_field["Content-Type"] == "application/problem+json"
    assert put({"mapping": {"name": -1, "country": 1}}).status_code == 422
    assert put({"mapping": {"name": "first", "country": 1}}).status_code == 422
    assert put({"name": 0, "country": 1}).status_code == 422
    # Well-formed, but against the mapping page's rules (the service's).
    missing = put({"mapping": {"name": 0}})
    assert missing.status_code == 400 and "country" in missing.json()["detail"]
    assert put({"mapping": {"name": 0, "country": 0}}).status_code == 400
    assert put({"mapping": {"name": 0, "country": 7}}).status_code == 400
    upload.refresh_from_db()
    assert upload.status == UploadStatus.MAPPING
    assert not _events("registry.list.mapped")


def test_an_upload_being_processed_is_not_mapped_again(world: World) -> None:
    registry_world(world)
    done = world.extras["upload"]  # matched already
    response = _api(world.editor_a).put(
        _mapping_url(done), {"mapping": {"name": 0, "country": 1}}, content_type="application/json"
    )
    assert response.status_code in {400, 409}
    assert not _events("registry.list.mapped")


def test_the_mapping_fields_are_the_list_reader_fields() -> None:
    assert get_args(MappingField) == tuple(FIELD_LABELS)
