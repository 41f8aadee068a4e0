"""The site page offers the member its decisions about the site and the way to record one."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import World


def _site_page(plans: World, user: object) -> str:
    site = plans.extras["exit_decision"].facility
    return plans.client(user).get(reverse("registry:facility", args=[site.public_id])).content.decode()


def test_the_member_sees_its_decision_and_the_way_to_record_one(plans: World) -> None:
    site = plans.extras["exit_decision"].facility
    html = _site_page(plans, plans.admin_a)
    assert "Continue, suspend or exit" in html
    assert reverse("plans:exit", args=[plans.extras["exit_decision"].pk]) in html
    assert f"{reverse('plans:exits')}?site={site.public_id}" in html


def test_a_viewer_sees_the_decision_but_no_form_link(plans: World) -> None:
    html = _site_page(plans, plans.viewer_a)
    assert reverse("plans:exit", args=[plans.extras["exit_decision"].pk]) in html
    assert f"{reverse('plans:exits')}?site=" not in html


def test_others_see_no_decision_of_the_member(plans: World) -> None:
    for user in (plans.admin_b, plans.supplier_admin, plans.coordinator):
        html = _site_page(plans, user)
        assert reverse("plans:exit", args=[plans.extras["exit_decision"].pk]) not in html, user
        assert "canary-a" not in html, user
