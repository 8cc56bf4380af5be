"""Test helpers shared by every test folder (import as `from testenv import ...`).

They live here, not in a conftest, because several folders have their own conftest.py and a bare
`from conftest import` would pick whichever was loaded last.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
FIXTURES = SHARED / "fixtures"
EMBED_CACHE = ROOT / ".cxbot" / "test-embeddings.sqlite"
# Tests bridge languages by embeddings alone, as they were written for, and no test process (nor a server a test
# starts) parses the system's dictionary; tests/test_glossary.py passes one explicitly.
os.environ.setdefault("CXBOT_DICTIONARY_DIR", "")
PG_URL = os.environ.get("CXBOT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def make_settings(data_dir: Path, **values: Any) -> Settings:
    """Settings for a test: nothing read from the environment or `.env` but what is given."""
    base: dict[str, Any] = {
        "CXBOT_DATA_DIR": data_dir,
        "CXBOT_KNOWLEDGE_DIR": ROOT / "knowledge",
        "CXBOT_EMBED_CACHE": EMBED_CACHE,
        "CXBOT_DICTIONARY_DIR": None,
    }
    base.update(values)
    return Settings(_env_file=None, **base)


def pg_available() -> bool:
    try:
        import sqlalchemy

        engine = sqlalchemy.create_engine(PG_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def in_ci() -> bool:
    """CI=true (GitHub Actions, GitLab and `.ci/run` set it): nothing may be skipped for want of a service."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_pg() -> None:
    """Skip a PostgreSQL test where there is no PostgreSQL, except in CI: there the test fails."""
    if pg_available():
        return
    from urllib.parse import urlsplit

    import pytest

    where = urlsplit(PG_URL)
    message = f"PostgreSQL not reachable at {where.hostname}:{where.port or 5432} (CXBOT_TEST_PG)"
    if in_ci():
        pytest.fail(f"{message}: with CI set, PostgreSQL tests must run, not skip", pytrace=False)
    pytest.skip(message)
