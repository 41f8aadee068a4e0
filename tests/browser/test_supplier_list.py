"""A member uploads a messy Excel list in the browser, reviews, and downloads its chain."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from covenant.registry import matchindex
from tests.conftest import PASSWORD, World
from tests.factories import make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _messy_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Leverancierslijst 2026"])
    sheet.append(["Naam leverancier", "Adres", "Land", "Schakel"])
    sheet.append(["RAHMAN KNIT COMPOSITE LTD", "Plot 12 Rd 3 DEPZ, Savar", "Bangladesh", 1])
    sheet.append(["Huaxin Garments", "Dongguan", "China", 1])
    sheet.append(["", "Nameless Road 1", "China", 1])
    sheet.append(["Jingdezhen Blue Kiln Porcelain", "12 Kiln Street, Jingdezhen", "Volksrepubliek China", 2])
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_upload_review_and_download(
    live_server: Any, world: World, page: Any, artifacts: Path, tmp_path: Path, settings: Any
) -> None:
    matchindex.reset()
    make_facility("Rahman Knit Composite Ltd.", "BD", "Plot 12, Road 3, Dhaka EPZ, Savar, Dhaka 1349")
    make_facility("Dongguan Huaxin Garment Co., Ltd.", "CN", "88 Dongcheng Road, Dongguan, Guangdong")
    # One company name at two addresses: a row that names only the town cannot tell them apart.
    make_facility("Dongguan Huaxin Garment Co., Ltd.", "CN", "12 Humen Avenue, Dongguan, Guangdong")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(world.editor_a.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Lists").click()
    page.get_by_label("File (CSV or Excel .xlsx)").set_input_files(str(_messy_xlsx(tmp_path / "leveranciers.xlsx")))
    page.get_by_role("button", name="Upload and match").click()

    page.wait_for_url("**/lists/uploads/**")
    page.get_by_text("To review", exact=True).first.wait_for()
    body = page.inner_text("main")
    assert "Row 5: the name is missing." in body
    assert "Needs review" in body
    # The same name at the same address matches on its own; two Huaxin sites in one town wait for a person.
    assert "Matched" in page.locator("tr", has_text="RAHMAN KNIT COMPOSITE LTD").inner_text()
    assert "Needs review" in page.locator("tr", has_text="Huaxin Garments").inner_text()
    page.screenshot(path=str(artifacts / "upload-results.png"), full_page=True)

    page.get_by_role("link", name="Review", exact=True).first.click()
    item = page.locator("article.review-item", has_text="Huaxin Garments")
    item.wait_for()
    assert item.locator("mark").count() > 0  # differences highlighted
    page.screenshot(path=str(artifacts / "review.png"), full_page=True)
    item.locator(".candidate", has_text="88 Dongcheng Road").get_by_role("button", name="This is it").click()
    page.get_by_text("Row 4 is CN", exact=False).first.wait_for()

    page.get_by_role("link", name="Supply chain").click()
    assert page.locator("svg.world-map").count() == 1
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Excel").click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    from openpyxl import load_workbook

    names = [row[1].value for row in load_workbook(target).active.iter_rows(min_row=2)]
    # The automatic match, the row the reviewer confirmed and the new site.
    assert sorted(names) == [
        "Dongguan Huaxin Garment Co., Ltd.",
        "Jingdezhen Blue Kiln Porcelain",
        "Rahman Knit Composite Ltd.",
    ]
    assert page.csp_violations == [], page.csp_violations
