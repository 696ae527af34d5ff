"""The built site in Debian's Chromium from file://: index, offline search, permalinks, guide citations, axe.

They fail (not skip) under CI when /usr/bin/chromium is missing, so a green CI run drove a real browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from publish_helpers import PUBLISHED_PHRASE, axe_script

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    if os.environ.get("CI"):
        from playwright import sync_api as playwright_api
    else:
        playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.errors = errors
    yield p
    context.close()


def test_index_filters_and_offline_search(built_site, publish_case, page) -> None:  # type: ignore[no-untyped-def]
    site, _ = built_site
    page.goto((site / "index.html").as_uri())
    assert page.locator("table.docs tbody tr").count() == 5
    page.select_option("#f-kind", "edoc")
    assert page.locator("table.docs tbody tr:not([hidden])").count() == 5
    page.fill("#f-to", "2000-01-01")
    page.dispatch_event("#f-to", "change")
    assert page.locator("table.docs tbody tr:not([hidden])").count() == 0
    assert page.inner_text("#filter-status") == "0 of 5 documents shown."
    page.fill("#f-to", "")
    page.dispatch_event("#f-to", "change")
    assert page.locator("table.docs tbody tr:not([hidden])").count() == 5
    page.fill("#q", PUBLISHED_PHRASE)
    page.click("#search-form button")
    hit = page.locator("#search-results li a").first
    hit.wait_for(timeout=5000)
    assert hit.inner_text().startswith(f"{publish_case.memo}, page 1")
    hit.click()
    page.wait_for_url(f"**/doc/{publish_case.memo}.html#p1")
    assert page.errors == []


def test_permalink_opens_the_page(built_site, publish_case, page) -> None:  # type: ignore[no-untyped-def]
    site, _ = built_site
    page.goto((site / "doc" / f"{publish_case.memo}.html").as_uri() + "#p2")
    target = page.locator("section.page:target")
    assert target.get_attribute("id") == "p2"
    page.locator("#p2 img").scroll_into_view_if_needed()
    assert page.locator("#p2 img").evaluate("img => img.decode().then(() => img.naturalWidth)") > 0


def test_guide_citation_lands_on_the_cited_page(built_site, publish_case, page) -> None:  # type: ignore[no-untyped-def]
    site, _ = built_site
    page.goto((site / "guide.html").as_uri())
    page.click(f"a[href$='{publish_case.memo}.html#p2']")
    page.wait_for_url(f"**/doc/{publish_case.memo}.html#p2")
    assert page.locator("section.page:target").get_attribute("id") == "p2"
    assert "opt-out question" in page.locator("#p2").inner_text() or page.locator("#p2 details").count() == 1


@pytest.mark.parametrize("which", ["index.html", "guide.html", "doc"])
def test_no_serious_accessibility_violations(built_site, publish_case, page, which, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    site, _ = built_site
    cache = Path(os.environ.get("UNCOVER_AXE_CACHE", Path.home() / ".cache" / "uncover-axe"))
    cache.mkdir(parents=True, exist_ok=True)
    axe = axe_script(cache)
    target = site / "doc" / f"{publish_case.memo}.html" if which == "doc" else site / which
    page.goto(target.as_uri())
    page.add_script_tag(path=str(axe))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
