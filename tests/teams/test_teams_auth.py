"""A Teams turn with Bot Framework authentication on, end to end on loopback.

The channel's token is signed by an RSA key the test makes and serves as OpenID metadata + JWKS
(testkit/bot_framework_auth.py); botbuilder is pointed at that metadata through its public
`ChannelValidation.open_id_metadata_endpoint`. The bot's own token for replying comes from Azure AD
through msal, which accepts only https authorities on Microsoft's hosts: that one exchange is
replaced by a fixed token, and the fake connector checks that every reply carries it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from botframework.connector.auth import ChannelValidation, MicrosoftAppCredentials

from bot.app import Services, build_services
from bot.settings import Settings
from bot.web.app import build_app
from testkit.bot_framework_auth import TokenIssuer, serving
from testkit.teams_connector import Connector

APP_ID = "4f1c7a52-3a0e-4c52-9a53-3c1e2a7d9b10"
REPLY_TOKEN = "reply-token-from-azure-ad"


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch) -> Iterator[TokenIssuer]:
    with serving() as running:
        monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", running.metadata_url)
        yield running


@pytest.fixture
def azure_ad(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The app ids the bot asked Azure AD for a token as (msal's client-credentials call, stubbed)."""
    asked: list[str] = []

    def token(self: MicrosoftAppCredentials, force_refresh: bool = False) -> str:
        asked.append(self.microsoft_app_id)
        return REPLY_TOKEN

    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", token)
    return asked


@pytest.fixture
async def authed(
    teams_settings: Settings, settings_factory: Callable[..., Settings],
) -> AsyncIterator[tuple[TestClient[Any, Any], Services]]:
    cfg = settings_factory(CXBOT_DATA_DIR=teams_settings.data_dir, DATABASE_URL=teams_settings.database_url,
                           MicrosoftAppId=APP_ID, MicrosoftAppPassword="a-client-secret")
    services = build_services(cfg)
    async with TestClient(TestServer(build_app(services), host="127.0.0.1")) as client:
        yield client, services
    services.close()


async def answered(connector: Connector, timeout: float = 30.0) -> list[dict[str, Any]]:
    async def wait() -> list[dict[str, Any]]:
        while not [m for m in connector.messages() if m.get("attachments")]:
            connector.arrived.clear()
            await connector.arrived.wait()
        return connector.messages()

    return await asyncio.wait_for(wait(), timeout)


async def test_a_signed_channel_token_is_accepted_and_the_answer_goes_out_with_the_bots_token(
    authed: tuple[TestClient[Any, Any], Services], issuer: TokenIssuer, azure_ad: list[str],
    connector: Connector, fixture_activity: Callable[[str], dict[str, Any]],
) -> None:
    client, _services = authed
    activity = fixture_activity("message_personal.json")
    activity["text"] = "How fast do we acknowledge a complaint?"
    token = issuer.token(APP_ID, activity["serviceUrl"])

    resp = await client.post("/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"})

    assert resp.status == 200
    messages = await answered(connector)
    assert any("four business hours" in str(m) for m in messages)
    assert connector.typing()  # the typing indicator went out first, through the same authenticated client
    assert set(connector.authorizations) == {f"Bearer {REPLY_TOKEN}"}
    assert azure_ad and set(azure_ad) == {APP_ID}
    assert "/keys" in issuer.fetches  # the signature was checked against the served keys


@pytest.mark.parametrize("wrong", ["audience", "signer", "service_url", "expired", "endorsement"])
async def test_tokens_that_fail_one_check_are_401_and_nothing_is_sent(
    authed: tuple[TestClient[Any, Any], Services], issuer: TokenIssuer, azure_ad: list[str],
    connector: Connector, fixture_activity: Callable[[str], dict[str, Any]], wrong: str,
) -> None:
    client, _services = authed
    activity = fixture_activity("message_personal.json")
    app_id, url, lifetime = APP_ID, activity["serviceUrl"], 600.0
    signer = issuer
    if wrong == "audience":
        app_id = "another-bot"
    elif wrong == "service_url":
        url = "https://smba.trafficmanager.net/emea/"
    elif wrong == "expired":
        lifetime = -3600
    elif wrong == "signer":  # same key id, another key: the served JWKS does not vouch for it
        signer = TokenIssuer()
        signer.kid = issuer.kid
    elif wrong == "endorsement":
        activity["channelId"] = "slack"  # the key endorses msteams only
    token = signer.token(app_id, url, lifetime=lifetime)

    resp = await client.post("/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"})

    assert resp.status == 401
    await asyncio.sleep(0.2)
    assert connector.calls == [] and azure_ad == []
