"""From a configured source to the object that lists and fetches its documents (kind by kind)."""

from __future__ import annotations

import os
from pathlib import Path

from bot.settings import Settings
from bot.sources.config import SourceSpec
from bot.sources.kinds import (
    ConfluenceSettings,
    FolderSettings,
    GitSettings,
    KindSettings,
    SharePointSettings,
    WebSettings,
)
from bot.sources.model import AuthError, Source, SourceError


def folder_path(spec: SourceSpec) -> Path:
    assert isinstance(spec.settings, FolderSettings)
    return (spec.base / spec.settings.path).resolve()


def secret(name: str, var: str) -> str:
    """A secret from the environment, or an `AuthError` that names the variable."""
    value = os.environ.get(var, "").strip()
    if not value:
        raise AuthError(f"source {name!r}: the environment variable {var} (the secret) is not set")
    return value


def workdir(settings: Settings, name: str) -> Path:
    return settings.data_dir / "sources" / name


def where(spec: SourceSpec) -> str:
    """The source's location, for listings."""
    s: KindSettings = spec.settings
    if isinstance(s, FolderSettings):
        return str(folder_path(spec))
    if isinstance(s, GitSettings):
        return f"{s.url} @ {s.branch}" + (f" ({', '.join(s.paths)})" if s.paths else "")
    if isinstance(s, ConfluenceSettings):
        return f"{s.url} spaces {', '.join(s.spaces)}" + (f" labels {', '.join(s.labels)}" if s.labels else "")
    if isinstance(s, SharePointSettings):
        return f"{s.site}" + (f" libraries {', '.join(s.libraries)}" if s.libraries else "")
    if isinstance(s, WebSettings):
        return s.url
    return "?"


def open_source(spec: SourceSpec, settings: Settings) -> Source:
    """The source object for `spec` (not for folders: those are the indexer's own walk)."""
    s = spec.settings
    if isinstance(s, GitSettings):
        from bot.sources.gitrepo import GitSource

        return GitSource(spec.name, s, spec.base, workdir(settings, spec.name))
    if isinstance(s, ConfluenceSettings):
        from bot.sources.confluence import ConfluenceSource

        return ConfluenceSource(spec.name, s, secret(spec.name, s.token_env))
    if isinstance(s, ConfluenceSettings):
        from bot.sources.confluence import ConfluenceSource

        return ConfluenceSource(spec.name, s, secret(spec.name, s.token_env))
    if isinstance(s, SharePointSettings):
        from bot.sources.sharepoint import SharePointSource

        return SharePointSource(spec.name, s, secret(spec.name, s.client_secret_env))
    if isinstance(s, WebSettings):
        from bot.sources.web import WebSource

        return WebSource(spec.name, s)
    raise SourceError(f"source {spec.name!r}: kind {spec.kind} cannot be synced by this version")
