"""The main menu shows each kind of organisation what it can use, and keeps account pages aside."""

from __future__ import annotations

from covenant.core.navigation import menu_for
from tests.conftest import World, actor_of


def _labels(items: list[dict[str, object]]) -> list[str]:
    return [str(item["label"]) for item in items]


def test_member_menu_holds_the_work_and_the_account_menu_the_organisation(world: World) -> None:
    actor = actor_of(world.admin_a)
    main = _labels(menu_for(actor, "/dashboard/"))
    account = _labels(menu_for(actor, "/dashboard/", place="account"))
    assert {"Supply chain", "Review", "Risk", "Audit coverage"} <= set(main)
    assert account == ["My organisation", "Activity", "API tokens"]
    assert not set(main) & set(account)


def test_a_viewer_does_not_get_the_admins_activity_log(world: World) -> None:
    viewer = next(u for u in (world.editor_a, world.admin_b) if not actor_of(u).can_admin)
    assert "Activity" not in _labels(menu_for(actor_of(viewer), "/", place="account"))


def test_a_supplier_sees_no_member_pages(world: World) -> None:
    main = _labels(menu_for(actor_of(world.supplier_admin), "/dashboard/"))
    assert "Supply chain" not in main and "Audit coverage" not in main
    assert "Audits" in main


def test_the_page_marks_the_current_entry(world: World) -> None:
    items = menu_for(actor_of(world.admin_a), "/risk/")
    assert [str(i["label"]) for i in items if i["active"]] == ["Risk"]
