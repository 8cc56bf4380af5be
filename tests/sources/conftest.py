"""Fixtures for sources: a knowledge dir with a sources file, and the service that syncs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sourcekit import Sources


@pytest.fixture
def sources(tmp_path: Path) -> Iterator[Sources]:
    s = Sources(tmp_path)
    yield s
    s.close()
