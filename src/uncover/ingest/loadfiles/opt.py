"""Opticon OPT: one line per page image, `ImageKey,Volume,Path,DocBreak,FolderBreak,BoxBreak,PageCount`.

`Y` in DocBreak starts a document; the page count is on that line only; paths are Windows-style and
relative to the volume. A multi-page PDF or TIFF may appear once per page with the same path (the
page is then its frame), or once with the document's page count. Keys are case-sensitive.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .dat import detect_encoding, open_text


@dataclass
class ImageLine:
    """One page image named by an image load file (OPT or LFP)."""

    key: str  # the page's Bates number / image key
    path: str  # as written in the load file (Windows separators kept)
    volume: str = ""
    doc_break: bool = False
    child: bool = False  # LFP boundary C: an attachment starts here
    folder_break: bool = False
    box_break: bool = False
    page_count: int | None = None
    frame: int | None = None  # page inside a multi-page file (LFP offset), 1-based
    line: int = 0
    rotation: int = 0


@dataclass
class ImageDocument:
    """The pages between two document breaks."""

    key: str
    pages: list[ImageLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def declared_pages(self) -> int | None:
        return self.pages[0].page_count if self.pages else None


def read_opt(path: Path) -> Iterator[ImageLine]:
    with open(path, "rb") as fh:
        encoding, _ = detect_encoding(fh.read(65536))
    with open_text(path, encoding) as fh:
        for number, row in enumerate(csv.reader(fh, quoting=csv.QUOTE_NONE), start=1):
            if not row or not row[0].strip():
                continue
            row = [v.strip() for v in row] + [""] * (7 - len(row))
            key = row[0].lstrip("\ufeff")
            count = int(row[6]) if row[6].isdigit() else None
            yield ImageLine(key=key, volume=row[1], path=row[2], doc_break=row[3].upper() == "Y",
                            folder_break=row[4].upper() == "Y", box_break=row[5].upper() == "Y",
                            page_count=count, line=number)


def group_documents(lines: Iterator[ImageLine], source: str) -> Iterator[ImageDocument]:
    """Pages grouped at document breaks; frames numbered where one file serves several pages."""
    current: ImageDocument | None = None
    for img in lines:
        if img.doc_break or current is None:
            if current is not None:
                yield _finish(current)
            current = ImageDocument(img.key)
            if not img.doc_break:
                current.warnings.append(f"{img.key}: {source} line {img.line} starts without a document break (Y)")
        current.pages.append(img)
    if current is not None:
        yield _finish(current)


def _finish(doc: ImageDocument) -> ImageDocument:
    uses: dict[str, int] = {}
    for img in doc.pages:
        uses[img.path] = uses.get(img.path, 0) + 1
    counter: dict[str, int] = {}
    for img in doc.pages:
        if uses[img.path] > 1 and img.frame is None:
            counter[img.path] = counter.get(img.path, 0) + 1
            img.frame = counter[img.path]
        elif uses[img.path] == 1 and img.frame == 1:
            img.frame = None  # a single-page file: no frame to name
    # one line standing for a multi-page PDF: expand to its declared count
    if len(doc.pages) == 1 and (doc.pages[0].page_count or 1) > 1 and doc.pages[0].path.lower().endswith(".pdf"):
        first = doc.pages[0]
        first.frame = 1
        for n in range(2, (first.page_count or 1) + 1):
            doc.pages.append(ImageLine(key="", path=first.path, volume=first.volume, frame=n, line=first.line))
    return doc
