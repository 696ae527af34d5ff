"""Every page of the workspace in Debian's Chromium at 1366 px and 390 px: it fits the width (no
sideways scrolling), axe-core finds no violation, and a screenshot is kept for a person to look at;
then what each new page is for, done with the mouse: hits drawn on a scan and zoom, picking
documents and coding them.

Screenshots go to $UNCOVER_SCREENSHOTS, or artifacts/screenshots/workspace/ (git-ignored); the
folder is printed. axe-core comes from `npm pack axe-core`, cached in $UNCOVER_AXE_CACHE.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_web_browser import browser  # noqa: F401  (the Chromium fixture)
from web_helpers import doc_id_by_filename, live_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "publish"))
from publish_helpers import axe_script  # noqa: E402

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def shots_folder() -> Path:
    folder = Path(os.environ.get("UNCOVER_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "workspace")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def analysis_server(analysis_case_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from uncover import Case

    root = tmp_path_factory.mktemp("workspace") / "case"
    Case.copy(analysis_case_dir, root).close()
    with live_server(root) as base:
        yield base, root


def workspace_pages(case_dir: Path) -> dict[str, str]:
    """name -> address of every page the workspace has."""
    pdf = doc_id_by_filename(case_dir, "C05739554.pdf")
    drafts = [doc_id_by_filename(case_dir, f"pilot-draft-{n}.pdf") for n in (1, 2)]
    mail = doc_id_by_filename(case_dir, "answer.eml")
    from uncover import Case

    with Case.open(case_dir) as case:
        thread = case.store.conn.execute("SELECT thread_id FROM thread_members WHERE document_id = ?", (mail,)).fetchone()[0]
    return {
        "search": "/search?q=benghazi",
        "overview": "/overview",
        "document": f"/documents/{pdf}?q=benghazi",
        "email": f"/documents/{mail}",
        "duplicates": "/duplicates",
        "near-duplicates": "/duplicates?view=near",
        "compare": f"/compare?left={drafts[0]}&right={drafts[1]}",
        "threads": "/threads",
        "thread": f"/threads/{thread}",
        "versions": "/versions",
        "withholdings": "/withholdings",
        "failed-redactions": "/redactions",
        "check": "/check?production=STATE-VOL01&spec=generic-esi",
        "schedule": "/schedule",
        "publications": "/publications",
    }


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_fits_and_axe_finds_nothing(browser, analysis_server, width, capsys) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, case_dir = analysis_server
    cache = Path(os.environ.get("UNCOVER_AXE_CACHE", Path.home() / ".cache" / "uncover-axe"))
    cache.mkdir(parents=True, exist_ok=True)
    axe = axe_script(cache)
    shots = shots_folder()
    with capsys.disabled():  # shown even when pytest captures output: where to look at the pages
        print(f"\nscreenshots: {shots}")
    w, h = WIDTHS[width]
    # bypass_csp: only so that axe itself can be injected; the app's own CSP is tested in test_web_browser.py.
    context = browser.new_context(viewport={"width": w, "height": h}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    found: dict[str, list[tuple[str, str, int]]] = {}
    overflow: dict[str, int] = {}
    for name, path in workspace_pages(case_dir).items():
        response = page.goto(base + path)
        assert response is not None and response.ok, f"{path}: {response.status if response else 'no response'}"
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(shots / f"{name}-{w}.png"), full_page=True)
        overflow[name] = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.add_script_tag(path=str(axe))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        found[name] = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]]
    assert {k: v for k, v in overflow.items() if v > 0} == {}, f"pages wider than {w}px"
    assert {k: v for k, v in found.items() if v} == {}, "axe-core violations"
    assert errors == []
    if width == "phone":  # the facets come before the results on a phone, folded
        page.goto(base + "/search?q=benghazi")
        facets, results = (page.locator(sel).bounding_box() for sel in (".facets", ".results"))
        assert facets and results and facets["y"] < results["y"]
        assert page.locator(".facets > details").get_attribute("open") is None
    context.close()


def test_scan_viewer_draws_hits_zooms_and_walks_hits(browser, analysis_server) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, case_dir = analysis_server
    pdf = doc_id_by_filename(case_dir, "C05739554.pdf")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/documents/{pdf}?q=benghazi")
    page.wait_for_function("document.getElementById('page-image').naturalWidth > 0")
    page.locator(".page-figure .box-hit").first.wait_for()
    boxes = page.locator(".page-figure .box-hit")
    assert boxes.count() == 3 and page.locator(".page-figure .box-hit.current").count() == 1
    assert page.locator(".thumbs li").count() == 4
    before = page.locator("#page-figure").bounding_box()
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    after = page.locator("#page-figure").bounding_box()
    assert after and before and after["width"] > before["width"] * 1.5
    page.wait_for_function("document.getElementById('page-image').src.indexOf('dpi=200') > 0")
    # a hit box stays on its word when zoomed: its share of the figure's width is unchanged
    shot = shots_folder() / "document-zoomed-1366.png"
    page.screenshot(path=str(shot))
    for _ in range(3):  # past the last hit of page 1: on to the next page that has hits
        page.get_by_role("button", name="Next hit ›").click()
    page.wait_for_url(re.compile(r".*page=2.*"))
    page.locator(".page-figure .box-hit.current").wait_for()
    context.close()


def test_pick_documents_and_tag_them(browser, analysis_server) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, _ = analysis_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{base}/search?q=benghazi")
    picks = page.locator("input.pick")
    assert picks.count() >= 3
    picks.nth(0).check()
    picks.nth(2).check()
    assert "(2)" in page.locator("#selected-option").inner_text()
    page.locator("#bulk-action").select_option("tag")
    page.locator("#bulk-value").fill("needs-review")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**coded=tag**")
    assert "Tagged 2 of 2 chosen documents" in page.locator(".notice").inner_text()
    page.screenshot(path=str(shots_folder() / "search-coded-390.png"), full_page=True)
    assert page.locator(".hit-card .tag-needs-review").count() == 2
    context.close()
