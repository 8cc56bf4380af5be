from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import Knowledge
from bot.search.store import KnowledgeStore
from bot.settings import Settings


def write_docs(folder: Path, n: int, words: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc{i}.md").write_text(
            f"# Playbook {i}\n\n## Steps\n\nStep one for topic {i}{words}: call the customer back within {i + 1} hours "
            "and write down what they asked for. Then check the ticket history before replying.\n",
            encoding="utf-8",
        )


def chunk_counts(cfg: Settings) -> Counter[str]:
    _, _, metas = Knowledge(cfg).store.all_chunks()
    return Counter(str(m.path).rsplit("/", 1)[-1] for m in metas)


def test_unchanged_tree_embeds_nothing_and_changes_are_tracked(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    write_docs(docs, 3)
    k = Knowledge(settings)
    first = k.indexer().run([docs])
    assert (first.added, first.updated, first.removed) == (3, 0, 0)

    k2 = Knowledge(settings)
    again = k2.indexer().run([docs])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert k2.embedder.computed == 0  # type: ignore[attr-defined]

    (docs / "doc1.md").write_text("# Playbook 1\n\nCompletely new guidance on refunds and credits.\n")
    (docs / "doc2.md").unlink()
    k3 = Knowledge(settings)
    scans = []
    doc_states = k3.store.doc_states
    k3.store.doc_states = lambda: scans.append(1) or doc_states()  # type: ignore[method-assign]
    changed = k3.indexer().run([docs])
    assert len(scans) == 1  # the index's document states are read once per ingest
    assert (changed.added, changed.updated, changed.removed, changed.unchanged) == (0, 1, 1, 1)
    counts = chunk_counts(settings)
    assert set(counts) == {"doc0.md", "doc1.md"}


def test_an_unchanged_reingest_scans_the_index_once_and_reads_no_texts(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = tmp_path / "kb"
    write_docs(docs, 3)
    Knowledge(settings).indexer().run([docs])
    calls: Counter[str] = Counter()
    for name in ("doc_states", "all_chunks", "word_ids", "put_words", "replace_doc", "bump_version"):
        original = getattr(KnowledgeStore, name)

        def spy(self: KnowledgeStore, *a: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            calls[_name] += 1
            return _original(self, *a, **kw)

        monkeypatch.setattr(KnowledgeStore, name, spy)
    k = Knowledge(settings)
    version = k.store.version()

    again = k.indexer().run([docs])

    assert again.unchanged == 3
    assert calls == Counter(doc_states=1)  # no chunk texts, no words, no writes
    assert "embedder" not in vars(k)  # no model was even loaded
    assert k.store.version() == version  # readers keep their caches


def test_bad_files_are_skipped_and_listed_while_the_rest_is_indexed(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    write_docs(docs, 1)
    (docs / "empty.md").write_text("")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7 garbage")
    (docs / "notes.xyz").write_text("what is this")
    (docs / "kpis.yaml").write_text("ignored: true")
    summary = Knowledge(settings).indexer().run([docs])
    reasons = {Path(s.path).name: s.reason for s in summary.skipped}
    assert summary.added == 1
    assert reasons["empty.md"] == "empty file"
    assert "PDF" in reasons["broken.pdf"]
    assert "unsupported" in reasons["notes.xyz"]
    assert "kpis.yaml" not in reasons


def test_ingest_json_summary_shape(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    write_docs(docs, 2)
    (docs / "empty.txt").write_text("")
    env = {**os.environ, "CXBOT_DATA_DIR": str(settings.data_dir), "CXBOT_EMBED_CACHE": str(settings.embed_cache)}
    out = subprocess.run([sys.executable, "-m", "bot", "ingest", str(docs), "--json"], env=env,
                         capture_output=True, text=True, check=True, cwd=tmp_path)
    summary = json.loads(out.stdout)
    assert set(summary) == {"added", "updated", "removed", "unchanged", "chunks", "skipped"}
    assert summary["added"] == 2 and summary["chunks"] >= 2
    assert summary["skipped"] == [{"path": "kb/empty.txt", "reason": "empty file"}]


def test_a_killed_ingest_is_completed_by_the_next_run_without_duplicates(tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    write_docs(docs, 12, words=" with a fresh wording that no cache has seen " + str(time.time()))
    data = tmp_path / "data"
    env = {**os.environ, "CXBOT_DATA_DIR": str(data), "CXBOT_EMBED_CACHE": str(data / "emb.sqlite")}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ingest", str(docs), "--json"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    cfg = Settings(_env_file=None, CXBOT_DATA_DIR=data, CXBOT_EMBED_CACHE=data / "emb.sqlite")
    while time.time() < deadline:  # kill once some, but not all, documents are in
        time.sleep(0.5)
        try:
            done = sum(chunk_counts(cfg).values())
        except Exception:
            continue
        if done >= 1:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = sum(chunk_counts(cfg).values())
    rerun = Knowledge(cfg).indexer().run([docs])
    counts = chunk_counts(cfg)
    assert partial < 12 <= sum(counts.values())
    assert set(counts) == {f"doc{i}.md" for i in range(12)}
    _, _, metas = Knowledge(cfg).store.all_chunks()
    per_doc = Counter(str(m.doc) for m in metas)
    assert all(per_doc[str(m.doc)] == m.doc_chunks for m in metas)
    assert rerun.added + rerun.updated + rerun.unchanged == 12


def test_a_document_cut_again_into_fewer_units_keeps_none_of_the_old_ones(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unchanged file cut again (a new unit version or loader) into fewer pieces: the old pieces past the new
    end are deleted too, not left behind to be read as the end of the document."""
    from bot.ingest import units as answer_units

    docs = tmp_path / "kb"
    write_docs(docs, 1)
    Knowledge(settings).indexer().run([docs])
    before, _, _ = Knowledge(settings).store.all_units()
    assert len(before) == 2
    real = answer_units.units
    monkeypatch.setattr(answer_units, "units", lambda sections: real(sections)[:1])
    monkeypatch.setattr(answer_units, "VERSION", answer_units.VERSION + 1)
    again = Knowledge(settings).indexer().run([docs])
    assert again.updated == 1
    after, metas, _ = Knowledge(settings).store.all_units()
    assert after == before[:1] and [m["n"] for m in metas] == [0]
