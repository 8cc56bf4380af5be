"""The sync engine every kind shares: versions, failures, deltas, claims, and dying half-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sourcekit import Sources

from bot.knowledge import Knowledge
from bot.sources.model import AuthError, DocError, Fetched, Listing, Ref, SourceError
from bot.sources.state import SyncStates
from bot.sources.sync import run_sync
from testkit.gitrepo import Repo


def page(n: int, extra: str = "") -> str:
    return (f"<html><head><title>Policy {n}</title></head><body><h1>Policy {n}</h1><h2>Rule</h2>"
            f"<p>Customers in region {n} get a callback within {n + 1} hours{extra}.</p></body></html>")


class DictSource:
    """An in-memory source: `docs` maps id -> (version, html); failures and deltas on demand."""

    name = "mem"

    def __init__(self, docs: dict[str, tuple[str, str]]) -> None:
        self.docs = docs
        self.fail: dict[str, DocError] = {}
        self.refuse: Exception | None = None
        self.delta: tuple[list[str], list[str]] | None = None  # (changed ids, removed ids)
        self.fetched: list[str] = []

    def listing(self, cursor: dict[str, Any]) -> Listing:
        if self.refuse is not None:
            raise self.refuse
        if self.delta is not None:
            changed, removed = self.delta
            refs = [Ref(i, self.docs[i][0], url=f"https://mem.example/{i}") for i in changed]
            return Listing(refs, complete=False, removed=removed, cursor={"token": len(cursor) + 1})
        refs = [Ref(i, v, url=f"https://mem.example/{i}") for i, (v, _) in self.docs.items()]
        return Listing(refs, cursor={"token": 1})

    def prefetch(self, refs: list[Ref]) -> None:
        pass

    def fetch(self, ref: Ref) -> Fetched:
        self.fetched.append(ref.id)
        if ref.id in self.fail:
            raise self.fail[ref.id]
        return Fetched(f"{ref.id}.html", self.docs[ref.id][1].encode())

    def close(self) -> None:
        pass


def docs_in_index(k: Knowledge) -> dict[str, str]:
    _, _, metas = k.store.all_chunks()
    return {str(m.doc): m.doc_version for m in metas}


def test_only_changed_versions_are_fetched_and_only_changed_content_embedded(sources: Sources) -> None:
    src = DictSource({f"p{i}": ("1", page(i)) for i in range(5)})
    k = Knowledge(sources.settings)
    first = run_sync(src, k.indexer(), {})
    assert (first.summary.added, first.documents) == (5, 5)

    src.docs["p1"] = ("2", page(1, " and a written apology"))  # new content
    src.docs["p2"] = ("2", page(2))  # a new version with the same bytes
    del src.docs["p3"]
    src.fetched.clear()
    k2 = Knowledge(sources.settings)
    second = run_sync(src, k2.indexer(), first.cursor)
    s = second.summary
    assert sorted(src.fetched) == ["p1", "p2"]
    assert (s.added, s.updated, s.removed, s.unchanged) == (0, 1, 1, 3)
    assert k2.embedder.computed <= 4  # one document: a chunk and a few answer units  # type: ignore[attr-defined]
    assert docs_in_index(k2) == {"source:mem/p0": "1", "source:mem/p1": "2", "source:mem/p2": "2",
                                 "source:mem/p4": "1"}
    src.fetched.clear()
    assert run_sync(src, Knowledge(sources.settings).indexer(), second.cursor).summary.unchanged == 4
    assert src.fetched == []


def test_a_refused_login_or_a_failing_source_deletes_nothing(sources: Sources) -> None:
    src = DictSource({f"p{i}": ("1", page(i)) for i in range(3)})
    k = Knowledge(sources.settings)
    run_sync(src, k.indexer(), {})
    for failure in (AuthError("401 Unauthorized"), SourceError("503 after retries")):
        src.refuse = failure
        with pytest.raises(SourceError):
            run_sync(src, k.indexer(), {})
        assert len(docs_in_index(k)) == 3


def test_per_document_failures_are_skipped_listed_and_transient_ones_keep_the_old_version(sources: Sources) -> None:
    src = DictSource({f"p{i}": ("1", page(i)) for i in range(4)})
    k = Knowledge(sources.settings)
    run_sync(src, k.indexer(), {})
    src.docs = {i: ("2", page(int(i[1:]), " from now on")) for i in src.docs}
    src.fail = {"p1": DocError("timed out", transient=True), "p2": DocError("404 page not found")}
    src.docs["p3"] = ("2", "<html><body></body></html>")
    out = run_sync(src, k.indexer(), {"token": 1})
    reasons = {s.path: s.reason for s in out.summary.skipped}
    assert reasons == {"mem/p1": "timed out", "mem/p2": "404 page not found", "mem/p3": "no text found"}
    assert out.cursor == {"token": 1}  # held back: the transient failure is tried again next time
    assert docs_in_index(k) == {"source:mem/p0": "2", "source:mem/p1": "1"}
    assert (out.summary.updated, out.summary.removed) == (1, 2)


def test_a_delta_applies_changes_and_deletions_and_leaves_the_rest(sources: Sources) -> None:
    src = DictSource({f"p{i}": ("1", page(i)) for i in range(4)})
    k = Knowledge(sources.settings)
    run_sync(src, k.indexer(), {})
    src.docs["p0"] = ("2", page(0, " on weekdays"))
    src.docs["p9"] = ("1", page(9))
    src.delta = (["p0", "p9"], ["p2", "gone-before"])
    out = run_sync(src, k.indexer(), {"token": 1})
    s = out.summary
    assert (s.added, s.updated, s.removed, s.unchanged) == (1, 1, 1, 2)  # p1 and p3: not in the delta, unchanged
    assert set(docs_in_index(k)) == {"source:mem/p0", "source:mem/p1", "source:mem/p3", "source:mem/p9"}
    assert out.cursor == {"token": 2}


def test_one_replica_at_a_time_holds_a_source_and_an_expired_claim_is_taken_over(sources: Sources) -> None:
    states = SyncStates(sources.service().states.db)
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    mine = states.claim("wiki", "replica-a", now, lease=60)
    assert mine is not None
    assert states.claim("wiki", "replica-b", now + timedelta(seconds=30), lease=60) is None
    theirs = states.claim("wiki", "replica-b", now + timedelta(seconds=61), lease=60)
    assert theirs is not None
    assert not states.renew(mine, now + timedelta(seconds=62), lease=60)  # fenced: a late writer stops
    assert not states.finish(mine, now, summary=None, documents=1, cursor={"x": 1}, error=None)
    assert states.finish(theirs, now + timedelta(seconds=70), summary={"added": 1}, documents=1, cursor={},
                         error=None)
    assert states.claim("wiki", "replica-a", now + timedelta(seconds=71), lease=60) is not None


def test_a_sync_killed_half_way_is_completed_by_the_next_without_duplicates(sources: Sources) -> None:
    repo = Repo(sources.root / "repo")
    stamp = str(time.time())
    for i in range(12):
        repo.write(f"doc{i}.md", f"# Guide {i}\n\n## Steps\n\nStep {i} of a wording no cache has seen {stamp}: "
                   "ring the customer back, then note what they asked for in the ticket.\n")
    repo.commit("guides")
    sources.configure({"name": "guides", "kind": "git", "url": str(repo.path)})
    cfg = sources.settings
    data = cfg.data_dir
    env = {**os.environ, "CXBOT_DATA_DIR": str(data), "CXBOT_EMBED_CACHE": str(data / "emb.sqlite"),
           "CXBOT_KNOWLEDGE_DIR": str(sources.knowledge_dir), "CXBOT_SOURCES_LEASE": "10"}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "sources", "sync", "--json"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=sources.root)
    own = cfg.model_copy(update={"embed_cache": data / "emb.sqlite"})
    deadline = time.time() + 120
    while time.time() < deadline:  # kill once some, but not all, documents are in
        time.sleep(0.3)
        try:
            done = len(docs_in_index(Knowledge(own)))
        except Exception:
            continue
        if done >= 1:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = len(docs_in_index(Knowledge(own)))
    assert 1 <= partial < 12
    busy = sources.sync("guides")
    assert busy.busy  # the dead process's claim still holds ...
    time.sleep(10.5)  # ... until its lease runs out
    sources.settings = own
    report = sources.sync("guides")
    s = report.summary
    assert report.error is None and s.added + s.updated + s.unchanged == 12 and s.unchanged >= 1
    _, _, metas = Knowledge(own).store.all_chunks()
    per_doc = Counter(str(m.doc) for m in metas)
    assert len(per_doc) == 12 and all(per_doc[str(m.doc)] == m.doc_chunks for m in metas)
