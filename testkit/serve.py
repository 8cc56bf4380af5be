"""`cxbot serve` (and other servers) as child processes for tests and benches: started, waited for
and stopped one way, output kept in a log file."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from signal import SIGTERM

from testkit.net import free_port

ROOT = Path(__file__).resolve().parent.parent


def wait_until(what: str, ok: Callable[[], object], timeout: float, proc: subprocess.Popen[bytes] | None = None,
               log: Path | None = None) -> None:
    """Poll `ok()` until it is true; fail early, with the log's tail, if `proc` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: process exited with {proc.returncode}\n{_tail(log)}")
        try:
            if ok():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready after {timeout:g} s\n{_tail(log)}")


def _tail(log: Path | None) -> str:
    return log.read_text(errors="replace")[-3000:] if log and log.exists() else ""


@dataclass
class Proc:
    """A child process with its log file (stdout and stderr)."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    cwd: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT)
        out.close()

    def signal(self, sig: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self, timeout: float = 30.0, sig: int = SIGTERM) -> int | None:
        """`sig` (SIGTERM), wait, SIGKILL if needed; the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def cpu(self) -> float:
        """CPU seconds the process has used so far (Linux)."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Serve(Proc):
    """`cxbot serve` on 127.0.0.1 with the given environment (PORT and HOST are set here).

    `argv` replaces the command (e.g. to run it under cProfile); `cwd` is where it reads a `.env` from.
    """

    def __init__(self, env: dict[str, str], log: Path, *, name: str = "cxbot serve", port: int | None = None,
                 cwd: Path = ROOT, argv: list[str] | None = None) -> None:
        self.port = port or free_port()
        env = dict(env, PORT=str(self.port), HOST="127.0.0.1")
        super().__init__(name, argv or [sys.executable, "-m", "bot", "serve"], env, log, cwd)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as resp:
                return bool(resp.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def wait_healthy(self, timeout: float = 90.0) -> float:
        """Wait until `/healthz` answers; the seconds it took."""
        started = time.perf_counter()
        wait_until(self.name, self.healthy, timeout, self.proc, self.log)
        return time.perf_counter() - started

    async def wait_healthy_async(self, timeout: float = 90.0) -> float:
        """`wait_healthy` without blocking the event loop (fakes served by this process keep answering)."""
        return await asyncio.to_thread(self.wait_healthy, timeout)
