"""The Gaps page in a real browser (Debian's chromium driven by Playwright): signed in with the link
from chat, groups shown, "Addressed" pressed from the keyboard, a screenshot written.

Screenshots go to `$CXBOT_SCREENSHOTS` (default `.cxbot/screenshots/`). Skipped where there is no
chromium (`apt-get install chromium`), except in CI, where it fails (as `test_dashboard_browser.py`).
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dash_helpers import ask_link, link_in, serve
from testenv import ROOT, in_ci

from bot.knowledge import Knowledge
from bot.settings import Settings
from testkit.gapsdata import log_question

CHROMIUM = os.environ.get("CXBOT_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SHOTS = Path(os.environ.get("CXBOT_SCREENSHOTS", ROOT / ".cxbot" / "screenshots"))
QUESTIONS = ["How fast must we acknowledge a customer complaint?", "how quickly do we have to confirm a complaint",
             "Wer übernimmt die Hotline über Weihnachten?", "When do loyalty points expire?",
             "how long are loyalty points valid", "When do loyalty points expire?"]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists() and not in_ci(), reason="no chromium on this machine")]


async def test_the_gaps_page_in_a_browser(settings: Settings) -> None:
    from playwright.async_api import async_playwright

    settings = settings.model_copy(update={"llm": "none"})
    Knowledge(settings).indexer().run([ROOT / "knowledge"])
    async with serve(settings) as served, async_playwright() as pw:
        now = datetime.now(UTC)
        for n, q in enumerate(QUESTIONS):
            log_question(served.services.db, q, now - timedelta(days=3 * n + 1), answered=n == 1,
                         feedback=-1 if n == 1 else None)
        link = link_in(await ask_link(served.services, private=True))
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = await browser.new_page()
            await page.goto(link)
            await page.get_by_role("button", name="Sign in").click()
            await page.goto(served.base + "/dashboard/gaps")
            assert await page.get_by_role("heading", level=1).inner_text() == "Gaps"
            assert await page.locator("section.gap").count() >= 3
            loyalty = page.locator("section.gap", has_text="loyalty points")
            assert "3 questions" in (await loyalty.inner_text()).replace("\n", " ")
            assert await page.get_by_label("Questions of the last").input_value() == "8"
            SHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SHOTS / "gaps.png"), full_page=True)

            await loyalty.get_by_role("button", name="Addressed").focus()
            await page.keyboard.press("Enter")
            await page.wait_for_url("**/dashboard/gaps?weeks=8&marked=1")
            assert "waiting for the next ingest" in await page.locator("section.gap", has_text="loyalty points").inner_text()
            await page.screenshot(path=str(SHOTS / "gaps-addressed.png"), full_page=True)
        finally:
            await browser.close()
