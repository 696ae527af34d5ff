"""`uncover demo`: a sample production written by uncover itself, ingested and searched.

Everything is generated here, offline: memos (PDF with a text layer), e-mails with attachments
(EML), a scanned page with no text layer (an image-only PDF that needs OCR), a spreadsheet (XLSX)
and a ZIP holding more records. The story is invented, modelled on a FOIA request about a
detention program; no real person or record is quoted.
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from rich.console import Console

AGENCY = "Office of Enforcement Programs"

MEMOS = [
    ("2011-01-04", "memo-opt-out-options.pdf", "Options for local opt-out",
     ["TO: Deputy Director", "FROM: Office of the Principal Legal Advisor", "RE: Whether counties may opt out",
      "", "This memorandum reviews whether a county may opt out of the fingerprint sharing program.",
      "Our reading is that participation is mandatory once the state signs the agreement.",
      "RELEASE IN PART B5", "The deliberative discussion that followed is withheld under (b)(5).",
      "Recommendation: do not describe the program as voluntary in public statements."]),
    ("2011-01-11", "memo-briefing-talking-points.pdf", "Talking points for the county briefing",
     ["TO: Field Office Directors", "FROM: Office of Public Affairs", "RE: Talking points",
      "", "Counties will ask whether they can opt out of Secure Communities.",
      "Answer: the program relies on information sharing between federal partners.",
      "Refer detailed questions about opt out to headquarters."]),
    ("2011-02-02", "memo-records-search.pdf", "Search for records responsive to the FOIA request",
     ["TO: FOIA Officer", "FROM: Records Management", "RE: Search for responsive records",
      "", "We searched the shared drives and e-mail of twelve custodians for the terms opt out and detainer.",
      "The search found 15,230 documents; 4,102 are duplicates of each other.",
      "Production is due on January 17 under the scheduling order."]),
]

EMAILS = [
    ("2011-01-05T09:12:00", "alice.ramos@enforcement.example.gov", "ben.ortiz@enforcement.example.gov",
     "Opt out question from Arlington County",
     "Ben,\n\nArlington County wrote again asking whether they may opt out. Legal says no.\n"
     "Attached is the draft reply and the county list.\n\nAlice", ["draft-reply.txt", "county-list.csv"]),
    ("2011-01-05T11:40:00", "ben.ortiz@enforcement.example.gov", "alice.ramos@enforcement.example.gov",
     "RE: Opt out question from Arlington County",
     "Alice,\n\nAgreed. Please do not put opt out in writing until the policy memo is final.\n\nBen\n\n"
     "> Arlington County wrote again asking whether they may opt out. Legal says no.", []),
    ("2011-01-12T16:03:00", "carla.nguyen@enforcement.example.gov", "foia.office@enforcement.example.gov",
     "Detainer statistics for the production",
     "The detainer statistics for FY2010 are in the attached spreadsheet.\n\nCarla", ["detainers-fy2010.xlsx"]),
]

SCANNED_TEXT = [
    "HANDWRITTEN NOTE SCANNED FROM THE FILE",
    "Meeting with county sheriffs on January 6",
    "Sheriffs asked to opt out of the program.",
    "We told them the decision rests with the state.",
    "Follow up with the regional counsel.",
]


def build_production(folder: Path) -> Path:
    """Write the sample production into `folder` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for date, name, title, lines in MEMOS:
        (folder / name).write_bytes(_memo_pdf(title, date, lines))
    for i, (sent, sender, to, subject, body, attachments) in enumerate(EMAILS, 1):
        reply_to = i - 1 if subject.startswith("RE:") else None
        (folder / f"email-{i:02d}.eml").write_bytes(_email(i, sent, sender, to, subject, body, attachments, reply_to))
    (folder / "scanned-note.pdf").write_bytes(_scanned_pdf(SCANNED_TEXT))
    (folder / "detainers-by-county.xlsx").write_bytes(_spreadsheet())
    members = {
        "reports/atlanta.txt": b"Field office report, Atlanta.\nTwo counties asked to opt out in December.\n",
        "reports/phoenix.txt": b"Field office report, Phoenix.\nNo county asked to opt out this quarter.\n",
        "reports/summary.pdf": _memo_pdf("Quarterly summary", "2011-01-14", [
            "Quarterly summary of field office reports.", "Detainer requests rose in every region reporting."]),
    }
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as packed:
        for name, data in members.items():
            packed.writestr(name, data)
    (folder / "field-office-reports.zip").write_bytes(_fixed_zip_times(archive.getvalue()))
    return folder


def _memo_pdf(title: str, date: str, lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    # The memo's own date as its creation date, and the same bytes every run (reportlab reads
    # SOURCE_DATE_EPOCH when the canvas is made).
    epoch = str(int(datetime.fromisoformat(date).replace(tzinfo=UTC).timestamp()))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        pdf = canvas.Canvas(buf, pagesize=letter, invariant=1)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    pdf.setTitle(title)
    pdf.setSubject(title)
    pdf.setAuthor(AGENCY)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(72, 720, AGENCY.upper())
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 700, f"MEMORANDUM   {date}")
    y = 670
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _scanned_pdf(lines: list[str]) -> bytes:
    """A page with no text layer: a memo rendered to an image and saved as an image-only PDF."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(_memo_pdf("Scanned note", "2011-01-06", lines))
    image = doc[0].render(scale=300 / 72).to_pil().convert("L")
    doc.close()
    buf = io.BytesIO()
    fixed = time.strptime("2011-01-06 15:00", "%Y-%m-%d %H:%M")
    image.save(buf, format="PDF", resolution=300, creationDate=fixed, modDate=fixed)
    return buf.getvalue()


def _spreadsheet() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.properties.created = book.properties.modified = datetime(2011, 1, 12, 9, 0)
    sheet = book.active
    sheet.title = "Detainers FY2010"
    sheet.append(["County", "State", "Detainers issued", "Opt-out requested"])
    for row in (("Arlington", "VA", 412, "yes"), ("Santa Clara", "CA", 1290, "yes"), ("Maricopa", "AZ", 8711, "no"),
                ("Cook", "IL", 2304, "yes"), ("Harris", "TX", 10122, "no")):
        sheet.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Re-pack a ZIP with fixed member times, so the demo writes the same bytes every run."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2011-01-12T09:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2011, 1, 12, 9, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _message_id(number: int) -> str:
    return f"<demo-{number:03d}@enforcement.example.gov>"


def _email(number: int, sent: str, sender: str, to: str, subject: str, body: str, attachments: list[str],
           reply_to: int | None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.fromisoformat(sent).replace(tzinfo=timezone(timedelta(hours=-5))))
    msg["Message-ID"] = _message_id(number)
    if reply_to:
        msg["In-Reply-To"] = msg["References"] = _message_id(reply_to)
    msg.set_content(body)
    for name in attachments:
        if name.endswith(".csv"):
            msg.add_attachment("county,state\nArlington,VA\nSanta Clara,CA\n", subtype="csv", filename=name)
        elif name.endswith(".xlsx"):
            msg.add_attachment(_spreadsheet(), maintype="application",
                               subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=name)
        else:
            msg.add_attachment("Dear Sheriff,\nParticipation in the program is not optional once the state has signed.\n",
                               filename=name)
    if attachments:
        msg.set_boundary(f"demo-boundary-{number:03d}")
    return bytes(msg)


DEMO_SEARCHES = ['"opt out"', "detainer* AND NOT kind:email", "from:alice subject:arlington"]


def run_demo(directory: Path, console: Console, as_json: bool = False) -> dict[str, Any]:
    """Write the production, ingest it into DIR/case, print the summary and three searches."""
    from .case import Case
    from .cli.progress import RichProgress
    from .ingest.pipeline import IngestOptions, ingest, reconcile
    from .search.engine import search

    production = build_production(directory / "production")
    case = Case.init(directory / "case", name="Demo v. Office of Enforcement Programs")
    with RichProgress(console, enabled=not as_json) as progress:
        report = ingest(case, [production], IngestOptions(production="Demo production 001", custodian="Records Office"), progress)
    rec = reconcile(case)
    counts = case.store.counts()
    results = [search(case, query, limit=5) for query in DEMO_SEARCHES]
    summary = {"case": str(case.root), "production": str(production), "documents": counts["documents"],
               "pages": counts["pages"], "pages_ocr": counts["pages_ocr"], "exceptions": counts["exceptions"],
               "reconciliation": rec, "seconds": round(report.seconds, 1),
               "searches": [r.to_dict() for r in results]}
    if as_json:
        from .cli.base import emit_json

        emit_json(summary)
        return summary
    from .cli.search import print_results

    console.print(
        f"\n[bold]Demo case[/] in {case.root}: {counts['documents']} documents, {counts['pages']} pages "
        f"({counts['pages_ocr']} OCR'd), {counts['exceptions']} exceptions; reconciliation difference {rec['difference']}."
    )
    for query, result in zip(DEMO_SEARCHES, results, strict=True):
        console.print(f"\n[bold]$ uncover search {case.root} '{query}'[/]")
        print_results(result)
    console.print(f"\nTry: uncover show {case.root} DOC-000001   ·   uncover serve {case.root}")
    return summary
