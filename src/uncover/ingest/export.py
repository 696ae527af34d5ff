"""Export a case (or one production) as a standard load-file volume another tool can load.

    OUT/DATA/export.dat   Concordance: þ qualifier, DC4 separator, ® for newlines, UTF-8, header row
    OUT/DATA/export.opt   Opticon: one line per page image
    OUT/TEXT/<Bates>.txt  page texts separated by form feeds
    OUT/NATIVES/<Bates>.<ext>   natives, copied from the stored originals
    OUT/IMAGES/<Bates>.<ext>    page images, one file per image (multi-page files once)

Originals go out only as the bytes hashed at ingest: each is checked before anything is written
(`custody.intact_original`) and hashed again while it is copied, and an export that meets an
altered or missing original stops with a message naming `uncover verify`.

The header has the canonical columns (BEGBATES, ENDBATES, BEGATTACH, ...) and then every raw field
the producer sent, so nothing received is lost. Where the producer named a canonical field its
own way (`Control Number`, `BegBates`), that name is the column, holding the value as produced:
no twin columns that differ only in spelling, and a round trip changes no field except the paths
of the text and native files (which point into the new volume). A standalone document's
BEGATTACH/ENDATTACH are its own range unless the producer sent them otherwise; each OPT line
names the volume the page was produced in. Documents without Bates numbers get them here
(prefix `UNC`, width 7 by default); the case itself is not changed. Re-ingesting the export with
`ingest_volume` gives the same documents, fields, Bates numbers and page texts.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..custody import copy_intact, intact_original
from ..errors import InputError
from ..model import BatesNumber, Document, Page
from .loadfiles.fields import EXPORT_NAMES, canonical_name, normalize_name

NEWLINE_MARKER = "\u00ae"
Progress = Callable[[int, int | None, str], None]

# Canonical columns written first, in this order.
COLUMNS = ("bates_begin", "bates_end", "attach_begin", "attach_end", "parent_id", "custodian", "from", "to", "cc",
           "bcc", "subject", "title", "author", "date_sent", "filename", "file_ext", "page_count", "md5",
           "message_id", "text_path", "native_path")
_FROM_DOC = {"custodian": "custodian", "from": "sender", "to": "recipients", "cc": "cc", "bcc": "bcc",
             "subject": "subject", "title": "title", "author": "author", "date_sent": "date", "filename": "filename",
             "message_id": "message_id"}


@dataclass
class ExportResult:
    out_dir: Path
    documents: int = 0
    pages: int = 0
    texts: int = 0
    natives: int = 0
    images: int = 0
    bates_assigned: int = 0


def export_volume(case: Any, out_dir: Path | str, fmt: str = "dat-opt", production: str | None = None,
                  progress: Progress | None = None, prefix: str = "UNC", width: int = 7) -> ExportResult:
    """Write a DAT+OPT volume of every document (or one production's) into `out_dir`."""
    if fmt != "dat-opt":
        raise InputError(f"Export format {fmt!r} is not supported; use dat-opt (Concordance DAT + Opticon OPT).")
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} is not empty; export into a new folder so no earlier volume is mixed in.", path=str(out))
    store = case.store
    production_id = None
    if production is not None:
        match = [p for p in store.productions() if p.name == production]
        if not match:
            names = ", ".join(p.name for p in store.productions()) or "none yet"
            raise InputError(f"No production named {production!r} in this case (productions: {names}).")
        production_id = match[0].id
    volume = out.name or "EXPORT"
    # pass 1: raw field names (in first-seen order) and Bates numbers for documents without them
    raw_names: dict[str, None] = {}
    assigned: dict[int, list[str]] = {}
    next_number = 1
    begins: dict[int, str] = {}
    total = 0
    for doc in store.iter_documents(production_id):
        total += 1
        _check_originals(case, doc)
        for name in doc.raw_fields:
            raw_names.setdefault(name, None)
        if not doc.bates_begin:
            count = max(doc.page_count, 1)
            assigned[doc.id] = [str(BatesNumber(prefix, next_number + i, width)) for i in range(count)]
            next_number += count
        begins[doc.id] = doc.bates_begin or assigned[doc.id][0]
    for sub in ("DATA", "TEXT", "NATIVES", "IMAGES"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    named = header_names(raw_names)
    used = {normalize_name(n) for n in named.values()}
    raw_columns = [n for n in raw_names if n not in named.values() and normalize_name(n) not in used]
    header = [named[c] for c in COLUMNS] + raw_columns
    result = ExportResult(out, bates_assigned=sum(len(v) for v in assigned.values()))
    with open(out / "DATA" / "export.dat", "w", encoding="utf-8", newline="") as dat_fh, \
            open(out / "DATA" / "export.opt", "w", encoding="utf-8", newline="") as opt_fh:
        dat = csv.writer(dat_fh, delimiter="\x14", quotechar="\u00fe", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        dat.writerow(header)
        for doc in store.iter_documents(production_id):
            pages = store.pages(doc.id)
            page_bates = _page_bates(doc, pages, assigned.get(doc.id))
            row = _row(case, doc, pages, page_bates, begins, out, volume, opt_fh, result)
            for c in COLUMNS:  # a field the producer sent under this column name: as produced
                if c not in COMPUTED and named[c] in doc.raw_fields:
                    row[c] = doc.raw_fields[named[c]]
            dat.writerow([_flat(row.get(c, "")) for c in COLUMNS] + [_flat(doc.raw_fields.get(n, "")) for n in raw_columns])
            result.documents += 1
            result.pages += len(pages)
            if progress:
                progress(result.documents, total, page_bates[0])
    return result


def _check_originals(case: Any, doc: Document) -> None:
    """Refuse, before a single file is written, a volume that would carry an altered original."""
    if _native_role(doc) in (None, "native"):
        intact_original(case, doc.sha256, doc.listing)
    for (ref,) in case.store.conn.execute("SELECT DISTINCT image_ref FROM pages WHERE document_id = ? "
                                          "AND image_ref IS NOT NULL", (doc.id,)):
        intact_original(case, ref.split("#", 1)[0], f"a page image of {doc.listing}")


def _native_role(doc: Document) -> str | None:
    meta = doc.metadata
    return meta.get("_loadfile", {}).get("original") if isinstance(meta.get("_loadfile"), dict) else None


# Columns whose value the export writes itself: the pages' Bates numbers and the new file paths
COMPUTED = ("bates_begin", "bates_end", "text_path", "native_path")


def header_names(raw_names: dict[str, None]) -> dict[str, str]:
    """Canonical column -> its name in the header: the producer's own name where one maps to it."""
    named: dict[str, str] = {}
    for raw in raw_names:
        canonical = canonical_name(raw)
        if canonical in COLUMNS and canonical not in named:
            named[canonical] = raw
    return {c: named.get(c, EXPORT_NAMES[c]) for c in COLUMNS}


def _flat(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("\r\n", NEWLINE_MARKER).replace("\n", NEWLINE_MARKER).replace("\r", NEWLINE_MARKER)


def _page_bates(doc: Document, pages: list[Page], assigned: list[str] | None) -> list[str]:
    if assigned:
        return assigned[: max(len(pages), 1)] if pages else assigned[:1]
    out = []
    begin = BatesNumber.parse(doc.bates_begin or "")
    for i, page in enumerate(pages):
        out.append(page.bates or (str(begin.offset(i)) if begin else f"{doc.bates_begin}_{i + 1:04d}"))
    return out or [doc.bates_begin or ""]


def _row(case: Any, doc: Document, pages: list[Page], page_bates: list[str], begins: dict[int, str], out: Path,
         volume: str, opt_fh: Any, result: ExportResult) -> dict[str, str]:
    meta = doc.metadata
    begin, end = page_bates[0], page_bates[-1]
    row: dict[str, str] = {c: str(meta[c]) for c in COLUMNS if isinstance(meta.get(c), str)}
    for column, attr in _FROM_DOC.items():
        if not row.get(column) and getattr(doc, attr):
            row[column] = str(getattr(doc, attr))
    row["bates_begin"], row["bates_end"] = begin, end
    row["page_count"] = str(len(pages) or 1)
    row.pop("attach_begin", None)
    row.pop("attach_end", None)
    row.pop("parent_id", None)
    family = case.store.family(doc.family_id) if doc.family_id is not None else []
    if len(family) > 1:
        members = sorted(begins.get(m.id, m.bates_begin or "") for m in family)
        ends = sorted((m.bates_end or begins.get(m.id, "")) for m in family)
        row["attach_begin"], row["attach_end"] = members[0], ends[-1]
    else:  # a family of one: its own range, never blank
        row["attach_begin"], row["attach_end"] = begin, end
    if doc.parent_id is not None:
        row["parent_id"] = begins.get(doc.parent_id, "")
    row["md5"] = str(meta.get("md5") or doc.md5)
    row["text_path"] = row["native_path"] = ""
    if any(p.text for p in pages):
        (out / "TEXT" / f"{begin}.txt").write_text("\f".join(p.text for p in pages), "utf-8")
        row["text_path"] = f"TEXT\\{begin}.txt"
        result.texts += 1
    role = _native_role(doc)
    if role in (None, "native"):
        ext = Path(doc.filename).suffix or (f".{meta['file_ext']}" if meta.get("file_ext") else "")
        if role == "native" and meta.get("native_path"):
            ext = Path(str(meta["native_path"]).replace("\\", "/")).suffix or ext
        target = out / "NATIVES" / f"{begin}{ext}"
        copy_intact(intact_original(case, doc.sha256, doc.listing), target, doc.sha256, doc.listing, case)
        row["native_path"] = f"NATIVES\\{target.name}"
        result.natives += 1
    loadfile = meta.get("_loadfile") if isinstance(meta.get("_loadfile"), dict) else {}
    produced_in = str(loadfile.get("volume") or meta.get("volume") or volume)
    _write_images(case, pages, page_bates, out, produced_in, opt_fh, result)
    return row


def _write_images(case: Any, pages: list[Page], page_bates: list[str], out: Path, volume: str, opt_fh: Any,
                  result: ExportResult) -> None:
    written: dict[str, str] = {}
    lines = []
    for page, bates in zip(pages, page_bates, strict=False):
        if not page.image_ref:
            continue
        sha = page.image_ref.split("#", 1)[0]
        # a multi-page file is written once; single-page images once per page, even when two look alike
        key = sha if "#" in page.image_ref else page.image_ref + "@" + bates
        if key not in written:
            source = intact_original(case, sha, f"the page image {bates}")
            name = f"{bates}{_image_ext(source)}"
            copy_intact(source, out / "IMAGES" / name, sha, f"the page image {bates}", case)
            written[key] = f"IMAGES\\{name}"
            result.images += 1
        lines.append((bates, written[key]))
    for i, (bates, rel) in enumerate(lines):
        first = i == 0
        opt_fh.write(f"{bates},{volume},{rel},{'Y' if first else ''},,,{len(lines) if first else ''}\r\n")


def _image_ext(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return ".tif"
    if head.startswith(b"%PDF"):
        return ".pdf"
    if head.startswith(b"\xff\xd8"):
        return ".jpg"
    if head.startswith(b"\x89PNG"):
        return ".png"
    return ".bin"
