"""The learning library's test data: the sector's library, and member A's tools in each state."""

from __future__ import annotations

from typing import Any

from covenant.learning import services
from covenant.learning.models import Resource
from tests.conftest import SYSTEM, World, actor_of
from tests.factories import PDF_BYTES


def tool(**fields: Any) -> services.ContributionInput:
    values: dict[str, Any] = {
        "kind": "tool",
        "title": "Grievance log template",
        "summary": "A spreadsheet to log workers' complaints.",
        "topics": ["forced_labour"],
        "steps": [6],
        "language": "en",
        "url": "https://tools.example/grievance-log",
        "licence": "CC BY 4.0",
    }
    values.update(fields)
    return services.ContributionInput(**values)


def learning_world(world: World) -> World:
    """The sector's library, and member A's tools: one published (open to all, so without the
    canary), one submitted with a file, one draft (both canary-a)."""
    if "lib_submitted" in world.extras:
        return world
    services.import_library(SYSTEM)
    admin_a, coordinator = actor_of(world.admin_a), actor_of(world.coordinator)
    published = services.save_contribution(admin_a, tool(title="Wage gap calculator for small firms"))
    services.decide(coordinator, published, approve=True)
    submitted = services.save_contribution(
        admin_a,
        tool(title="canary-a visit checklist", url="", file_name="canary-a-checklist.pdf", file_data=PDF_BYTES),
    )
    draft = services.save_contribution(admin_a, tool(title="canary-a draft training"), submit=False)
    world.extras.update(
        lib_published=Resource.objects.get(pk=published.pk),
        lib_submitted=submitted,
        lib_draft=draft,
        lib_sector=Resource.objects.get(key="ilo-forced-labour-indicators"),
    )
    return world
