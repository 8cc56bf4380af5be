"""sources.yaml: validated on load, every error names its line; no file means today's folder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.sources.config import SourcesError, load_sources, scopes
from bot.sources.kinds import ConfluenceSettings, FolderSettings, GitSettings
from bot.trust.collections import Collections


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_sources_file_the_knowledge_dir_is_the_one_folder_source(
    settings_factory: Callable[..., Settings], tmp_path: Path,
) -> None:
    cfg = settings_factory(CXBOT_KNOWLEDGE_DIR=tmp_path / "kb")
    [spec] = load_sources(cfg)
    assert (spec.name, spec.kind, spec.every) == ("knowledge", "folder", None)
    assert isinstance(spec.settings, FolderSettings) and Path(spec.settings.path) == tmp_path / "kb"


def test_a_valid_file_gives_typed_settings_schedule_and_collection(
    settings_factory: Callable[..., Settings], tmp_path: Path,
) -> None:
    write(tmp_path / "kb", """
sources:
  - name: handbook
    kind: git
    url: ../handbook
    branch: trunk
    paths: [docs]
    every: 2h
    collection: staff
  - name: wiki
    kind: confluence
    url: https://example.atlassian.net/wiki
    spaces: [CX]
    email: bot@example.com
    token_env: CONFLUENCE_TOKEN
""")
    git, wiki = load_sources(settings_factory(CXBOT_KNOWLEDGE_DIR=tmp_path / "kb"))
    assert isinstance(git.settings, GitSettings) and git.settings.branch == "trunk"
    assert git.every == timedelta(hours=2) and git.collection == "staff" and git.line == 3
    assert isinstance(wiki.settings, ConfluenceSettings) and wiki.settings.cloud and wiki.every is None
    assert wiki.collection == "default"


def test_every_problem_is_reported_with_its_line(settings_factory: Callable[..., Settings], tmp_path: Path) -> None:
    write(tmp_path / "kb", """sources:
  - name: handbook
    kind: git
    branch: main
  - name: handbook
    kind: ftp
  - name: intranet
    kind: web
    url: https://intranet.example
    depth: 3
  - name: wiki
    kind: confluence
    url: https://example.atlassian.net/wiki
    spaces: [CX]
    token: abc123
  - name: site
    kind: web
    url: https://intranet.example
    every: soon
""")
    with pytest.raises(SourcesError) as info:
        load_sources(settings_factory(CXBOT_KNOWLEDGE_DIR=tmp_path / "kb"))
    lines = str(info.value).splitlines()
    text = str(info.value)
    assert any(line.endswith("sources.yaml:2: source 'handbook': url: Field required") for line in lines), text
    assert "sources.yaml:5: source 'handbook': the name is used twice" in text
    assert "sources.yaml:6: source 'handbook': kind must be one of" in text
    assert "sources.yaml:10: source 'intranet': unknown setting 'depth' for kind web" in text
    assert "sources.yaml:15: source 'wiki': secrets are not written in this file" in text
    assert "abc123" not in text
    assert "sources.yaml:19: source 'site': every 'soon'" in text


def test_yaml_syntax_errors_name_the_line(settings_factory: Callable[..., Settings], tmp_path: Path) -> None:
    write(tmp_path / "kb", "sources:\n  - name: a\n    kind: [git\n")
    with pytest.raises(SourcesError, match=r"sources\.yaml:4: not valid YAML"):
        load_sources(settings_factory(CXBOT_KNOWLEDGE_DIR=tmp_path / "kb"))


def test_a_missing_explicit_sources_file_is_an_error(settings_factory: Callable[..., Settings], tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="no such file"):
        load_sources(settings_factory(CXBOT_SOURCES_FILE=tmp_path / "nope.yaml"))


def test_a_source_s_documents_belong_to_its_collection(settings_factory: Callable[..., Settings], tmp_path: Path) -> None:
    write(tmp_path / "kb", """sources:
  - {name: wiki, kind: web, url: "https://intranet.example", collection: leadership}
  - {name: open, kind: web, url: "https://www.example"}
""")
    specs = load_sources(settings_factory(CXBOT_KNOWLEDGE_DIR=tmp_path / "kb"))
    collections = Collections(tmp_path / "kb").with_scopes(scopes(specs))
    assert collections.of_path("source:wiki/https://intranet.example/a") == "leadership"
    assert collections.of_path("source:open/https://www.example/a") == "default"
    assert collections.of_path("source:wikipedia/x") == "default"
