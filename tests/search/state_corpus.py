"""A case of real State Department e-mail releases, inserted through the store API.

Page text is the OCR text of each release (foia-clinton-state-pdfs/*.txt), split at form feeds;
subject, from, to and date come from State's own search index of the release (search_data.json).
Custodian, kind and production are assigned in a fixed rotation so every field filter has
something to tell apart. `oracle` is a plain scan of the same stored values, independent of
uncover.search: the tests hold the index to it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from uncover import Case
from uncover.model import Document, DocumentKind, Page, TextSource

CUSTODIANS = ["Cheryl Mills", "Jacob Sullivan", "  HUMA Abedin ", None]
PRODUCTIONS = ["State F-2015-04841 part 1", "State F-2015-04841 part 2"]

_WORD = re.compile(r"[^\W_]+")


def oracle_words(text: str | None) -> list[str]:
    """Tantivy's default tokenizer, restated: alphanumeric runs, under 40 bytes, lower-cased."""
    return [w.lower() for w in _WORD.findall(text or "") if len(w.encode("utf-8")) < 40]


def has_phrase(text: str | None, phrase: str, prefix: bool = False) -> bool:
    have, want = oracle_words(text), oracle_words(phrase)
    n = len(want)
    for i in range(len(have) - n + 1):
        head_ok = have[i : i + n - 1] == want[:-1]
        last = have[i + n - 1]
        if head_ok and (last.startswith(want[-1]) if prefix else last == want[-1]):
            return True
    return False


@dataclass
class Record:
    """What the oracle knows about one stored document."""

    id: int
    doc: Document
    pages: list[str]
    production: str

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def load_state_metadata(folder: Path) -> dict[str, dict]:
    raw = (folder / "search_data.json").read_text("utf-8")
    raw = re.sub(r"new Date\((-?\d+)\)", r"\1", raw)
    out: dict[str, dict] = {}
    for block in json.loads(raw):
        for row in block.get("Results", []):
            out[Path(row["pdfLink"]).stem] = row
    return out


def build_state_case(root: Path, corpora: Path) -> tuple[Case, list[Record]]:
    folder = corpora / "foia-clinton-state-pdfs"
    meta = load_state_metadata(folder)
    case = Case.init(root)
    prods = [case.store.production(name) for name in PRODUCTIONS]
    records: list[Record] = []
    with case.store.transaction():
        for i, path in enumerate(sorted(folder.glob("*.txt"))):
            texts = path.read_text("utf-8", errors="replace").split("\f")
            if len(texts) > 1 and not texts[-1].strip():
                texts = texts[:-1]
            row = meta.get(path.stem, {})
            when = row.get("docDate")
            doc = Document(
                id=0, production_id=prods[i % 2].id, kind=DocumentKind.EDOC if i % 10 == 9 else DocumentKind.EMAIL,
                filename=f"{path.stem}.pdf", path=f"{path.stem}.pdf", sha256=f"{i:064x}", md5="", size=len(texts),
                custodian=CUSTODIANS[i % 4], subject=row.get("subject") or None, sender=row.get("from") or None,
                recipients=row.get("to") or None,
                date=datetime.fromtimestamp(when / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if when else None,
                bates_begin=path.stem, bates_end=path.stem, page_count=len(texts),
            )
            pages = [Page(0, n + 1, t, TextSource.LAYER) for n, t in enumerate(texts)]
            doc_id = case.store.insert_document(doc, None, pages)
            doc.id = doc_id
            records.append(Record(doc_id, doc, texts, PRODUCTIONS[i % 2]))
    return case, records


