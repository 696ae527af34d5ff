"""Helpers for the publish tests: a case built from real State Department PDFs plus generated ones with planted canaries.

Canaries are single, unmistakable words inside ordinary sentences, planted where nothing may leak
from: an unpublished document, a private note, an unpublished annotation, and text left under a
black box in a published document (a failed redaction).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

CANARY_UNPUBLISHED = "zqxunpub7731"
CANARY_NOTE = "zqxnote5520"
CANARY_ANNOTATION = "zqxannot8842"
CANARY_REDACTED = "zqxredact4417"
CANARIES = (CANARY_UNPUBLISHED, CANARY_NOTE, CANARY_ANNOTATION, CANARY_REDACTED)
PUBLISHED_PHRASE = "the detainer pilot program expanded quietly"
CORPUS_FILES = ("C05739547.pdf", "C05739554.pdf", "C05739559.pdf")


@dataclass
class PublishCase:
    root: Path
    published: list[str]  # labels
    unpublished: str
    redacted: str  # label of the published document with a failed redaction
    memo: str  # label of the published generated memo


def _lines(canvas, lines: list[str], top: float = 740) -> None:  # type: ignore[no-untyped-def]
    for i, line in enumerate(lines):
        canvas.drawString(72, top - i * 18, line)


def make_pdfs(folder: Path) -> dict[str, Path]:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    path = folder / "memo.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setTitle("Detainer memo")
    _lines(c, ["MEMORANDUM FOR THE FIELD OFFICES", f"Our review shows {PUBLISHED_PHRASE} across the region.",
               "Field offices reported weekly on the numbers of people held."])
    c.showPage()
    _lines(c, ["Page two of the memorandum discusses the opt-out question and local jurisdictions.",
               "The counties asked whether participation was mandatory for them."])
    c.showPage()
    c.save()
    out["memo"] = path
    path = folder / "redacted.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    _lines(c, ["Briefing on Secure Communities for the Assistant Secretary.",
               f"The witness {CANARY_REDACTED} told investigators about the night transfer plan.",
               "The rest of this briefing remains visible to every reader of the release."])
    c.setFillColorRGB(0, 0, 0)
    c.rect(66, 740 - 18 - 5, 480, 16, fill=1, stroke=0)  # drawn after the text: a failed redaction
    c.showPage()
    _lines(c, ["Second page of the briefing with nothing redacted on it at all."])
    c.showPage()
    c.save()
    out["redacted"] = path
    path = folder / "secret.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    _lines(c, ["Internal draft not released to the public in this publication.",
               f"The informant {CANARY_UNPUBLISHED} met the deputy director near the border crossing on Tuesday night."])
    c.showPage()
    c.save()
    out["secret"] = path
    return out


def build_publish_case(root: Path, corpora: Path) -> PublishCase:
    from uncover import Case
    from uncover.ingest.pipeline import IngestOptions, ingest
    from uncover.review import add_annotation, add_note

    generated = make_pdfs(root / "generated")
    inputs = root / "inputs"
    inputs.mkdir()
    for name in CORPUS_FILES:
        shutil.copyfile(corpora / "foia-clinton-state-pdfs" / name, inputs / name)
    for path in generated.values():
        shutil.copyfile(path, inputs / path.name)
    case_root = root / "case"
    with Case.init(case_root) as case:
        ingest(case, [inputs], IngestOptions(ocr="never", workers=1, production="State release 1"))
        by_name = {d.filename: d for d in case.store.iter_documents()}
        memo, redacted, secret = by_name["memo.pdf"], by_name["redacted.pdf"], by_name["secret.pdf"]
        add_note(case, memo.id, f"Private: call {CANARY_NOTE} before we file the motion next week please.", "alice", 1)
        add_annotation(case, memo.id, 1, (0.1, 0.1, 0.6, 0.08), "The agency knew the program was expanding.", "alice",
                       public=True)
        add_annotation(case, memo.id, 2, (0.1, 0.2, 0.5, 0.1),
                       f"Do not publish: source {CANARY_ANNOTATION} is our confidential contact at the county jail.",
                       "alice", public=False)
        published = [by_name[n].label for n in CORPUS_FILES] + [memo.label, redacted.label]
        return PublishCase(case_root, published, secret.label, redacted.label, memo.label)


def guide_for(pc: PublishCase) -> str:
    return (f"# What the records show\n\nThe memo says the program grew [[{pc.memo} p1]], and the counties asked about "
            f"opting out [[{pc.memo} p2]]. The briefing is redacted [[{pc.redacted}]].\n")


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
