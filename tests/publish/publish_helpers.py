"""The canary case: real State Department PDFs plus generated ones with a canary planted in every
place nothing may leak from. A canary is one unmistakable word inside ordinary sentences.

Planted (each canary below names its place):
  * an unpublished document: its text, and its file name;
  * a private note, an annotation not marked public;
  * a published PDF: its path (a folder name), its PDF metadata (Author), its custodian;
  * a published page: text under a black box drawn after it (a failed redaction), under an
    18-pt black stroked line, under a black image, under a black Square annotation, under a box
    burned into a scan with an invisible text layer;
  * personal data in published page text: Cc and Bcc addresses of a printed e-mail, an e-mail
    address and a phone number in a memo, and the custodian's name.
And the false alarm of issue 14: an unpublished table of numbers `1 2 3 4 5 6 7 8 9` while a
published nine-page document puts the same run in its page navigation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyze"))
from rawpdf import PAGE_HEIGHT, PAGE_WIDTH, RawPdf  # noqa: E402  (the analyze tests' PDF writer)

CANARY_UNPUBLISHED = "zqxunpub7731"
CANARY_FILENAME = "zqxfile8830"
CANARY_NOTE = "zqxnote5520"
CANARY_ANNOTATION = "zqxannot8842"
CANARY_PATH = "zqxpath4471"
CANARY_AUTHOR = "zqxauthor5512"
CANARY_CUSTODIAN = "Zqxcustody"
CANARY_REDACTED = "zqxredact4417"
CANARY_STROKE = "zqxstroke2290"
CANARY_IMAGE = "zqximage6613"
CANARY_SQUARE = "zqxsquare3307"
CANARY_SCAN = "zqxscan9951"
CANARY_CC = "zqxcc6610"
CANARY_BCC = "zqxbcc7720"
CANARY_EMAIL = "zqxmail3310"
CANARY_PHONE = "555-0187"
HIDDEN_CANARIES = {"failed redaction": CANARY_REDACTED, "stroked line": CANARY_STROKE, "black image": CANARY_IMAGE,
                   "square annotation": CANARY_SQUARE, "burned-in box on a scan": CANARY_SCAN}
CANARIES = (CANARY_UNPUBLISHED, CANARY_FILENAME, CANARY_NOTE, CANARY_ANNOTATION, CANARY_PATH, CANARY_AUTHOR,
            CANARY_CUSTODIAN, CANARY_CC, CANARY_BCC, CANARY_EMAIL, CANARY_PHONE, *HIDDEN_CANARIES.values())
UNPUBLISHED_SENTENCE = "The informant met the deputy director near the border crossing on Tuesday night."
PUBLISHED_PHRASE = "the detainer pilot program expanded quietly"
CORPUS_FILES = ("C05739547.pdf", "C05739554.pdf", "C05739559.pdf")


@dataclass
class PublishCase:
    root: Path
    published: list[str]  # labels
    unpublished: str
    redacted: str  # the published document with text under paint on four pages
    memo: str
    email: str
    scan: str
    appendix: str  # nine pages


def _text(lines: list[str], top: float = 740, size: int = 11) -> bytes:
    out = b""
    for i, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("cp1252")
        out += b"BT /F1 %d Tf 72 %.1f Td (%s) Tj ET\n" % (size, top - i * 20, escaped)
    return out


def _write(pdf: RawPdf, path: Path, info: bytes = b"") -> Path:
    data = pdf.bytes()
    if info:  # an Info dictionary, for the metadata canary
        data = data.replace(b"trailer\n<< ", b"trailer\n<< /Info %s " % info)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_pdfs(folder: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    pdf = RawPdf()
    info = pdf.add(b"<< /Title (Detainer memo) /Author (%s) >>" % CANARY_AUTHOR.encode())
    pdf.page(_text(["MEMORANDUM FOR THE FIELD OFFICES", f"Our review shows {PUBLISHED_PHRASE} across the region.",
                    "Field offices reported weekly on the numbers of people held.",
                    f"Questions go to {CANARY_EMAIL}@ice.example.gov or (202) {CANARY_PHONE} during office hours."]))
    pdf.page(_text(["Page two of the memorandum discusses the opt-out question and local jurisdictions.",
                    "The counties asked whether participation was mandatory for them."]))
    out["memo"] = _write(pdf, folder / CANARY_PATH / "memo.pdf", b"%d 0 R" % info)

    pdf = RawPdf()
    black = pdf.image(4, 4, bytes(16))
    lines = ["Briefing on Secure Communities for the Assistant Secretary.", "{}",
             "The rest of this briefing remains visible to every reader of the release."]
    box = b"0 g 66 %.1f 480 16 re f\n" % (740 - 20 - 4)  # over line 2, drawn after the text
    pdf.page(_text([x.format(f"The witness {CANARY_REDACTED} told investigators about the night transfer plan.")
                    for x in lines]) + box)
    pdf.page(_text([x.format(f"The stroke covers {CANARY_STROKE} and the rest of this line entirely.") for x in lines])
             + b"0 G 18 w 66 724 m 560 724 l S\n")
    pdf.page(_text([x.format(f"The picture covers {CANARY_IMAGE} and the rest of this line entirely.") for x in lines])
             + b"q 494 0 0 18 66 715 cm /Im1 Do Q\n", {"Im1": black})
    square = b"<< /Type /Annot /Subtype /Square /Rect [66 715 560 733] /IC [0 0 0] /C [0 0 0] >>"
    pdf.page(_text([x.format(f"The annotation covers {CANARY_SQUARE} and the rest of this line.") for x in lines]),
             annots=(square,))
    out["redacted"] = _write(pdf, folder / "redacted.pdf")

    out["scan"] = _write(scan_pdf(), folder / "scan.pdf")

    pdf = RawPdf()
    pdf.page(_text(["From: Press Office", "Sent: Tuesday, March 1, 2011 9:12 AM", "To: Field Office Directors",
                    f"Cc: {CANARY_CC}@ice.example.gov; Deputy Director",
                    f"Bcc: {CANARY_BCC}@ice.example.gov", "Subject: Detainer numbers for the counties",
                    f"Prepared by {CANARY_CUSTODIAN} Ortega for the weekly call.",
                    "The weekly detainer numbers for the counties are attached."]))
    out["email"] = _write(pdf, folder / "email.pdf")

    pdf = RawPdf()
    for n in range(1, 10):
        pdf.page(_text([f"Appendix page {n} of the statistics on detainers lodged by county."]))
    out["appendix"] = _write(pdf, folder / "appendix.pdf")

    pdf = RawPdf()
    pdf.page(_text(["Internal draft not released to the public in this publication.",
                    f"The informant {CANARY_UNPUBLISHED} met the deputy director near the border crossing on Tuesday night.",
                    "Table of counts by week:", "1 2 3 4 5 6 7 8 9"]))
    out["secret"] = _write(pdf, folder / f"draft-{CANARY_FILENAME}.pdf")
    return out


def scan_pdf() -> RawPdf:
    """A 144-dpi scanned page with a box burned over its second line, and an invisible OCR layer
    (render mode 3) over every line, the covered one included, as OCR software writes it."""
    from PIL import Image, ImageDraw, ImageFont

    lines = ["Scanned report on the county jail transfers.", f"The name {CANARY_SCAN} appears on the transfer list.",
             "The remainder of the scanned report is legible."]
    scan = Image.new("L", (PAGE_WIDTH * 2, PAGE_HEIGHT * 2), 255)
    draw = ImageDraw.Draw(scan)
    font = ImageFont.load_default(size=22)
    for i, line in enumerate(lines):
        draw.text((144, (PAGE_HEIGHT - (740 - i * 20)) * 2), line, font=font, fill=0, anchor="ls")
    draw.rectangle((130, (PAGE_HEIGHT - 736) * 2, 1000, (PAGE_HEIGHT - 714) * 2), fill=0)
    pdf = RawPdf()
    image = pdf.image(scan.width, scan.height, scan.tobytes())
    pdf.page(b"q %d 0 0 %d 0 0 cm /Im1 Do Q 3 Tr " % (PAGE_WIDTH, PAGE_HEIGHT) + _text(lines), {"Im1": image})
    return pdf


def build_publish_case(root: Path, corpora: Path) -> PublishCase:
    from uncover import Case
    from uncover.ingest.pipeline import IngestOptions, ingest
    from uncover.review import add_annotation, add_note

    generated = make_pdfs(root / "generated")
    state = root / "state"
    state.mkdir()
    for name in CORPUS_FILES:
        shutil.copyfile(corpora / "foia-clinton-state-pdfs" / name, state / name)
    case_root = root / "case"
    with Case.init(case_root) as case:
        ingest(case, [state], IngestOptions(ocr="never", workers=1, production="State release 1"))
        ingest(case, [root / "generated"], IngestOptions(ocr="never", workers=1, production="ICE release 1",
                                                         custodian=f"{CANARY_CUSTODIAN} Ortega"))
        by_name = {d.filename: d for d in case.store.iter_documents()}
        memo, redacted, secret = by_name["memo.pdf"], by_name["redacted.pdf"], by_name[generated["secret"].name]
        add_note(case, memo.id, f"Private: call {CANARY_NOTE} before we file the motion next week please.", "alice", 1)
        add_annotation(case, memo.id, 1, (0.1, 0.1, 0.6, 0.08), "The agency knew the program was expanding.", "alice",
                       public=True)
        add_annotation(case, memo.id, 2, (0.1, 0.2, 0.5, 0.1),
                       f"Do not publish: source {CANARY_ANNOTATION} is our confidential contact at the county jail.",
                       "alice", public=False)
        labels = {name: by_name[name].label for name in by_name}
        published = [labels[n] for n in CORPUS_FILES] + [labels[n] for n in ("memo.pdf", "redacted.pdf", "scan.pdf",
                                                                              "email.pdf", "appendix.pdf")]
        return PublishCase(case_root, published, secret.label, redacted.label, memo.label, labels["email.pdf"],
                           labels["scan.pdf"], labels["appendix.pdf"])


def guide_for(pc: PublishCase) -> str:
    return (f"# What the records show\n\nThe memo says the program grew [[{pc.memo} p1 \"pilot program expanded\"]], "
            f"and the counties asked about opting out [[{pc.memo} p2]]. The briefing is redacted [[{pc.redacted}]].\n")


def axe_script(cache: Path) -> Path:
    """axe.min.js from the npm registry (`npm pack axe-core`), cached between runs."""
    target = cache / "axe.min.js"
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail("npm is missing: the accessibility check needs axe-core from the npm registry")
        pytest.skip("npm not installed: cannot fetch axe-core for the accessibility check")
    work = cache / "pack"
    work.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run([npm, "pack", "axe-core", "--silent"], cwd=work, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        done = None
    tarballs = sorted(work.glob("axe-core-*.tgz"))
    if done is None or done.returncode != 0 or not tarballs:
        if os.environ.get("CI"):
            pytest.fail(f"npm pack axe-core failed: {done.stderr if done else 'timeout'}")
        pytest.skip("npm pack axe-core failed (offline?)")
    import tarfile

    with tarfile.open(tarballs[-1]) as tar:
        member = tar.getmember("package/axe.min.js")
        data = tar.extractfile(member).read()  # type: ignore[union-attr]
    target.write_bytes(data)
    return target
