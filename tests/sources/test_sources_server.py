"""Sources in the running bot: scheduled syncs with one replica per source, App Home, the doctor, citations."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from sourcekit import Sources

from bot.app import build_services
from bot.ask.cards import answer_card
from bot.core.model import Section, User
from bot.knowledge import Knowledge
from bot.sources.checks import check_sources
from bot.sources.state import SyncStates
from bot.trust.collections import DEFAULT
from testkit.confluence import FakeConfluence, confluence_serving
from testkit.website import FakeSite, html_page, site_serving

PERSON = User("slack", "U0ANA", "Ana")


def small_site() -> FakeSite:
    site = FakeSite()
    site.put("/", html_page("Handbook", "<h1>Handbook</h1><h2>Callbacks</h2><p>Every complaint gets a callback "
                            "within four hours, weekends included.</p>", ["/refunds.html"]))
    site.put("/refunds.html", html_page("Refunds", "<h1>Refunds</h1><h2>Deadline</h2><p>Refunds are paid within "
                                        "fourteen days after the returned goods arrive.</p>"))
    return site


def test_the_scheduler_syncs_due_sources_and_not_again_before_they_are_due(sources: Sources) -> None:
    site = small_site()
    with site_serving(site) as url:
        sources.configure({"name": "intranet", "kind": "web", "url": url + "/", "every": "1h"},
                          {"name": "manual", "kind": "web", "url": url + "/refunds.html"})
        services = build_services(sources.settings)
        try:
            assert "source-syncs" in [t.name for t in services.scheduler.tickers]
            asyncio.run(services.features.sources.tick())
            first = len(site.calls)
            asyncio.run(services.features.sources.tick())
            states = services.features.sources.service.status()
        finally:
            services.close()
    assert first > 0 and len(site.calls) == first  # not due again within the hour
    assert states["intranet"].status == "ok" and states["intranet"].documents == 2
    assert "manual" not in states  # no `every`: synced on demand only


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_two_replicas_never_sync_one_source_at_the_same_time(
    sources: Sources, database: str, request: pytest.FixtureRequest,
) -> None:
    if database == "postgres":
        sources.settings = sources.settings.model_copy(update={"database_url": request.getfixturevalue("pg_url")})
    site = small_site()
    gate = threading.Event()
    slow = site.handle

    async def held(req: Any) -> Any:  # the crawl of replica A waits here until B has tried
        if req.path == "/refunds.html":
            await asyncio.get_running_loop().run_in_executor(None, gate.wait, 30)
        return await slow(req)

    site.handle = held  # type: ignore[method-assign]
    with site_serving(site) as url:
        sources.configure({"name": "intranet", "kind": "web", "url": url + "/", "every": "1m"})
        a, b = sources.service(owner="replica-a"), sources.service(owner="replica-b")
        [spec] = a.specs()
        results: dict[str, Any] = {}
        thread = threading.Thread(target=lambda: results.setdefault("a", a.sync(spec)))
        thread.start()
        deadline = time.time() + 30
        while not b.status().get("intranet", None) or not b.status()["intranet"].syncing:
            assert time.time() < deadline
            time.sleep(0.05)
        results["b"] = b.sync(spec)
        results["b_due"] = b.due()
        gate.set()
        thread.join(60)
    assert results["b"].busy and results["b_due"] == []
    assert results["a"].error is None and results["a"].summary.added == 2
    assert sum(1 for c in site.calls if c.path == "/refunds.html") == 1


def test_app_home_shows_each_source_s_state_without_internals(sources: Sources, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENCE_TOKEN", "secret-token")
    fake = FakeConfluence()
    fake.add_page("CX", "Callback rule", "<h2>Deadline</h2><p>Callbacks within two hours.</p>")
    site = small_site()
    with site_serving(site) as web_url, confluence_serving(fake) as wiki_url:
        sources.configure({"name": "intranet", "kind": "web", "url": web_url + "/"},
                          {"name": "wiki", "kind": "confluence", "url": wiki_url, "spaces": ["CX"], "deployment": "cloud",
                           "email": "bot@example.com", "token_env": "CONFLUENCE_TOKEN"},
                          {"name": "later", "kind": "web", "url": web_url + "/refunds.html"})
        sources.sync("intranet")
        fake.token = "rotated"
        sources.sync("wiki")
    services = build_services(sources.settings)
    try:
        blocks = asyncio.run(services.features.sources.home_section(PERSON, "en"))
    finally:
        services.close()
    [section] = blocks
    assert isinstance(section, Section)
    text = section.text
    assert "**intranet** (web): 2 documents, synced just now" in text
    assert "**wiki** (confluence): 0 documents; ⚠️ the last sync failed" in text and "cxbot doctor" in text
    assert "401" not in text and "not permitted" not in text
    assert "**later** (web): not synced yet" in text


def test_the_doctor_names_each_source_s_problem_and_its_fix(
    sources: Sources, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONFLUENCE_TOKEN", "secret-token")
    monkeypatch.delenv("SP_SECRET", raising=False)
    fake = FakeConfluence()
    fake.add_page("CX", "Callback rule", "<p>Callbacks within two hours.</p>")
    site = small_site()
    with site_serving(site) as web_url, confluence_serving(fake) as wiki_url:
        sources.configure(
            {"name": "intranet", "kind": "web", "url": web_url + "/"},
            {"name": "wiki", "kind": "confluence", "url": wiki_url, "spaces": ["CX"], "deployment": "cloud",
             "email": "bot@example.com", "token_env": "CONFLUENCE_TOKEN"},
            {"name": "sp", "kind": "sharepoint", "tenant_id": "t", "client_id": "c", "client_secret_env": "SP_SECRET",
             "site": "contoso.sharepoint.com:/sites/cx", "collection": "nowhere"})
        sources.sync("intranet")
        fake.token = "rotated"
        sources.sync("wiki")
    findings = check_sources(sources.settings)
    [intranet] = [f for f in findings if f.check == "source intranet"]
    assert intranet.status == "ok" and intranet.detail.startswith("2 documents, last sync")
    [wiki] = [f for f in findings if f.check == "source wiki"]
    assert wiki.status == "fail" and "authentication failed" in wiki.detail and "401" in wiki.detail
    assert "CONFLUENCE_TOKEN" in wiki.fix
    details = " | ".join(f"{f.status}: {f.detail}" for f in findings if f.check == "source sp")
    assert "fail: SP_SECRET is not set" in details and "fail: collection 'nowhere' is not in collections.yaml" in details
    assert "warn: never synced" in details

    (sources.knowledge_dir / "sources.yaml").write_text("sources:\n  - name: x\n    kind: gopher\n", encoding="utf-8")
    [broken] = check_sources(sources.settings)
    assert broken.status == "fail" and "sources.yaml:3" in broken.detail


def test_answers_cite_a_synced_page_by_its_title_and_its_url(sources: Sources, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENCE_TOKEN", "secret-token")
    fake = FakeConfluence()
    page = fake.add_page("CX", "Refund deadlines", "<h2>Card payments</h2><p>Refunds to a credit card are paid "
                         "back within fourteen days after the returned goods arrive at the warehouse.</p>")
    with confluence_serving(fake) as url:
        sources.configure({"name": "wiki", "kind": "confluence", "url": url, "spaces": ["CX"], "deployment": "cloud",
                           "email": "bot@example.com", "token_env": "CONFLUENCE_TOKEN"})
        sources.sync("wiki")
    answer = Knowledge(sources.settings).ask.answer("Within how many days are card refunds paid back?")
    assert answer.answered
    top = answer.sources[0]
    link = f"{url}/spaces/CX/pages/{page.id}/Refund+deadlines"
    assert (top.title, top.url) == ("Refund deadlines", link)
    card = answer_card(answer, "q1")
    assert f"[Refund deadlines › Card payments]({link})" in card.fallback


def test_a_source_s_collection_scopes_its_documents(sources: Sources, monkeypatch: pytest.MonkeyPatch) -> None:
    (sources.knowledge_dir / "collections.yaml").write_text(yaml.safe_dump({"collections": {
        "leadership": {"folder": "leadership", "audience": {"slack_channels": ["C0LEADS"]}}}}), encoding="utf-8")
    site = small_site()
    with site_serving(site) as url:
        sources.configure({"name": "intranet", "kind": "web", "url": url + "/", "collection": "leadership"})
        sources.sync("intranet")
    ask: Callable[..., Any] = Knowledge(sources.settings).ask.answer
    question = "How fast does every complaint get a callback?"
    assert not ask(question).answered  # public: the page is not visible
    assert ask(question, (), frozenset({DEFAULT, "leadership"})).answered
    assert {m.collection for _, m in sources.chunks()} == {"leadership"}
    assert SyncStates  # (imported for the claim tests above)
