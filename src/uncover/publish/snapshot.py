"""THE GUARANTEE: a snapshot holds only what may be published, and the site is built from it alone.

`build_snapshot(case, publication)` reads the case once and copies out, for each chosen document,
a whitelist of fields: label, Bates numbers (per page), its heading (subject or title, as the
record gives it) and day, kind, sender and recipients for e-mail, production name, page count;
its page pictures as produced (rendered from the original, redactions as the agency applied
them, masked personal data painted over); its page text as a reader of the picture can read it
(images.py, visible.py), personal data masked (personal.py); and its annotations marked public.
Nothing else crosses: no paths, no custodians, no tags, no notes, no private annotations, no
internal ids, no other document. The site builder (site.py) and the PDF (guide_pdf.py) take a
Snapshot and never a Case.

What was left out of the published text (hidden text, masked values) is collected apart, in a
`Withheld`, for the leak check and for the publisher's list of masked data; it never enters the
Snapshot.
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
from ..model import Document, DocumentKind
from ..store import review as review_sql
from ..store import withholdings as withholdings_sql
from ..web.pages import source_kind
from . import images
from .personal import mask
from .publication import CITATION_RE, Publication, citations, personal_data_policy
from .tables import PublishedTable, published_table
from .visible import REDACTED_MARK

_SLUG_RE = re.compile(r"[^A-Za-z0-9._-]+")
PLACEHOLDER_TITLES = {"untitled", "unspecified", "anonymous", "(anonymous)", "none", "title", "subject", "document",
                      "microsoft word", "untitled document", "no subject", "(no subject)"}
PASSAGE_MAX = 400
# Where a quoted passage may start: after a sentence, a blank line, or a line that is a heading
# (no lower-case letter) or a label ending in a colon.
_SENTENCE_START_RE = re.compile(r"[.!?](?=\s)|\n\s*\n|(?m:^[^a-z\n]*[A-Z][^a-z\n]*\n)|:[ \t]*\n")

__all__ = ["REDACTED_MARK", "CitationTarget", "PublishError", "PublishedDocument", "PublishedPage", "Snapshot",
           "Withheld", "build_snapshot", "rewrite_citations", "slug_for"]


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
    text_rule: str  # "as-stored", "rebuilt-without-redacted", "withheld"
    image: str | None = None  # a rendered PNG on this machine, copied into the site
    width: int = 0
    height: int = 0
    redactions: int = 0
    thumb: str | None = None
    image_note: str | None = None  # why there is no picture
    masked: int = 0  # how many personal-data spans were masked on this page


@dataclass(frozen=True)
class PublishedDocument:
    label: str
    slug: str
    kind: str
    date: str | None  # the record's day, YYYY-MM-DD
    title: str
    sender: str | None
    recipients: str | None
    production: str
    page_count: int
    bates_begin: str | None
    bates_end: str | None
    pages: tuple[PublishedPage, ...]
    annotations: tuple[PublishedAnnotation, ...]
    tables: tuple[PublishedTable, ...] = ()  # tables read from its pages, as published (publish/tables.py)

    @property
    def thumb(self) -> str | None:
        return self.pages[0].thumb if self.pages else None


@dataclass(frozen=True)
class CitationTarget:
    slug: str
    page: int
    label: str
    passage: str | None = None  # the quoted sentence, as published


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


@dataclass(frozen=True)
class WithheldText:
    label: str  # the document
    where: str  # "page 3", "title", "sender"...
    kind: str  # "hidden" (under paint) or a personal-data kind
    text: str


@dataclass
class Withheld:
    """What the snapshot left out of the published text: for the leak check and the publisher only."""

    items: list[WithheldText] = field(default_factory=list)

    @property
    def masked(self) -> list[WithheldText]:
        return [w for w in self.items if w.kind != "hidden"]


def slug_for(doc: Document) -> str:
    """A file-name-safe form of a document's first Bates number (or its file name, less the extension)."""
    name = doc.bates_begin or re.sub(r"\.[A-Za-z0-9]{1,5}$", "", doc.filename or "") or doc.label
    return _SLUG_RE.sub("_", name).strip("._") or "document"


def public_label(doc: Document) -> str:
    """How the room names a record: its Bates number, else its file name (never an internal id)."""
    return doc.label if doc.bates_begin else (doc.filename or doc.label)


def public_title(doc: Document) -> str:
    """`Document.heading`, past the placeholders PDF writers put in Title and Subject."""
    for candidate in (doc.heading, doc.subject, doc.title, doc.filename):
        if candidate and candidate.strip().lower() not in PLACEHOLDER_TITLES:
            return candidate.strip()
    return public_label(doc)


def passage_around(text: str, quote: str) -> str | None:
    """The sentence of `text` holding the quoted words (any case and spacing), or None."""
    words = re.findall(r"[^\W_]+", quote)
    if not words:
        return None
    match = re.search(r"(?<![^\W_])" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?![^\W_])", text, re.IGNORECASE)
    if match is None:
        return None
    ends = [m.end() for m in _SENTENCE_START_RE.finditer(text[: match.start()])]
    start = ends[-1] if ends else 0
    start = max(start, match.start() - PASSAGE_MAX // 2)
    after = re.search(r"[.!?](?=\s|$)|\n\s*\n", text[match.end() :])
    end = match.end() + after.end() if after else len(text)
    end = min(end, match.end() + PASSAGE_MAX // 2)
    return " ".join(text[start:end].split())


def _resolve_guide(case: Case, chosen: dict[int, PublishedDocument], texts: list[str]) -> dict[str, CitationTarget]:
    targets: dict[str, CitationTarget] = {}
    problems: list[str] = []
    for text in texts:
        for cit in citations(case, text):
            doc = chosen.get(cit.document_id) if cit.document_id is not None else None
            page_no = cit.resolved_page or 1
            if cit.document_id is None:
                problems.append(f"{cit.text} names no document in this case")
            elif doc is None:
                problems.append(f"{cit.text} cites a document that is not in the publication (add it with --doc {cit.ref})")
            elif not 1 <= page_no <= max(len(doc.pages), 1):
                problems.append(f"{cit.text}: {doc.label} has no page {cit.resolved_page}")
            else:
                passage = None
                if cit.quote:
                    page = next((p for p in doc.pages if p.number == page_no), None)
                    passage = passage_around(page.text, cit.quote) if page else None
                    if passage is None:
                        problems.append(f"{cit.text}: the quoted words are not in the published text of {doc.label} "
                                        f"page {page_no} (they may lie under a redaction or be masked)")
                        continue
                targets[cit.text] = CitationTarget(doc.slug, page_no, doc.label, passage)
    if problems:
        raise PublishError("The guide cannot be published as written: " + "; ".join(problems) + ".")
    return targets


def build_snapshot(case: Case, publication: Publication, *, images_dir: Path | None = None,
                   dpi: int = images.DEFAULT_DPI, workers: int | None = None, progress=None,  # type: ignore[no-untyped-def]
                   withheld: Withheld | None = None) -> Snapshot:
    """Copy out what may be published. With `images_dir` None, no page pictures are rendered.

    `withheld`, when given, receives what was left out of the published text."""
    store = case.store
    conn = store.conn
    if not publication.document_ids:
        raise PublishError(f"The publication {publication.name} has no documents yet; add some with --doc or --search.")
    withheld = withheld if withheld is not None else Withheld()
    policy = personal_data_policy(case, publication)
    productions = {p.id: p.name for p in store.productions()}
    docs = store.documents(publication.document_ids)
    docs.sort(key=lambda d: (d.bates_begin or "", d.date or "", d.id))
    metas: list[dict] = []
    jobs: list[images.DocumentJob] = []
    pages_of: list[list] = []
    used_slugs: set[str] = set()
    for i, doc in enumerate(docs):
        label = public_label(doc)
        slug = slug_for(doc)
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
        stored = store.pages(doc.id)
        pages_of.append(stored)
        tasks = tuple(images.PageTask(p.number, p.text, str(p.text_source), tuple(b.bbox for b in boxes.get(p.number, [])),
                                      any(b.failed for b in boxes.get(p.number, []))) for p in stored)
        jobs.append(images.DocumentJob(i, kind, str(original), doc.sha256, tasks, policy, dpi,
                                       str(images_dir) if images_dir is not None else None,
                                       str(case.derived / "publish-visible")))
        # a native message, or a printed one whose header was read back (a PDF's author is not a sender)
        is_email = doc.kind == DocumentKind.EMAIL or bool(doc.sender)
        fields = {"label": label, "title": public_title(doc), "sender": doc.sender if is_email else None,
                  "recipients": doc.recipients if is_email else None}
        for name, value in list(fields.items()):
            masked, found = mask(value, policy)
            fields[name] = masked
            withheld.items.extend(WithheldText(label, name, m.kind, m.value) for m in found)
        metas.append({
            "slug": slug, "kind": str(doc.kind), "date": doc.day or None, **fields,
            "production": productions.get(doc.production_id, ""), "page_count": len(stored) or doc.page_count,
            "bates_begin": doc.bates_begin, "bates_end": doc.bates_end,
        })

    if progress:
        progress.start("pages", sum(len(j.pages) for j in jobs))
    done = images.prepare_all(jobs, workers, on_done=(lambda j, r: progress.advance("pages", len(r))) if progress else None)
    chosen: dict[int, PublishedDocument] = {}
    for i, doc in enumerate(docs):
        outcomes = {o.number: o for o in done.get(i, [])}
        pages: list[PublishedPage] = []
        for stored_page, task in zip(pages_of[i], jobs[i].pages, strict=True):
            o = outcomes.get(task.number) or images.PageOutcome(task.number, "", "withheld", image_note="not processed")
            where = f"page {task.number}"
            withheld.items.extend(WithheldText(metas[i]["label"], where, "hidden", h) for h in o.hidden)
            withheld.items.extend(WithheldText(metas[i]["label"], where, k, v) for k, v in o.masked)
            pages.append(PublishedPage(task.number, stored_page.bates, o.text, o.rule, o.image, o.width, o.height,
                                       len(task.boxes), o.thumb, o.image_note, len(o.masked)))
        notes = tuple(
            PublishedAnnotation(a.page, a.x, a.y, a.w, a.h, a.text)
            for a in review_sql.annotations(conn, doc.id, public_only=True) if a.public
        )
        tables = tuple(published_table(t, metas[i]["label"], metas[i]["title"], metas[i]["date"],
                                       {p.number: p.text for p in pages if p.text_rule != "withheld"})
                       for t in _stored_tables(conn, doc.id))
        chosen[doc.id] = PublishedDocument(**metas[i], pages=tuple(pages), annotations=notes, tables=tables)
    targets = _resolve_guide(case, chosen, [publication.guide, publication.introduction])
    return Snapshot(
        name=publication.name, title=publication.title, introduction=publication.introduction, guide=publication.guide,
        base_url=publication.base_url, created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        documents=tuple(chosen[d.id] for d in docs), citations=targets,
    )


def _stored_tables(conn, doc_id: int) -> list:  # type: ignore[no-untyped-def]
    """The document's tables, where the case has read any (`uncover tables`)."""
    from ..store import tables as tables_sql

    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'doc_tables'").fetchone():
        return []
    return tables_sql.document_tables(conn, doc_id)


def _markdown_literal(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]()#+\-!<>|~])", r"\\\1", text)


def rewrite_citations(markdown: str, snapshot: Snapshot, link: callable) -> str:  # type: ignore[valid-type]
    """Replace each `[[...]]` with a Markdown link made by link(target) -> href, the quoted passage before it."""

    def sub(match: re.Match[str]) -> str:
        target = snapshot.citations.get(match[0])
        if target is None:
            return match[0]
        shown = target.label + (f" p. {match[2]}" if match[2] else "")
        cite = f"[{shown}]({link(target)})"
        if target.passage:
            return f"“{_markdown_literal(target.passage)}” ({cite})"
        return cite

    return CITATION_RE.sub(sub, markdown)
