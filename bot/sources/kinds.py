"""The settings each kind of source takes in `sources.yaml` (validated; unknown keys are errors).

Secrets are never written in the file: a setting ending in `_env` names the environment variable
that holds the secret (`token_env: CONFLUENCE_TOKEN`).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class KindSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _env_name(value: str) -> str:
    if not ENV_NAME.match(value):
        raise ValueError(f"{value!r} is not an environment variable name (the secret goes in the environment)")
    return value


class FolderSettings(KindSettings):
    """`path`: a folder (relative paths are read from the sources file's folder)."""

    path: str


class GitSettings(KindSettings):
    """`url` (https, ssh or a local path), `branch`, optional `paths` and citation `link` pattern."""

    url: str
    branch: str = "main"
    paths: list[str] = Field(default_factory=list)
    link: str | None = None  # e.g. https://host/org/repo/blob/{commit}/{path}

    @field_validator("link")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        if value is not None and "{path}" not in value:
            raise ValueError("link must contain {path} (and may contain {commit} and {branch})")
        return value


class WebSettings(KindSettings):
    """`url`: a start page or a sitemap; the crawl stays on its host and obeys robots.txt."""

    url: str
    max_depth: int = Field(default=3, ge=0, le=20)
    max_pages: int = Field(default=500, ge=1, le=100_000)
    user_agent: str = "cxbot-sources/1.0"

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("url must start with http:// or https://")
        return value


class ConfluenceSettings(KindSettings):
    """Cloud (`email` + API token) or Data Center (personal access token) spaces, optionally by label."""

    url: str
    spaces: list[str] = Field(min_length=1)
    labels: list[str] = Field(default_factory=list)
    deployment: Literal["cloud", "datacenter"] | None = None  # default: cloud on *.atlassian.net
    email: str | None = None
    token_env: str
    attachments: bool = True

    _env = field_validator("token_env")(_env_name)

    @property
    def cloud(self) -> bool:
        if self.deployment is not None:
            return self.deployment == "cloud"
        return ".atlassian.net" in self.url


class SharePointSettings(KindSettings):
    """Document libraries and site pages of one site through Microsoft Graph (app-only auth)."""

    tenant_id: str
    client_id: str
    client_secret_env: str
    site: str  # "contoso.sharepoint.com:/sites/cx", or a site id
    libraries: list[str] = Field(default_factory=list)  # default: every document library
    pages: bool = True
    authority: str = "https://login.microsoftonline.com"
    graph_url: str = "https://graph.microsoft.com/v1.0"

    _env = field_validator("client_secret_env")(_env_name)


KINDS: dict[str, type[KindSettings]] = {
    "folder": FolderSettings,
    "git": GitSettings,
    "web": WebSettings,
    "confluence": ConfluenceSettings,
    "sharepoint": SharePointSettings,
}
