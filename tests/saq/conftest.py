from __future__ import annotations

import pytest

from tests.conftest import World
from tests.saq.world import saq_world


@pytest.fixture
def sw(world: World) -> World:
    """The world with a supplier's submitted SAQ shared with member A (tests/saq/world.py)."""
    return saq_world(world)
