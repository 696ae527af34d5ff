"""The tables pass's page check on scans: which image-only pages it sends to OCR a second time.

    PYTHONPATH=src python bench/scanned_page_check.py

Recall: the labelled table pages of bench/labels/tables/, rendered as scans the way
bench/scanned_tables.py renders them (200 dpi, turned, grain, specks), must all pass. Cost: every
image-only page of the MuckRock releases (FBI e-mail files, contracts, letters: 3 true tables in
291 pages, bench/labels/tables/muckrock/) that passes is OCR'd again. Printed for the product's
check (analyze/tables/pdf.py) and for the rule it replaced (two rules each way, any length,
anywhere on the page), from the same rule finding.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scanned_tables import DPI, SEED, image_pdf, scanned_render  # noqa: E402
from tables import CORPORA, load_labels  # noqa: E402


def any_two_each_way(page: object) -> bool:
    """The check before: two dark runs each way, at either resolution, or tinted cells."""
    from uncover.analyze.tables.pdf import SCREEN_DPI, TINT_DPI
    from uncover.analyze.tables.scanned import rule_edges, tint_box_edges

    for dpi in (SCREEN_DPI, TINT_DPI):
        pixels = np.asarray(page.render(scale=dpi / 72).to_pil().convert("L"))  # type: ignore[attr-defined]
        edges = rule_edges(pixels, dpi)
        if sum(e["orientation"] == "h" for e in edges) >= 2 and sum(e["orientation"] == "v" for e in edges) >= 2:
            return True
    return bool(tint_box_edges(pixels, TINT_DPI))


def main() -> int:
    import pypdfium2 as pdfium

    from uncover.analyze.tables.pdf import _scanned_may_hold_table

    checks = {"now": _scanned_may_hold_table, "before": any_two_each_way}
    seconds = dict.fromkeys(checks, 0.0)

    def run(page: object) -> dict[str, bool]:
        out = {}
        for name, check in checks.items():
            started = time.perf_counter()
            out[name] = check(page)
            seconds[name] += time.perf_counter() - started
        return out

    rng = np.random.default_rng(SEED)
    labelled: list[tuple[str, bool, dict[str, bool]]] = []
    for doc in load_labels():
        for number in sorted(doc["pages"]):
            image, _ = scanned_render(doc["path"], number, rng)
            scan = pdfium.PdfDocument(image_pdf(image, DPI))
            labelled.append((f"{Path(doc['source']).name} p{number}", bool(doc["pages"][number]), run(scan[0])))
            scan.close()
    released: list[tuple[str, dict[str, bool]]] = []
    for path in sorted((CORPORA / "foia-muckrock-responsive-docs").rglob("*")):
        if path.suffix.lower() != ".pdf":
            continue
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue
        for i in range(len(doc)):
            text = doc[i].get_textpage()
            image_only = text.count_chars() == 0
            text.close()
            if image_only:
                released.append((f"{path.name} p{i + 1}", run(doc[i])))
        doc.close()
    pages = len(labelled) + len(released)
    print(f"load average {os.getloadavg()[0]:.2f}; {pages} pages")
    tables = [r for r in labelled if r[1]]
    for name in checks:
        missed = [label for label, _, passed in tables if not passed[name]]
        print(f"{name:7} labelled table pages passed {len(tables) - len(missed)}/{len(tables)}"
              + (f" (missed: {', '.join(missed)})" if missed else "")
              + f"; labelled pages without a table passed {sum(p[name] for _, has, p in labelled if not has)}"
              f"/{sum(not has for _, has, _ in labelled)}; MuckRock image-only pages passed (OCR'd again) "
              f"{sum(p[name] for _, p in released)}/{len(released)}; {1000 * seconds[name] / pages:.0f} ms a page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
