"""Browser tests: Debian's Chromium driven by Playwright against uvicorn serving a real case.

They fail (not skip) under CI when /usr/bin/chromium is missing, so a green CI run has driven a
real browser. Screenshots land in artifacts/screenshots/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import doc_id_by_filename, doc_id_by_subject, live_server

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]

pytestmark = pytest.mark.browser
VIOLATION_LISTENER = ("document.addEventListener('securitypolicyviolation', e => console.log("
                      "'CSP-VIOLATION ' + e.effectiveDirective + ' ' + e.sourceFile + ' ' + e.sample))")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api") if not os.environ.get("CI") else __import__(
        "playwright.sync_api", fromlist=["sync_playwright"])
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def server(case_copy: Path) -> Iterator[tuple[str, Path]]:
    with live_server(case_copy) as base:
        yield base, case_copy


def test_search_open_hit_tag_and_facet_updates(browser, server) -> None:  # type: ignore[no-untyped-def]
    base, case_dir = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if m.text.startswith("CSP-VIOLATION") else None)
    page.add_init_script(VIOLATION_LISTENER)
    page.goto(f"{base}/search")
    page.get_by_label("Search query").fill("benghazi")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search?q=benghazi*")
    assert "4 documents match" in page.locator("#results-title").inner_text()
    page.get_by_role("button", name="Query syntax help").click()
    assert page.locator("#syntax-help").is_visible()
    page.screenshot(path=str(SHOTS / "search-1280x800-syntax.png"))
    page.keyboard.press("Escape")
    page.screenshot(path=str(SHOTS / "search-1280x800.png"), full_page=False)

    page.locator(".hit-card h2 a").first.click()
    page.wait_for_url("**/documents/*")
    page.locator("#page-image").wait_for()
    page.wait_for_function("document.getElementById('page-image').naturalWidth > 0")
    assert page.locator("#pagetext mark.hit.current").count() == 1  # the first hit is selected
    page.screenshot(path=str(SHOTS / "document-1280x800.png"))
    page.get_by_role("button", name="+ hot").click()
    page.locator("#tag-panel .taglist .tag-hot").wait_for()
    page.keyboard.press("[")  # back through the result: the document view's keys work
    page.goto(f"{base}/search?q=benghazi")
    tag_facet = page.locator('[data-facet="tag"]')
    assert "hot" in tag_facet.inner_text() and tag_facet.locator('[data-count="1"]').count() == 1
    # The app's own pages never need inline or eval'd script (Playwright's own helpers may trip style-src).
    assert not [v for v in violations if "script-src" in v], violations
    context.close()


def test_phone_screenshots(browser, server) -> None:  # type: ignore[no-untyped-def]
    base, case_dir = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{base}/search?q=benghazi")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the search page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(SHOTS / "search-390x844.png"))
    pdf = doc_id_by_filename(case_dir, "C05739554.pdf")
    page.goto(f"{base}/documents/{pdf}?q=benghazi")
    page.wait_for_function("document.getElementById('page-image').naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "document-390x844.png"))
    context.close()


def test_hostile_email_runs_no_script(browser, server) -> None:  # type: ignore[no-untyped-def]
    base, case_dir = server
    doc_id = doc_id_by_subject(case_dir, "zebrafish")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    dialogs: list[str] = []
    console: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: console.append(m.text))
    page.goto(f"{base}/documents/{doc_id}")
    frame_el = page.locator("iframe.mailbody")
    assert frame_el.get_attribute("sandbox") == ""
    frame = frame_el.element_handle().content_frame()
    frame.wait_for_load_state()
    assert "Quarterly figures attached" in frame.inner_text("body")
    link = frame.locator("a", has_text="click me")
    if link.count():
        link.click(timeout=2000)
    page.wait_for_timeout(500)
    # The body route opened on its own (not framed) must not run anything either.
    direct = context.new_page()
    direct.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    direct.goto(f"{base}/documents/{doc_id}/body")
    direct.wait_for_timeout(300)
    assert page.evaluate("window.pwned") is None
    assert direct.evaluate("window.pwned") is None
    assert dialogs == []
    assert not [c for c in console if "pwned" in c]
    page.screenshot(path=str(SHOTS / "email-1280x800.png"))
    context.close()
