from __future__ import annotations

from covenant.grievances import demo, services
from covenant.grievances.models import Case, Mechanism
from tests.conftest import World, actor_of


def test_demo_seed_is_idempotent_and_its_receipt_works(world: World) -> None:
    lines: list[str] = []
    demo.seed(secretariat=world.secretariat, members=[world.member_a, world.member_b], log=lines.append)
    demo.seed(secretariat=world.secretariat, members=[world.member_a, world.member_b], log=lines.append)
    assert Mechanism.objects.count() == 1 and Case.objects.count() == len(demo.DEMO_CASES)
    assert demo.DEMO_RECEIPT in "\n".join(lines)
    opened = services.open_case(demo.DEMO_RECEIPT, "demo")
    assert opened is not None and opened.case.language == "en"
    assert services.unlock_key(actor_of(world.grievance_handler), demo.DEMO_PASSPHRASE)
