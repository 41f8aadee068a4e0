"""With JavaScript off: a worker files a case in Bengali and one in Arabic, an officer acknowledges
and answers, and the worker sees the update with the receipt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from covenant.grievances.models import Case, Stage
from tests.conftest import World
from tests.grievances.builders import PASSPHRASE, grievance_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_js(browser: Any, **extra: Any) -> Any:
    options: dict[str, Any] = {"viewport": {"width": 360, "height": 740}, "locale": "en-GB", **extra}
    context = browser.new_context(java_script_enabled=False, **options)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda msg: page.csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return page


def _file_case(page: Any, url: str, lang: str, workplace: str, what: str, send: str) -> str:
    page.goto(f"{url}/report/fair-home/{lang}/")
    page.locator("#workplace").fill(workplace)
    page.locator("input[name=topics][value=wages]").check()
    page.locator("#what").fill(what)
    page.get_by_role("button", name=send).click()
    receipt = page.locator("#receipt").inner_text().replace(" ", "")
    assert len(receipt) == 16 and receipt.isdigit()
    return receipt


def test_file_follow_and_acknowledge_without_javascript(
    live_server: Any, world: World, browser: Any, artifacts: Path
) -> None:
    grievance_world(world)
    url = live_server.url
    worker = _no_js(browser)

    bn_receipt = _file_case(worker, url, "bn", "রহিম নিট, গাজীপুর", "তিন মাস ধরে ওভারটাইমের টাকা দেয়নি", "পাঠান")
    worker.screenshot(path=str(artifacts / "grievance-receipt-bn.png"), full_page=True)
    worker.goto(f"{url}/report/fair-home/ar/")
    assert worker.locator("html").get_attribute("dir") == "rtl"
    assert worker.locator("html").get_attribute("lang") == "ar"
    ar_receipt = _file_case(worker, url, "ar", "مصنع النور، إربد", "لم يدفعوا أجور شهرين", "إرسال")
    worker.screenshot(path=str(artifacts / "grievance-receipt-ar.png"), full_page=True)
    assert worker.csp_violations == [], worker.csp_violations
    bn_case = Case.objects.get(language="bn")
    assert Case.objects.filter(language="ar").exists()

    # The officer: the session of a signed-in handler (two factors were checked at sign-in).
    client = Client()
    client.force_login(world.grievance_handler, backend="allauth.account.auth_backends.AuthenticationBackend")
    officer = _no_js(browser, viewport={"width": 1280, "height": 860})
    officer.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}])
    officer.goto(f"{url}/grievances/key/")
    officer.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    officer.get_by_role("button", name="Unlock").click()
    officer.get_by_role("link", name=bn_case.reference).click()
    officer.get_by_text("তিন মাস ধরে ওভারটাইমের টাকা দেয়নি").wait_for()
    officer.get_by_role("button", name="Acknowledge").click()
    officer.get_by_text("Saved.").wait_for()
    officer.locator("textarea[name=text]").first.fill("আমরা আপনার অভিযোগ দেখছি। কোন লাইনে কাজ করেন?")
    officer.get_by_role("button", name="Send").click()
    officer.get_by_text("Saved.").wait_for()
    officer.screenshot(path=str(artifacts / "grievance-officer.png"), full_page=True)
    assert officer.csp_violations == [], officer.csp_violations
    assert Case.objects.get(pk=bn_case.pk).stage == Stage.ACKNOWLEDGED

    # The worker comes back with the receipt.
    worker.goto(f"{url}/report/fair-home/bn/follow-up/")
    worker.locator("#receipt").fill(bn_receipt)
    worker.get_by_role("button", name="খুলুন").click()
    assert worker.locator("#stage").inner_text() == "প্রাপ্তি নিশ্চিত"
    worker.get_by_text("কোন লাইনে কাজ করেন?").wait_for()
    worker.screenshot(path=str(artifacts / "grievance-follow-up-bn.png"), full_page=True)
    # The Arabic receipt opens the Arabic case, still at "received".
    worker.goto(f"{url}/report/fair-home/ar/follow-up/")
    worker.locator("#receipt").fill(ar_receipt)
    worker.get_by_role("button", name="فتح").click()
    assert worker.locator("#stage").inner_text() == "مُستلَم"


def test_workplace_search_works_with_an_empty_what_happened_box(
    live_server: Any, world: World, browser: Any, artifacts: Path
) -> None:
    """The Search button must not be stopped by the required "What happened?" box (issue 15)."""
    from covenant.registry.models import FacilityAlias

    grievance_world(world)
    alias = "مصنع الدلتا للمناشف"
    FacilityAlias.objects.create(facility=world.extras["other"], name=alias, source="manual")
    worker = _no_js(browser)
    worker.goto(f"{live_server.url}/report/fair-home/ar/")
    worker.locator("#q").fill(alias)
    worker.locator("input[name=topics][value=wages]").check()
    worker.locator("button[name=action][value=search]").click()
    worker.locator(f"input[name=facility][value={world.extras['other'].public_id}]").wait_for()
    assert worker.locator("#what").input_value() == ""
    assert worker.locator("input[name=topics][value=wages]").is_checked()  # kept what was typed
    worker.screenshot(path=str(artifacts / "grievance-search-ar.png"), full_page=True)
    assert not Case.objects.filter(language="ar").exists()
