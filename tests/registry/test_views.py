"""The register's pages, as a member and as the secretariat uses them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from covenant.registry import matchindex
from covenant.registry.models import ListUpload, UploadStatus
from tests.conftest import World, client_for
from tests.factories import link, make_facility, registry_world


def test_upload_in_the_browser_then_see_results(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    matchindex.reset()
    make_facility("Rahman Knit Composite Ltd.", "BD", "Plot 12, Road 3, Dhaka EPZ, Savar, Dhaka 1349")
    client = client_for(world.editor_a)
    csv_file = SimpleUploadedFile(
        "list.csv", b"Name,Address,Country\nRahman Knit Composite Limited,Plot 12 Road 3 DEPZ Savar,Bangladesh\n,,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:lists"), {"list_name": "Knitwear", "file": csv_file})
    upload = ListUpload.objects.get()
    assert response["Location"] == reverse("registry:upload", args=[upload.pk])
    assert upload.status == UploadStatus.DONE
    html = client.get(response["Location"]).content.decode()
    assert "Rahman Knit Composite Limited" in html and "Matched" in html
    lists = client.get(reverse("registry:lists")).content.decode()
    assert "Knitwear" in lists


def test_unreadable_upload_says_why(world: World) -> None:
    client = client_for(world.editor_a)
    response = client.post(
        reverse("registry:lists"),
        {"list_name": "X", "file": SimpleUploadedFile("x.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 64)},
        follow=True,
    )
    assert ".xlsx" in response.content.decode()
    assert not ListUpload.objects.exists()


def test_mapping_page_lets_a_person_pick_columns(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.editor_a)
    data = SimpleUploadedFile("x.csv", b"Firma;Wo;Staat\nKiln Works;Jingdezhen;CN\n")
    response = client.post(reverse("registry:lists"), {"list_name": "X", "file": data})
    upload = ListUpload.objects.get()
    assert response["Location"] == reverse("registry:upload_mapping", args=[upload.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Firma" in page and "Staat" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"name": "0", "address": "1", "country": "2"})
    upload.refresh_from_db()
    assert upload.status == UploadStatus.DONE


def test_review_page_shows_candidates_side_by_side_with_differences(world: World) -> None:
    registry_world(world)
    html = client_for(world.editor_a).get(reverse("registry:review")).content.decode()
    assert "Huaxin canary-a Garments" in html
    assert "<mark>" in html  # differences highlighted
    assert "This is it" in html and "None of these" in html


def test_review_confirm_through_the_page(world: World) -> None:
    registry_world(world)
    row, shared = world.extras["row"], world.extras["shared"]
    client = client_for(world.editor_a)
    response = client.post(
        reverse("registry:review_confirm", args=[row.pk]), {"facility": shared.public_id}, follow=True
    )
    assert f"is {shared.public_id}" in response.content.decode()
    row.refresh_from_db()
    assert row.status == "matched" and row.facility == shared


def test_bulk_confirm_of_a_page(world: World) -> None:
    registry_world(world)
    row = world.extras["row"]
    client_for(world.editor_a).post(reverse("registry:review_bulk"), {"rows": [row.pk]})
    row.refresh_from_db()
    assert row.status == "matched" and row.facility.public_id == row.candidates[0]["id"]


def test_chain_page_draws_a_map_and_filters(world: World) -> None:
    site = make_facility("Mapped Mill", "TR", lat=40.18, lng=29.06)
    link(world.member_a, site, tier=1)
    link(world.member_a, make_facility("Other Mill", "PK"), tier=2)
    client = client_for(world.admin_a)
    html = client.get(reverse("registry:chain")).content.decode()
    assert "<svg" in html and "Mapped Mill" in html and "Other Mill" in html
    filtered = client.get(reverse("registry:chain") + "?tier=2").content.decode()
    assert "Other Mill" in filtered and ">Mapped Mill<" not in filtered


def test_facility_page_shows_the_members_own_link_and_edit(world: World) -> None:
    site = make_facility("Linked Mill", "TR")
    own = link(world.member_a, site, tier=1, products=["Towels"])
    client = client_for(world.editor_a)
    html = client.get(reverse("registry:facility", args=[site.public_id])).content.decode()
    assert "Towels" in html and "Edit your link" in html
    client.post(
        reverse("registry:link", args=[own.pk]), {"tier": 2, "products": "Towels, Bathrobes", "spend_band": ">1M"}
    )
    own.refresh_from_db()
    assert own.tier == 2 and own.products == ["Towels", "Bathrobes"] and own.spend_band == ">1M"


def test_secretariat_merge_page_previews_then_merges(world: World) -> None:
    a, b = make_facility("Mill A", "IN"), make_facility("Mill A Pvt Ltd", "IN")
    client = client_for(world.coordinator)
    preview = client.post(reverse("registry:merge"), {"loser": b.public_id, "survivor": a.public_id}).content.decode()
    assert "Merge them" in preview
    client.post(reverse("registry:merge"), {"loser": b.public_id, "survivor": a.public_id, "confirm": "yes"})
    b.refresh_from_db()
    assert b.merged_into == a


def test_members_cannot_use_secretariat_tools(world: World) -> None:
    client = client_for(world.admin_a)
    assert client.get(reverse("registry:merge")).status_code == 403
    assert client.get(reverse("registry:disclosure")).status_code == 403
    assert client.get(reverse("registry:claims")).status_code == 403


def test_chain_summary_counts_sites_per_tier(world: World) -> None:
    from covenant.registry import selectors

    for i, tier in enumerate((1, 1, 1, 2)):
        link(world.member_a, make_facility(f"Tier test site {i}", "VN", f"{i} Le Loi"), tier=tier)
    summary = selectors.chain_summary(world.actor(world.admin_a))
    assert summary["sites"] == 4
    assert summary["by_tier"] == {1: 3, 2: 1}


def test_review_page_leaves_out_hopeless_candidates(world: World) -> None:
    registry_world(world)
    row, other = world.extras["row"], world.extras["other"]
    row.candidates = [row.candidates[0], {"id": other.public_id, "score": 0.01, "features": {}}]
    row.save(update_fields=["candidates"])
    html = client_for(world.editor_a).get(reverse("registry:review")).content.decode()
    assert world.extras["shared"].public_id in html
    assert other.public_id not in html
