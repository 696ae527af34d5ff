"""Printed e-mail headers read back as metadata: agreement with State's own index, robustness on
OCR text, false detections on records that are not e-mail, and the cost.

Run: .venv/bin/python bench/printed_headers.py [--show-disagreements] [--spot-check N] [--ocr]
(corpora from UNCOVER_CORPORA, default ../shared/corpora beside the checkout).

1. foia-clinton-state-pdfs: each PDF is read as the ingest reads it (PdfReader, the text layer),
   its printed header applied to a Document built as the pipeline builds one (PDF properties
   included), and the document's effective date, subject, sender and recipients compared with
   State's index of the release (search_data.json: subject, docDate in epoch ms, from, to):
   - date: calendar days in US Eastern time (docDate is midnight Eastern; our value's day as
     printed, or converted to Eastern when it carries an offset);
   - subject: reply/forward prefixes dropped, case and punctuation folded; equal, or at least 90%
     alike (OCR damage in the text layer: "plc" for "pic"), or State's value is a cut-off start
     of ours (State's index truncates long subjects). The strict (equal) share is printed too;
   - from / to: the names normalised (address and mailto debris dropped, "Last, First M" and
     "First M Last" as the same words, initials and digits dropped), at least 80% alike (OCR:
     "Jacobi" for "Jacob J"); both empty counts as agreement; `to` agrees when State's recipient
     is among ours.
   Also counted: documents whose printed Sent line exists but whose date is the PDF's creation
   or modification date (must be 0).
2. foia-clinton-state-text (2,101 OCR texts of two other releases, printed in another layout):
   headers found, dates read, fields present; `--spot-check N` prints N random readings.
3. Records that are not e-mail (office-docs, pdf-tables-gov, foia-muckrock-responsive-docs): every
   document the reader gives a sender or a date is listed, to be read by hand (NOTES).
4. Cost: reading headers and segments per page, beside the PDF text extraction it follows.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from uncover.analyze.messages import MessageReading, apply_reading, read_message
from uncover.analyze.printed_values import subject_key
from uncover.model import Document, DocumentKind

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("UNCOVER_CORPORA", ROOT.parent / "shared" / "corpora"))
EASTERN = ZoneInfo("America/New_York")

NOTES = """
Disagreements read by hand (foia-clinton-state-pdfs, 168 documents):
- C05739694: not an e-mail (speech remarks); State's index takes the first lines as its subject
  and a date; uncover leaves it undated with its file name as heading (no header to read).
- C05739808: the text layer holds the body before the header (OmniPage wrote it out of reading
  order); the header is not at the top of the text, so it is not taken as the document's own, and
  the document is left undated with a warning (not dated from the PDF).
- C05739814, C05739819, C05739827: the subject line is split by the text layer ("Subject: FW:"
  and "- Benghazi" / "Monday November 26 ..." printed elsewhere); uncover keeps what the line
  holds ("FW:", "Re:"), State's index has the whole subject.
- C05739868: OCR turned "Fw:" into "Fvic"; the subject reads "Fvic From HRC friend".
- C05739777: State's index is wrong: its sender is "Huma, Abedin" (first and last name swapped,
  as if "Last, First"); the page prints "Huma Abedin". Counted as agreement by the name rule
  (same words), but State's value is not a "Last, First" name.
- State's index truncates long subjects: C05739818 "NYT: CLINTON CITES CLEAR LINK BETWE",
  C05739783 "QUICK READOUT FROM JEFF FELTMAN IN TRIPOL"; counted by the truncation rule.
- State's index subject "CGI DRAFT V3 092212.DOCX" (C05739767) is the attachment's name where
  the printed subject is the same; State upper-cases every subject.
- `to`: in most of the 108 documents whose printed To: line is empty, State's index names a recipient
  the page does not print (H's address was left off the print); where the page prints recipients,
  disagreements are OCR-damaged addresses ("tanleyrnr@state.gov" for hanleymr@state.gov) and
  State's own errors: C05739607 prints "To: Marshall, Capricia P; Kennedy, Patrick F", State's
  index says "H".
False detections on records that are not e-mail (section 3): the one header found is a real
e-mail printed to PDF (a police department's released e-mails); no memo, form, letter or table
was given a sender or a date, with OCR off or on (`--ocr`).
"""


# -- State's index -------------------------------------------------------------------------------------
def load_state_index(folder: Path) -> dict[str, dict]:
    """Document number -> State's row (the file is JavaScript: `new Date(ms)` values)."""
    raw = re.sub(r"new Date\((-?\d+)\)", r"\1", (folder / "search_data.json").read_text("utf-8"))
    out: dict[str, dict] = {}
    for block in json.loads(raw):
        for row in block.get("Results", []):
            out.setdefault(Path(row["pdfLink"]).stem, row)
    return out


def eastern_day(value: str | None) -> str:
    """The calendar day of an ISO value: converted to US Eastern when it has an offset."""
    if not value:
        return ""
    if len(value) > 19 and (value[19:20] in "+-Z"):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(EASTERN).date().isoformat()
    return value[:10]


def name_words(value: str | None) -> list[str]:
    if not value:
        return []
    v = re.sub(r"<[^>]*>?|\[[^\]]*\]?|\([^)]*\)?", " ", value)
    if "@" in v and len(v.split()) == 1:  # an address alone (OCR damage included): its local part
        return [re.sub(r"[^\w]", "", v.split("@")[0]).casefold()]
    words = re.findall(r"[^\W\d_]+", v.casefold())
    long = [w for w in words if len(w) > 1]
    return sorted(long or words)


def same_name(ours: str | None, theirs: str | None) -> bool:
    a, b = name_words(ours), name_words(theirs)
    if not a and not b:
        return True
    if not a or not b:
        return False
    return difflib.SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= 0.8


def among_names(ours: str | None, theirs: str | None) -> bool:
    wanted = [p for p in re.split(r"[;\n]", theirs or "") if p.strip(" ;")]
    if not wanted:
        return not ours
    mine = [p for p in re.split(r"[;\n]", ours or "") if p.strip()]
    return all(any(same_name(m, w) for m in mine) for w in wanted)


def same_subject(ours: str | None, theirs: str | None) -> tuple[bool, bool]:
    """(agrees, agrees exactly)."""
    a, b = subject_key(ours), subject_key(theirs)
    if a == b:
        return True, True
    if a and b and (difflib.SequenceMatcher(None, a, b).ratio() >= 0.9 or (len(b) >= 20 and a.startswith(b))):
        return True, False
    return False, False


# -- reading a State PDF as the ingest does ------------------------------------------------------------
def read_pdf(path: Path) -> tuple[Document, MessageReading, list[str]]:
    from uncover.ingest.formats.base import ReadContext
    from uncover.ingest.formats.pdf import READER

    with tempfile.TemporaryDirectory() as scratch:
        extraction = READER.read(path, ReadContext(scratch=Path(scratch), ocr=None, ocr_mode="never", display_name=path.name))
    md = dict(extraction.metadata)
    doc = Document(id=0, production_id=1, kind=extraction.kind, filename=path.name, path=path.name, sha256="", md5="",
                   size=path.stat().st_size, subject=md.get("subject"), author=md.get("author"), title=md.get("title"),
                   date=md.get("date") or md.get("created") or md.get("modified"), metadata=md)
    pages = [p.text for p in extraction.pages]
    reading = read_message(pages, derive=True)
    apply_reading(doc, reading)
    return doc, reading, pages


def _sent_line(page: str) -> bool:
    """A printed Sent line on the page, found independently of the reader: a line starting with
    `Sent` (colon or not) followed by a weekday, a month name or a numeric date."""
    return bool(re.search(r"(?im)^\W{0,3}Sent\b\W{0,3}(?:[A-Z][a-z]+day|\w*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|\d)",
                          page))


@dataclass
class StateScore:
    documents: int = 0
    agree: Counter = field(default_factory=Counter)
    exact_subject: int = 0
    to_printed: int = 0
    to_printed_agree: int = 0
    dated_from_file: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    def share(self, name: str) -> float:
        return self.agree[name] / self.documents if self.documents else 0.0


def score_state(folder: Path) -> StateScore:
    index = load_state_index(folder)
    score = StateScore()
    for path in sorted(folder.glob("*.pdf")):
        row = index.get(path.stem)
        if row is None:
            continue
        doc, reading, pages = read_pdf(path)
        score.documents += 1
        want_day = datetime.fromtimestamp(row["docDate"] / 1000, EASTERN).date().isoformat()
        subject_ok, exact = same_subject(doc.subject, row["subject"])
        result = {"date": eastern_day(doc.date) == want_day, "subject": subject_ok,
                  "from": same_name(doc.sender, row["from"]), "to": among_names(doc.recipients, row["to"].strip(";"))}
        score.exact_subject += exact
        if doc.recipients:  # State's `to` is often a recipient the page does not print (an empty To: line)
            score.to_printed += 1
            score.to_printed_agree += result["to"]
        for name, ok in result.items():
            score.agree[name] += ok
        if _sent_line(pages[0] if pages else "") and doc.date and doc.date in (doc.metadata.get("created"), doc.metadata.get("modified")):
            score.dated_from_file.append(path.stem)
        if not all(result.values()):
            bad = ",".join(k for k, ok in result.items() if not ok)
            score.disagreements.append(
                f"{path.stem} [{bad}] uncover: {eastern_day(doc.date) or '-'} | {doc.sender} | {doc.recipients} | {doc.subject}"
                f"\n{'':12}State:   {want_day} | {row['from']} | {row['to']} | {row['subject']}")
    return score


# -- sections --------------------------------------------------------------------------------------------
def state_pdfs(show: bool) -> None:
    score = score_state(CORPORA / "foia-clinton-state-pdfs")
    print(f"\n== foia-clinton-state-pdfs: {score.documents} documents against State's index (search_data.json)")
    for name in ("date", "subject", "from", "to"):
        print(f"  {name:8} {score.agree[name]:4}/{score.documents} agree  {score.share(name):6.1%}")
    print(f"  subject exactly equal (prefixes, case and punctuation folded): {score.exact_subject}/{score.documents}")
    print(f"  to, where the page prints a recipient: {score.to_printed_agree}/{score.to_printed} agree "
          f"(elsewhere the printed To: line is empty; State's index names the recipient all the same)")
    print(f"  dated from the PDF's creation/modification date although a Sent line is printed: {len(score.dated_from_file)}"
          + (f" {score.dated_from_file}" if score.dated_from_file else ""))
    if show:
        print("  disagreements:")
        for line in score.disagreements:
            print("  " + line)


def state_texts(spot: int) -> None:
    files = sorted((CORPORA / "foia-clinton-state-text").rglob("*.txt"))
    counts: Counter = Counter()
    samples = []
    unreadable = []
    for path in files:
        pages = path.read_text("utf-8", errors="replace").split("\f")
        reading = read_message(pages)
        fields = {d.field: d.value for d in reading.derived if d.value}
        counts["documents"] += 1
        if reading.header:
            counts["header"] += 1
            counts[f"style {reading.header}"] += 1
            for name in ("date", "sender", "subject", "recipients"):
                counts[name] += name in fields
            if reading.sent_printed and "date" not in fields:
                unreadable.append(f"{path.name}: {'; '.join(reading.warnings)}")
            samples.append((path.name, fields))
        counts["quoting"] += reading.quoted > 0
    n = counts["documents"]
    print(f"\n== foia-clinton-state-text: {n} OCR texts (pdftotext layout of two other monthly releases)")
    print(f"  printed header found at the top: {counts['header']} ({counts['header'] / n:.1%}); "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k.startswith("style")))
    h = counts["header"] or 1
    print(f"  of those: date read {counts['date']} ({counts['date'] / h:.1%}), sender {counts['sender']}, "
          f"subject {counts['subject']}, recipients {counts['recipients']}; quoting earlier messages: {counts['quoting']}")
    print(f"  Sent line printed but left undated (unreadable or ambiguous): {len(unreadable)}")
    for line in unreadable:
        print(f"    {line}")
    rng = random.Random(11)
    for name, fields in rng.sample(samples, min(spot, len(samples))):
        print(f"  spot-check {name}: " + " | ".join(f"{k}={fields.get(k, '')}" for k in ("date", "sender", "recipients", "subject")))


NOT_EMAIL = ("office-docs", "pdf-tables-gov", "foia-muckrock-responsive-docs")


def not_email_findings(corpora: Path = CORPORA, ocr: bool = False) -> tuple[Counter, list[tuple[str, str, dict[str, str]]]]:
    """Every file (and archive member, attachment) of the not-e-mail sets read as the ingest reads
    it: counts, and (name, header style, fields read) for each where a printed header was found."""
    from uncover.ingest.process import ItemProcessor, ItemSettings, ItemTask
    from uncover.ingest.workers import LocalPool

    files = [p for name in NOT_EMAIL for p in sorted((corpora / name).rglob("*"))
             if p.is_file() and p.name != "MANIFEST.tsv" and not p.name.startswith("LICENSE")]
    found: list[tuple[str, str, dict[str, str]]] = []
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as scratch, LocalPool(ItemProcessor(ItemSettings(ocr_mode="auto" if ocr else "never"))) as pool:
        names: dict[int, str] = {}
        for i, path in enumerate(files):
            names[i] = str(path.relative_to(corpora))
            pool.submit(ItemTask(i, path, path.name, Path(scratch) / str(i), path.stat().st_size))
        while (outcome := pool.next_outcome()) is not None:
            result = outcome.result
            counts["files"] += 1
            if result is None or result.extraction is None:
                counts["not read"] += 1
                continue
            counts["documents"] += 1
            for child in result.extraction.children:  # attachments and archive members, as the ingest does
                k = len(names)
                names[k] = f"{names[outcome.task.input_id]}//{child.name}"
                pool.submit(ItemTask(k, child.path, child.name, Path(scratch) / str(k), child.path.stat().st_size))
            reading = result.reading
            if reading is None or result.extraction.kind == DocumentKind.EMAIL:
                continue
            fields = {d.field: d.value for d in reading.derived if d.value}
            if reading.header:
                counts["header"] += 1
                found.append((names[outcome.task.input_id], reading.header, fields))
            if "sender" in fields or "date" in fields:
                counts["sender or date"] += 1
    return counts, found


def not_email(ocr: bool) -> None:
    counts, found = not_email_findings(CORPORA, ocr)
    print(f"\n== not e-mail ({', '.join(NOT_EMAIL)}; OCR {'on' if ocr else 'off'}): {counts['files']} files and members, "
          f"{counts['documents']} read (native e-mails among the members skipped); printed header found on "
          f"{counts['header']}, giving a sender or date on {counts['sender or date']}")
    for name, style, fields in found:
        print(f"    {name}: {style}: " + " | ".join(f"{k}={v}" for k, v in fields.items()))


def cost() -> None:
    from uncover.ingest.formats.base import ReadContext
    from uncover.ingest.formats.pdf import READER

    pdfs = sorted((CORPORA / "foia-clinton-state-pdfs").glob("*.pdf"))
    extract, reading, pages_total = [], [], 0
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(3):  # A/B interleaved: extraction, then reading of the same document
            e_total = r_total = 0.0
            pages_total = 0
            for path in pdfs:
                t = time.perf_counter()
                extraction = READER.read(path, ReadContext(scratch=Path(scratch), ocr=None, ocr_mode="never"))
                e_total += time.perf_counter() - t
                texts = [p.text for p in extraction.pages]
                pages_total += len(texts)
                t = time.perf_counter()
                read_message(texts)
                r_total += time.perf_counter() - t
            extract.append(e_total)
            reading.append(r_total)
    load = os.getloadavg()[0]
    print(f"\n== cost on {len(pdfs)} PDFs, {pages_total} pages (3 runs, min/median; load average {load:.1f} on "
          f"{os.cpu_count()} cores)")
    print(f"  PDF text extraction (PDFium): {pages_total / min(extract):,.0f} / {pages_total / statistics.median(extract):,.0f} pages/s")
    print(f"  printed headers and segments: {pages_total / min(reading):,.0f} / {pages_total / statistics.median(reading):,.0f} pages/s "
          f"({statistics.median(reading) / statistics.median(extract):.0%} of extraction time)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-disagreements", action="store_true")
    parser.add_argument("--spot-check", type=int, default=0)
    parser.add_argument("--ocr", action="store_true", help="OCR image-only pages of the not-e-mail records (slow)")
    parser.add_argument("--skip-not-email", action="store_true")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"corpora not found at {CORPORA}", file=sys.stderr)
        return 1
    state_pdfs(args.show_disagreements)
    state_texts(args.spot_check)
    if not args.skip_not_email:
        not_email(args.ocr)
    cost()
    print(NOTES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
