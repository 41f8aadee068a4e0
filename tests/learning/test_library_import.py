"""The sector's library in the repository: the file is valid, the import is idempotent by key."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from covenant.core.models import AuditEvent
from covenant.learning import library, services
from covenant.learning.models import Resource, ResourceStatus
from covenant.risk import interface as risk
from tests.conftest import SYSTEM, World, actor_of


def test_the_repositorys_library_is_valid(db: object) -> None:
    entries = library.load(risk.topic_codes())
    assert 25 <= len(entries) <= 40
    assert all(e.url.startswith("https://") for e in entries)
    assert {"en", "nl"} <= {e.language for e in entries}
    sources = (library.DATA.parent / "SOURCES.md").read_text(encoding="utf-8")
    missing = [e.key for e in entries if f"`{e.key}`" not in sources]
    assert not missing, f"entries without a line in SOURCES.md: {missing}"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"topics": ["slavery"]}, "unknown topics"),
        ({"steps": [7]}, "steps"),
        ({"kind": "video"}, "kind"),
        ({"language": "xx"}, "language"),
        ({"url": "ftp://x"}, "url"),
        ({"licence": ""}, "licence"),
    ],
)
def test_a_wrong_entry_is_named(db: object, change: dict[str, object], message: str) -> None:
    raw = json.loads(library.DATA.read_text(encoding="utf-8"))
    raw["resources"][0].update(change)
    with pytest.raises(library.LibraryError, match=message):
        library.parse(raw, risk.topic_codes())


def test_the_import_is_idempotent_and_follows_the_file(world: World, tmp_path: Path) -> None:
    first = services.import_library(SYSTEM)
    assert first.created == len(library.load(risk.topic_codes())) and first.updated == 0
    events = AuditEvent.objects.count()
    again = services.import_library(SYSTEM)
    assert (again.created, again.updated, again.withdrawn) == (0, 0, 0) and again.unchanged == first.created
    assert AuditEvent.objects.count() == events  # nothing changed, nothing recorded
    raw = json.loads(library.DATA.read_text(encoding="utf-8"))
    raw["resources"][0]["title"] = "Renamed"
    dropped = raw["resources"].pop()
    changed = library.parse(raw, risk.topic_codes())
    result = services.import_library(SYSTEM, changed)
    assert (result.created, result.updated, result.withdrawn) == (0, 1, 1)
    assert Resource.objects.get(key=raw["resources"][0]["key"]).title == "Renamed"
    assert Resource.objects.get(key=dropped["key"]).status == ResourceStatus.WITHDRAWN
    assert Resource.objects.filter(key__isnull=False).count() == first.created  # updated in place, never doubled
    back = services.import_library(SYSTEM)
    assert back.updated == 2 and Resource.objects.get(key=dropped["key"]).status == ResourceStatus.PUBLISHED


def test_only_the_secretariat_or_the_system_imports(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_library(actor_of(world.admin_a))
    assert services.import_library(actor_of(world.coordinator)).created > 0


def test_the_command_loads_and_reports(db: object) -> None:
    out = StringIO()
    call_command("learning_library", stdout=out)
    assert "added" in out.getvalue() and Resource.objects.filter(status=ResourceStatus.PUBLISHED).count() >= 25
    out = StringIO()
    call_command("learning_library", stdout=out)
    assert "0 added, 0 updated" in out.getvalue()


def test_the_demo_seed_is_idempotent(world: World) -> None:
    from covenant.learning.demo import APPROVED, WAITING, seed_learning
    from covenant.learning.models import Progress

    for _run in range(2):
        seed_learning(secretariat=world.secretariat, member=world.member_a, log=lambda _m: None)
    tools = Resource.objects.filter(contributed_by=world.member_a)
    assert sorted(tools.values_list("title", "status")) == sorted(
        [(APPROVED, ResourceStatus.PUBLISHED), (WAITING, ResourceStatus.SUBMITTED)]
    )
    assert Progress.objects.filter(user=world.admin_a).count() == 2
