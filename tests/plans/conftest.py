from __future__ import annotations

import pytest

from tests.conftest import World
from tests.plans.builders import plans_world


@pytest.fixture
def plans(world: World) -> World:
    return plans_world(world)
