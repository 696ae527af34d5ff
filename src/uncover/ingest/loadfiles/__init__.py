"""Load files: one module per kind, and `detect_loadfiles` to find them in a volume folder.

    dat        Concordance DAT (dialect detected from the data)     dat.py
    delimited  CSV / pipe / tab metadata files                      delimited.py
    opt        Opticon page-image lines                             opt.py
    lfp        IPRO page-image lines and full text                  lfp.py
    dii        Summation DII blocks                                 dii.py
    edrm_xml   EDRM XML 1.2 (entities refused)                      edrm_xml.py

Data load files (DAT, CSV, DII, EDRM XML) carry one record per document; image load files (OPT,
LFP) carry one line per page. `ingest/volume.py` joins them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA_KINDS = ("dat", "delimited", "dii", "edrm_xml")
IMAGE_KINDS = ("opt", "lfp")
_BY_EXTENSION = {".dat": "dat", ".opt": "opt", ".lfp": "lfp", ".dii": "dii", ".xml": "edrm_xml",
                 ".csv": "delimited", ".tsv": "delimited"}
_FOLDERS = ("data", "loadfiles", "loadfile", "load_files", "load files")


@dataclass(frozen=True)
class LoadFile:
    kind: str
    path: Path

    @property
    def is_data(self) -> bool:
        return self.kind in DATA_KINDS


def loadfile_kind(path: Path) -> str | None:
    kind = _BY_EXTENSION.get(path.suffix.lower())
    if kind == "edrm_xml":
        with open(path, "rb") as fh:
            head = fh.read(4096).lower()
        return kind if b"<root" in head or b"<batch" in head or b"<document" in head else None
    if kind in ("delimited", "dat"):
        # `.dat` and `.csv` are common extensions for other things (an attachment named Luu.dat):
        # a load file only when its header names known fields, or, without a header, its first
        # column holds Bates numbers.
        from .bates import looks_like_bates
        from .dat import read_dat, sniff
        from .fields import canonical_name

        try:
            dialect = sniff(path)
            if dialect.header:
                known = sum(1 for n in dialect.field_names if canonical_name(n))
                return kind if known >= (2 if kind == "delimited" else 1) else None
            if kind == "dat":
                _, records = read_dat(path, dialect)
                first = next(records, None)
                values = list(first.fields.values()) if first is not None else []
                return kind if values and looks_like_bates(str(values[0])) else None
        except Exception:
            return None
        return None
    return kind


def is_rdo(path: Path) -> bool:
    """A Relativity Dynamic Object load file: a DAT of objects (domains, custodians...) keyed by
    `Name` and `Artifact ID`, not documents. Read by nothing here, but named to the user."""
    if path.suffix.lower() not in (".dat", ".csv", ".txt"):
        return False
    from .dat import sniff
    from .fields import normalize_name

    try:
        dialect = sniff(path)
    except Exception:  # noqa: BLE001 - an unreadable file is simply not an RDO file
        return False
    names = {normalize_name(n) for n in dialect.field_names} if dialect.header else set()
    return "artifactid" in names and "name" in names


def detect_rdo(volume_dir: Path) -> list[Path]:
    """RDO load files beside a volume's load files (same folders `detect_loadfiles` looks in)."""
    volume_dir = Path(volume_dir)
    folders = [p for p in sorted(volume_dir.iterdir()) if p.is_dir() and p.name.lower() in _FOLDERS]
    return [path for folder in [*folders, volume_dir] for path in sorted(folder.iterdir())
            if path.is_file() and not path.name.startswith(".") and is_rdo(path)]


def detect_loadfiles(volume_dir: Path) -> list[LoadFile]:
    """Load files in DATA/, LOADFILES/ (any letter case) or the volume's root, data files first."""
    volume_dir = Path(volume_dir)
    folders = [p for p in sorted(volume_dir.iterdir()) if p.is_dir() and p.name.lower() in _FOLDERS]
    found: list[LoadFile] = []
    for folder in [*folders, volume_dir]:
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                kind = loadfile_kind(path)
                if kind:
                    found.append(LoadFile(kind, path))
        if found:
            break
    found.sort(key=lambda lf: (not lf.is_data, lf.path.name.lower()))
    return found


__all__ = ["DATA_KINDS", "IMAGE_KINDS", "LoadFile", "detect_loadfiles", "detect_rdo", "is_rdo", "loadfile_kind"]
