"""Home, dashboards, the activity page, job progress and error pages."""

from __future__ import annotations

from django.urls import reverse

from covenant.core.services import create_job, finish_job, report_progress
from tests.conftest import World, actor_of, client_for


def test_home_sends_anonymous_people_to_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_login_page_renders_with_strict_csp(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    assert "<script>" not in html
    assert "style=" not in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_each_kind_gets_its_dashboard(world: World) -> None:
    expectations = {
        world.admin_a: "Start your due diligence",
        world.coordinator: "Participants",
        world.supplier_admin: "Claim your production sites",
        world.auditor: "Enter audit reports",
        world.cso_admin: "Raise concerns",
    }
    for user, text in expectations.items():
        response = client_for(user).get(reverse("core:dashboard"))
        assert response.status_code == 200, user
        assert text in response.content.decode(), user


def test_secretariat_dashboard_counts_participants(world: World) -> None:
    html = client_for(world.coordinator).get(reverse("core:dashboard")).content.decode()
    assert "Member companies" in html
    assert ">2</dd>" in html  # two member companies in the world


def test_person_without_organisation_is_told_what_to_do(db) -> None:  # type: ignore[no-untyped-def]
    from covenant.accounts.models import User

    user = User.objects.create_user("lonely@example.org", "x" * 16)
    response = client_for(user).get(reverse("core:dashboard"))
    assert response.status_code == 403
    assert "not part of an organisation" in response.content.decode()


def test_activity_page_lists_own_events_for_admins_only(world: World) -> None:
    response = client_for(world.admin_a).get(reverse("core:audit_log"))
    assert response.status_code == 200
    assert "orgs.membership.created" in response.content.decode()
    assert client_for(world.viewer_a).get(reverse("core:audit_log")).status_code == 403


def test_job_progress_partial_polls_until_done(world: World) -> None:
    job = create_job(actor_of(world.admin_a), "import", label="Supplier list", total=10)
    report_progress(job.pk, 4)
    client = client_for(world.admin_a)
    html = client.get(reverse("core:job_status", args=[job.pk])).content.decode()
    assert 'value="40"' in html
    assert "hx-trigger" in html
    finish_job(job.pk, {"next_url": "/dashboard/"})
    html = client.get(reverse("core:job_status", args=[job.pk])).content.decode()
    assert 'value="100"' in html
    assert "hx-trigger" not in html
    assert "See the results" in html


def test_switching_organisation(world: World) -> None:
    from covenant.orgs.services import add_member
    from tests.conftest import SYSTEM

    add_member(SYSTEM, world.member_b, world.admin_a, "viewer")
    client = client_for(world.admin_a)
    assert "Noordhaven Foods" in client.get(reverse("core:dashboard")).content.decode()
    client.post(reverse("orgs:switch_organisation"), {"org": world.member_b.pk})
    assert "Zuidkust Retail" in client.get(reverse("core:dashboard")).content.decode()
    # An organisation you do not belong to cannot be picked.
    client.post(reverse("orgs:switch_organisation"), {"org": world.supplier.pk})
    assert "Zuidkust Retail" in client.get(reverse("core:dashboard")).content.decode()


def test_unknown_page_is_friendly_html_and_api_is_problem_json(world: World) -> None:
    client = client_for(world.admin_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()
    api = client.get("/api/v1/no-such-route")
    assert api.status_code == 404
    assert api["Content-Type"] == "application/problem+json"


def test_healthz(db) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    assert Client().get("/healthz").json() == {"status": "ok"}


def test_member_dashboard_shows_the_chain_once_mapped_and_first_steps_before(world: World) -> None:
    from tests.factories import registry_world

    before = world.client(world.admin_b).get(reverse("core:dashboard")).content.decode()
    assert "Start your due diligence" in before
    registry_world(world)
    html = world.client(world.admin_a).get(reverse("core:dashboard")).content.decode()
    assert "Your supply chain" in html and "Start your due diligence" not in html
    assert reverse("registry:review") in html  # one row waits for review
    # Member B has mapped nothing: it still gets the first steps, not A's figures.
    assert "Start your due diligence" in world.client(world.admin_b).get(reverse("core:dashboard")).content.decode()
