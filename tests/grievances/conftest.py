from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from tests.conftest import World
from tests.grievances.builders import grievance_world


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gw(world: World) -> World:
    return grievance_world(world)
