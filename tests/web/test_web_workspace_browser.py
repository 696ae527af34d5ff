"""Every page of the workspace in Debian's Chromium at 1366 px and 390 px: it fits the width (no
sideways scrolling), axe-core finds no violation, and a screenshot is kept for a person to look at.

Screenshots go to $UNCOVER_SCREENSHOTS, or artifacts/screenshots/workspace/ (git-ignored); the
folder is printed. axe-core comes from `npm pack axe-core`, cached in $UNCOVER_AXE_CACHE.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from test_web_browser import ARGS, CHROMIUM, browser, server  # noqa: F401  (fixtures)
from web_helpers import doc_id_by_filename

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "publish"))
from publish_helpers import axe_script  # noqa: E402

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def shots_folder() -> Path:
    folder = Path(os.environ.get("UNCOVER_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "workspace")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def workspace_pages(case_dir: Path) -> dict[str, str]:
    """name -> address of every page the workspace has, on the web test case."""
    pdf = doc_id_by_filename(case_dir, "C05739554.pdf")
    return {
        "search": "/search?q=benghazi",
        "overview": "/overview",
        "document": f"/documents/{pdf}?q=benghazi",
        "publications": "/publications",
    }


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_fits_and_axe_finds_nothing(browser, server, width) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, case_dir = server
    cache = Path(os.environ.get("UNCOVER_AXE_CACHE", Path.home() / ".cache" / "uncover-axe"))
    cache.mkdir(parents=True, exist_ok=True)
    axe = axe_script(cache)
    shots = shots_folder()
    print(f"screenshots: {shots}")
    w, h = WIDTHS[width]
    # bypass_csp: only so that axe itself can be injected; the app's own CSP is tested elsewhere.
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
    context.close()
