"""A real Git repository made on the spot, for git sources in tests and benches."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

IDENTITY = ["-c", "user.name=cxbot tests", "-c", "user.email=tests@cxbot.invalid", "-c", "commit.gpgsign=false"]


class Repo:
    """A working repository on branch `main`; `commit` adds everything and returns the new commit id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", "-C", str(self.path), *IDENTITY, *args], check=True, capture_output=True,
                              text=True)
        return done.stdout.strip()

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def copy_tree(self, source: Path, into: str = "") -> None:
        shutil.copytree(source, self.path / into if into else self.path, dirs_exist_ok=True)

    def remove(self, name: str) -> None:
        self.git("rm", "-q", name)

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")
