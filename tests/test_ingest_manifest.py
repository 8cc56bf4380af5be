"""An ingest that finds nothing changed answers from the manifest, without opening Chroma; any change runs in full."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.ingest.manifest import Manifest
from bot.ingest.walk import Summary
from bot.knowledge import Knowledge
from bot.settings import Settings

PROBE = """
import json, sys
import bot.cli
try:
    bot.cli.app(["ingest", "--json", *sys.argv[1:]])
except SystemExit:
    pass
print("---modules---")
print(json.dumps({"chromadb": "chromadb" in sys.modules, "numpy": "numpy" in sys.modules}))
"""


def write_docs(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc{i}.md").write_text(
            f"# Handover {i}\n\nBefore renewal {i}, the account owner writes down open risks and who to call.\n",
            encoding="utf-8",
        )


def quick(settings: Settings, docs: Path) -> tuple[Knowledge, Summary]:
    k = Knowledge(settings)
    summary = k.ingest([docs])
    return k, summary


def test_an_unchanged_tree_is_answered_from_the_manifest_without_opening_chroma(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    write_docs(docs, 3)
    first = Knowledge(settings).ingest([docs])
    assert first.added == 3

    k = Knowledge(settings)
    again = k.ingest([docs])

    assert (again.added, again.updated, again.removed, again.unchanged, again.chunks) == (0, 0, 0, 3, first.chunks)
    assert "store" not in k.__dict__ and "embedder" not in k.__dict__  # Chroma never opened, no model loaded


def test_an_edited_new_or_deleted_file_runs_the_full_ingest(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    write_docs(docs, 3)
    Knowledge(settings).ingest([docs])

    (docs / "doc1.md").write_text("# Handover 1\n\nRefunds go through finance within two days.\n", encoding="utf-8")
    k, edited = quick(settings, docs)
    assert (edited.updated, edited.unchanged) == (1, 2)
    assert "store" in k.__dict__

    (docs / "doc3.md").write_text("# New\n\nA brand new page about onboarding calls.\n", encoding="utf-8")
    _, added = quick(settings, docs)
    assert added.added == 1

    (docs / "doc0.md").unlink()
    _, removed = quick(settings, docs)
    assert (removed.removed, removed.unchanged) == (1, 3)

    k, settled = quick(settings, docs)
    assert settled.unchanged == 3 and "store" not in k.__dict__


def test_a_write_to_the_index_by_anyone_else_voids_the_manifest(settings: Settings, tmp_path: Path) -> None:
    docs, other = tmp_path / "kb", tmp_path / "other"
    write_docs(docs, 2)
    write_docs(other, 1)
    Knowledge(settings).ingest([docs])
    Knowledge(settings).indexer().run([other])  # a sync or another root: written without this manifest

    k, summary = quick(settings, docs)

    assert "store" in k.__dict__ and summary.unchanged == 2


def test_a_changed_collections_file_re_tags_instead_of_answering_from_the_manifest(
    settings_factory: object, tmp_path: Path,
) -> None:
    kb = tmp_path / "kb"
    write_docs(kb / "leadership", 1)
    cfg: Settings = settings_factory(CXBOT_KNOWLEDGE_DIR=kb)  # type: ignore[operator]
    Knowledge(cfg).ingest([kb])
    (kb / "collections.yaml").write_text(
        "collections:\n  leadership:\n    folder: leadership\n    audience:\n      slack_users: [U1]\n", encoding="utf-8")

    k = Knowledge(cfg)
    k.ingest([kb])

    assert {s.collection for s in k.store.doc_states().values()} == {"leadership"}


def test_no_manifest_for_a_chroma_server(settings: Settings, tmp_path: Path) -> None:
    remote = settings.model_copy(update={"chroma_url": "http://127.0.0.1:9"})
    manifest = Manifest(remote)

    manifest.record([tmp_path], {}, lambda _p: "default", 1, 1)

    assert manifest.unchanged([tmp_path]) is None and not manifest.path.exists()


def test_cxbot_ingest_of_an_unchanged_tree_imports_neither_chroma_nor_numpy(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "kb"
    write_docs(docs, 2)
    env = {**os.environ, "CXBOT_DATA_DIR": str(settings.data_dir), "CXBOT_EMBED_CACHE": str(settings.embed_cache)}
    runs = [subprocess.run([sys.executable, "-c", PROBE, str(docs)], env=env, capture_output=True, text=True,
                           check=True, cwd=tmp_path).stdout.split("---modules---") for _ in range(2)]

    first, second = ([json.loads(part) for part in out] for out in runs)
    assert first[0]["added"] == 2 and first[1]["chromadb"]
    assert second[0]["unchanged"] == 2 and second[0]["chunks"] == first[0]["chunks"]
    assert second[1] == {"chromadb": False, "numpy": False}
