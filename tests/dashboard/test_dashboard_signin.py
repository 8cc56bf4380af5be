"""Signing in to the dashboard over real HTTP: the link from chat, single use, sessions, sign-out, CSRF."""

from __future__ import annotations

import re

import pytest
from dash_helpers import CHANNEL, PAGES, SOMEONE, ask_link, client, link_in, serve, sign_in
from typer.testing import CliRunner

from bot.settings import Settings


async def test_an_evangelist_signs_in_with_the_link_once(settings: Settings) -> None:
    async with serve(settings) as served, client() as http:
        link = link_in(await ask_link(served.services, private=True))
        assert link.startswith(served.base + "/dashboard/login/")

        async with http.get(link) as resp:  # a preview of the link does not spend it
            assert resp.status == 200 and "Sign in" in await resp.text()
        resp = await sign_in(http, link)
        assert resp.status == 303 and resp.headers["Location"] == "/dashboard/"
        cookie = resp.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=28800" in cookie
        assert "Secure" not in cookie and "Path=/dashboard" in cookie
        for page in PAGES:
            async with http.get(served.base + page, allow_redirects=False) as page_resp:
                assert page_resp.status == 200, page

        async with client() as other:  # the same link again, from anyone: refused
            assert (await sign_in(other, link)).status == 410
            async with other.get(link) as again:
                assert again.status == 410


async def test_without_a_session_every_page_redirects_to_the_explanation(settings: Settings) -> None:
    async with serve(settings) as served, client() as http:
        for page in (*PAGES, "/dashboard"):
            async with http.get(served.base + page, allow_redirects=False) as resp:
                assert resp.status == 303 and resp.headers["Location"].startswith("/dashboard"), page
        async with http.get(served.base + "/dashboard/signin") as resp:
            assert resp.status == 200 and "/cx dashboard" in await resp.text()
        async with http.post(served.base + "/dashboard/signout", allow_redirects=False) as resp:
            assert resp.status == 401
        http.cookie_jar.update_cookies({"cxbot_dashboard": "forged"})
        async with http.get(served.base + "/dashboard/pulses", allow_redirects=False) as resp:
            assert resp.status == 303


async def test_someone_who_is_not_an_evangelist_gets_no_link(settings: Settings) -> None:
    async with serve(settings) as served:
        text = await ask_link(served.services, SOMEONE, private=True)
    assert "only" in text.lower() or ("evangelists" in text and "/dashboard/login/" not in text)


async def test_the_reply_is_in_the_askers_language(settings: Settings) -> None:
    async with serve(settings) as served:
        text = await ask_link(served.services, private=True, language="de")
    assert "Anmeldelink" in text and "/dashboard/login/" in text


async def test_no_link_is_posted_where_others_read(settings: Settings) -> None:
    async with serve(settings) as served:
        text = await ask_link(served.services, conv=CHANNEL)
    assert "/dashboard/login/" not in text and "direct message" in text


async def test_a_form_without_its_csrf_token_is_refused(settings: Settings) -> None:
    async with serve(settings) as served, client() as http:
        await sign_in(http, link_in(await ask_link(served.services, private=True)))
        async with http.post(served.base + "/dashboard/signout", data={"csrf": "wrong"}, allow_redirects=False) as resp:
            assert resp.status == 403
        async with http.get(served.base + "/dashboard/") as resp:
            page = await resp.text()
            assert resp.status == 200
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert csrf
        async with http.post(served.base + "/dashboard/signout", data={"csrf": csrf.group(1)},
                             allow_redirects=False) as resp:
            assert resp.status == 303
        async with http.get(served.base + "/dashboard/", allow_redirects=False) as resp:
            assert resp.status == 303 and resp.headers["Location"] == "/dashboard/signin"


async def test_behind_https_the_cookie_is_secure(settings: Settings) -> None:
    async with serve(settings) as served, client() as http:
        served.services.settings.public_url = "https://cx.example.com"
        link = link_in(await ask_link(served.services, private=True))
        assert link.startswith("https://cx.example.com/dashboard/login/")
        resp = await sign_in(http, served.base + link.removeprefix("https://cx.example.com"))
        assert "Secure" in resp.headers["Set-Cookie"]


@pytest.mark.parametrize("user", ["U0EVANGEL1", "slack:U0EVANGEL1"])
def test_the_command_line_prints_a_working_link(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                 user: str) -> None:
    from bot.cli import app
    from bot.dashboard.sessions import Sessions
    from bot.db.engine import Database

    monkeypatch.setenv("CXBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CXBOT_PUBLIC_URL", "https://cx.example.com/")
    result = CliRunner().invoke(app, ["dashboard", "link", user])

    assert result.exit_code == 0, result.output
    link = link_in(result.stdout)
    assert link.startswith("https://cx.example.com/dashboard/login/")
    db = Database(settings)
    try:
        assert Sessions(db, settings.hash_key.get_secret_value()).link_usable(link.rsplit("/", 1)[1])
    finally:
        db.dispose()


def test_the_console_gets_a_link_too(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import app

    monkeypatch.setenv("CXBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CXBOT_PUBLIC_URL", "http://127.0.0.1:3978")
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(app, ["chat", "dashboard"])

    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:3978/dashboard/login/" in link_in(result.stdout)
