"""The dashboard in a real browser: Debian's Chromium, headless, driven by Playwright.

Each page is screenshotted into `.cxbot/screenshots/` (or `CXBOT_SCREENSHOTS`); CI prints the folder.
Without Chromium or Playwright the tests are skipped, except in CI, where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dash_helpers import SOMEONE, ask_link, link_in, serve
from testenv import ROOT, in_ci

from bot.dashboard.feature import user_hash
from bot.dashboard.sessions import Sessions, Who
from bot.settings import Settings
from testkit.dashboard_data import LEAKY_IDS

CHROMIUM = os.environ.get("CXBOT_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("CXBOT_SCREENSHOTS", ROOT / ".cxbot" / "screenshots"))
NAV = ("Pulses", "Digests", "Knowledge", "Gaps")

pytestmark = pytest.mark.slow


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        if in_ci():
            raise
        pytest.skip("playwright is not installed")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if in_ci():
            raise AssertionError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield b
        finally:
            await b.close()


async def test_an_evangelist_signs_in_and_reads_every_page(seeded_index: Settings, browser: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with serve(seeded_index) as served:
        link = link_in(await ask_link(served.services, private=True))
        page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
        await page.goto(link)
        await page.screenshot(path=str(SCREENSHOTS / "0-sign-in.png"))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url(re.compile(r"/dashboard/$"))
        assert await page.get_by_role("heading", level=1).inner_text() == "Overview"
        cookie = next(c for c in await page.context.cookies() if c["name"] == "cxbot_dashboard")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and 7.9 * 3600 < cookie["expires"] - datetime.now(
            UTC).timestamp() <= 8 * 3600

        await page.keyboard.press("Tab")  # the first stop is the skip link
        assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
        texts = {}
        for n, name in enumerate(NAV, 1):
            await page.get_by_role("navigation", name="Dashboard pages").get_by_role("link", name=name).click()
            await page.wait_for_load_state()
            assert await page.get_by_role("heading", level=1).inner_text() == name
            assert await page.locator("nav a[aria-current=page]").inner_text() == name
            await page.screenshot(path=str(SCREENSHOTS / f"{n}-{name.lower()}.png"), full_page=True)
            texts[name] = await page.content()
            unlabelled = await page.evaluate(
                "[...document.querySelectorAll('svg')].filter(s => s.getAttribute('role') !== 'img' "
                "|| !(s.getAttribute('aria-label') || s.getAttribute('aria-labelledby'))).length")
            assert unlabelled == 0, name

    assert "Customer centricity" in texts["Pulses"] and "fewer than 3 responses" in texts["Pulses"]
    assert "NPS" in texts["Digests"] and "CX digest" in texts["Digests"]
    assert "knowledge folder" in texts["Knowledge"] and "team-wiki" in texts["Knowledge"]
    assert all(uid not in body for body in texts.values() for uid in LEAKY_IDS)


async def test_a_used_or_expired_link_is_refused(settings: Settings, browser: Any) -> None:
    async with serve(settings) as served:
        page = await browser.new_page()
        link = link_in(await ask_link(served.services, private=True))
        await page.goto(link)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url(re.compile(r"/dashboard/$"))

        other = await browser.new_page()  # a second browser with the same link
        resp = await other.goto(link)
        assert resp.status == 410 and "already been used or has expired" in await other.content()

        sessions = Sessions(served.services.db, served.services.settings.hash_key.get_secret_value())
        who = Who(user_hash(served.services.settings, "slack", "U0EVANGEL1"), "slack", "Eva")
        old = sessions.issue_link(who, now=datetime.now(UTC) - timedelta(minutes=11))
        resp = await other.goto(f"{served.base}/dashboard/login/{old}")
        assert resp.status == 410
        resp = await other.goto(f"{served.base}/dashboard/pulses")  # and no session came of it
        assert other.url.endswith("/dashboard/signin") and "/cx dashboard" in await other.content()


async def test_someone_who_is_not_an_evangelist_gets_no_way_in(settings: Settings, browser: Any) -> None:
    async with serve(settings) as served:
        reply = await ask_link(served.services, SOMEONE, private=True)
        assert "/dashboard/login/" not in reply
        page = await browser.new_page()
        for path in ("/dashboard/pulses", "/dashboard/digests", "/dashboard/knowledge", "/dashboard/gaps"):
            await page.goto(served.base + path)
            assert page.url.endswith("/dashboard/signin")
            assert await page.get_by_role("heading", level=1).inner_text() == "Sign in"


async def test_a_form_with_a_wrong_or_missing_csrf_token_is_refused(settings: Settings, browser: Any) -> None:
    async with serve(settings) as served:
        page = await browser.new_page()
        await page.goto(link_in(await ask_link(served.services, private=True)))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url(re.compile(r"/dashboard/$"))

        status = await page.evaluate(  # a script posting the form without its token
            "fetch('/dashboard/signout', {method: 'POST', body: new URLSearchParams({x: '1'}), redirect: 'manual'})"
            ".then(r => r.status)")
        assert status == 403
        await page.evaluate("document.querySelector('input[name=csrf]').value = 'forged'")
        await page.get_by_role("button", name="Sign out").click()
        await page.wait_for_load_state()
        assert await page.get_by_role("heading", level=1).inner_text() == "Form expired"

        await page.goto(served.base + "/dashboard/")  # still signed in; the real form signs out
        await page.get_by_role("button", name="Sign out").click()
        await page.wait_for_url(re.compile(r"/dashboard/signin"))
        await page.goto(served.base + "/dashboard/pulses")
        assert page.url.endswith("/dashboard/signin")
