"""A production volume as delivered: find its load files, join records to pages, text and natives.

`read_volume` streams `VolumeRecord`s: the producer's fields exactly as sent (order kept), canonical
fields, the Bates range and one Bates number per page, resolved file paths, family links and a list
of warnings naming the Bates number. Nothing here is fatal except a volume with no load file at all:
a missing image, a page-count mismatch, a duplicate Bates number or an undecodable line becomes a
warning on the record and the rest goes on. `ingest_volume` (ingest/volume_commit.py) commits them.

Memory stays bounded: DAT and OPT are walked side by side (producers write them in the same order),
image documents are buffered only when the orders disagree, and duplicate Bates numbers are found
with merged ranges rather than a set of every page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, LoadFileError
from ..model import BatesRange
from .loadfiles import IMAGE_KINDS, LoadFile, detect_loadfiles, detect_rdo, is_rdo, loadfile_kind
from .loadfiles.bates import RangeSet, page_sequence, parse_range
from .loadfiles.dat import DatRecord, read_dat
from .loadfiles.dii import read_dii
from .loadfiles.edrm_xml import read_edrm_xml
from .loadfiles.fields import canonicalize, unknown_fields
from .loadfiles.lfp import FullText, read_lfp
from .loadfiles.opt import ImageDocument, ImageLine, group_documents, read_opt


@dataclass
class PageRef:
    bates: str
    image: Path | None = None  # resolved file, None when absent
    image_written: str = ""  # as the load file names it
    frame: int | None = None  # page inside a multi-page TIFF/PDF
    volume: str = ""  # the image load file's volume column, as produced


@dataclass
class VolumeRecord:
    key: str  # the document's first Bates number or control number
    source: str  # "VOL00002.DAT line 5"
    raw_fields: dict[str, str]
    fields: dict[str, str]  # canonical
    bates: BatesRange | None
    pages: list[PageRef]
    text_path: Path | None = None
    text_inline: str | None = None
    native_path: Path | None = None
    parent_key: str | None = None
    attach_range: BatesRange | None = None
    child_keys: list[str] = field(default_factory=list)
    child_boundary: bool = False  # LFP boundary C
    warnings: list[str] = field(default_factory=list)
    volume: str = ""  # the volume the record was produced in: the OPT/LFP volume, else the folder's name
    image_count_declared: int | None = None  # the OPT's PageCount column on the record's first line

    @property
    def page_bates(self) -> list[str]:
        return [p.bates for p in self.pages]

    @property
    def bates_begin(self) -> str:
        return str(self.bates.begin) if self.bates else self.key

    @property
    def bates_end(self) -> str:
        return str(self.bates.end) if self.bates else self.key

    def warn(self, category: str, message: str) -> None:
        self.warnings.append(f"{self.key}: {message}" if not message.startswith(self.key) else message)
        self.categories.append(category)

    categories: list[str] = field(default_factory=list)  # one per warning: an IssueCategory value or "loadfile"


@dataclass
class LoadFileRun:
    """What was read from one load file: shown to the user and stored in `loadfile_runs`."""

    path: Path
    kind: str
    dialect: dict[str, Any] = field(default_factory=dict)
    records: int = 0
    warnings: int = 0
    unknown_fields: list[str] = field(default_factory=list)


class PathResolver:
    """Windows-style relative paths from load files to files on disk, tolerant of letter case.

    Directory listings are read once and kept, so a volume of 500,000 page images costs one
    `listdir` per folder rather than several `stat` calls per page, missing files included.
    """

    def __init__(self, bases: list[Path]) -> None:
        self.bases = [b for i, b in enumerate(bases) if b not in bases[:i]]
        self._listings: dict[Path, dict[str, str] | None] = {}
        self._dirs: dict[tuple[Path, tuple[str, ...]], tuple[Path | None, bool]] = {}
        self._cache: dict[str, tuple[Path | None, bool]] = {}
        self._folder_cache: dict[tuple[str, ...], list[tuple[Path, bool]]] = {}

    def resolve(self, written: str) -> tuple[Path | None, bool]:
        """(path, letter case differed). Tries each base and ever shorter tails of the path."""
        if written in self._cache:
            return self._cache[written]
        parts = [p for p in re.split(r"[\\/]+", written.strip()) if p and p != "."]
        if parts and re.fullmatch(r"[A-Za-z]:", parts[0]):
            parts = parts[1:]
        result: tuple[Path | None, bool] = (None, False)
        if parts:
            for folder, folder_case in self._folders(tuple(parts[:-1])):
                listing = self._listing(folder)
                name = self._find(listing, parts[-1]) if listing else None
                if name is not None:
                    result = (folder / name, folder_case or name != parts[-1])
                    break
        if len(self._cache) > 10000:
            self._cache.clear()
        self._cache[written] = result
        return result

    def _folders(self, dirs: tuple[str, ...]) -> list[tuple[Path, bool]]:
        """Existing folders a file under `dirs` may be in: each base, each shorter tail, in order."""
        if dirs not in self._folder_cache:
            found = []
            for start in range(len(dirs) + 1):
                for base in self.bases:
                    folder, differs = self._dir(base, dirs[start:])
                    if folder is not None:
                        found.append((folder, differs))
            self._folder_cache[dirs] = found
        return self._folder_cache[dirs]

    def _listing(self, folder: Path) -> dict[str, str] | None:
        """lower-case name -> name; an exact name is also its own key, so exact case always wins."""
        if folder not in self._listings:
            try:
                names = os.listdir(folder)
            except OSError:
                self._listings[folder] = None
            else:
                listing: dict[str, str] = {}
                for name in names:
                    listing.setdefault(name.lower(), name)
                    listing["\0" + name] = name
                self._listings[folder] = listing
        return self._listings[folder]

    @staticmethod
    def _find(listing: dict[str, str], name: str) -> str | None:
        return listing.get("\0" + name) or listing.get(name.lower())

    def _dir(self, base: Path, parts: tuple[str, ...]) -> tuple[Path | None, bool]:
        key = (base, parts)
        if key not in self._dirs:
            if not parts:
                self._dirs[key] = (base, False)
            else:
                parent, differs = self._dir(base, parts[:-1])
                listing = self._listing(parent) if parent is not None else None
                name = self._find(listing, parts[-1]) if listing else None
                if parent is None or name is None or not (parent / name).is_dir():
                    self._dirs[key] = (None, False)
                else:
                    self._dirs[key] = (parent / name, differs or name != parts[-1])
        return self._dirs[key]


class _ImageIndex:
    """Image documents from OPT/LFP, taken by key in the order the DAT asks for them."""

    def __init__(self, docs: Iterator[ImageDocument] | None) -> None:
        self._docs = docs
        self.had_source = docs is not None
        self._buffer: dict[str, ImageDocument] = {}

    def take(self, key: str) -> ImageDocument | None:
        if key in self._buffer:
            return self._buffer.pop(key)
        while self._docs is not None:
            doc = next(self._docs, None)
            if doc is None:
                self._docs = None
                break
            if doc.key == key:
                return doc
            self._buffer.setdefault(doc.key, doc)
        return None

    def rest(self) -> Iterator[ImageDocument]:
        yield from self._buffer.values()
        self._buffer = {}
        if self._docs is not None:
            yield from self._docs


@dataclass
class Volume:
    root: Path
    loadfiles: list[LoadFile]
    runs: list[LoadFileRun] = field(default_factory=list)
    ignored: list[LoadFile] = field(default_factory=list)  # other load files describing the same records
    rdo: list[Path] = field(default_factory=list)  # Relativity Dynamic Object files: objects, not documents

    def not_read(self) -> list[tuple[Path, str]]:
        """Load files in the volume that were not read, each with the reason a user is told."""
        used = ", ".join(lf.path.name for lf in self.loadfiles)
        out = [(lf.path, f"{lf.path.name} was not read: {used} already describe(s) this volume's documents; "
                         "pass load files explicitly to use another.") for lf in self.ignored]
        out += [(path, f"{path.name} is a Relativity Dynamic Objects (RDO) load file: it lists objects such as "
                       "domains or custodians, not documents, and was not read.") for path in self.rdo]
        return out

    @property
    def name(self) -> str:
        return self.root.name

    @property
    def data_files(self) -> list[LoadFile]:
        return [lf for lf in self.loadfiles if lf.is_data]

    @property
    def image_files(self) -> list[LoadFile]:
        return [lf for lf in self.loadfiles if lf.kind in IMAGE_KINDS]

    def records(self) -> Iterator[VolumeRecord]:
        """Every document of the volume, once, in load-file order."""
        self.runs = []
        seen = RangeSet()
        full_text: list[FullText] = []
        image_docs = self._image_documents(full_text)
        index = _ImageIndex(image_docs)
        resolver = PathResolver([self.root, *(lf.path.parent for lf in self.loadfiles), self.root.parent])
        texts = _TextFolder(self.root)
        produced = self.produced_name()
        for lf in self.data_files:
            run = LoadFileRun(lf.path, lf.kind)
            self.runs.append(run)
            for rec in self._data_records(lf, run):
                vr = _link(rec, lf, index, resolver, texts, seen, {ft.key: ft.value for ft in full_text})
                vr.volume = vr.volume or produced
                run.records += 1
                run.warnings += len(vr.warnings)
                yield vr
        has_data = bool(self.data_files)
        for doc in index.rest():
            rec = DatRecord(doc.pages[0].line if doc.pages else 0, {})
            lf = self.image_files[0]
            vr = _link(rec, lf, None, resolver, texts, seen, {ft.key: ft.value for ft in full_text}, image_doc=doc)
            vr.volume = vr.volume or produced
            if has_data:
                vr.warn("loadfile", f"{vr.key}: pages in {lf.path.name} but no row in the data load file")
            yield vr

    def produced_name(self) -> str:
        """The volume's name as produced: the image load file's volume column when its first line
        names one (`VOL01` in `ABC0001,VOL01,IMAGES\\...`), else the folder's name. Records without
        images (natives, text only) are in that volume too."""
        for lf in self.image_files[:1]:
            try:
                source = read_opt(lf.path) if lf.kind == "opt" else read_lfp(lf.path, [])
                first = next(iter(source), None)
            except Exception:  # noqa: BLE001 - an unreadable image load file is reported when read
                first = None
            if first is not None and first.volume.strip():
                return first.volume.strip()
        return self.name

    def _image_documents(self, full_text: list[FullText]) -> Iterator[ImageDocument] | None:
        files = self.image_files
        if not files:
            return None
        run = LoadFileRun(files[0].path, files[0].kind)
        self.runs.append(run)

        def lines() -> Iterator[ImageLine]:
            for lf in files:
                source = read_opt(lf.path) if lf.kind == "opt" else read_lfp(lf.path, full_text)
                for line in source:
                    run.records += 1
                    yield line

        return group_documents(lines(), files[0].path.name)

    def _data_records(self, lf: LoadFile, run: LoadFileRun) -> Iterator[DatRecord]:
        if lf.kind in ("dat", "delimited"):
            dialect, records = read_dat(lf.path)
            run.dialect = dialect.describe()
            run.unknown_fields = dialect.unknown_fields
            overrides = dialect.canonical_overrides
            for rec in records:
                rec.overrides = overrides
                yield rec
        elif lf.kind == "dii":
            names: set[str] = set()
            for rec in read_dii(lf.path):
                names.update(k for k in rec.fields if not k.startswith("@"))
                yield rec
            run.unknown_fields = unknown_fields(sorted(names))
        elif lf.kind == "edrm_xml":
            yield from read_edrm_xml(lf.path)


class _TextFolder:
    """TEXT/<Bates>.txt lookups, also one folder deeper (TEXT/TEXT00001/...), any letter case."""

    def __init__(self, root: Path) -> None:
        self.folders: list[Path] = []
        try:
            for entry in os.scandir(root):
                if entry.is_dir() and entry.name.lower() in ("text", "txt", "ocr", "fulltext"):
                    self.folders.append(Path(entry.path))
        except OSError:
            pass
        self._names: dict[str, Path] | None = None

    def find(self, key: str) -> Path | None:
        for folder in self.folders:
            candidate = folder / f"{key}.txt"
            if candidate.is_file():
                return candidate
        if not self.folders:
            return None
        if self._names is None:
            self._names = {}
            for folder in self.folders:
                for dirpath, _dirs, files in os.walk(folder):
                    for name in files:
                        if name.lower().endswith(".txt"):
                            self._names.setdefault(name[:-4].lower(), Path(dirpath) / name)
        return self._names.get(key.lower())


def _looks_like_path(value: str) -> bool:
    return "\n" not in value and len(value) < 400 and bool(re.search(r"\.[A-Za-z0-9]{1,5}$", value.strip()))


def _link(rec: DatRecord, lf: LoadFile, index: _ImageIndex | None, resolver: PathResolver, texts: _TextFolder,
          seen: RangeSet, full_text: dict[str, str], image_doc: ImageDocument | None = None) -> VolumeRecord:
    fields = canonicalize(rec.fields, rec.overrides)
    source = f"{lf.path.name} line {rec.line}"
    begin = fields.get("bates_begin", "")
    if not begin and image_doc is not None and image_doc.pages:
        begin = image_doc.key
    if not begin:
        begin = next((v.strip() for v in rec.fields.values() if v.strip()), f"{lf.path.name}:{rec.line}")
    end = fields.get("bates_end", "")
    if image_doc is None and index is not None:
        image_doc = index.take(begin)
    images: list[ImageLine] = []
    if rec.images:
        images = rec.images
        image_doc = group_documents(iter(images), lf.path.name).__next__() if images else None
        images = image_doc.pages if image_doc else []
    elif image_doc is not None:
        images = image_doc.pages
    if image_doc is not None and image_doc.pages and not image_doc.pages[0].path.lower().endswith(".pdf"):
        vr_declared = image_doc.declared_pages
    else:
        vr_declared = None
    if not end and image_doc is not None and image_doc.pages:
        keyed = [p.key for p in image_doc.pages if p.key]
        end = keyed[-1] if keyed else begin
    rng = BatesRange.parse(begin, end or begin)
    vr = VolumeRecord(key=begin, source=source, raw_fields=dict(rec.fields), fields=fields, bates=rng, pages=[],
                      image_count_declared=vr_declared)
    for message in rec.warnings:
        vr.warn("loadfile", f"{begin}: {message}")
    if image_doc is not None:
        for message in image_doc.warnings:
            vr.warn("loadfile", message)
    # pages and their Bates numbers
    sequence = page_sequence(rng) if rng and rng.begin.suffix == rng.end.suffix else []
    if images:
        for i, img in enumerate(images):
            bates = img.key or (sequence[i] if i < len(sequence) else f"{begin}#{i + 1}")
            vr.pages.append(PageRef(bates, None, img.path, img.frame, img.volume))
        vr.volume = images[0].volume.strip()
    elif sequence:
        vr.pages = [PageRef(b) for b in sequence]
    else:
        vr.pages = [PageRef(begin)]
    _check_counts(vr, fields, rng, len(images), sequence)
    if rng is not None and not seen.add(rng):
        vr.warn("loadfile", f"{vr.bates_begin}: duplicate Bates number: {rng} overlaps a document read earlier ({source})")
    # files
    missing_images: list[str] = []
    for page in vr.pages:
        if not page.image_written:
            continue
        path, case_differs = resolver.resolve(page.image_written)
        page.image = path
        if path is None:
            if page.image_written not in missing_images:
                missing_images.append(page.image_written)
        elif case_differs:
            vr.warn("loadfile", f"{page.bates}: image {page.image_written} found as {path.name} (letter case differs); linked")
    if missing_images:
        more = f" and {len(missing_images) - 1} more" if len(missing_images) > 1 else ""
        vr.warn("missing", f"{vr.key}: image missing: {missing_images[0]}{more} not in the volume")
    text_value = fields.get("text_path", "")
    if text_value and not _looks_like_path(text_value):
        vr.text_inline = text_value
    elif text_value:
        vr.text_path, case_differs = resolver.resolve(text_value)
        if vr.text_path is None:
            vr.warn("missing", f"{vr.key}: text file missing: {text_value}")
        elif case_differs:
            vr.warn("loadfile", f"{vr.key}: text file {text_value} found with different letter case; linked")
    if vr.text_path is None and vr.text_inline is None:
        vr.text_path = texts.find(begin)
        if vr.text_path is None and vr.pages and vr.pages[0].image is not None:
            beside = vr.pages[0].image.with_suffix(".txt")
            vr.text_path = beside if beside.is_file() else None
        if vr.text_path is None and rec.text:
            vr.text_inline = rec.text
        if vr.text_path is None and vr.text_inline is None and begin in full_text:
            value = full_text[begin]
            path, _ = resolver.resolve(value) if _looks_like_path(value) else (None, False)
            vr.text_path, vr.text_inline = (path, None) if path else (None, value)
    native_value = fields.get("native_path", "")
    if native_value:
        vr.native_path, case_differs = resolver.resolve(native_value)
        if vr.native_path is None:
            vr.warn("missing", f"{vr.key}: native file missing: {native_value}")
        elif case_differs:
            vr.warn("loadfile", f"{vr.key}: native {native_value} found with different letter case; linked")
    if not images and not native_value and index is not None and index.had_source:
        vr.warn("loadfile", f"{vr.key}: no pages in the image load file for this DAT row")
    # families
    vr.parent_key = fields.get("parent_id") or None
    a_begin, a_end = fields.get("attach_begin"), fields.get("attach_end")
    if a_begin:
        vr.attach_range = BatesRange.parse(a_begin, a_end or a_begin)
    elif fields.get("attach_range"):
        vr.attach_range = parse_range(fields["attach_range"])
    if fields.get("attach_ids"):
        vr.child_keys = [k.strip() for k in re.split(r"[;,]", fields["attach_ids"]) if k.strip()]
    vr.child_boundary = bool(images and images[0].child)
    return vr


def _check_counts(vr: VolumeRecord, fields: dict[str, str], rng: BatesRange | None, image_lines: int,
                  sequence: list[str]) -> None:
    counts: dict[str, int] = {}
    declared = fields.get("page_count", "")
    if declared.isdigit():
        counts["PGCOUNT"] = int(declared)
    if sequence and rng is not None and rng.end.prefix == rng.begin.prefix and fields.get("bates_end"):
        counts["Bates range"] = len(sequence)
    if image_lines:
        counts["image lines"] = image_lines
    if rng is not None and rng.end.number < rng.begin.number:
        vr.warn("loadfile", f"{vr.key}: Bates range ends before it begins ({rng.begin} > {rng.end})")
    if len(set(counts.values())) > 1:
        described = ", ".join(f"{k} {v}" for k, v in counts.items())
        vr.warn("loadfile", f"{vr.key}: page count mismatch: {described}")


def read_volume(volume_dir: Path | str, loadfiles: list[Path | str] | None = None) -> Volume:
    """A volume from its folder; `loadfiles` picks files when the folder holds several variants."""
    root = Path(volume_dir)
    if not root.is_dir():
        raise InputError(f"{root} is not a folder; give the volume folder (the one holding DATA/ or the load files).",
                         path=str(root))
    if loadfiles:
        chosen = []
        for item in loadfiles:
            path = Path(item) if Path(item).is_absolute() else root / item
            kind = loadfile_kind(path) if path.exists() else None
            if kind is None:
                raise InputError(f"{path} is not a load file uncover reads (DAT, CSV, OPT, LFP, DII, EDRM XML).",
                                 path=str(path))
            chosen.append(LoadFile(kind, path))
        found = sorted(chosen, key=lambda lf: not lf.is_data)
    else:
        found, ignored = choose_loadfiles(detect_loadfiles(root))
    if not found:
        raise LoadFileError(
            f"No load file in {root} (looked in DATA/, LOADFILES/ and the folder itself for .dat .opt .lfp .dii .xml "
            ".csv): for a folder of Bates-stamped PDFs use `uncover ingest` instead.", path=str(root))
    return Volume(root, found, ignored=ignored if not loadfiles else [], rdo=detect_rdo(root))


# Files a producer delivers beside its volumes that describe the delivery, not records in it.
_DELIVERY_NAMES = re.compile(r"^(?:manifest|checksums?|md5sums?|sha\d*sums?|hashes|file_?list|index)\b.*"
                             r"|.*\.(?:md5|sha1|sha256|sfv|cksum)$", re.IGNORECASE)


def find_volumes(path: Path) -> list[Path]:
    """The load-file volumes a path holds: itself, or its sub-folders one level down (PROD001/VOL001)."""
    path = Path(path)
    if not path.is_dir():
        return []
    if detect_loadfiles(path):
        return [path]
    return [sub for sub in sorted(path.iterdir()) if sub.is_dir() and detect_loadfiles(sub)]


def delivery_files(parent: Path, volumes: list[Path]) -> list[Path]:
    """Files beside a delivery's volumes that are about the delivery (a MANIFEST.tsv, checksum
    lists, load files left at the top): never documents of the production."""
    parent = Path(parent)
    if not volumes or parent in volumes:
        return []
    return [p for p in sorted(parent.iterdir())
            if p.is_file() and (_DELIVERY_NAMES.match(p.name) or loadfile_kind(p) or is_rdo(p))]


DATA_PREFERENCE = ("dat", "edrm_xml", "dii", "delimited")
IMAGE_PREFERENCE = ("opt", "lfp")


def choose_loadfiles(found: list[LoadFile]) -> tuple[list[LoadFile], list[LoadFile]]:
    """One data load file and one kind of image load file; the others describe the same documents.

    A DOJ volume ships a DAT, an LFP and a DII for the same 3,158 records: reading all three would
    make every record three documents. The DAT (richest metadata) wins, then EDRM XML, DII, CSV;
    Opticon wins over LFP for the page images.
    """
    chosen: list[LoadFile] = []
    for preference in (DATA_PREFERENCE, IMAGE_PREFERENCE):
        for kind in preference:
            of_kind = [lf for lf in found if lf.kind == kind]
            if of_kind:
                chosen.append(of_kind[0])
                break
    return chosen, [lf for lf in found if lf not in chosen]


from .volume_commit import ingest_volume, link_families  # noqa: E402  (re-exported: the committing half)

__all__ = ["LoadFileRun", "PageRef", "PathResolver", "Volume", "VolumeRecord", "delivery_files", "find_volumes",
           "ingest_volume", "link_families", "read_volume"]
