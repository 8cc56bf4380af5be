"""confluence sources against a loopback Confluence speaking the documented Cloud v2/v1 and Data Center APIs."""

from __future__ import annotations

import time

import pytest
from sourcekit import Sources

from testkit.confluence import FakeConfluence, confluence_serving

TOKEN = "secret-token"


def space(fake: FakeConfluence, n: int = 5) -> None:
    for i in range(n):
        fake.add_page("CX", f"Callback rule {i}", f"<h2>Deadline</h2><p>Customers of tier {i} get a callback within "
                      f"{i + 2} hours.</p><ac:structured-macro ac:name=\"info\"><ac:rich-text-body><p>Team leads may "
                      f"extend it by {i + 1} hours.</p></ac:rich-text-body></ac:structured-macro>",
                      labels=("kb",) if i % 2 == 0 else ())
    first = next(iter(fake.pages))
    fake.attach(first, "escalation.md", "text/markdown",
                b"# Escalation guide\n\nOpen complaints older than two days go to the duty manager.\n")
    fake.attach(first, "diagram.png", "image/png", b"\x89PNG...")


def wiki(url: str, **extra: object) -> dict[str, object]:
    return {"name": "wiki", "kind": "confluence", "url": url, "spaces": ["CX"], "email": "bot@example.com",
            "token_env": "CONFLUENCE_TOKEN", "deployment": "cloud", **extra}


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENCE_TOKEN", TOKEN)


def test_cloud_pages_and_attachments_are_indexed_with_titles_sections_and_links(sources: Sources) -> None:
    fake = FakeConfluence(max_limit=2)  # a short page size: the listing must follow `_links.next`
    space(fake)
    with confluence_serving(fake) as url:
        sources.configure(wiki(url))
        report = sources.sync("wiki")
    assert report.error is None and report.summary.added == 6
    assert [s.reason for s in report.summary.skipped] == ["unsupported file type .png"]
    chunks = sources.chunks()
    rule = [m for _, m in chunks if m.title == "Callback rule 3"]
    assert rule and rule[0].section == "Deadline" and rule[0].url.endswith("/wiki/spaces/CX/pages/100004/Callback+rule+3")
    assert any("extend it by 4 hours" in t for t, m in chunks if m.title == "Callback rule 3")
    assert any(m.title == "Escalation guide" for _, m in chunks)
    assert sum("cursor=" in path for path, _ in fake.calls) >= 2


def test_edits_deletions_archiving_and_new_pages_are_picked_up_and_only_they_fetched(sources: Sources) -> None:
    fake = FakeConfluence()
    space(fake, 6)
    ids = list(fake.pages)
    with confluence_serving(fake) as url:
        sources.configure(wiki(url))
        sources.sync("wiki")
        fake.edit(ids[0], f"<h2>Deadline</h2><p>Now within one hour ({time.time()}).</p>")
        fake.pages[ids[1]].status = "archived"
        fake.pages[ids[2]].status = "trashed"
        fake.add_page("CX", "Refund rule", "<h2>Refunds</h2><p>Refunds are paid within fourteen days.</p>")
        fake.calls.clear()
        service = sources.service()
        [spec] = service.specs()
        report = service.sync(spec)
    s = report.summary
    assert (s.added, s.updated, s.removed, s.unchanged) == (1, 1, 2, 4)
    bulk = [path for path, _ in fake.calls if path.startswith("/wiki/api/v2/pages?")]
    assert len(bulk) == 1 and "body-format=storage" in bulk[0]
    assert service.knowledge.embedder.computed <= 2 * 4  # two documents: a chunk and a few answer units each  # type: ignore[attr-defined]
    titles = {m.title for _, m in sources.chunks()}
    assert "Refund rule" in titles and "Callback rule 1" not in titles and "Callback rule 2" not in titles


def test_labels_narrow_the_pages_through_cql(sources: Sources) -> None:
    fake = FakeConfluence()
    space(fake, 4)
    with confluence_serving(fake) as url:
        sources.configure(wiki(url, labels=["kb"], attachments=False))
        report = sources.sync("wiki")
    assert report.error is None
    assert {m.title for _, m in sources.chunks()} == {"Callback rule 0", "Callback rule 2"}
    assert any("/rest/api/content/search?cql=" in path for path, _ in fake.calls)


def test_data_center_with_a_personal_access_token(sources: Sources) -> None:
    fake = FakeConfluence(deployment="datacenter", context="/confluence", max_limit=2)
    space(fake, 3)
    with confluence_serving(fake) as url:
        sources.configure(wiki(url, email=None, deployment="datacenter"))
        report = sources.sync("wiki")
        assert report.error is None and report.summary.added == 4
        fake.edit(next(iter(fake.pages)), "<h2>Deadline</h2><p>Within three hours from now on.</p>")
        again = sources.sync("wiki").summary
    assert (again.updated, again.unchanged) == (1, 3)
    assert {m.url for _, m in sources.chunks() if m.title == "Callback rule 1"} == {
        f"{url}/display/CX/Callback+rule+1"}


def test_a_throttling_storm_is_waited_out_and_nothing_is_lost(sources: Sources) -> None:
    fake = FakeConfluence(max_limit=2, throttle_every=3)
    space(fake, 5)
    with confluence_serving(fake) as url:
        sources.configure(wiki(url))
        report = sources.sync("wiki")
    assert report.error is None and report.summary.added == 6
    assert [status for _, status in fake.calls].count(429) >= 3


def test_a_refused_token_or_a_missing_secret_is_a_clear_error_and_deletes_nothing(
    sources: Sources, monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeConfluence()
    space(fake, 3)
    with confluence_serving(fake) as url:
        sources.configure(wiki(url))
        assert sources.sync("wiki").summary.added == 4
        fake.token = "rotated"
        refused = sources.sync("wiki")
        monkeypatch.delenv("CONFLUENCE_TOKEN")
        missing = sources.sync("wiki")
    assert refused.error is not None and refused.error.startswith("authentication failed")
    assert "401" in refused.error and "not permitted" in refused.error
    assert missing.error is not None and "CONFLUENCE_TOKEN" in missing.error
    assert len({m.doc for _, m in sources.chunks()}) == 4
    status = sources.service().status()["wiki"]
    assert status.status == "error" and status.documents == 4
