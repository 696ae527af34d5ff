"""The tables pass's page check on scans: which image-only pages it sends to OCR a second time.

    PYTHONPATH=src python bench/scanned_page_check.py

Recall: the labelled table pages of bench/labels/tables/, rendered as scans the way
bench/scanned_tables.py renders them (200 dpi, turned, grain, specks), must all pass. Cost: every
image-only page of the MuckRock releases (FBI e-mail files, contracts, letters: 3 true tables in
291 pages, bench/labels/tables/muckrock/) that passes is OCR'd again. Printed for the product's
check (analyze/tables/pdf.py) and for the rule it replaced (two runs each way, 72 pt across and
12 pt down, each run alone), from the same rule finding.
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


def single_runs(page: object) -> bool:
    """The check before: two runs each way away from the border, 72 pt across and 12 pt down,
    each run counted alone (a skewed rule's pieces apart), no stacked rules."""
    from uncover.analyze.tables.pdf import SCAN_BORDER, SCREEN_DPI, TINT_DPI
    from uncover.analyze.tables.scanned import rule_edges, tint_box_edges

    for dpi in (SCREEN_DPI, TINT_DPI):
        pixels = np.asarray(page.render(scale=dpi / 72).to_pil().convert("L"))  # type: ignore[attr-defined]
        width, height = pixels.shape[1] * 72 / dpi, pixels.shape[0] * 72 / dpi
        across = down = 0
        for e in rule_edges(pixels, dpi):
            if min(e["x0"], e["top"], width - e["x1"], height - e["bottom"]) < SCAN_BORDER:
                continue
            if e["orientation"] == "h":
                across += e["x1"] - e["x0"] >= 72
            else:
                down += e["bottom"] - e["top"] >= 12
        if across >= 2 and down >= 2:
            return True
    return bool(tint_box_edges(pixels, TINT_DPI))


def main() -> int:
    import pypdfium2 as pdfium

    from uncover.analyze.tables.pdf import _scanned_may_hold_table

    # in this order on each page: the first to render a page pays for decoding its image (PDFium
    # keeps it), so the product's check is timed without that cost and the baseline with it
    checks = {"before": single_runs, "now": _scanned_may_hold_table}
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
