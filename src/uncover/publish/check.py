"""The leak check: scan every file of a built site for text of anything that was not published.

What counts as secret: the text of every document not in the publication, every private note,
every annotation not marked public, and the text under each redaction box of the published pages
(read live from the original, as `uncover redactions --show-recovered` would). What counts as
published: everything in the publication's snapshot (page text under the snapshot's rule, the
whitelisted metadata, public annotations, introduction, guide) and the site's own template text.

A file leaks when it contains
  * an 8-word shingle of secret text that is not also a shingle of published text (text that is
    both secret and public, a duplicate or a letterhead, is public), or the whole of a secret of
    3 to 7 words (a short note);
  * a distinctive secret word (an identifier mixing letters and digits, or a word of 12 letters or
    more) that appears nowhere in the published text or the site's templates;
  * in the search index, any term at all that is not a word of the published page text.
Files are read as text (HTML unescaped, tags dropped), PDFs through pypdfium2 (text and links),
other binaries by their printable runs near the start and end (where image metadata lives), and
every path is checked as words too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..case import Case
from ..store import review as review_sql
from ..store import withholdings as withholdings_sql
from .publication import Publication
from .site import tokens
from .snapshot import Snapshot, build_snapshot

SHINGLE = 8
SHORT_MIN = 3
TEXT_SUFFIXES = {".html", ".htm", ".js", ".json", ".xml", ".atom", ".css", ".txt", ".md", ".csv", ".svg", ""}
_TAG_RE = re.compile(r"<[^>]{0,2000}>")
_PRINTABLE_RE = re.compile(rb"[\x20-\x7e]{4,}")
_INDEX_KEY_RE = re.compile(r'"((?:[^"\\]|\\.)*)":\[')
HERE = Path(__file__).parent


@dataclass(frozen=True)
class Leak:
    file: str  # path inside the site
    source: str  # what leaked: "unpublished document DOC-000012", "private note 3", ...
    evidence: str  # the matching words, shortened

    def __str__(self) -> str:
        return f"{self.file}: {self.source} ({self.evidence})"


def _distinctive(token: str) -> bool:
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    return (has_digit and has_alpha and len(token) >= 6) or (len(token) >= 12 and not has_digit)


def _shingles(words: list[str], k: int = SHINGLE) -> Iterator[int]:
    for i in range(len(words) - k + 1):
        yield hash(" ".join(words[i : i + k]))


class SecretIndex:
    """Secret shingles, short secrets and distinctive words, each mapped to where it came from."""

    def __init__(self, allowed_texts: Iterable[str], chrome_texts: Iterable[str]) -> None:
        self.allowed_shingles: set[int] = set()
        self.allowed_vocab: set[str] = set()
        lines = []
        for text in allowed_texts:
            words = tokens(text)
            self.allowed_vocab.update(words)
            self.allowed_shingles.update(_shingles(words))
            lines.append(" " + " ".join(words) + " ")
        self.allowed_blob = "\n".join(lines)
        self.published_vocab = set(self.allowed_vocab)
        for text in chrome_texts:
            self.allowed_vocab.update(tokens(text))
        self.shingles: dict[int, str] = {}
        self.short: dict[int, dict[int, str]] = {}
        self.words: dict[str, str] = {}

    def add(self, text: str, source: str) -> None:
        words = tokens(text)
        if SHORT_MIN <= len(words) < SHINGLE:
            joined = " ".join(words)
            if f" {joined} " not in self.allowed_blob:
                self.short.setdefault(len(words), {})[hash(joined)] = source
        for h in _shingles(words):
            if h not in self.allowed_shingles:
                self.shingles.setdefault(h, source)
        for w in words:
            if w not in self.allowed_vocab and _distinctive(w):
                self.words.setdefault(w, source)

    def scan(self, words: list[str], file: str) -> list[Leak]:
        found: dict[str, Leak] = {}
        for i in range(len(words) - SHINGLE + 1):
            window = " ".join(words[i : i + SHINGLE])
            source = self.shingles.get(hash(window))
            if source and source not in found:
                found[source] = Leak(file, source, window[:120])
        for n, table in self.short.items():
            for i in range(len(words) - n + 1):
                window = " ".join(words[i : i + n])
                source = table.get(hash(window))
                if source and source not in found:
                    found[source] = Leak(file, source, window[:120])
        for w in set(words):
            source = self.words.get(w)
            if source and source not in found:
                found[source] = Leak(file, source, w[:120])
        return list(found.values())


def snapshot_texts(snapshot: Snapshot) -> Iterator[str]:
    yield snapshot.title
    yield snapshot.introduction
    yield snapshot.guide
    yield snapshot.base_url
    for d in snapshot.documents:
        yield " ".join(str(v) for v in (d.label, d.slug, d.kind, d.date, d.title, d.sender, d.recipients, d.production,
                                        d.bates_begin, d.bates_end) if v)
        for p in d.pages:
            yield p.text
            yield p.bates or ""
        for a in d.annotations:
            yield a.text


def chrome_texts() -> Iterator[str]:
    """The site's own words: templates, static files and the builders that write text."""
    for folder in (HERE / "templates", HERE / "static"):
        for path in folder.rglob("*"):
            if path.is_file():
                yield path.read_text("utf-8", "replace")
    for name in ("site.py", "guide_pdf.py"):
        yield (HERE / name).read_text("utf-8")


def secret_index(case: Case, publication: Publication, snapshot: Snapshot) -> SecretIndex:
    index = SecretIndex(snapshot_texts(snapshot), chrome_texts())
    store, conn = case.store, case.store.conn
    chosen = set(publication.document_ids)
    for doc in store.iter_documents():
        if doc.id in chosen:
            continue
        source = f"unpublished document {doc.label}"
        fields = (doc.filename, doc.path, doc.subject, doc.title, doc.author, doc.sender, doc.recipients, doc.cc,
                  doc.bcc, doc.custodian, doc.html_body and _TAG_RE.sub(" ", doc.html_body))
        index.add(" ".join(f for f in fields if f), source)
        for page in store.pages(doc.id):
            index.add(page.text, source)
    for row in conn.execute("SELECT id, document_id, text FROM notes"):
        index.add(row["text"], f"private note {row['id']}")
    for row in conn.execute("SELECT id, document_id, text FROM annotations WHERE public = 0"):
        index.add(row["text"], f"unpublished annotation {row['id']}")
    for doc in store.documents(sorted(chosen)):
        boxes = withholdings_sql.redactions(conn, doc.id)
        if not boxes:
            continue
        original = case.blobs.path_for(doc.sha256)
        for text, where in _recovered(original, boxes):
            index.add(text, f"text under a redaction box on {doc.label} page {where}")
    _ = review_sql  # notes and annotations are read directly above: every row, whoever wrote it
    return index


def _recovered(original: Path, boxes: list) -> Iterator[tuple[str, int]]:  # type: ignore[type-arg]
    import pypdfium2 as pdfium

    from ..analyze.redactions import recovered_text

    try:
        pdf = pdfium.PdfDocument(original)
    except Exception:  # noqa: BLE001 - not a PDF: no text layer under boxes to leak
        return
    try:
        for box in boxes:
            if 1 <= box.page <= len(pdf):
                text = recovered_text(pdf[box.page - 1], box.bbox)
                if text:
                    yield text, box.page
    finally:
        pdf.close()


def file_words(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return tokens(_pdf_text(path))
    if suffix in TEXT_SUFFIXES:
        text = path.read_text("utf-8", "replace")
        text = html.unescape(_TAG_RE.sub(" ", text)) + " " + html.unescape(text)
        text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text)
        return tokens(text)
    with open(path, "rb") as fh:
        head = fh.read(8192)
        fh.seek(max(0, path.stat().st_size - 8192))
        tail = fh.read(8192)
    runs = _PRINTABLE_RE.findall(head) + _PRINTABLE_RE.findall(tail)
    return tokens(b" ".join(runs).decode("ascii", "replace"))


def _pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    parts: list[str] = []
    pdf = pdfium.PdfDocument(path)
    try:
        for page in pdf:
            parts.append(page.get_textpage().get_text_range())
            for link_uri in _page_uris(page, pdfium_c):
                parts.append(link_uri)
    finally:
        pdf.close()
    return "\n".join(parts)


def _page_uris(page, pdfium_c) -> list[str]:  # type: ignore[no-untyped-def]
    import ctypes

    uris = []
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        try:
            link = pdfium_c.FPDFAnnot_GetLink(annot)
            action = pdfium_c.FPDFLink_GetAction(link) if link else None
            if action:
                doc = page.pdf.raw
                n = pdfium_c.FPDFAction_GetURIPath(doc, action, None, 0)
                if n:
                    buf = ctypes.create_string_buffer(n)
                    pdfium_c.FPDFAction_GetURIPath(doc, action, buf, n)
                    uris.append(buf.value.decode("utf-8", "replace"))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return uris


def index_terms(path: Path) -> list[str]:
    """The terms of one search-index shard (its JSON keys)."""
    import json

    return [json.loads(f'"{m}"') for m in _INDEX_KEY_RE.findall(path.read_text("utf-8"))]


def check_site(case: Case, publication: Publication, site_dir: Path, snapshot: Snapshot | None = None) -> list[Leak]:
    """Every leak found in the built site; an empty list when nothing unpublished is in it."""
    site_dir = Path(site_dir)
    snapshot = snapshot or build_snapshot(case, publication, images_dir=None)
    index = secret_index(case, publication, snapshot)
    leaks: list[Leak] = []
    for path in sorted(p for p in site_dir.rglob("*")):
        rel = path.relative_to(site_dir).as_posix()
        leaks.extend(index.scan(tokens(rel), rel + " (file name)"))
        if not path.is_file():
            continue
        leaks.extend(index.scan(file_words(path), rel))
        if rel.startswith("search/t-") and rel.endswith(".js"):
            for term in index_terms(path):
                if term not in index.published_vocab:
                    leaks.append(Leak(rel, "a search term from no published page", term[:120]))
    return leaks
