"""podman and podman-compose for bench/compose_e2e.py: local images, one compose project, its containers.

Images are tagged with a hash of what goes into them (`localhost/cxbot:src-<hash>`), so a second run
reuses them and a changed source tree builds again. Needs root (podman as root) and
`../shared/tools/container/` for the Debian base image (see docs/operations.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
IMAGES_DIR = DEPLOY / "images"
TOOLS = Path(os.environ.get("CXBOT_CONTAINER_TOOLS", ROOT.parent / "shared" / "tools" / "container"))
CONTAINERS_CONF = os.environ.get("CONTAINERS_CONF", str(TOOLS / "containers.conf"))


@dataclass(frozen=True)
class Recipe:
    """How to build one image: its Dockerfile, build context and the files whose content names it."""

    name: str
    dockerfile: Path
    context: Path
    inputs: tuple[Path, ...]

    def tag(self) -> str:
        digest = hashlib.sha256()
        for path in sorted(self._files()):
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
        return f"localhost/{self.name}:src-{digest.hexdigest()[:12]}"

    def _files(self) -> list[Path]:
        found: list[Path] = []
        for item in self.inputs:
            paths = [item] if item.is_file() else [p for p in item.rglob("*") if p.is_file()]
            found += [p for p in paths if "__pycache__" not in p.parts and p.suffix != ".pyc"]
        return found


RECIPES = {
    "cxbot": Recipe("cxbot", ROOT / "Dockerfile", ROOT, tuple(
        ROOT / p for p in ("Dockerfile", ".dockerignore", "pyproject.toml", "README.md", "bot", "knowledge"))),
    **{name: Recipe(name, IMAGES_DIR / f"{name}.Dockerfile", IMAGES_DIR,
                    (IMAGES_DIR / f"{name}.Dockerfile", *IMAGES_DIR.glob(f"{name}-*")))
       for name in ("chroma", "postgres", "nginx")},
}


def podman(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONTAINERS_CONF": CONTAINERS_CONF}
    done = subprocess.run(["podman", *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"podman {' '.join(args[:3])} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


def base_image() -> str:
    """The local Debian base image (made by the shared tool on first use, ~1-5 min)."""
    done = subprocess.run([str(TOOLS / "make-base-image")], capture_output=True, text=True,
                          env={**os.environ, "CONTAINERS_CONF": CONTAINERS_CONF}, check=True)
    return done.stdout.strip().splitlines()[-1]


def ensure_image(recipe: Recipe, base: str, rebuild: bool = False) -> tuple[str, float | None]:
    """The image's tag and the seconds its build took (None: it was there already)."""
    tag = recipe.tag()
    if not rebuild and podman("image", "exists", tag, check=False).returncode == 0:
        return tag, None
    start = time.monotonic()
    podman("build", "--format", "docker", "--network=host", "--build-arg", f"BASE={base}",
           "-f", str(recipe.dockerfile), "-t", tag, str(recipe.context), timeout=3600)
    return tag, time.monotonic() - start


def compose_command() -> list[str]:
    here = Path(sys.executable).parent / "podman-compose"
    found = str(here) if here.exists() else shutil.which("podman-compose")
    if not found:
        raise RuntimeError("podman-compose not found: `make install` (dev extras) or `apt-get install podman-compose`")
    return [found]


@dataclass
class Stack:
    """deploy/docker-compose.yml as compose project `project`, with `env` for its variables."""

    project: str
    env: dict[str, str]
    compose: list[str] = field(default_factory=compose_command)

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        cmd = [*self.compose, "-p", self.project, "-f", str(DEPLOY / "docker-compose.yml"), *args]
        env = {**os.environ, **self.env, "CONTAINERS_CONF": CONTAINERS_CONF}
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"podman-compose {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout[-1500:]}\n{done.stderr[-2500:]}")
        return done

    @property
    def network(self) -> str:
        return f"{self.project}_default"

    def ensure_network(self) -> str:
        """Create the project's network as podman-compose would (if missing); its gateway address."""
        if podman("network", "exists", self.network, check=False).returncode != 0:
            labels = [f"io.podman.compose.project={self.project}", f"com.docker.compose.project={self.project}"]
            podman("network", "create", *[a for label in labels for a in ("--label", label)], self.network)
        info = json.loads(podman("network", "inspect", self.network).stdout)[0]
        return str(info["subnets"][0]["gateway"])

    def containers(self, service: str) -> list[str]:
        done = podman("ps", "--filter", f"label=io.podman.compose.project={self.project}",
                      "--filter", f"label=io.podman.compose.service={service}", "--format", "{{.Names}}")
        return sorted(done.stdout.split())

    def volumes(self) -> list[str]:
        done = podman("volume", "ls", "--filter", f"label=io.podman.compose.project={self.project}",
                      "--format", "{{.Name}}")
        return sorted(done.stdout.split())

    def anonymous_volumes(self) -> set[str]:
        """Unnamed volumes on the project's containers (the bots' /data, from the image's VOLUME), which
        podman-compose's `down -v` leaves behind."""
        ids = podman("ps", "-a", "-q", "--filter", f"label=io.podman.compose.project={self.project}").stdout.split()
        if not ids:
            return set()
        names = podman("inspect", "--format", '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}', *ids)
        return {n for n in names.stdout.split() if re.fullmatch(r"[0-9a-f]{64}", n)}

    def exec(self, container: str, *cmd: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return podman("exec", container, *cmd, check=False, timeout=timeout)

    def logs(self, container: str) -> str:
        done = podman("logs", container, check=False)
        return done.stdout + done.stderr
