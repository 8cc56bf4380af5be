"""web sources: a site of real HTML pages served by the test, crawled politely and incrementally."""

from __future__ import annotations

import time

import pytest
from sourcekit import Sources

from testkit.website import FakeSite, html_page, site_serving


def playbook_site() -> FakeSite:
    site = FakeSite(robots="User-agent: *\nDisallow: /private/\n")
    site.put("/", html_page("CX handbook", "<h1>CX handbook</h1><p>Start here for every customer playbook.</p>",
                            ["/refunds.html", "/escalation.html", "/private/salaries.html", "https://other.example/x"]))
    site.put("/refunds.html", html_page("Refunds", "<h1>Refunds</h1><h2>Deadline</h2><p>Refunds are paid within "
                                        "fourteen days after the returned goods arrive at the warehouse.</p>",
                                        ["/escalation.html", "/deep/one.html"]))
    site.put("/escalation.html", html_page("Escalation", "<h1>Escalation</h1><h2>Who</h2><p>A complaint that "
                                           "stays open longer than two days goes to the duty manager.</p>"))
    site.put("/deep/one.html", html_page("Deep one", "<h1>Deep one</h1><p>One level further down the site, "
                                         "this page explains callbacks.</p>", ["/deep/two.html"]))
    site.put("/deep/two.html", html_page("Deep two", "<h1>Deep two</h1><p>Two levels down: too deep to crawl "
                                         "with a depth of two.</p>"))
    site.put("/private/salaries.html", html_page("Salaries", "<h1>Salaries</h1><p>Confidential figures.</p>"))
    site.put("/guide.pdf", b"%PDF-1.4 not a real pdf", "application/pdf")
    return site


def web_source(url: str, **extra: object) -> dict[str, object]:
    return {"name": "intranet", "kind": "web", "url": url + "/", "max_depth": 2, **extra}


def test_a_crawl_stays_on_the_site_obeys_robots_and_depth_and_drops_boilerplate(sources: Sources) -> None:
    site = playbook_site()
    with site_serving(site) as url:
        sources.configure(web_source(url))
        report = sources.sync("intranet")
    assert report.error is None
    paths = {str(m.path) for _, m in sources.chunks()}
    assert paths == {"intranet/", "intranet/refunds.html", "intranet/escalation.html", "intranet/deep/one.html"}
    assert {s.path: s.reason for s in report.summary.skipped}[f"{url}/private/salaries.html"] == "disallowed by robots.txt"
    texts = " ".join(t for t, _ in sources.chunks())
    assert "fourteen days" in texts and "All rights reserved" not in texts and "Confidential" not in texts
    refunds = [m for _, m in sources.chunks() if m.path == "intranet/refunds.html"]
    assert {m.url for m in refunds} == {url + "/refunds.html"} and {m.title for m in refunds} == {"Refunds"}
    assert not any(c.path.startswith("/private/") for c in site.calls)


def test_an_unchanged_site_costs_conditional_requests_and_embeds_nothing(sources: Sources) -> None:
    site = playbook_site()
    with site_serving(site) as url:
        sources.configure(web_source(url))
        sources.sync("intranet")
        site.calls.clear()
        service = sources.service()
        [spec] = service.specs()
        again = service.sync(spec).summary
        pages = [c for c in site.calls if c.path not in ("/robots.txt", "/contact.html")]  # contact: a 404
        assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 4)
        assert pages and all(c.conditional and c.status == 304 for c in pages)
        assert service.knowledge.embedder.computed == 0  # type: ignore[attr-defined]

        site.put("/refunds.html", html_page("Refunds", "<h1>Refunds</h1><h2>Deadline</h2><p>Refunds are paid "
                                            f"within ten days now (changed {time.time()}).</p>", ["/escalation.html"]))
        del site.pages["/escalation.html"]
        changed = sources.sync("intranet").summary
    # refunds changed and no longer links to the deep page; escalation is gone (404)
    assert (changed.updated, changed.removed, changed.unchanged) == (1, 2, 1)
    assert {str(m.path) for _, m in sources.chunks()} == {"intranet/", "intranet/refunds.html"}


def test_without_validators_unchanged_pages_are_recognised_by_their_content(sources: Sources) -> None:
    site = playbook_site()
    site.etags = site.last_modified = False
    with site_serving(site) as url:
        sources.configure(web_source(url))
        sources.sync("intranet")
        service = sources.service()
        [spec] = service.specs()
        again = service.sync(spec).summary
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    assert service.knowledge.embedder.computed == 0  # type: ignore[attr-defined]


def test_a_sitemap_start_and_a_page_cap(sources: Sources) -> None:
    site = playbook_site()
    with site_serving(site) as url:
        site.put("/sitemap.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{url}/escalation.html</loc></url><url><loc>{url}/guide.pdf</loc></url>"
            f"<url><loc>{url}/refunds.html</loc></url></urlset>").encode(), "application/xml")
        sources.configure({**web_source(url, max_depth=0), "url": f"{url}/sitemap.xml"})
        report = sources.sync("intranet")
        assert {str(m.path) for _, m in sources.chunks()} == {"intranet/escalation.html", "intranet/refunds.html"}
        assert any(s.path.endswith("guide.pdf") and "PDF" in s.reason for s in report.summary.skipped)
        sources.configure(web_source(url, max_pages=2))
        capped = sources.sync("intranet").summary
    assert capped.added + capped.unchanged == 2
    assert len({m.doc for _, m in sources.chunks()}) == 2


def test_throttling_is_waited_out_and_nothing_is_lost(sources: Sources) -> None:
    site = playbook_site()
    site.throttle_every = 3
    with site_serving(site) as url:
        sources.configure(web_source(url))
        started = time.monotonic()
        report = sources.sync("intranet")
        took = time.monotonic() - started
    throttled = site.statuses().count(429)
    assert report.error is None and report.summary.added == 4 and throttled >= 2
    assert took >= throttled * 1.0  # each 429 asked for Retry-After: 1


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_start_page_is_an_auth_error_and_deletes_nothing(sources: Sources, status: int) -> None:
    site = playbook_site()
    with site_serving(site) as url:
        sources.configure(web_source(url))
        sources.sync("intranet")
        site.fail["/"] = status
        report = sources.sync("intranet")
    assert report.error is not None and report.error.startswith("authentication failed") and str(status) in report.error
    assert len({m.doc for _, m in sources.chunks()}) == 4
    assert sources.service().status()["intranet"].status == "error"


def test_an_unreachable_robots_txt_stops_the_crawl(sources: Sources) -> None:
    site = playbook_site()
    with site_serving(site) as url:
        sources.configure(web_source(url))
        sources.sync("intranet")
        site.fail["/robots.txt"] = 500
        report = sources.sync("intranet")
    assert report.error is not None and "robots.txt" in report.error
    assert len({m.doc for _, m in sources.chunks()}) == 4
