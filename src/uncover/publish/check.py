"""The leak check: scan every file of a built site for text of anything that was not published.

Secret: the text and fields of every document not in the publication; the fields of published
documents the site does not carry (path, custodian, author, Cc, Bcc, the original's PDF
metadata); every private note and unpublished annotation; the text of published pages that lies
under paint or a redaction box; every value the personal-data policy masked. Published: the
snapshot (page text under its rules, whitelisted metadata, public annotations, introduction,
guide) and the site's own words (templates, scripts, the builders' source). A secret that is
also published (a duplicate, a letterhead, a name printed elsewhere) is not a secret.

A file leaks when, in any reading of it (`decode.py`: entities, tags, escapes, base64, gzip,
UTF-16, PNG chunks, PDF text and metadata, its name), it holds
  * a distinctive passage of secret text: 8 words in a row of which at least 4 are words of 3
    letters or more (a run of numbers, `1 2 3 4 5 6 7 8`, is nobody's secret), or the whole of
    a short secret (3 to 7 words, a note) with as much substance;
  * the whole of a masked value (an address, a phone number: 2 words or more);
  * a distinctive secret word (6 characters or more with a letter, or a number of 9 digits or
    more) that appears nowhere in the published text or the site's own words;
  * in the search index, any term that is not a word of the published text.
A finding the publisher judged a false alarm can be accepted with a reason (stored in the case,
migration 0014); later checks still show it, with its reason, and it no longer fails the build.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..case import Case
from ..errors import InputError
from ..store import publish as publish_sql
from . import decode
from .personal import MARKS
from .publication import Publication
from .site import tokens
from .snapshot import Snapshot, Withheld, build_snapshot

SHINGLE = 8
SHORT_MIN = 3
STRICT_MIN = 2
MIN_WORD = 6
HERE = Path(__file__).parent
_TAG_RE = re.compile(r"<[^>]{0,2000}>")
_INDEX_KEY_RE = re.compile(r'"((?:[^"\\]|\\.)*)":\[')
_NUMBER_ARRAY_RE = re.compile(rb"\[\s*-?\d+(?:\s*,\s*-?\d+)*\s*\]")


@dataclass(frozen=True)
class Leak:
    file: str  # path inside the site, and how the text was read
    source: str  # what leaked: "unpublished document DOC-000012", "private note 3", ...
    evidence: str  # the matching words, shortened
    accepted: str | None = None  # the publisher's reason, when this finding was accepted

    @property
    def fingerprint(self) -> str:
        """Stable across builds and files: where the secret came from and the words that match."""
        return hashlib.sha256(f"{self.source}\n{self.evidence}".encode()).hexdigest()[:12]

    def __str__(self) -> str:
        text = f"[{self.fingerprint}] {self.file}: {self.source} ({self.evidence})"
        return text + (f"; accepted: {self.accepted}" if self.accepted else "")

    def as_dict(self) -> dict[str, str | None]:
        return {"id": self.fingerprint, "file": self.file, "source": self.source, "evidence": self.evidence,
                "accepted": self.accepted}


def _content(words: Iterable[str]) -> list[str]:
    return [w for w in words if len(w) >= 3 and any(c.isalpha() for c in w)]


def _passage(words: list[str]) -> bool:
    content = _content(words)
    return len(content) >= 4 and len(set(content)) >= 3


def _short(words: list[str]) -> bool:
    content = _content(words)
    return len(content) >= 2 and sum(map(len, content)) >= 12


def _strict(words: list[str]) -> bool:
    return sum(map(len, words)) >= 6


def _word(w: str) -> bool:
    return (len(w) >= MIN_WORD and any(c.isalpha() for c in w)) or (len(w) >= 9 and w.isdigit())


class SecretIndex:
    """Secret passages, short secrets and distinctive words, each mapped to where it came from.

    Secrets are added first, then every published text is passed through `allow`, which drops
    the secrets it also holds: memory grows with the secrets, not with the publication."""

    def __init__(self) -> None:
        self.shingles: dict[int, str] = {}
        self.short: dict[tuple[int, int], str] = {}  # (length, hash) -> source
        self.short_first: dict[str, set[int]] = {}  # first word -> lengths of short secrets starting with it
        self.strict: set[tuple[int, int]] = set()  # short secrets matched as they are (masked values)
        self.blob_parts: list[str] = []  # every allowed text as its words, for `explained`
        self._explained: dict[str, bool] = {}
        self.words: dict[str, str] = {}
        self.vocab: set[str] = set()  # every word of published text and of the site's own words
        self.published_vocab: set[str] = set()  # the words of published text alone
        self.word_lengths: list[int] = []

    def add(self, text: str, source: str, strict: bool = False) -> None:
        words = tokens(text)
        if (STRICT_MIN if strict else SHORT_MIN) <= len(words) < SHINGLE and (_strict(words) if strict else _short(words)):
            self.short[(len(words), hash(" ".join(words)))] = source
            self.short_first.setdefault(words[0], set()).add(len(words))
            if strict:
                self.strict.add((len(words), hash(" ".join(words))))
        for i in range(len(words) - SHINGLE + 1):
            window = words[i : i + SHINGLE]
            if _passage(window):
                self.shingles.setdefault(hash(" ".join(window)), source)
        for w in words:
            if _word(w):
                self.words.setdefault(w, source)

    def _windows(self, words: list[str]) -> Iterator[tuple[int, str, str]]:
        """(position, kind, key-hash-source) of every secret found in a run of words."""
        shingles, short, first = self.shingles, self.short, self.short_first
        for i, w in enumerate(words):
            if shingles and i + SHINGLE <= len(words):
                window = " ".join(words[i : i + SHINGLE])
                source = shingles.get(hash(window))
                if source:
                    yield i, window, source
            lengths = first.get(w)
            if lengths:
                for n in lengths:
                    if i + n <= len(words):
                        window = " ".join(words[i : i + n])
                        source = short.get((n, hash(window)))
                        if source:
                            yield i, window, source

    def allow(self, text: str, published: bool = True) -> None:
        words = tokens(text)
        self.vocab.update(words)
        self.blob_parts.append(" ".join(words))
        if published:
            self.published_vocab.update(words)
        for _, window, _source in list(self._windows(words)):
            h = hash(window)
            self.shingles.pop(h, None)
            self.short.pop((len(window.split(" ")), h), None)

    def finish(self) -> None:
        for w in [w for w in self.words if w in self.vocab]:
            del self.words[w]
        self.word_lengths = sorted({len(w) for w in self.words})
        self.blob = "\n " + " \n ".join(self.blob_parts) + " \n"
        self.blob_parts = []

    def explained(self, window: str) -> bool:
        """True when the matching words are published words put side by side by the site: the
        window splits into at most three runs, each found in published text or the site's own
        words (`Text of page 5` + `UNCLASSIFIED U.S. Department of State Case`). A leaked passage
        has many windows and a novel one is not all made of published runs."""
        if window not in self._explained:
            words = window.split(" ")

            def published(a: int, b: int) -> bool:
                if b - a == 1 and (words[a] in self.vocab or words[a].isdigit()):  # a count, a page number
                    return True
                return f" {' '.join(words[a:b])} " in self.blob

            n = len(words)
            self._explained[window] = any(
                published(0, i) and (published(i, n) or any(published(i, j) and published(j, n) for j in range(i + 1, n)))
                for i in range(1, n))
        return self._explained[window]

    def scan(self, words: list[str], file: str, binary: bool = False) -> list[Leak]:
        """Findings in a run of words; in `binary` runs a secret word is also sought inside longer
        tokens, since the bytes around it may be letters too (`Qzqxsecret7k`)."""
        found: dict[str, Leak] = {}
        for _, window, source in self._windows(words):
            if source in found:
                continue
            n = window.count(" ") + 1
            if (n, hash(window)) in self.strict or not self.explained(window):
                found[source] = Leak(file, source, window[:160])
        return self.scan_words(words, file, binary, found)

    def scan_words(self, words: list[str], file: str, binary: bool = False,
                   found: dict[str, Leak] | None = None) -> list[Leak]:
        """Findings of distinctive secret words (alone: for readings whose word order is not the site's)."""
        found = {} if found is None else found
        for w in set(words):
            source = self.words.get(w)
            if source and source not in found:
                found[source] = Leak(file, source, w[:160])
            elif binary and len(w) > MIN_WORD and w not in self.vocab:
                for part in self._inside(w):
                    found.setdefault(self.words[part], Leak(file, self.words[part], part[:160]))
        return list(found.values())

    def _inside(self, token: str) -> Iterator[str]:
        lengths = self.word_lengths
        for i in range(len(token) - MIN_WORD + 1):
            for n in lengths:
                if i + n <= len(token) and token[i : i + n] in self.words:
                    yield token[i : i + n]


def snapshot_texts(snapshot: Snapshot) -> Iterator[str]:
    yield snapshot.title
    yield snapshot.introduction
    yield snapshot.guide
    yield snapshot.base_url
    for target in snapshot.citations.values():
        yield target.passage or ""
    for d in snapshot.documents:
        yield " ".join(str(v) for v in (d.label, d.slug, d.kind, d.date, d.title, d.sender, d.recipients, d.production,
                                        d.bates_begin, d.bates_end) if v)
        for p in d.pages:
            yield p.text
            yield p.bates or ""
        for a in d.annotations:
            yield a.text


def chrome_texts() -> Iterator[str]:
    """The site's own words: templates, static files and the publishing package's source."""
    for folder in (HERE / "templates", HERE / "static"):
        for path in folder.rglob("*"):
            if path.is_file():
                yield path.read_text("utf-8", "replace")
    for path in HERE.glob("*.py"):
        yield path.read_text("utf-8")
    yield " ".join(MARKS.values())


def _pdf_metadata(path: Path) -> str:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except Exception:  # noqa: BLE001 - not a PDF, or unreadable: nothing of it is published either
        return ""
    try:
        meta = pdf.get_metadata_dict(skip_empty=True)
        return " ".join(v for k, v in meta.items() if k not in ("Title", "CreationDate", "ModDate"))
    finally:
        pdf.close()


def secret_index(case: Case, publication: Publication, snapshot: Snapshot, withheld: Withheld) -> SecretIndex:
    index = SecretIndex()
    store, conn = case.store, case.store.conn
    chosen = set(publication.document_ids)
    for doc in store.iter_documents():
        if doc.id in chosen:
            source = f"an unpublished field of {doc.listing}"
            for value in (doc.filename, doc.path, doc.author, doc.cc, doc.bcc, doc.custodian, doc.message_id):
                if value:
                    index.add(value, source)
            original = case.blobs.path_for(doc.sha256)
            if original.exists():
                index.add(_pdf_metadata(original), f"the original file's metadata of {doc.listing}")
            continue
        source = f"unpublished document {doc.listing}"
        fields = (doc.filename, doc.path, doc.subject, doc.title, doc.author, doc.sender, doc.recipients, doc.cc,
                  doc.bcc, doc.custodian, doc.html_body and _TAG_RE.sub(" ", doc.html_body))
        for value in fields:
            if value:
                index.add(value, source)
        for page in store.pages(doc.id):
            index.add(page.text, source)
    notes = [("private note", r) for r in conn.execute("SELECT id, document_id, text FROM notes")]
    notes += [("unpublished annotation", r) for r in conn.execute("SELECT id, document_id, text FROM annotations WHERE public = 0")]
    listing = {d.id: d.listing for d in store.documents({r["document_id"] for _, r in notes})}
    for what, row in notes:
        index.add(row["text"], f"{what} {row['id']} on {listing.get(row['document_id'], 'a document')}")
    for item in withheld.items:
        if item.kind == "hidden":
            index.add(item.text, f"text hidden under paint or a redaction box on {item.label} {item.where}")
        else:
            index.add(item.text, f"personal data ({item.kind}) masked on {item.label} {item.where}", strict=True)
    for text in snapshot_texts(snapshot):
        index.allow(text)
    for text in chrome_texts():
        index.allow(text, published=False)
    index.finish()
    return index


def _search_file(rel: str) -> bool:
    return rel.startswith("search/") and rel.endswith(".js")


def index_terms(path: Path) -> list[str]:
    """The terms of one search-index shard (its JSON keys)."""
    import json

    return [json.loads(f'"{m}"') for m in _INDEX_KEY_RE.findall(path.read_text("utf-8"))]


def scan_file(index: SecretIndex, site_dir: Path, path: Path) -> list[Leak]:
    rel = path.relative_to(site_dir).as_posix()
    leaks: list[Leak] = []
    for where, text in decode.path_views(rel):
        leaks.extend(index.scan(tokens(text), where))
    if not path.is_file():
        return leaks
    data = path.read_bytes()
    if _search_file(rel):
        data = _NUMBER_ARRAY_RE.sub(b"[]", data)  # postings and page references: numbers, nobody's words
    seen: dict[str, Leak] = {}
    for where, text in decode.views(rel, data, path.suffix.lower()):
        if decode.words_only(where):
            found = index.scan_words(tokens(text), where)
        else:
            found = index.scan(tokens(text), where, decode.is_binary(where))
        for leak in found:
            seen.setdefault(leak.source, leak)
    leaks.extend(seen.values())
    if rel.startswith("search/t-"):
        for term in index_terms(path):
            if term not in index.published_vocab:
                leaks.append(Leak(rel, "a search term from no published text", term[:160]))
    return leaks


def check_site(case: Case, publication: Publication, site_dir: Path, snapshot: Snapshot | None = None,
               withheld: Withheld | None = None) -> list[Leak]:
    """Every finding in the built site, accepted ones marked with their reason; [] when nothing leaks."""
    site_dir = Path(site_dir)
    if snapshot is None or withheld is None:
        withheld = Withheld()
        snapshot = build_snapshot(case, publication, images_dir=None, withheld=withheld)
    index = secret_index(case, publication, snapshot, withheld)
    accepted = {a.fingerprint: a.reason for a in publish_sql.accepted_findings(case.store.conn, publication.id)}
    leaks: list[Leak] = []
    for path in sorted(site_dir.rglob("*")):
        leaks.extend(scan_file(index, site_dir, path))
    return [replace(leak, accepted=accepted.get(leak.fingerprint)) for leak in leaks]


def blocking(leaks: list[Leak]) -> list[Leak]:
    return [leak for leak in leaks if leak.accepted is None]


def accept_findings(case: Case, publication: Publication, leaks: list[Leak], ids: list[str], reason: str,
                    accepted_by: str = "") -> list[Leak]:
    """Record findings (by id) as false alarms with a reason; every id must be among `leaks`."""
    reason = reason.strip()
    if not reason:
        raise InputError("Accepting a finding needs a reason (--reason), kept with the publication for the record.")
    by_id = {leak.fingerprint: leak for leak in leaks}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise InputError(f"No finding of this check has the id {', '.join(missing)}; run the check and copy the id shown.")
    with case.store.transaction() as conn:
        for i in ids:
            leak = by_id[i]
            publish_sql.accept_finding(conn, publication.id, i, leak.source, leak.evidence, reason, accepted_by)
    return [replace(leak, accepted=reason) if leak.fingerprint in ids else leak for leak in leaks]
