"""Natives: spreadsheets and presentations must come as native files, not only as page images.

An imaged spreadsheet loses its formulas, hidden rows and columns, and anything wider than a page;
the NDLON order required spreadsheets in native format. A native named by the load file but absent
from the volume is reported too.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from ..findings import DEFICIENCY, BatesList, Finding, finding_from, not_checked
from ..spec import ProductionSpec
from ..view import DocRow, ProductionView


def _extension(doc: DocRow) -> str:
    ext = str(doc.metadata.get("file_ext", "") or "").strip().lower().lstrip(".")
    if ext:
        return ext
    name = str(doc.metadata.get("filename", "") or doc.filename or "").replace("\\", "/")
    return PurePosixPath(name).suffix.lower().lstrip(".")


def native_files(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    if not view.has_loadfile:
        return [not_checked("natives.imaged", "Native files",
                            "Not checked: a production of plain files is itself native.")]
    kinds = set(spec.natives.kinds)
    extensions = {e.lower().lstrip(".") for e in spec.natives.extensions}
    imaged, missing = BatesList(), BatesList()
    details: list[str] = []
    for doc in view.documents(("file_ext", "filename", "native_path"), raw=False):
        info = doc.loadfile_info
        if not info or info.get("original") == "native":
            continue
        if doc.metadata.get("native_path"):
            missing.add(doc.bates_begin, doc.bates_end, doc.label)
            continue
        ext = _extension(doc)
        if doc.kind in kinds or (ext and ext in extensions):
            imaged.add(doc.bates_begin, doc.bates_end, doc.label)
            if len(details) < 50:
                details.append(f"{doc.label}: {doc.kind}" + (f" (.{ext})" if ext else ""))
    findings: list[Finding] = []
    if imaged.count:
        findings.append(finding_from(
            "natives.imaged", DEFICIENCY, "Spreadsheets and presentations produced only as images",
            "These records are spreadsheets or presentations but were produced as page images with no native "
            "file. Please produce them in native format, with their Bates number as the file name.", imaged,
            details=details))
    if missing.count:
        findings.append(finding_from(
            "natives.missing", DEFICIENCY, "Native files named in the load file but not delivered",
            "The load file links a native file for these records, but the file is not in the volume.", missing))
    return findings


RULES = [native_files]
