"""Whose text is this? A text file tied to its document by the Bates stamps it carries and its name.

A stale or shifted TEXTPATH column gives a record another record's text: every search hit then
points at the wrong pages. Two pieces of evidence say whose text a file holds: the page stamps OCR
read into it (`STATE-5CB0045650` is STATE-SCB0045650), and a text file named by a Bates number. A
document's text belongs elsewhere when no stamp in it is one of its own pages while some are (or a
file named for another document is assigned to it); it matches no document when its stamps name
pages that were never produced. With neither kind of evidence in a production, nothing is claimed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PureWindowsPath

from ...ingest.loadfiles.bates import bates_from_page_text
from ...model import BatesNumber
from ..stamps import fold_prefix, stamp_matches
from ..view import ProductionView

STAMP_PROBE = 500  # text pages read before deciding the production's text carries no page stamps


@dataclass
class TextOwners:
    evidence: bool = False  # some text carried a readable stamp, or some text file is named by Bates number
    other: dict[int, str] = field(default_factory=dict)  # document id -> the document whose text it holds
    nowhere: dict[int, list[str]] = field(default_factory=dict)  # document id -> stamps matching no page


def _key(number: BatesNumber) -> tuple[str, int]:
    return fold_prefix(number.prefix), number.number


def _has_text_paths(view: ProductionView) -> bool:
    row = view.conn.execute(f"SELECT 1 FROM documents WHERE production_id IN {view._in} AND "
                            "json_extract(metadata, '$.text_path') IS NOT NULL LIMIT 1").fetchone()
    return row is not None


def _stamped(view: ProductionView) -> bool:
    """Whether the production's text carries page stamps at all, from its first STAMP_PROBE text pages:
    a production that does not stamp its text is not read page by page for stamps."""
    rows = view.conn.execute(
        "SELECT p.text FROM pages p JOIN documents d ON d.id = p.document_id "
        f"WHERE d.production_id IN {view._in} AND p.text != '' ORDER BY p.document_id, p.number LIMIT ?",
        (STAMP_PROBE,))
    for (text,) in rows:
        for chunk in (text or "").split("\f"):
            read = bates_from_page_text(chunk)
            if read and read[1] >= 0.7:
                return True
    return False


def text_owners(view: ProductionView, provided: set[int]) -> TextOwners:
    """For every document whose text came from the load file, whether that text is its own."""
    out = TextOwners()
    page_owner: dict[tuple[str, int], int] = {}
    labels: dict[int, str] = {}
    begins: dict[tuple[str, int], int] = {}
    pages: dict[int, list[str]] = {}
    stamps: dict[int, list[BatesNumber]] = {}
    for doc_id, _, bates, text in view.pages("p.bates, p.text") if _stamped(view) else ():
        number = BatesNumber.parse(bates) if bates else None
        if number is not None:
            page_owner.setdefault(_key(number), doc_id)
        pages.setdefault(doc_id, []).append(bates or "")
        if doc_id in provided and text:
            for chunk in text.split("\f"):
                read = bates_from_page_text(chunk)
                if read and read[1] >= 0.7:
                    stamps.setdefault(doc_id, []).append(read[0])
    named: dict[int, str] = {}
    if not stamps and not _has_text_paths(view):
        return out  # neither kind of evidence: nothing to read, and nothing claimed
    for doc in view.documents(("text_path",), raw=False):
        labels[doc.id] = doc.label
        begin = BatesNumber.parse(doc.bates_begin) if doc.bates_begin else None
        if begin is not None:
            begins.setdefault(_key(begin), doc.id)
        if doc.id not in provided:
            continue
        written = str(doc.metadata.get("text_path") or "")
        stem = BatesNumber.parse(PureWindowsPath(written.strip()).stem) if written else None
        if stem is not None and stem.prefix:
            named[doc.id] = str(stem)
    for doc_id, bates in named.items():
        number = BatesNumber.parse(bates)
        if number is None or fold_prefix(number.prefix) not in {k[0] for k in begins}:
            continue
        out.evidence = True
        owner = begins.get(_key(number))
        if owner is not None and owner != doc_id:
            out.other[doc_id] = labels[owner]
    series = {k[0] for k in page_owner}
    for doc_id, read in stamps.items():
        out.evidence = True
        if doc_id in out.other:
            continue
        own = pages.get(doc_id, [])
        if any(stamp_matches(s, b) for s in read for b in own if b):
            continue
        owners = [page_owner.get(_key(s)) for s in read]
        elsewhere = [o for o in owners if o is not None and o != doc_id]
        if elsewhere:
            out.other[doc_id] = labels[max(set(elsewhere), key=elsewhere.count)]
            continue
        # only a stamp of this production's own numbering that names no produced page counts: another
        # number at the foot of a page (a document number, a form number) says nothing
        unproduced = sorted({str(s) for s in read if fold_prefix(s.prefix) in series})
        if unproduced and len(unproduced) == len({str(s) for s in read}):
            out.nowhere[doc_id] = unproduced
    return out
