"""One command's work: snapshot, site, optional guide PDF, leak check, and a record in the case.

The publisher also gets the list of what the personal-data policy masked (kind, value, where),
printed and written to CASE/exports/publications/<name>-personal-data.csv: never into the site.
"""

from __future__ import annotations

import csv
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..case import Case
from ..store import publish as sql
from .check import Leak, blocking, check_site
from .publication import Publication
from .site import SiteFigures, build_site, figures
from .snapshot import Withheld, build_snapshot


@dataclass
class PublishResult:
    publication: str
    out: str
    figures: SiteFigures
    pdf: str | None
    leaks: list[Leak] = field(default_factory=list)  # findings that block the upload
    checked: bool = True
    seconds: dict[str, float] = field(default_factory=dict)
    text_withheld_pages: int = 0
    text_rebuilt_pages: int = 0
    pages_without_image: int = 0
    accepted: list[Leak] = field(default_factory=list)  # findings the publisher accepted, with reasons
    masked: list[dict[str, str]] = field(default_factory=list)  # what the personal-data policy masked
    masked_report: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["leaks"] = [leak.as_dict() for leak in self.leaks]
        data["accepted"] = [leak.as_dict() for leak in self.accepted]
        return data


def masked_rows(withheld: Withheld) -> list[dict[str, str]]:
    return [{"document": w.label, "where": w.where, "kind": w.kind, "value": w.text} for w in withheld.masked]


def write_masked_report(case: Case, name: str, rows: list[dict[str, str]]) -> Path:
    target = case.exports / "publications" / f"{name}-personal-data.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["document", "where", "kind", "value"])
        writer.writeheader()
        writer.writerows(rows)
    return target


def publish(case: Case, publication: Publication, out: Path, *, pdf: bool = False, check: bool = True,
            workers: int | None = None, progress=None) -> PublishResult:  # type: ignore[no-untyped-def]
    """Build the site into `out`; with `check`, scan it for leaks (the result lists any found)."""
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    withheld = Withheld()
    snapshot = build_snapshot(case, publication, images_dir=case.derived / "publish-pages", workers=workers,
                              progress=progress, withheld=withheld)
    seconds["snapshot"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    built = build_site(snapshot, out, progress=progress)
    seconds["site"] = time.perf_counter() - t1
    pdf_path = None
    if pdf and snapshot.guide.strip():
        from .guide_pdf import write_guide_pdf

        t2 = time.perf_counter()
        pdf_path = str(write_guide_pdf(snapshot, Path(out) / "guide.pdf"))
        seconds["pdf"] = time.perf_counter() - t2
        built = figures(Path(out), snapshot, built.images, built.index_terms)
    findings: list[Leak] = []
    if check:
        t3 = time.perf_counter()
        findings = check_site(case, publication, Path(out), snapshot, withheld)
        seconds["check"] = time.perf_counter() - t3
    leaks = blocking(findings)
    with case.store.transaction() as conn:
        sql.record_build(conn, publication.id, documents=built.documents, pages=built.pages, files=built.files,
                         bytes=built.bytes, manifest_sha256=built.manifest_sha256, leaks=len(leaks) if check else None)
    rows = masked_rows(withheld)
    report = str(write_masked_report(case, publication.name, rows)) if rows else None
    pages = [p for d in snapshot.documents for p in d.pages]
    seconds["total"] = time.perf_counter() - t0
    return PublishResult(
        publication.name, str(out), built, pdf_path, leaks, check, seconds,
        text_withheld_pages=sum(p.text_rule == "withheld" for p in pages),
        text_rebuilt_pages=sum(p.text_rule == "rebuilt-without-redacted" for p in pages),
        pages_without_image=sum(p.image is None for p in pages),
        accepted=[f for f in findings if f.accepted is not None], masked=rows, masked_report=report,
    )
