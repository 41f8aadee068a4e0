from tests.conftest import World


def test_world_builds(gw: World) -> None:
    case = gw.extras["case"]
    assert case.recipients.count() == 2
