"""The built reading room in Debian's Chromium, from file:// and from a web server: filters, search
with phrases and snippets, permalinks, guide citations, the PDF to download, a phone-sized
layout, and axe-core with no violations. Screenshots land in artifacts/screenshots/ (git-ignored)
for a human to look at: publish-<page>-<width>.png.

They fail (not skip) under CI when /usr/bin/chromium is missing, so a green CI run drove a real browser.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from publish_helpers import PUBLISHED_PHRASE, axe_script

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}

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


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def origins(built_site) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The site's root as file:// and as http:// from a static web server."""
    site, _ = built_site
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"file": site.as_uri() + "/", "http": f"http://127.0.0.1:{server.server_address[1]}/"}
    server.shutdown()
    thread.join(5)


def _page(browser, width: str = "desktop"):  # type: ignore[no-untyped-def]
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    context.route("**/*", lambda route: route.abort() if route.request.url.startswith(("https://", "ws")) else route.continue_())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return context, page


def _search(page, query: str) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("document.getElementById('search-status').textContent = ''")  # then wait for this query's
    page.fill("#q", query)
    page.click("#search-form button")
    page.wait_for_function("document.getElementById('search-status').textContent !== ''", timeout=10000)


@pytest.mark.parametrize("origin", ["file", "http"])
def test_search_finds_phrases_and_shows_snippets(browser, origins, publish_case, origin) -> None:  # type: ignore[no-untyped-def]
    context, page = _page(browser)
    page.goto(origins[origin] + "index.html")
    _search(page, f'"{PUBLISHED_PHRASE}"')
    hit = page.locator("#search-results li").first
    assert hit.locator("a").get_attribute("href") == "doc/memo.html#p1"
    assert "memo.pdf, page 1" in hit.inner_text()
    marked = " ".join(page.locator("#search-results li mark").all_inner_texts()).lower()
    assert marked == PUBLISHED_PHRASE
    assert page.inner_text("#search-status") == "1 page found."
    _search(page, '"quietly expanded"')  # both words are on the page, not as a phrase
    assert page.locator("#search-results li").count() == 0
    assert page.inner_text("#search-status") == "No published page contains that."
    _search(page, "county detainers")  # words anywhere on the page: the nine appendix pages
    assert page.locator("#search-results li").count() == 9
    assert page.locator("#search-results li .snippet mark").count() >= 18
    _search(page, "witness investigators")  # the words under the redaction box are in no index
    assert page.locator("#search-results li").count() == 0
    page.locator("#search-results").evaluate("el => el")  # still there
    _search(page, f'"{PUBLISHED_PHRASE}"')
    page.locator("#search-results li a").first.click()
    page.wait_for_url("**/doc/memo.html#p1")
    assert page.errors == []
    context.close()


def test_filters_and_the_list_of_documents(browser, origins, publish_case) -> None:  # type: ignore[no-untyped-def]
    context, page = _page(browser)
    page.goto(origins["file"] + "index.html")
    items = page.locator("ol.docs li.doc")
    assert items.count() == len(publish_case.published)
    titles = page.locator("ol.docs .doc-title").all_inner_texts()
    assert "Detainer memo" in titles  # the record's title, not its Bates number or file name
    assert page.locator("ol.docs li.doc img.thumb").count() == len(publish_case.published)
    page.select_option("#f-production", "ICE release 1")
    assert page.locator("ol.docs li.doc:not([hidden])").count() == 5
    page.select_option("#f-production", "")
    page.fill("#f-to", "2000-01-01")
    page.dispatch_event("#f-to", "change")
    assert page.locator("ol.docs li.doc:not([hidden])").count() == 0
    assert page.inner_text("#filter-status") == f"0 of {len(publish_case.published)} documents shown."
    assert page.errors == []
    context.close()


def test_permalink_opens_the_page_and_the_pdf_downloads(browser, origins, built_site) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    site, _ = built_site
    context, page = _page(browser)
    page.goto(origins["http"] + "doc/memo.html#p2")
    assert page.locator("section.page:target").get_attribute("id") == "p2"
    page.locator("#p2 img").scroll_into_view_if_needed()
    assert page.locator("#p2 img").evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    assert page.locator("#p2 .permalink a").get_attribute("href") == "https://example.org/room/doc/memo.html#p2"
    href = page.locator("p.download a").get_attribute("href")
    assert href == "../pdf/memo.pdf"
    response = page.request.get(origins["http"] + "pdf/memo.pdf")
    assert response.ok and response.body()[:5] == b"%PDF-"
    assert len(pdfium.PdfDocument(response.body())) == 2
    context.close()


def test_guide_citation_lands_on_the_cited_page(browser, origins) -> None:  # type: ignore[no-untyped-def]
    context, page = _page(browser)
    page.goto(origins["file"] + "guide.html")
    assert "Our review shows the detainer pilot program expanded quietly" in page.inner_text("main")
    page.click("main p a[href$='memo.html#p2']")
    page.wait_for_url("**/doc/memo.html#p2")
    assert page.locator("section.page:target").get_attribute("id") == "p2"
    context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_screenshots_fit_the_width_and_axe_finds_no_violation(browser, origins, width) -> None:  # type: ignore[no-untyped-def]
    cache = Path(os.environ.get("UNCOVER_AXE_CACHE", Path.home() / ".cache" / "uncover-axe"))
    cache.mkdir(parents=True, exist_ok=True)
    axe = axe_script(cache)
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _page(browser, width)
    violations = {}
    for name, path in (("index", "index.html"), ("document", "doc/email.html"), ("guide", "guide.html")):
        page.goto(origins["http"] + path)
        if name == "index":
            _search(page, '"opt-out question"')
        page.screenshot(path=str(SHOTS / f"publish-{name}-{WIDTHS[width][0]}.png"), full_page=name != "document")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {width} screen"
        page.add_script_tag(path=str(axe))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations[name] = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]]
    assert violations == {"index": [], "document": [], "guide": []}
    assert page.errors == []
    context.close()
