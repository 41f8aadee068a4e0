"""Take the README's screenshots from a running demo (`make demo` in another terminal).

    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8000] [--out docs/img]

Uses Playwright with Debian's chromium; never downloads a browser.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from covenant.demo.data import DEMO_PASSWORD, DEMO_TOTP_CODE

MEMBER = "pieter.vandenberg@noordhaven.example"
SECRETARIAT = "jeroen.bakker@fcg-covenant.example"
SUPPLIER = "ha.vu@phuc-hung-garment.example"


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if "/2fa/" in page.url:
        page.get_by_label("Code").fill(DEMO_TOTP_CODE)
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{url}/dashboard/")


def shoot(page: Page, url: str, path: str, out: Path, name: str, full: bool = True) -> None:
    page.goto(f"{url}{path}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(out / f"{name}.png"), full_page=full)
    print("saved", out / f"{name}.png")


def first_link(page: Page, url: str, path: str, selector: str) -> str:
    """The first link matching ``selector`` on ``path`` (or ``path`` itself if there is none)."""
    page.goto(f"{url}{path}")
    links = page.locator(selector)
    return (links.first.get_attribute("href") or path) if links.count() else path


def capability_shots(browser: Any, url: str, out: Path) -> None:
    """Capability building and joint action: the member's self-assessment result, action plan,
    joint action, partners and learning; the supplier's SAQ gap report."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in(page, url, MEMBER)
    result = first_link(page, url, "/self-assessment/", "a[href$='/result/']")
    shoot(page, url, result, out, "self-assessment", full=False)
    shoot(page, url, "/action-plan/", out, "action-plan", full=False)
    joint = first_link(page, url, "/joint-actions/", "main a[href^='/joint-actions/'][href$='/']:not([href$='new/'])")
    shoot(page, url, joint, out, "joint-action", full=False)
    shoot(page, url, "/partners/", out, "partners", full=False)
    shoot(page, url, "/learning/", out, "learning", full=False)
    context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in(page, url, SUPPLIER)
    gaps = first_link(page, url, "/saq/", "a[href$='/gaps/']")
    shoot(page, url, gaps, out, "saq-gaps", full=False)
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--mechanism", default="fair-consumer-goods-covenant", help="the grievance mechanism's slug")
    parser.add_argument(
        "--only", choices=("all", "capability"), default="all", help="all, or capability and joint action"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        capability_shots(browser, args.url, args.out)
        if args.only == "capability":
            browser.close()
            return
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        sign_in(page, args.url, MEMBER)
        shoot(page, args.url, "/dashboard/", args.out, "dashboard", full=False)
        shoot(page, args.url, "/supply-chain/", args.out, "supply-chain", full=False)
        shoot(page, args.url, "/review/", args.out, "review", full=False)
        page.goto(f"{args.url}/lists/")
        upload = page.locator("a[href^='/lists/uploads/']").first.get_attribute("href") or "/lists/"
        shoot(page, args.url, upload, args.out, "upload", full=False)
        shoot(page, args.url, "/risk/", args.out, "risk", full=False)
        page.goto(f"{args.url}/risk/events/")
        event = page.locator("table a[href^='/risk/events/']").first.get_attribute("href") or "/risk/events/"
        shoot(page, args.url, event, args.out, "risk-event", full=False)
        shoot(page, args.url, "/audits/coverage/", args.out, "audit-coverage", full=False)
        page.goto(f"{args.url}/dashboard/")
        page.get_by_label("Language").select_option("nl")
        page.get_by_role("button", name="Change").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(args.out / "dashboard-nl.png"))
        context.close()
        # The workers' side: the public grievance form, no account, here in Arabic (right to left),
        # at a small phone's width.
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar")
        page = context.new_page()
        shoot(page, args.url, f"/report/{args.mechanism}/ar/", args.out, "grievance-form-ar", full=False)
        # Urdu, right to left too: one of the twelve languages added for the sourcing workforces.
        shoot(page, args.url, f"/report/{args.mechanism}/ur/", args.out, "grievance-form-ur", full=False)
        context.close()
        # A small firm's quick scan, without an account.
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        shoot(page, args.url, "/quick-scan/?country=CI&product=cocoa", args.out, "quick-scan", full=False)
        context.close()
        for email, path, name in (
            (SUPPLIER, "/audits/", "supplier-audits"),
            (SECRETARIAT, "/dashboard/", "secretariat"),
        ):
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
            page = context.new_page()
            sign_in(page, args.url, email)
            shoot(page, args.url, path, args.out, name, full=False)
            if name == "secretariat":
                shoot(page, args.url, "/register/moderation/", args.out, "moderation", full=False)
            if name == "supplier-audits":
                rows = page.locator("table a[href^='/audits/']")
                if rows.count():
                    shoot(page, args.url, rows.first.get_attribute("href") or "/audits/", args.out, "audit")
                # The supplier's staff in Viet Nam read Covenant in Vietnamese (kept on the account:
                # set back to English afterwards, so the next run starts the same).
                for code, shot in (("vi", "supplier-audits-vi"), ("en", "")):
                    page.goto(f"{args.url}/audits/")
                    page.locator("#language-choice").select_option(code)
                    page.locator(".language-switch button").click()
                    page.wait_for_load_state("networkidle")
                    if shot:
                        page.screenshot(path=str(args.out / f"{shot}.png"))
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
