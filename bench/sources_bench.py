"""Knowledge sources bench: the bars of issue #16, measured against loopback fakes.

    python bench/sources_bench.py git            # git source vs folder ingest of the playbooks; a commit
    python bench/sources_bench.py web            # playbooks as an HTML site: dev playbook questions, hit@3
    python bench/sources_bench.py confluence     # 2,000 pages: initial sync, then 100 edited/50 deleted/50 new
    python bench/sources_bench.py sharepoint     # 2,000 files: the same, through Graph delta
    python bench/sources_bench.py storm          # both fakes with every third call throttled (429)

Prints figures (counts of fetches, embeddings and throttled calls, and wall-clock times, which are noisy
on a shared machine). Works in a fresh temp dir; the embedding cache is the tests' (or --embed-cache).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
PLAYBOOKS = SHARED / "corpus" / "playbooks"
QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"

from bot.db.engine import Database  # noqa: E402
from bot.knowledge import Knowledge  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.sources.service import Report, SourcesService  # noqa: E402


class Run:
    """A data dir + knowledge dir with a sources.yaml, and a service to sync with."""

    def __init__(self, root: Path, cache: Path) -> None:
        import yaml

        self.yaml = yaml
        self.root = root
        self.kb = root / "kb"
        self.kb.mkdir(parents=True, exist_ok=True)
        self.settings = Settings(_env_file=None, CXBOT_DATA_DIR=root / "data", CXBOT_KNOWLEDGE_DIR=self.kb,
                                 CXBOT_EMBED_CACHE=cache)

    def configure(self, *entries: dict[str, Any]) -> None:
        (self.kb / "sources.yaml").write_text(self.yaml.safe_dump({"sources": list(entries)}), encoding="utf-8")

    def sync(self, name: str) -> tuple[Report, Knowledge, float]:
        knowledge = Knowledge(self.settings)
        db = Database(self.settings).migrate()
        try:
            service = SourcesService(self.settings, knowledge, db)
            [spec] = [s for s in service.specs() if s.name == name]
            t0 = time.perf_counter()
            report = service.sync(spec)
            return report, knowledge, time.perf_counter() - t0
        finally:
            db.dispose()


def line(label: str, report: Report, knowledge: Knowledge, seconds: float, **extra: object) -> None:
    s = report.summary
    figures = {"added": s.added, "updated": s.updated, "removed": s.removed, "unchanged": s.unchanged,
               "chunks": s.chunks, "skipped": len(s.skipped),
               "embedded": getattr(knowledge.embedder, "computed", None), "seconds": round(seconds, 1), **extra}
    print(f"{label:<34} " + " ".join(f"{k}={v}" for k, v in figures.items()))
    if report.error:
        print(f"  error: {report.error}")


def chunk_content(knowledge: Knowledge) -> Counter[tuple[object, ...]]:
    _, texts, metas = knowledge.store.all_chunks()
    return Counter((m.title, m.section, m.chunk, t) for t, m in zip(texts, metas, strict=True))


def bench_git(tmp: Path, cache: Path) -> None:
    from testkit.gitrepo import Repo

    run = Run(tmp / "git", cache)
    repo = Repo(tmp / "repo")
    repo.copy_tree(PLAYBOOKS, "playbooks")
    repo.commit("playbooks")
    run.configure({"name": "playbooks", "kind": "git", "url": str(repo.path), "branch": "main"})
    report, knowledge, took = run.sync("playbooks")
    line("git: initial sync", report, knowledge, took)
    folder_settings = run.settings.model_copy(update={"data_dir": tmp / "folder-data"})
    folder = Knowledge(folder_settings)
    t0 = time.perf_counter()
    summary = folder.indexer().run([repo.path / "playbooks"])
    print(f"{'folder ingest of the same files':<34} added={summary.added} chunks={summary.chunks} "
          f"seconds={time.perf_counter() - t0:.1f}")
    same = chunk_content(knowledge) == chunk_content(folder)
    print(f"{'same chunks (title, section, n, text)':<34} {same} "
          f"({sum(chunk_content(knowledge).values())} vs {sum(chunk_content(folder).values())})")

    edited = repo.path / "playbooks" / "cs-ta-cadences.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEscalate overdue cadences to the team lead.\n",
                      encoding="utf-8")
    repo.remove("playbooks/cs-scaled-ta-program.md")
    repo.commit("edit one, delete one")
    report, knowledge, took = run.sync("playbooks")
    line("git: commit (1 edited, 1 deleted)", report, knowledge, took)


def render_site(site: Any) -> list[str]:
    from markdown_it import MarkdownIt

    from testkit.website import html_page

    md = MarkdownIt("commonmark").enable("table")
    names = sorted(p.stem for p in PLAYBOOKS.glob("*.md"))
    for name in names:
        text = (PLAYBOOKS / name).with_suffix(".md").read_text(encoding="utf-8")
        title = next((ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")), name)
        site.put(f"/playbooks/{name}.html", html_page(title, md.render(text), ["/", f"/playbooks/{names[0]}.html"]))
    index = "".join(f'<li><a href="/playbooks/{n}.html">{n}</a></li>' for n in names)
    site.put("/", html_page("CX playbooks", f"<h1>CX playbooks</h1><ul>{index}</ul>"))
    return names


def hits(knowledge: Knowledge, rename: dict[str, str]) -> tuple[float, float, int]:
    questions = [json.loads(q) for q in QUESTIONS.read_text(encoding="utf-8").splitlines() if q.strip()]
    questions = [q for q in questions if q["kind"] == "playbook" and q["expected_sources"]]
    at1 = at3 = 0
    for q in questions:
        answer = knowledge.ask.answer(q["question"])
        got: list[str] = []
        for s in answer.sources:
            base = s.path.rsplit("/", 1)[-1].split("#")[0].split("?")[0].lower()
            base = rename.get(base, base)
            if base not in got:
                got.append(base)
        want = {e.lower() for e in q["expected_sources"]}
        at1 += bool(want & set(got[:1]))
        at3 += bool(want & set(got[:3]))
    return at1 / len(questions), at3 / len(questions), len(questions)


def bench_web(tmp: Path, cache: Path) -> None:
    from testkit.website import FakeSite, site_serving

    site = FakeSite()
    names = render_site(site)
    run = Run(tmp / "web", cache)
    with site_serving(site) as url:
        run.configure({"name": "playbooks-web", "kind": "web", "url": url + "/", "max_depth": 2})
        report, knowledge, took = run.sync("playbooks-web")
        line("web: initial crawl", report, knowledge, took, requests=len(site.calls))
        site.calls.clear()
        again, k2, took = run.sync("playbooks-web")
        line("web: unchanged re-crawl", again, k2, took, requests=len(site.calls),
             not_modified=site.statuses().count(304))
    folder = Knowledge(run.settings.model_copy(update={"data_dir": tmp / "web-folder"}))
    folder.indexer().run([PLAYBOOKS])
    rename = {f"{n}.html".lower(): f"{n}.md".lower() for n in names}
    f1, f3, n = hits(folder, {})
    w1, w3, _ = hits(Knowledge(run.settings), rename)
    print(f"{'dev playbook questions':<34} n={n} folder hit@1={f1:.3f} hit@3={f3:.3f} | "
          f"web hit@1={w1:.3f} hit@3={w3:.3f} | hit@3 difference={w3 - f3:+.3f}")


WORDS = ["callback", "refund", "escalation", "invoice", "renewal", "onboarding", "survey", "complaint", "warranty", "delivery", "upgrade", "discount", "churn", "feedback"]


def body(n: int, note: str = "") -> str:
    """A short page (one chunk): the bar is about what is fetched and embedded, not about long texts."""
    a, b = WORDS[n % len(WORDS)], WORDS[(n // len(WORDS)) % len(WORDS)]
    return (f"Rule {n}: a {a} request about a {b} in region {n} is answered within {n % 9 + 1} hours, "
            f"and the team lead reviews it after {n % 5 + 2} days{note}.")


def changes(n: int) -> tuple[range, range, range]:
    """Which of n documents are edited, deleted and how many are new: 100 / 50 / 50."""
    return range(0, 100), range(100, 150), range(n, n + 50)


def nothing_lost(run: Run, n: int, report: Report) -> None:
    """After a throttled sync: how many of the n documents reached the index, and the sync's error."""
    docs = len({m.doc for m in Knowledge(run.settings).store.all_chunks()[2]})
    print(f"{'  nothing lost':<34} documents in the index={docs} of {n}, error={report.error}")


def sync_figures(label: str, run: Run, name: str, calls: Any, **extra: Any) -> Report:
    """Sync once and print its figures; `extra` values are callables read after the sync."""
    before = calls()
    report, knowledge, took = run.sync(name)
    line(label, report, knowledge, took, calls=calls() - before, **{k: f() for k, f in extra.items()})
    return report


def bench_confluence(tmp: Path, cache: Path, n: int = 2000, throttle: int = 0) -> None:
    import os

    from testkit.confluence import FakeConfluence, confluence_serving

    os.environ["CONFLUENCE_TOKEN"] = "secret-token"
    fake = FakeConfluence(throttle_every=throttle)
    pages = [fake.add_page("CX", f"Rule {i}", f"<h2>Handling</h2><p>{body(i)}</p>") for i in range(n)]
    run = Run(tmp / f"confluence-{throttle}", cache if throttle else tmp / f"emb-confluence-{n}.sqlite")
    tag = f" (every {throttle}rd call 429)" if throttle else ""
    with confluence_serving(fake) as url:
        run.configure({"name": "wiki", "kind": "confluence", "url": url, "spaces": ["CX"], "deployment": "cloud",
                       "email": "bot@example.com", "token_env": "CONFLUENCE_TOKEN"})
        first = sync_figures(f"confluence: initial {n} pages{tag}", run, "wiki", lambda: len(fake.calls),
                             throttled=lambda: sum(1 for _, st in fake.calls if st == 429))
        if throttle:
            nothing_lost(run, n, first)
            return
        edited, deleted, new = changes(n)
        for i in edited:
            fake.edit(pages[i].id, f"<h2>Handling</h2><p>{body(i, ' (revised)')}</p>")
        for i in deleted:
            fake.pages[pages[i].id].status = "trashed"
        for i in new:
            fake.add_page("CX", f"Rule {i}", f"<h2>Handling</h2><p>{body(i)}</p>")
        fake.calls.clear()
        sync_figures("confluence: 100 edited/50 del/50 new", run, "wiki", lambda: len(fake.calls))
        kinds = Counter("page bodies (bulk)" if "/api/v2/pages?" in p else "space listing" if "/spaces/" in p
                        else "CQL (attachments)" if "search" in p else p.split("?")[0] for p, _ in fake.calls)
        print(f"{'  calls':<34} " + ", ".join(f"{k}: {v}" for k, v in kinds.items()))


def bench_sharepoint(tmp: Path, cache: Path, n: int = 2000, throttle: int = 0) -> None:
    import os

    from testkit.graph import FakeGraph, graph_serving
    from testkit.tls import make_certificate

    cert = make_certificate(tmp / "tls")
    os.environ["REQUESTS_CA_BUNDLE"] = str(cert.cert)
    os.environ["SHAREPOINT_SECRET"] = "client-secret"
    fake = FakeGraph(throttle_every=throttle)
    drive = fake.library("Documents")
    items = [fake.put(drive, f"Rules/{i // 100}/rule-{i}.md", f"# Rule {i}\n\n{body(i)}\n".encode(), "text/markdown")
             for i in range(n)]
    run = Run(tmp / f"sharepoint-{throttle}", cache if throttle else tmp / f"emb-sharepoint-{n}.sqlite")
    tag = f" (every {throttle}rd call 429)" if throttle else ""
    with graph_serving(fake, cert) as url:
        run.configure({"name": "sp", "kind": "sharepoint", "tenant_id": fake.tenant, "client_id": fake.client_id,
                       "client_secret_env": "SHAREPOINT_SECRET", "site": f"{fake.hostname}:{fake.site_path}",
                       "authority": url, "graph_url": f"{url}/v1.0", "pages": False})
        downloads = lambda: sum(1 for _, p, st in fake.calls if p.endswith("/content") and st == 302)  # noqa: E731
        first = sync_figures(f"sharepoint: initial {n} files{tag}", run, "sp", lambda: len(fake.calls),
                             downloads=downloads, throttled=lambda: sum(1 for *_, st in fake.calls if st == 429))
        if throttle:
            nothing_lost(run, n, first)
            return
        edited, deleted, new = changes(n)
        for i in edited:
            fake.put(drive, f"Rules/{i // 100}/rule-{i}.md", f"# Rule {i}\n\n{body(i, ' (revised)')}\n".encode(),
                     "text/markdown")
        for i in deleted:
            fake.delete(drive, items[i].id)
        for i in new:
            fake.put(drive, f"Rules/new/rule-{i}.md", f"# Rule {i}\n\n{body(i)}\n".encode(), "text/markdown")
        fake.calls.clear()
        sync_figures("sharepoint: 100 edited/50 del/50 new", run, "sp", lambda: len(fake.calls))
        print(f"{'  downloads':<34} {downloads()} (the delta's changed files only)")


def bench_storm(tmp: Path, cache: Path) -> None:
    """Run from main(): reuses the embedding caches of the confluence and sharepoint benches when run after them."""


BENCHES = {"git": bench_git, "web": bench_web, "confluence": bench_confluence, "sharepoint": bench_sharepoint,
           "storm": bench_storm}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("which", nargs="+", choices=sorted(BENCHES))
    ap.add_argument("--embed-cache", type=Path, default=ROOT / ".cxbot" / "test-embeddings.sqlite")
    ap.add_argument("-n", type=int, default=2000, help="documents in the Confluence and SharePoint benches")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cxbot-sources-bench-") as tmp:
        for which in args.which:
            if which in ("confluence", "sharepoint"):
                BENCHES[which](Path(tmp), args.embed_cache, args.n)  # type: ignore[call-arg]
            elif which == "storm":
                bench_confluence(Path(tmp), Path(tmp) / f"emb-confluence-{args.n}.sqlite", args.n, throttle=3)
                bench_sharepoint(Path(tmp), Path(tmp) / f"emb-sharepoint-{args.n}.sqlite", min(args.n, 300), throttle=3)
            else:
                BENCHES[which](Path(tmp), args.embed_cache)


if __name__ == "__main__":
    main()
