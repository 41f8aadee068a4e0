"""The main menu shows each kind of organisation what it can use, and keeps account pages aside."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from covenant.core import navigation
from covenant.core.actors import Actor
from covenant.core.navigation import NavItem, menu_for
from covenant.core.roles import ADMIN_ROLES, ROLES_BY_KIND, OrgKind
from tests.conftest import World, actor_of, client_for, make_org


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


# The menus as they were when each app still had its line in one list in core (plus the register's
# moderation and duplicates queues since): the apps now register their own entries, and the order
# and the audience of each entry must not change unnoticed.
MAIN_MENU_BY_KIND = {
    "secretariat": [
        "Dashboard", "Risk events", "Risk indicators", "Sanctions", "Register", "Supplier SAQs", "Joint actions",
        "Audits",
        "Exit decisions", "Partners", "Claims", "New sites", "Duplicates", "Disclosure", "Self-assessment",
        "Grievances",
        "Learning", "Organisations",
    ],
    "member": [
        "Dashboard", "Supply chain", "Lists", "Review", "Risk", "Action plan", "Risk events", "Register", "Audits",
        "Supplier SAQs", "Audit coverage", "Joint audits", "Joint actions", "Corrective actions", "Partners",
        "Self-assessment", "Grievances",
        "Quick scan", "Learning", "Organisations",
    ],
    "supplier": [
        "Dashboard", "Risk events", "Register", "Audits", "Self-assessments (SAQ)", "Joint audits", "Joint actions",
        "Corrective actions", "Claims", "Grievances", "Learning", "Organisations",
    ],
    "audit_firm": [
        "Dashboard", "Risk events", "Register", "Audits", "Joint audits", "Corrective actions", "Organisations",
    ],
    "cso": ["Dashboard", "Risk events", "Register", "Joint actions", "Grievances", "Learning", "Organisations"],
    "branch_association": ["Dashboard", "Risk events", "Register", "Self-assessment", "Learning", "Organisations"],
    "trade_union": ["Dashboard", "Risk events", "Register", "Joint actions", "Learning", "Organisations"],
}  # fmt: skip


def test_each_kind_and_role_gets_the_same_menus_as_before(world: World) -> None:
    branch, union = make_org("Branche Voeding", "branch_association"), make_org("Plantation Workers", "trade_union")
    orgs = {
        org.kind: org
        for org in (world.secretariat, world.member_a, world.supplier, world.audit_firm, world.cso, branch, union)
    }
    assert set(orgs) == set(OrgKind.values) == set(MAIN_MENU_BY_KIND)
    for kind, org in orgs.items():
        for role in ROLES_BY_KIND[kind]:
            actor = Actor(user=None, org=org, role=role)
            account = (
                ["My organisation", "Activity", "API tokens"]
                if role in ADMIN_ROLES
                else ["My organisation", "API tokens"]
            )
            assert _labels(menu_for(actor, "/dashboard/")) == MAIN_MENU_BY_KIND[kind], (kind, role)
            assert _labels(menu_for(actor, "/dashboard/", place="account")) == account, (kind, role)


def test_the_menu_bar_renders_the_registered_entries_in_order(world: World) -> None:
    html = client_for(world.supplier_admin).get(reverse("core:dashboard")).content.decode()
    bar = html[html.index('<ul class="main-menu">') :]
    bar = bar[: bar.index("</ul>")]
    assert re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', bar) == MAIN_MENU_BY_KIND["supplier"]


def test_two_entries_may_not_claim_one_position() -> None:
    taken = navigation.registered()[0]
    with pytest.raises(ValueError, match="position"):
        navigation.register(NavItem("Probe", "core:job_status", position=taken.position))
    assert "core:job_status" not in [item.url_name for item in navigation.registered()]
