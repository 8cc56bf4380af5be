"""deploy/docker-compose.yml run for real with podman-compose: proxy, 2 replicas, Chroma, PostgreSQL.

    .venv/bin/python bench/compose_e2e.py [--project cxbot-e2e] [--port 38080] [--rebuild] [--keep]

As root on a machine with podman (no Docker engine or registry needed). Builds (or reuses) local
images: cxbot from the Dockerfile, and stand-ins for chromadb/chroma, postgres and nginx from
deploy/images/, passed to the compose file as CXBOT_IMAGE, CHROMA_IMAGE, POSTGRES_IMAGE, NGINX_IMAGE.
Then it checks, printing each figure: `up` until /readyz answers through the proxy; `run --rm bot
ingest`; signed Slack events through the proxy (127.0.0.1:PORT) to the replicas, answered with
`chat.postMessage` on a fake Slack Web API on the host (the compose network's gateway,
`host.containers.internal`); /readyz on each replica; `down` and `up` again keep the index and the
database (a repeated event stays de-duplicated, a new question is answered without ingesting).
Exit code 1 with a FAILED line when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from compose_e2e_checks import FIGURES, Checks, Failed, HostFake, figure, mention
from compose_stack import RECIPES, Stack, base_image, ensure_image, podman

from testkit.net import free_port

QUESTIONS = [
    "How fast must we acknowledge a customer complaint?",
    "Who owns a complaint until it is closed?",
    "Wie gehen wir mit Kritikern im NPS um?",
    "When do we escalate a complaint?",
]


def step(name: str, started: float) -> None:
    print(f"\n== {name} (+{time.monotonic() - started:.0f} s)", flush=True)


def timed(what: str, fn: Callable[[], Any]) -> Any:
    start = time.monotonic()
    result = fn()
    figure(f"{what}: {time.monotonic() - start:.1f} s")
    return result


def images(rebuild: bool) -> dict[str, str]:
    base = timed("base image (localhost/debian:bookworm)", base_image)
    tags = {}
    for name, recipe in RECIPES.items():
        tag, took = ensure_image(recipe, base, rebuild)
        size = podman("image", "inspect", "-f", "{{.Size}}", tag).stdout.strip()
        figure(f"image {name}: {tag}, {int(size) / 1e6:.0f} MB, " + ("reused" if took is None else f"built in {took:.0f} s"))
        tags[name] = tag
    return tags


def write_env_file(folder: Path, fake_port: int, signing_secret: str) -> Path:
    path = folder / "bot.env"
    path.write_text("\n".join([
        "SLACK_BOT_TOKEN=xoxb-1-2-composee2e", f"SLACK_SIGNING_SECRET={signing_secret}",
        f"SLACK_API_URL=http://host.containers.internal:{fake_port}/api/",
        f"CXBOT_HASH_KEY={secrets.token_hex(32)}", "CXBOT_LLM=none", "LOG_LEVEL=INFO", "CXBOT_LOG_JSON=true", "",
    ]))
    return path


async def bring_up(stack: Stack, checks: Checks, fake: HostFake) -> None:
    await fake.bind(stack.ensure_network())
    since = time.monotonic()
    await asyncio.to_thread(timed, "podman-compose up -d", lambda: stack.run("up", "-d"))
    await checks.wait_ready(since)
    await checks.replicas_ready(since)


async def run(args: argparse.Namespace) -> None:
    started = time.monotonic()
    step("images", started)
    tags = images(args.rebuild)
    signing_secret = secrets.token_hex(16)
    fake = HostFake(free_port())
    folder = Path(tempfile.mkdtemp(prefix="cxbot-compose-e2e-"))
    stack = Stack(args.project, {
        "CXBOT_IMAGE": tags["cxbot"], "CHROMA_IMAGE": tags["chroma"], "POSTGRES_IMAGE": tags["postgres"],
        "NGINX_IMAGE": tags["nginx"], "CXBOT_HTTP_PORT": f"127.0.0.1:{args.port}",
        "POSTGRES_PASSWORD": secrets.token_hex(12),
        "CXBOT_ENV_FILE": str(write_env_file(folder, fake.port, signing_secret)),
    })
    proxy = f"http://127.0.0.1:{args.port}"
    leftovers: set[str] = set()
    async with aiohttp.ClientSession() as http:
        checks = Checks(stack, http, proxy, fake, signing_secret)
        try:
            step("clean slate: podman-compose down -v", started)
            await asyncio.to_thread(stack.run, "down", "-v")
            step("up", started)
            await bring_up(stack, checks, fake)
            step("ingest: podman-compose run --rm bot ingest", started)
            print("  " + await asyncio.to_thread(timed, "ingest", lambda: checks.ingest()))
            step("signed Slack events through the proxy", started)
            sent = [await checks.ask(mention(n, q)) for n, q in enumerate(QUESTIONS)]
            checks.spread(sent)
            step("/readyz on every replica", started)
            await checks.replicas_ready()
            before = await asyncio.to_thread(checks.stored)
            print(f"  stored before down: {before}")
            step("down and up again (volumes kept)", started)
            await fake.stop()
            leftovers |= stack.anonymous_volumes()
            await asyncio.to_thread(timed, "podman-compose down", lambda: stack.run("down"))
            checks.volumes_kept()
            await bring_up(stack, checks, fake)
            after = await asyncio.to_thread(checks.stored)
            print(f"  stored after up: {after}")
            if after != before:
                raise Failed(f"data changed across down/up: {before} -> {after}")
            await checks.deduplicated(sent[0].event)
            again = await checks.ask(mention(len(QUESTIONS), QUESTIONS[0]))  # a new event, no ingest since
            if again.text != sent[0].text:
                raise Failed(f"the same question answered differently after down/up: {again.text[:200]!r}")
            print("  the first question, asked again as a new event: the same answer as before down/up")
            step("all checks passed", started)
            print("\n".join(["figures:", *(f"  {line}" for line in FIGURES)]))
        finally:
            await fake.stop()
            if args.keep:
                print(f"\nkept running: project {args.project}, proxy {proxy}, env file {stack.env['CXBOT_ENV_FILE']}")
            else:
                leftovers |= stack.anonymous_volumes()
                await asyncio.to_thread(stack.run, "down", "-v")
                for volume in sorted(leftovers):
                    podman("volume", "rm", "-f", volume, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", default="cxbot-e2e", help="compose project name (containers, volumes)")
    parser.add_argument("--port", type=int, default=38080, help="the proxy's port on 127.0.0.1")
    parser.add_argument("--rebuild", action="store_true", help="build the images even if they exist")
    parser.add_argument("--keep", action="store_true", help="leave the stack running afterwards")
    try:
        asyncio.run(run(parser.parse_args()))
    except (Failed, RuntimeError, TimeoutError) as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
