"""git sources: a repository made in the test, indexed at a commit, incrementally after that."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sourcekit import Sources
from testenv import CORPUS

from bot.knowledge import Knowledge
from testkit.gitrepo import Repo

SMALL = ["support-capacity.md", "support-product-feedback.md", "support-customer-exceptions.md",
         "support-tracking-resolved-tickets.md"]


def playbook_repo(path: Path) -> Repo:
    repo = Repo(path)
    for name in SMALL:
        repo.write(f"playbooks/{name}", (CORPUS / "playbooks" / name).read_text(encoding="utf-8"))
    repo.write("README.txt", "Playbooks\n\nThe support team's playbooks live in the playbooks folder of this repository.")
    repo.write("data/sizes.csv", "a,b\n1,2\n")
    repo.write("diagram.vsdx", b"\x00binary")
    repo.commit("playbooks")
    return repo


def git_source(repo: Repo, **extra: object) -> dict[str, object]:
    return {"name": "handbook", "kind": "git", "url": str(repo.path), "branch": "main", "paths": ["playbooks"],
            "link": "https://git.example/cx/handbook/blob/{commit}/{path}", **extra}


def test_a_git_source_gives_the_same_chunks_as_a_folder_ingest_of_the_same_files(sources: Sources) -> None:
    repo = playbook_repo(sources.root / "repo")
    sources.configure(git_source(repo))
    report = sources.sync("handbook")
    assert report.error is None and (report.summary.added, report.summary.skipped) == (4, [])

    folder = Knowledge(sources.settings.model_copy(update={"data_dir": sources.root / "folder-data"}))
    folder.indexer().run([repo.path / "playbooks"])
    _, texts, metas = folder.store.all_chunks()

    def content(rows: list[tuple[str, dict[str, object]]]) -> Counter[tuple[object, ...]]:
        return Counter((m.title, m.section, m.chunk, m.doc_chunks, m.lang, t) for t, m in rows)

    assert content(sources.chunks()) == content(list(zip(texts, metas, strict=True)))
    assert report.summary.chunks == len(texts)


def test_a_commit_changing_one_file_and_deleting_another_updates_one_and_removes_one(sources: Sources) -> None:
    repo = playbook_repo(sources.root / "repo")
    sources.configure(git_source(repo))
    first = sources.sync("handbook")
    assert first.summary.added == 4

    changed = repo.path / "playbooks" / SMALL[0]
    fresh = f"\nEscalate capacity gaps to the duty lead at once (note {time.time()}).\n"  # new to the cache
    changed.write_text(changed.read_text(encoding="utf-8") + fresh, encoding="utf-8")
    repo.remove(f"playbooks/{SMALL[1]}")
    commit = repo.commit("edit one, delete one")

    service = sources.service()
    [spec] = service.specs()
    report = service.sync(spec)
    s = report.summary
    assert (s.added, s.updated, s.removed, s.unchanged) == (0, 1, 1, 2)
    docs = {str(m.path) for _, m in sources.chunks()}
    assert docs == {f"handbook/playbooks/{n}" for n in (SMALL[0], SMALL[2], SMALL[3])}
    edited = [m for _, m in sources.chunks() if m.path == f"handbook/playbooks/{SMALL[0]}"]
    # only the edited file's changed chunks could be new to the embedder
    assert 0 < service.knowledge.embedder.computed <= 4 * len(edited)  # a chunk and a few answer units each  # type: ignore[attr-defined]
    assert {m.url for m in edited} == {f"https://git.example/cx/handbook/blob/{commit}/playbooks/{SMALL[0]}"}

    again = sources.sync("handbook").summary
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)


def test_an_unreachable_repository_is_an_error_in_status_and_deletes_nothing(sources: Sources) -> None:
    repo = playbook_repo(sources.root / "repo")
    sources.configure(git_source(repo))
    assert sources.sync("handbook").summary.added == 4
    sources.configure(git_source(repo, branch="no-such-branch"))

    report = sources.sync("handbook")
    assert report.error is not None and "no-such-branch" in report.error
    assert len({m.doc for _, m in sources.chunks()}) == 4
    status = sources.service().status()["handbook"]
    assert status.status == "error" and status.documents == 4 and "no-such-branch" in (status.error or "")
    assert status.ok_at is not None and status.finished_at is not None and status.ok_at < status.finished_at


def test_files_that_cannot_be_read_are_skipped_and_listed_the_rest_indexed(sources: Sources) -> None:
    repo = playbook_repo(sources.root / "repo")
    repo.write("playbooks/broken.pdf", b"%PDF-1.7 not really")
    repo.write("playbooks/empty.md", "")
    repo.write("playbooks/notes.xyz", "what is this")
    repo.commit("bad files")
    sources.configure(git_source(repo))
    report = sources.sync("handbook")
    reasons = {s.path: s.reason for s in report.summary.skipped}
    assert report.summary.added == 4
    assert reasons["handbook/playbooks/empty.md"] == "empty file"
    assert "PDF" in reasons["handbook/playbooks/broken.pdf"]
    assert reasons["handbook/playbooks/notes.xyz"] == "unsupported file type .xyz"


def test_sync_json_prints_one_line_per_source_in_the_documented_shape(sources: Sources) -> None:
    repo = playbook_repo(sources.root / "repo")
    (sources.knowledge_dir / "notes").mkdir()
    (sources.knowledge_dir / "notes" / "refunds.md").write_text(
        "# Refunds\n\nRefunds are paid back within fourteen days of the return arriving.\n", encoding="utf-8")
    sources.configure(git_source(repo), {"name": "notes", "kind": "folder", "path": "notes"})
    cfg = sources.settings
    env = {**os.environ, "CXBOT_DATA_DIR": str(cfg.data_dir), "CXBOT_EMBED_CACHE": str(cfg.embed_cache),
           "CXBOT_KNOWLEDGE_DIR": str(sources.knowledge_dir)}
    out = subprocess.run([sys.executable, "-m", "bot", "sources", "sync", "--json"], env=env, capture_output=True,
                         text=True, check=True, cwd=sources.root)
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["source"] for line in lines] == ["handbook", "notes"]
    for line in lines:
        assert list(line) == ["source", "added", "updated", "removed", "unchanged", "chunks", "skipped"]
    assert lines[0]["added"] == 4 and lines[1]["added"] == 1

    status = subprocess.run([sys.executable, "-m", "bot", "sources", "status", "--json"], env=env,
                            capture_output=True, text=True, check=True, cwd=sources.root)
    rows = {r["source"]: r for r in json.loads(status.stdout)}
    assert rows["handbook"]["status"] == "ok" and rows["handbook"]["documents"] == 4
    assert rows["notes"]["documents"] == 1

    unknown = subprocess.run([sys.executable, "-m", "bot", "sources", "sync", "nope"], env=env, capture_output=True,
                             text=True, cwd=sources.root)
    assert unknown.returncode == 2 and "no source named 'nope'" in unknown.stderr
