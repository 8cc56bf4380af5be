"""`git` sources: a branch of a repository, indexed at a commit.

The repository is kept as a shallow bare clone under the data dir and fetched on every sync. Each
file's version is its blob id, so between the indexed commit and the new one exactly the files whose
blobs differ are fetched and re-embedded, and files gone from the tree leave the index.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from bot.ingest.loaders import SUPPORTED
from bot.ingest.walk import IGNORED
from bot.sources.kinds import GitSettings
from bot.sources.model import AuthError, DocError, Fetched, Listing, Ref, SourceError

GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_SSH_COMMAND": "ssh -o BatchMode=yes", "GIT_ASKPASS": "true"}
AUTH_FAILED = re.compile(
    r"Authentication failed|Permission denied|could not read Username|terminal prompts disabled|"
    r"returned error: 40[13]|HTTP Basic: Access denied", re.I,
)
HOSTED = re.compile(r"^(?:https://|ssh://git@|git@)(github\.com|gitlab\.com)[/:](.+?)(?:\.git)?/?$")


def default_link(url: str) -> str | None:
    """A citation pattern for repositories on GitHub and GitLab; others need `link`."""
    match = HOSTED.match(url)
    if not match:
        return None
    sep = "/-/blob/" if match.group(1) == "gitlab.com" else "/blob/"
    return f"https://{match.group(1)}/{match.group(2)}{sep}{{commit}}/{{path}}"


class GitSource:
    def __init__(self, name: str, settings: GitSettings, base: Path, workdir: Path) -> None:
        self.name = name
        self.settings = settings
        url = settings.url
        is_remote = re.match(r"^[a-z][a-z0-9+.-]*://", url) or re.match(r"^[\w.-]+@[\w.-]+:", url)
        self.url = url if is_remote else str((base / url).resolve())
        self.link = settings.link or default_link(url)
        self.workdir = workdir
        self.commit = ""
        self._repo: Any = None

    def _mirror(self) -> Any:
        import git

        branch = self.settings.branch
        path = self.workdir / "repo.git"
        try:
            if (path / "HEAD").exists():
                repo = git.Repo(path)
                repo.remotes.origin.set_url(self.url)
                with repo.git.custom_environment(**GIT_ENV):
                    repo.remotes.origin.fetch(f"+refs/heads/{branch}:refs/heads/{branch}", depth=1)
            else:
                if path.exists():
                    shutil.rmtree(path)  # a clone that died half-way
                path.parent.mkdir(parents=True, exist_ok=True)
                repo = git.Repo.clone_from(self.url, path, bare=True, depth=1, single_branch=True,
                                           branch=branch, env={**os.environ, **GIT_ENV})
        except git.GitCommandError as exc:
            detail = " ".join(str(exc.stderr or exc).split())[-400:]
            if AUTH_FAILED.search(detail):
                raise AuthError(f"git refused the credentials for {self.settings.url}: {detail}") from None
            raise SourceError(f"cannot fetch branch {branch!r} of {self.settings.url}: {detail}") from None
        return repo

    def _wanted(self, path: str) -> bool:
        parts = PurePosixPath(path).parts
        if any(p.startswith(".") for p in parts):
            return False
        wanted = [p.strip("/") for p in self.settings.paths if p.strip("/")]
        return not wanted or any(path == w or path.startswith(w + "/") for w in wanted)

    def listing(self, cursor: dict[str, Any]) -> Listing:
        self._repo = repo = self._mirror()
        self.commit = repo.commit(f"refs/heads/{self.settings.branch}").hexsha
        refs: list[Ref] = []
        skipped: list[tuple[str, str]] = []
        for entry in repo.git.ls_tree("-r", "-z", self.commit).split("\0"):
            if not entry:
                continue
            meta, _, path = entry.partition("\t")
            mode, kind, sha = meta.split()
            if kind != "blob" or mode == "120000" or not self._wanted(path):  # symlinks are not documents
                continue
            ext = PurePosixPath(path).suffix.lower()
            if ext in SUPPORTED:
                refs.append(Ref(path, sha, url=self._url(path), path=path))
            elif ext not in IGNORED:
                skipped.append((path, f"unsupported file type {ext or '(none)'}"))
        return Listing(refs, skipped=skipped, cursor={"commit": self.commit, "branch": self.settings.branch})

    def _url(self, path: str) -> str:
        if not self.link:
            return ""
        return self.link.format(commit=self.commit, path=quote(path), branch=self.settings.branch)

    def prefetch(self, refs: list[Ref]) -> None:
        pass

    def fetch(self, ref: Ref) -> Fetched:
        try:
            raw = self._repo.odb.stream(bytes.fromhex(ref.version)).read()
        except Exception as exc:  # a missing object: this file only
            raise DocError(f"cannot read blob {ref.version[:12]}: {type(exc).__name__}") from None
        return Fetched(PurePosixPath(ref.id).name, raw)

    def close(self) -> None:
        if self._repo is not None:
            self._repo.close()
            self._repo = None
