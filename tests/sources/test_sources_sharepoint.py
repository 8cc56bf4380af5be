"""sharepoint sources against a loopback identity platform + Microsoft Graph (HTTPS, as msal requires)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sourcekit import Sources

from testkit.graph import FakeGraph, graph_serving
from testkit.tls import Certificate, make_certificate


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(autouse=True)
def trust(cert: Certificate, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert.cert))
    monkeypatch.setenv("SHAREPOINT_SECRET", "client-secret")
    yield


def site(fake: FakeGraph, n: int = 4) -> str:
    drive = fake.library("Documents")
    for i in range(n):
        fake.put(drive, f"Policies/policy-{i}.md", f"# Policy {i}\n\n## Callbacks\n\nTier {i} customers get a "
                 f"callback within {i + 2} hours of their complaint.\n".encode(), "text/markdown")
    fake.put(drive, "Brand/logo.png", b"\x89PNG", "image/png")
    fake.add_page("Welcome", ["<h2>About this site</h2><p>The CX team keeps its playbooks in this site.</p>"])
    return drive


def sharepoint(fake: FakeGraph, url: str, **extra: object) -> dict[str, object]:
    return {"name": "sp", "kind": "sharepoint", "tenant_id": fake.tenant, "client_id": fake.client_id,
            "client_secret_env": "SHAREPOINT_SECRET", "site": f"{fake.hostname}:{fake.site_path}",
            "authority": url, "graph_url": f"{url}/v1.0", **extra}


def downloads(fake: FakeGraph) -> int:
    return sum(1 for _, path, _ in fake.calls if path.endswith("/content"))


def test_library_files_and_site_pages_are_indexed_with_their_sharepoint_links(sources: Sources, cert: Certificate) -> None:
    fake = FakeGraph(page_size=2)
    site(fake)
    with graph_serving(fake, cert) as url:
        sources.configure(sharepoint(fake, url))
        report = sources.sync("sp")
    assert report.error is None and report.summary.added == 5
    assert [(s.path, s.reason) for s in report.summary.skipped] == [("sp/Documents/Brand/logo.png",
                                                                     "unsupported file type .png")]
    metas = [m for _, m in sources.chunks()]
    policy = [m for m in metas if m.title == "Policy 2"]
    assert policy[0].url == "https://contoso.sharepoint.com/sites/cx/Documents/Policies/policy-2.md"
    assert policy[0].section == "Callbacks" and policy[0].path == "sp/Documents/Policies/policy-2.md"
    assert any(m.title == "Welcome" and m.url.endswith("/SitePages/Welcome.aspx") for m in metas)
    assert sum("token=n." in path for _, path, _ in fake.calls) >= 2  # followed @odata.nextLink


def test_the_next_sync_reads_only_the_delta(sources: Sources, cert: Certificate) -> None:
    fake = FakeGraph()
    drive = site(fake, 5)
    with graph_serving(fake, cert) as url:
        sources.configure(sharepoint(fake, url))
        sources.sync("sp")
        fake.put(drive, "Policies/policy-0.md", f"# Policy 0\n\nNow within one hour ({time.time()}).\n".encode(),
                 "text/markdown")
        fake.delete(drive, fake.find(drive, "policy-1.md").id)
        fake.put(drive, "Policies/refunds.md", b"# Refunds\n\nRefunds are paid within fourteen days.\n", "text/markdown")
        fake.calls.clear()
        service = sources.service()
        [spec] = service.specs()
        s = service.sync(spec).summary
        assert (s.added, s.updated, s.removed, s.unchanged) == (1, 1, 1, 4)  # three policies and the site page
        assert downloads(fake) == 2
        assert service.knowledge.embedder.computed <= 2 * 4  # two documents: a chunk and a few answer units each  # type: ignore[attr-defined]
        fake.calls.clear()
        quiet = sources.sync("sp").summary
    assert (quiet.added, quiet.updated, quiet.removed) == (0, 0, 0) and downloads(fake) == 0
    titles = {m.title for _, m in sources.chunks()}
    assert "Refunds" in titles and "Policy 1" not in titles


def test_an_expired_delta_token_or_a_deleted_folder_means_a_fresh_enumeration(sources: Sources, cert: Certificate) -> None:
    fake = FakeGraph()
    drive = site(fake, 4)
    with graph_serving(fake, cert) as url:
        sources.configure(sharepoint(fake, url))
        sources.sync("sp")
        fake.expire_delta_tokens()
        fake.delete(drive, fake.find(drive, "policy-3.md").id)
        expired = sources.sync("sp").summary
        assert (expired.removed, expired.added, expired.updated) == (1, 0, 0)
        assert any(status == 410 for *_, status in fake.calls)
        fake.delete(drive, fake.find(drive, "Policies").id)
        folder = sources.sync("sp").summary
    assert folder.removed == 3
    assert {m.title for _, m in sources.chunks()} == {"Welcome"}


def test_a_failed_download_is_listed_and_fetched_again_next_time(sources: Sources, cert: Certificate) -> None:
    fake = FakeGraph()
    drive = site(fake, 3)
    broken = fake.find(drive, "policy-1.md")
    fake.fail_downloads[broken.id] = 500
    with graph_serving(fake, cert) as url:
        sources.configure(sharepoint(fake, url))
        first = sources.sync("sp")
        assert [s.path for s in first.summary.skipped][-1] == "sp/Documents/Policies/policy-1.md"
        del fake.fail_downloads[broken.id]
        second = sources.sync("sp").summary
    assert second.added == 1
    assert "Policy 1" in {m.title for _, m in sources.chunks()}


def test_a_throttling_storm_is_waited_out_and_nothing_is_lost(sources: Sources, cert: Certificate) -> None:
    fake = FakeGraph(page_size=2, throttle_every=3)
    site(fake, 4)
    with graph_serving(fake, cert) as url:
        sources.configure(sharepoint(fake, url))
        report = sources.sync("sp")
    assert report.error is None and report.summary.added == 5
    assert sum(status == 429 for *_, status in fake.calls) >= 4


def test_a_refused_secret_is_a_clear_error_and_deletes_nothing(
    sources: Sources, cert: Certificate, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    fake = FakeGraph()
    site(fake, 2)
    with graph_serving(fake, cert) as url:
        sources.configure(sharepoint(fake, url))
        assert sources.sync("sp").summary.added == 3
        monkeypatch.setenv("SHAREPOINT_SECRET", "expired-secret")
        report = sources.sync("sp")
    assert report.error is not None and report.error.startswith("authentication failed")
    assert "AADSTS7000215" in report.error and "expired-secret" not in report.error
    assert len({m.doc for _, m in sources.chunks()}) == 3
