"""IPRO LFP: two-letter records. `IM,ImageKey,Boundary,Offset,@Volume;Dir;File;Type,Rotation`.

Boundary: empty for a page, D a document, C a child (attachment), F/B folder/box. Offset: the page
inside a multi-page TIFF. Type: 2 TIFF, 4 JPG, 5/6 PDF. `FT` lines carry full text (a text file path
or the text itself), `##` lines are comments.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .dat import detect_encoding, open_text
from .opt import ImageLine

IMAGE_TYPES = {"1": "tiff", "2": "tiff", "3": "tiff", "4": "jpg", "5": "pdf", "6": "pdf"}


@dataclass
class FullText:
    key: str
    value: str  # a text file path or inline text
    line: int


def read_lfp(path: Path, full_text: list[FullText] | None = None) -> Iterator[ImageLine]:
    """Page images from IM lines; FT lines are appended to `full_text` when a list is given."""
    with open(path, "rb") as fh:
        encoding, _ = detect_encoding(fh.read(65536))
    with open_text(path, encoding) as fh:
        for number, row in enumerate(csv.reader(fh, quoting=csv.QUOTE_NONE), start=1):
            if not row or row[0].startswith("##"):
                continue
            tag = row[0].strip().lstrip("\ufeff").upper()
            if tag == "FT" and full_text is not None and len(row) >= 3:
                full_text.append(FullText(row[1].strip(), ",".join(row[3:] if len(row) > 3 else row[2:]), number))
                continue
            if tag != "IM" or len(row) < 5:
                continue
            row = row + [""] * (6 - len(row))
            key, boundary, offset, location = row[1].strip(), row[2].strip().upper(), row[3].strip(), row[4].strip()
            parts = location.lstrip("@").split(";")
            parts += [""] * (4 - len(parts))
            volume, directory, filename = parts[0], parts[1], parts[2]
            rel = "\\".join(p for p in (directory.strip("\\"), filename) if p)
            rotation = int(row[5]) if row[5].strip().isdigit() else 0
            frame = int(offset) if offset.isdigit() and int(offset) > 0 else None
            yield ImageLine(key=key, path=rel, volume=volume, doc_break=boundary in ("D", "C", "F", "B"),
                            child=boundary == "C", folder_break=boundary == "F", box_break=boundary == "B",
                            frame=frame, line=number, rotation=rotation)
