"""THE GUARANTEE: a snapshot holds only what may be published, and the site is built from it alone.

`build_snapshot(case, publication)` reads the case once and copies out, for each chosen document,
a whitelist of fields: label, Bates numbers (per page), date, title or subject, kind, sender and
recipients for e-mail, production name, page count; its page images as produced (rendered from
the original, redactions as the agency applied them); its page text under the rule below; and
its annotations marked public. Nothing else crosses: no file names or paths, no custodians, no
tags, no notes, no private annotations, no internal ids, no other document. The site builder
(site.py) and the PDF (guide_pdf.py) take a Snapshot and never a Case.

Page text rule (text under a redaction box never appears):
  * a page with no redaction box: its text as stored (text layer, OCR or the producer's text);
  * a page with redaction boxes whose original is a PDF: the text is rebuilt from the PDF's
    characters (pypdfium2 char boxes), leaving out every character whose box touches a redaction
    box, failed or not; a removed run becomes one "█";
  * a page with redaction boxes that cannot be rebuilt that way (a picture, a producer's text
    file, an original that does not open): no text at all for that page (`text_withheld`).
An OCR'd page whose boxes all hold (none failed) keeps its OCR text: OCR reads the pixels, and the
pixels under a box are black.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..case import Case
from ..custody import intact_original
from ..errors import InputError
from ..model import DocumentKind, TextSource
from ..store import review as review_sql
from ..store import withholdings as withholdings_sql
from ..web.pages import source_kind
from . import images
from .publication import CITATION_RE, Publication, citations

REDACTED_MARK = "█"
CHAR_MARGIN_PT = 0.5
_SLUG_RE = re.compile(r"[^A-Za-z0-9._-]+")


class PublishError(InputError):
    """The publication cannot be built as it stands (an unresolved citation, no documents)."""


@dataclass(frozen=True)
class PublishedAnnotation:
    page: int
    x: float
    y: float
    w: float
    h: float
    text: str


@dataclass(frozen=True)
class PublishedPage:
    number: int
    bates: str | None
    text: str
    text_rule: str  # "as-stored", "rebuilt-without-redacted", "withheld", "none"
    image: str | None = None  # a rendered PNG on this machine, copied into the site
    width: int = 0
    height: int = 0
    redactions: int = 0


@dataclass(frozen=True)
class PublishedDocument:
    label: str
    slug: str
    kind: str
    date: str | None
    title: str
    sender: str | None
    recipients: str | None
    production: str
    page_count: int
    bates_begin: str | None
    bates_end: str | None
    pages: tuple[PublishedPage, ...]
    annotations: tuple[PublishedAnnotation, ...]


@dataclass(frozen=True)
class CitationTarget:
    slug: str
    page: int
    label: str


@dataclass(frozen=True)
class Snapshot:
    name: str
    title: str
    introduction: str
    guide: str
    base_url: str
    created_at: str
    documents: tuple[PublishedDocument, ...]
    citations: dict[str, CitationTarget] = field(default_factory=dict)  # the written `[[...]]` -> target

    @property
    def page_count(self) -> int:
        return sum(len(d.pages) for d in self.documents)

    def document(self, slug: str) -> PublishedDocument | None:
        return next((d for d in self.documents if d.slug == slug), None)


def slug_for(label: str) -> str:
    """A file-name-safe form of a document's first Bates number (or DOC-000123)."""
    first = label.split("-")[0] if not label.startswith("DOC-") else label
    return _SLUG_RE.sub("_", first).strip("._") or "document"


def text_outside_boxes(pdf_path: Path, page_number: int, boxes: list[tuple[float, float, float, float]]) -> str | None:
    """The page's text-layer characters that touch no box (fractions, top-left origin); None if unreadable."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(pdf_path)
    except Exception:  # noqa: BLE001 - unreadable: the caller withholds the page's text
        return None
    try:
        if not 1 <= page_number <= len(pdf):
            return None
        page = pdf[page_number - 1]
        width, height = page.get_size()
        rects = [(x0 * width - CHAR_MARGIN_PT, (1 - y1) * height - CHAR_MARGIN_PT,
                  x1 * width + CHAR_MARGIN_PT, (1 - y0) * height + CHAR_MARGIN_PT) for x0, y0, x1, y1 in boxes]
        textpage = page.get_textpage()
        out: list[str] = []
        removing = False
        for i in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
            ch = chr(code) if code else ""
            left, bottom, right, top = textpage.get_charbox(i)
            has_box = right > left or top > bottom
            hidden = has_box and any(left <= r[2] and right >= r[0] and bottom <= r[3] and top >= r[1] for r in rects)
            if not has_box and not ch.isspace():
                # A character without a position cannot be shown to lie outside the boxes.
                hidden = bool(rects)
            if hidden:
                if not removing:
                    out.append(REDACTED_MARK)
                removing = True
                continue
            removing = False
            out.append(ch)
        return "".join(out).replace("\r\n", "\n").replace("\r", "\n")
    except Exception:  # noqa: BLE001 - any failure withholds the text rather than risk it
        return None
    finally:
        pdf.close()


def _resolve_guide(case: Case, publication: Publication, chosen: dict[int, PublishedDocument],
                   texts: list[str]) -> dict[str, CitationTarget]:
    targets: dict[str, CitationTarget] = {}
    problems: list[str] = []
    for text in texts:
        for cit in citations(case, text):
            doc = chosen.get(cit.document_id) if cit.document_id is not None else None
            if cit.document_id is None:
                problems.append(f"{cit.text} names no document in this case")
            elif doc is None:
                problems.append(f"{cit.text} cites a document that is not in the publication (add it with --doc {cit.ref})")
            elif not 1 <= (cit.resolved_page or 1) <= max(len(doc.pages), 1):
                problems.append(f"{cit.text}: {doc.label} has no page {cit.resolved_page}")
            else:
                targets[cit.text] = CitationTarget(doc.slug, cit.resolved_page or 1, doc.label)
    if problems:
        raise PublishError("The guide cannot be published as written: " + "; ".join(problems) + ".")
    return targets


def build_snapshot(case: Case, publication: Publication, *, images_dir: Path | None = None,
                   dpi: int = images.DEFAULT_DPI, workers: int | None = None, progress=None) -> Snapshot:  # type: ignore[no-untyped-def]
    """Copy out what may be published. With `images_dir` None, no page images are rendered."""
    store = case.store
    conn = store.conn
    if not publication.document_ids:
        raise PublishError(f"The publication {publication.name} has no documents yet; add some with --doc or --search.")
    productions = {p.id: p.name for p in store.productions()}
    docs = store.documents(publication.document_ids)
    docs.sort(key=lambda d: (d.bates_begin or "", d.date or "", d.id))
    drafts: list[tuple[int, dict, list[PublishedPage], tuple[PublishedAnnotation, ...], str | None]] = []
    used_slugs: set[str] = set()
    if progress:
        progress.start("text", len(docs))
    for doc in docs:
        slug = slug_for(doc.label)
        if slug in used_slugs:
            slug = f"{slug}_{len(used_slugs)}"
        used_slugs.add(slug)
        original = case.blobs.path_for(doc.sha256)
        kind = source_kind(original) if original.exists() else None
        if kind is not None or not original.exists():  # pictures and text come only from the bytes that were hashed
            intact_original(case, doc.sha256, doc.listing)
        boxes: dict[int, list] = defaultdict(list)
        for r in withholdings_sql.redactions(conn, doc.id):
            boxes[r.page].append(r)
        pages: list[PublishedPage] = []
        for page in store.pages(doc.id):
            page_boxes = boxes.get(page.number, [])
            if not page_boxes:
                text, rule = page.text, "as-stored"
            elif page.text_source == TextSource.OCR and not any(b.failed for b in page_boxes):
                text, rule = page.text, "as-stored"
            elif kind == "pdf" and page.text_source in (TextSource.LAYER, TextSource.OCR, TextSource.NONE):
                rebuilt = text_outside_boxes(Path(original), page.number, [b.bbox for b in page_boxes])  # type: ignore[arg-type]
                text, rule = (rebuilt, "rebuilt-without-redacted") if rebuilt is not None else ("", "withheld")
            else:
                text, rule = "", "withheld"
            pages.append(PublishedPage(page.number, page.bates, text, rule, redactions=len(page_boxes)))
        notes = tuple(
            PublishedAnnotation(a.page, a.x, a.y, a.w, a.h, a.text)
            for a in review_sql.annotations(conn, doc.id, public_only=True) if a.public
        )
        is_email = doc.kind == DocumentKind.EMAIL
        meta = {
            "label": doc.label, "slug": slug, "kind": str(doc.kind), "date": doc.date,
            "title": (doc.subject if is_email else doc.title or doc.subject) or doc.title or doc.label,
            "sender": doc.sender if is_email else None, "recipients": doc.recipients if is_email else None,
            "production": productions.get(doc.production_id, ""), "page_count": len(pages) or doc.page_count,
            "bates_begin": doc.bates_begin, "bates_end": doc.bates_end,
        }
        drafts.append((doc.id, meta, pages, notes, kind and str(original)))
        if progress:
            progress.advance("text")

    if images_dir is not None:
        jobs = []
        for i, (_, _meta, pages, _, original_path) in enumerate(drafts):
            source = source_kind(Path(original_path)) if original_path else None
            if source and pages:
                jobs.append(images.RenderJob(i, source, original_path, docs[i].sha256, tuple(p.number for p in pages),
                                             dpi, str(images_dir)))
        if progress:
            progress.start("page images", sum(len(j.pages) for j in jobs))
        rendered = images.render_all(jobs, workers, on_done=(lambda j, r: progress.advance("page images", len(r))) if progress else None)
        for i, pictures in rendered.items():
            by_number = {r.page: r for r in pictures}
            drafts[i][2][:] = [
                PublishedPage(p.number, p.bates, p.text, p.text_rule, by_number[p.number].path, by_number[p.number].width,
                              by_number[p.number].height, p.redactions)
                if p.number in by_number and by_number[p.number].path else p
                for p in drafts[i][2]
            ]

    chosen: dict[int, PublishedDocument] = {}
    for doc_id, meta, pages, notes, _ in drafts:
        chosen[doc_id] = PublishedDocument(**meta, pages=tuple(pages), annotations=notes)
    targets = _resolve_guide(case, publication, chosen, [publication.guide, publication.introduction])
    return Snapshot(
        name=publication.name, title=publication.title, introduction=publication.introduction, guide=publication.guide,
        base_url=publication.base_url, created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        documents=tuple(chosen[d.id] for d in docs), citations=targets,
    )


def rewrite_citations(markdown: str, snapshot: Snapshot, link: callable) -> str:  # type: ignore[valid-type]
    """Replace each `[[...]]` with a Markdown link made by link(target) -> href."""

    def sub(match: re.Match[str]) -> str:
        target = snapshot.citations.get(match[0])
        if target is None:
            return match[0]
        shown = f"{match[1]}" + (f" p. {match[2]}" if match[2] else "")
        return f"[{shown}]({link(target)})"

    return CITATION_RE.sub(sub, markdown)
