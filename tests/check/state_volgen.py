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
import random
import re
import shutil
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
                       extra_texts: dict[str, list[str]] | None = None, missing_images: tuple[str, ...] = (),
                       pdf_per_document: bool = False) -> Path:
    """DATA/VOL001.dat and .opt, TEXT/ (one file per record, pages split by form feeds), IMAGES/.

    `extra_texts` writes further text files (name -> page texts) that no record owns; `missing_images`
    names page images the OPT lists but the volume lacks. A record's `_OPTCOUNT` value overrides the
    page count its first OPT line declares. With `pdf_per_document`, each record's image is State's
    PDF itself, one OPT line keyed by the record's BEGBATES with the page count (as agencies deliver)."""
    folder = corpora / "foia-clinton-state-pdfs"
    for sub in ("IMAGES/001", "TEXT", "DATA"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    delimiter, qualifier = "\x14", "\u00fe"
    lines = [delimiter.join(f"{qualifier}{h}{qualifier}" for h in HEADER)]
    opt: list[str] = []
    for rec in records:
        if pdf_per_document:
            key = rec.values["BEGBATES"]
            shutil.copy(folder / f"{rec.docno}.pdf", root / "IMAGES" / "001" / f"{key}.pdf")
            opt.append(f"{key},VOL001,IMAGES\\001\\{key}.pdf,Y,,,{len(rec.pages)}")
            (root / "TEXT" / f"{rec.begin}.txt").write_text("\f".join(rec.texts), "utf-8")
            lines.append(delimiter.join(f"{qualifier}{rec.values.get(h, '')}{qualifier}" for h in HEADER))
            continue
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


# further runs of State e-mails whose stamps are contiguous, for generated volumes beyond the tests' own
RUNS = [CONTIGUOUS_RUN, ["C05739583", "C05739587", "C05739588", "C05739589"],
        ["C05739688", "C05739689", "C05739692", "C05739693"],
        ["C05739759", "C05739783", "C05739784", "C05739789", "C05739794"]]
# positions the tests use on CONTIGUOUS_RUN (so their expected Bates numbers read as the files do)
_FIXED = {"opt-count": 3, "stale-textpath": 2, "foreign-text": 4, "merged": 2, "modified-empty": 1, "gap": 2,
          "pgcount": 5, "image-missing": (1, 9)}


def seed(corpora: Path, root: Path, defect: str, run: list[str] | None = None, rng: random.Random | None = None
         ) -> Seeded:
    """Write a contiguous State volume with one defect seeded; return what a check must find.

    Without `rng` the defect goes where the tests expect it; with one, on a record (or page) it picks."""
    records = read_state_records(corpora, run)
    extra: dict[str, list[str]] = {}
    missing: tuple[str, ...] = ()
    n = len(records)

    def pick(name: str, low: int = 0, high: int | None = None) -> int:
        high = n - 1 if high is None else high
        if rng is None:
            fixed = _FIXED[name]
            return fixed[0] if isinstance(fixed, tuple) else fixed
        return rng.randint(low, high)

    def label(rec: StateRecord) -> str:
        return rec.begin if rec.begin == rec.end else f"{rec.begin}-{rec.end}"

    if defect == "opt-count":  # the OPT declares one page more than it lists
        rec = records[pick(defect)]
        rec.values["_OPTCOUNT"] = str(len(rec.pages) + 1)
        expected = Seeded(defect, "images.declared-count", [label(rec)])
    elif defect == "stale-textpath":  # TEXTPATH shifted by one row for three records
        i = pick(defect, 0, n - 4)
        for k in range(i, i + 3):
            records[k].values["TEXTPATH"] = f"TEXT\\{records[k + 1].begin}.txt"
        expected = Seeded(defect, "text.other-document", [label(r) for r in records[i:i + 3]])
    elif defect == "foreign-text":  # a record's text is another release's e-mail, never produced here
        outside = next(d for d in ("C05739583", "C05739668") if d not in [r.docno for r in records])
        other = read_state_records(corpora, [outside])[0]
        extra[outside] = other.texts
        rec = records[pick(defect)]
        rec.values["TEXTPATH"] = f"TEXT\\{outside}.txt"
        expected = Seeded(defect, "text.no-document", [label(rec)])
    elif defect == "merged":  # two e-mails produced as one record
        i = pick(defect, 0, n - 2)
        first, second = records[i], records[i + 1]
        first.pages += second.pages
        first.texts += second.texts
        first.values.update(ENDBATES=first.end, ENDATTACH=first.end, PGCOUNT=str(len(first.pages)),
                            _SOURCES=f"{first.docno};{second.docno}")
        records.remove(second)
        expected = Seeded(defect, "merged.records", [label(first)])
    elif defect == "modified-empty":  # MODDATE left blank on one record
        rec = records[pick(defect)]
        rec.values["MODDATE"] = ""
        expected = Seeded(defect, "fields.empty", [label(rec)])
    elif defect == "gap":  # one e-mail never produced, no gap disclosed
        rec = records[pick(defect, 1, n - 2)]
        records.remove(rec)
        expected = Seeded(defect, "bates.gaps", [label(rec)])
    elif defect == "pgcount":  # PGCOUNT one off
        rec = records[pick(defect)]
        rec.values["PGCOUNT"] = str(len(rec.pages) - 1 if len(rec.pages) > 1 else 2)
        expected = Seeded(defect, "bates.page-count", [label(rec)])
    elif defect == "image-missing":  # one page image named in the OPT, absent from the volume
        if rng is None:
            rec, page = records[_FIXED[defect][0]], _FIXED[defect][1]
        else:
            rec = records[rng.randint(0, n - 1)]
            page = rng.randint(0, len(rec.pages) - 1)
        missing = (rec.pages[page],)
        expected = Seeded(defect, "images.missing", [label(rec)])
    elif defect == "clean":
        expected = Seeded(defect, "", [])
    else:
        raise ValueError(f"unknown defect {defect!r}")
    write_state_volume(corpora, root, records, extra, missing)
    return expected


DEFECTS = ("opt-count", "stale-textpath", "foreign-text", "merged", "modified-empty", "gap", "pgcount",
           "image-missing")
