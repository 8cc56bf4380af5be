"""`cxbot doctor` on knowledge sources: the file, each source's secret, collection and last sync."""

from __future__ import annotations

import os
from datetime import timedelta

from bot.ops.checks import Finding
from bot.ops.content_checks import redact
from bot.settings import Settings


def check_sources(s: Settings) -> list[Finding]:
    from bot.db.engine import Database
    from bot.schedule.clock import SystemClock
    from bot.sources.config import SourcesError, load_sources, sources_file
    from bot.sources.state import SyncStates
    from bot.trust.collections import Collections, CollectionsError

    path = sources_file(s)
    if not path.exists() and s.sources_file is None:
        return [Finding("sources", "ok", f"no {path.name}: the knowledge dir is the one source (`cxbot ingest`)")]
    try:
        specs = load_sources(s)
    except SourcesError as exc:
        return [Finding("sources", "fail", line, f"fix {path}; nothing is synced until then")
                for line in str(exc).splitlines()]
    try:
        names = Collections.load(s.knowledge_dir, s.collections_file).names
    except CollectionsError:
        names = None  # the collections check reports it
    db = Database(s)
    try:
        now = SystemClock().now()
        states = SyncStates(db).all(now)
    finally:
        db.dispose()
    found: list[Finding] = []
    for spec in specs:
        label = f"source {spec.name}"
        env = getattr(spec.settings, "token_env", None) or getattr(spec.settings, "client_secret_env", None)
        if env and not os.environ.get(env, "").strip():
            found.append(Finding(label, "fail", f"{env} is not set: the {spec.kind} source cannot sign in",
                                 f"set {env} to the {_secret_kind(spec.settings)} in the environment of every replica"))
        if names is not None and spec.collection not in names:
            found.append(Finding(label, "fail", f"collection {spec.collection!r} is not in collections.yaml",
                                 "define it there (with its audience) or change the source's collection"))
        st = states.get(spec.name)
        if st is None or st.finished_at is None:
            found.append(Finding(label, "warn", "never synced", f"run `cxbot sources sync {spec.name}`"))
            continue
        if st.status == "error":
            fix = (f"check the credentials in {env}, and the account's access to the source" if env and
                   (st.error or "").startswith("authentication failed") else
                   f"fix the cause, then `cxbot sources sync {spec.name}` (the index keeps the last good sync)")
            found.append(Finding(label, "fail", f"last sync failed: {redact(st.error or '')}", fix))
            continue
        skipped = len((st.summary or {}).get("skipped", []))
        if spec.every is not None and st.ok_at is not None and now - st.ok_at > 3 * spec.every + timedelta(minutes=5):
            found.append(Finding(label, "warn", f"no successful sync for {_age(now - st.ok_at)} (every {spec.every})",
                                 "check that `cxbot serve` runs (it schedules syncs) and `cxbot sources status`"))
        detail = f"{st.documents} documents, last sync {_age(now - st.finished_at)} ago" + (
            f", {skipped} documents skipped (`cxbot sources status`)" if skipped else "")
        found.append(Finding(label, "ok", detail))
    return found or [Finding("sources", "warn", f"{path} lists no source", "add sources or remove the file")]


def _secret_kind(settings: object) -> str:
    from bot.sources.kinds import ConfluenceSettings, SharePointSettings

    if isinstance(settings, ConfluenceSettings):
        return "Confluence API token" if settings.cloud else "Confluence personal access token"
    if isinstance(settings, SharePointSettings):
        return "app registration's client secret"
    return "secret"


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{max(seconds, 0)}s"
