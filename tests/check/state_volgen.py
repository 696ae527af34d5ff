"""A clean DAT+OPT+TEXT+IMAGES volume built from real State Department PDFs with OCR'd page stamps.

State produced these e-mails (case F-2015-04841) stamped `STATE-SCB0045630` ... in the bottom
margin, and its own OCR text layer reads those stamps with real noise (`STATE-5CB0045650`, about one
page in five). The volume takes a run of documents whose stamps are contiguous, uses each page's
true stamp as its Bates number (the page image is State's page rendered to a TIFF), State's text
layer as the page text, and carries every field the NDLON order names, under the producer names real
vendors use (MODDATE, MODTIME, ...), with values from the corpus's `search_data.json`. It is what a
careful producer would deliver: a check must find nothing wrong with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HEADER = ["BEGBATES", "ENDBATES", "BEGATTACH", "ENDATTACH", "CUSTODIAN", "FROM", "TO", "CC", "BCC", "SUBJECT",
          "DATESENT", "TIMESENT", "DATERCVD", "TIMERCVD", "MODDATE", "MODTIME", "TIMEZONE", "FILENAME",
          "SOURCEDEVICE", "SOURCEPATH", "PRODUCTIONPATH", "PGCOUNT", "DOCNO", "TEXTPATH"]
# six e-mails whose stamps run STATE-SCB0045630..STATE-SCB0045669 without a gap (40 pages)
CONTIGUOUS_RUN = ["C05739668", "C05739674", "C05739677", "C05739679", "C05739682", "C05739683"]
_STAMP = re.compile(r"STATE-[S5]CB(\d{7})")


@dataclass
class StateRecord:
    docno: str
    pages: list[str] = field(default_factory=list)  # true page Bates numbers
    texts: list[str] = field(default_factory=list)  # State's text layer, one per page
    values: dict[str, str] = field(default_factory=dict)  # the DAT row

    @property
    def begin(self) -> str:
        return self.pages[0]

    @property
    def end(self) -> str:
        return self.pages[-1]


def _search_data(folder: Path) -> dict[str, dict[str, object]]:
    text = (folder / "search_data.json").read_text("utf-8")
    text = re.sub(r"new Date\((-?\d+)\)", r"\1", text)  # JavaScript dates in the scraped JSON
    out: dict[str, dict[str, object]] = {}
    for block in json.loads(text):
        for row in block.get("Results", []):
            out[Path(str(row.get("pdfLink", ""))).stem] = row
    return out


def read_state_records(corpora: Path, docnos: list[str] | None = None) -> list[StateRecord]:
    """The chosen State e-mails with their true page stamps and text layers, in Bates order."""
    import pypdfium2 as pdfium

    folder = corpora / "foia-clinton-state-pdfs"
    meta = _search_data(folder)
    records = []
    for docno in docnos or CONTIGUOUS_RUN:
        pdf = pdfium.PdfDocument(str(folder / f"{docno}.pdf"))
        rec = StateRecord(docno)
        try:
            for i in range(len(pdf)):
                layer = pdf[i].get_textpage().get_text_range().replace("\r\n", "\n").replace("\f", "\n")
                stamps = _STAMP.findall(layer)
                rec.pages.append(f"STATE-SCB{stamps[-1]}")  # the stamp as printed; OCR read S as 5 at times
                rec.texts.append(layer)
        finally:
            pdf.close()
        row = meta.get(docno, {})
        sent = datetime.fromtimestamp(int(str(row.get("docDate") or 1300000000000)) / 1000, UTC)
        day, time = sent.strftime("%m/%d/%Y"), sent.strftime("%H:%M")
        rec.values = {"BEGBATES": rec.begin, "ENDBATES": rec.end, "BEGATTACH": rec.begin, "ENDATTACH": rec.end,
                      "CUSTODIAN": "Clinton, Hillary R", "FROM": str(row.get("from") or "H"),
                      "TO": str(row.get("to") or "H"), "CC": "", "BCC": "",
                      "SUBJECT": str(row.get("subject") or "(no subject)"), "DATESENT": day, "TIMESENT": time,
                      "DATERCVD": day, "TIMERCVD": time, "MODDATE": day, "MODTIME": time, "TIMEZONE": "UTC",
                      "FILENAME": f"{docno}.msg", "SOURCEDEVICE": "clintonemail.com server",
                      "SOURCEPATH": f"Inbox\\{docno}", "PRODUCTIONPATH": f"IMAGES\\001\\{rec.begin}.tif",
                      "PGCOUNT": str(len(rec.pages)), "DOCNO": docno, "TEXTPATH": f"TEXT\\{rec.begin}.txt"}
        records.append(rec)
    return sorted(records, key=lambda r: r.begin)


def write_state_volume(corpora: Path, root: Path, records: list[StateRecord],
                       extra_texts: dict[str, list[str]] | None = None, missing_images: tuple[str, ...] = ()) -> Path:
    """DATA/VOL001.dat and .opt, TEXT/ (one file per record, pages split by form feeds), IMAGES/.

    `extra_texts` writes further text files (name -> page texts) that no record owns; `missing_images`
    names page images the OPT lists but the volume lacks. A record's `_OPTCOUNT` value overrides the
    page count its first OPT line declares."""
    folder = corpora / "foia-clinton-state-pdfs"
    for sub in ("IMAGES/001", "TEXT", "DATA"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    delimiter, qualifier = "\x14", "\u00fe"
    lines = [delimiter.join(f"{qualifier}{h}{qualifier}" for h in HEADER)]
    opt: list[str] = []
    for rec in records:
        images = [tiff for docno in rec.values.get("_SOURCES", rec.docno).split(";")
                  for tiff in _page_tiffs(folder / f"{docno}.pdf")]
        for i, key in enumerate(rec.pages):
            if key not in missing_images:
                (root / "IMAGES" / "001" / f"{key}.tif").write_bytes(images[i])
            count = rec.values.get("_OPTCOUNT", str(len(rec.pages))) if i == 0 else ""
            opt.append(f"{key},VOL001,IMAGES\\001\\{key}.tif,{'Y' if i == 0 else ''},,,{count}")
        (root / "TEXT" / f"{rec.begin}.txt").write_text("\f".join(rec.texts), "utf-8")
        lines.append(delimiter.join(f"{qualifier}{rec.values.get(h, '')}{qualifier}" for h in HEADER))
    for name, texts in (extra_texts or {}).items():
        (root / "TEXT" / f"{name}.txt").write_text("\f".join(texts), "utf-8")
    (root / "DATA" / "VOL001.dat").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    (root / "DATA" / "VOL001.opt").write_text("\r\n".join(opt) + "\r\n", "utf-8")
    return root


_RENDERED: dict[Path, list[bytes]] = {}


def _page_tiffs(pdf_path: Path) -> list[bytes]:
    """State's pages as single-page TIFFs at 100 dpi, rendered once per process (tests reuse them)."""
    if pdf_path not in _RENDERED:
        import io

        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(pdf_path))
        pages = []
        try:
            for i in range(len(pdf)):
                buffer = io.BytesIO()
                pdf[i].render(scale=100 / 72, grayscale=True).to_pil().convert("L").save(
                    buffer, format="TIFF", compression="tiff_deflate")
                pages.append(buffer.getvalue())
        finally:
            pdf.close()
        _RENDERED[pdf_path] = pages
    return _RENDERED[pdf_path]


# -- seeded defects --------------------------------------------------------------------------------
# Each defect: how to break the clean volume, and the finding a check must report, with the exact
# Bates number of every document affected (one entry per document, as a letter's appendix lists them).
@dataclass
class Seeded:
    name: str
    rule: str
    documents: list[str]


def _by_begin(records: list[StateRecord]) -> dict[str, StateRecord]:
    return {r.docno: r for r in records}


def seed(corpora: Path, root: Path, defect: str) -> Seeded:
    """Write the contiguous State volume with one defect seeded; return what a check must find."""
    records = read_state_records(corpora)
    doc = _by_begin(records)
    extra: dict[str, list[str]] = {}
    missing: tuple[str, ...] = ()
    if defect == "opt-count":  # the OPT declares 3 pages on a two-page e-mail
        doc["C05739679"].values["_OPTCOUNT"] = "3"
        expected = Seeded(defect, "images.declared-count", ["STATE-SCB0045652-STATE-SCB0045653"])
    elif defect == "stale-textpath":  # TEXTPATH shifted by one row for three records
        doc["C05739677"].values["TEXTPATH"] = f"TEXT\\{doc['C05739679'].begin}.txt"
        doc["C05739679"].values["TEXTPATH"] = f"TEXT\\{doc['C05739682'].begin}.txt"
        doc["C05739682"].values["TEXTPATH"] = f"TEXT\\{doc['C05739683'].begin}.txt"
        expected = Seeded(defect, "text.other-document", ["STATE-SCB0045651", "STATE-SCB0045652-STATE-SCB0045653",
                                                          "STATE-SCB0045654"])
    elif defect == "foreign-text":  # a record's text is another release's e-mail, never produced here
        other = read_state_records(corpora, ["C05739583"])[0]
        extra["C05739583"] = other.texts
        doc["C05739682"].values["TEXTPATH"] = "TEXT\\C05739583.txt"
        expected = Seeded(defect, "text.no-document", ["STATE-SCB0045654"])
    elif defect == "merged":  # two e-mails produced as one record
        first, second = doc["C05739677"], doc["C05739679"]
        first.pages += second.pages
        first.texts += second.texts
        first.values.update(ENDBATES=first.end, ENDATTACH=first.end, PGCOUNT=str(len(first.pages)),
                            _SOURCES="C05739677;C05739679")
        records.remove(second)
        expected = Seeded(defect, "merged.records", ["STATE-SCB0045651-STATE-SCB0045653"])
    elif defect == "modified-empty":  # MODDATE left blank on one record
        doc["C05739674"].values["MODDATE"] = ""
        expected = Seeded(defect, "fields.empty", ["STATE-SCB0045631-STATE-SCB0045650"])
    elif defect == "gap":  # one e-mail never produced, no gap disclosed
        records.remove(doc["C05739677"])
        expected = Seeded(defect, "bates.gaps", ["STATE-SCB0045651"])
    elif defect == "pgcount":  # PGCOUNT one short
        doc["C05739683"].values["PGCOUNT"] = "14"
        expected = Seeded(defect, "bates.page-count", ["STATE-SCB0045655-STATE-SCB0045669"])
    elif defect == "image-missing":  # one page image named in the OPT, absent from the volume
        missing = ("STATE-SCB0045640",)
        expected = Seeded(defect, "images.missing", ["STATE-SCB0045631-STATE-SCB0045650"])
    elif defect == "clean":
        expected = Seeded(defect, "", [])
    else:
        raise ValueError(f"unknown defect {defect!r}")
    write_state_volume(corpora, root, records, extra, missing)
    return expected


DEFECTS = ("opt-count", "stale-textpath", "foreign-text", "merged", "modified-empty", "gap", "pgcount",
           "image-missing")
