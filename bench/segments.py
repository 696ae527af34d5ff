"""Own text against hand labels: word precision and recall of the author's own part of a message.

Run: .venv/bin/python bench/segments.py [--show-errors]
(corpora from UNCOVER_CORPORA, default ../shared/corpora beside the checkout).

Labels (bench/labels/segments/own_text.tsv, method in its README.md): 131 real messages read by
hand: Enron e-mails from the EDRM production (native EML, many quoting with `-----Original
Message-----` blocks, a GroupWise `>>>` attribution, an AOL "In a message dated" one), State
Department printed e-mails (OCR text in pdftotext layout and the PDFs' own text layer, Outlook
headers, BlackBerry `Original Message` blocks, "Begin forwarded message"), plus talon's twelve
standard replies whose expected reply ships with talon (Gmail, Apple Mail, Outlook, Yahoo, AOL,
Thunderbird, Android, Hotmail `>` quoting). 30 more (own_text_heldout.tsv: 20 Enron, 10 State) were
labelled after the splitter's errors on the first set were fixed and are scored on their own.

Each message is read as the ingest reads it (uncover's format readers), split by
`analyze.segments`, and every word of the text is counted: own in the labels and in the
prediction (true positive), only in the prediction, or only in the labels. Words of page
furniture (State's page header, release stamps, exemption codes) and of the EDRM footer that
ZL Technologies appended to every Enron message are not counted: they are no one's words.
Talon's expected replies are plain text, so they are compared as bags of words.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from uncover.analyze.messages import read_message
from uncover.analyze.normalize import mask_furniture
from uncover.ingest.formats import identify
from uncover.ingest.formats.base import ReadContext

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("UNCOVER_CORPORA", ROOT.parent / "shared" / "corpora"))
LABELS = ROOT / "bench" / "labels" / "segments" / "own_text.tsv"
# labelled after the splitter's errors on LABELS were fixed, and never used to change it
HELD_OUT = ROOT / "bench" / "labels" / "segments" / "own_text_heldout.tsv"
_WORD = re.compile(r"\w+")
_FOOTER = re.compile(r"^\*{5,}$|EDRM Enron Email Data Set has been produced")


@dataclass
class Label:
    path: str
    spans: list[tuple[int, int]]  # own lines, inclusive
    anchors: list[tuple[str, str]]


def load_labels(path: Path = LABELS) -> list[Label]:
    out = []
    for row in path.read_text("utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        name, spans, first, last = (row.split("\t") + ["", "", ""])[:4]
        if spans.strip() == "-":
            out.append(Label(name, [], []))
            continue
        a, b = (int(x) for x in spans.split("-"))
        out.append(Label(name, [(a, b)], [(first, last)]))
    return out


def document_pages(path: Path) -> list[str]:
    """The pages of a file as the ingest reads them."""
    reader = identify(path, path.name)
    with tempfile.TemporaryDirectory() as scratch:
        extraction = reader.read(path, ReadContext(scratch=Path(scratch), ocr=None, ocr_mode="never", display_name=path.name))
    return [p.text for p in extraction.pages]


def _line_starts(text: str) -> list[int]:
    starts, pos = [], 0
    for line in text.split("\n"):
        starts.append(pos)
        pos += len(line) + 1
    return starts


def counted_words(text: str) -> list[tuple[int, int]]:
    """(start, end) of every word that counts: not furniture, not the Enron footer."""
    masked = mask_furniture(text)
    skip = set()
    pos = 0
    for line in text.split("\n"):
        if _FOOTER.search(line.strip()):
            skip.update(range(pos, pos + len(line)))
        pos += len(line) + 1
    return [(m.start(), m.end()) for m in _WORD.finditer(masked) if m.start() not in skip]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.messages += other.messages
        self.errors.extend(other.errors)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score_label(label: Label, corpora: Path = CORPORA) -> Tally:
    pages = document_pages(corpora / label.path)
    text = "\n".join(pages)
    lines = text.split("\n")
    starts = _line_starts(text)
    for (a, b), (first, last) in zip(label.spans, label.anchors, strict=True):
        for k, anchor in ((a, first), (b, last)):
            if not " ".join(lines[k].split()).startswith(anchor):
                raise ValueError(f"{label.path}: line {k} no longer reads {anchor!r}; the text as read changed, relabel it")
    gold = set()
    for a, b in label.spans:
        gold.update(range(starts[a], starts[b] + len(lines[b])))
    reading = read_message(pages)
    predicted = set()
    for seg in reading.segments:
        if seg.kind == "own":
            predicted.update(range(seg.start, seg.end))
    tally = Tally(messages=1)
    for start, _ in counted_words(text):
        g, p = start in gold, start in predicted
        tally.tp += g and p
        tally.fp += p and not g
        tally.fn += g and not p
    if tally.fp or tally.fn:
        tally.errors.append(f"{label.path}: {tally.fp} words wrongly own, {tally.fn} own words missed")
    return tally


def talon_cases(corpora: Path = CORPORA) -> list[tuple[Path, str]]:
    folder = corpora / "email-eml-mbox-fixtures" / "talon" / "standard_replies"
    out = []
    for path in sorted(folder.glob("*.eml")):
        expected = path.with_name(path.stem + "_reply_text")
        # talon's own test: the reply is "Hello" unless a <name>_reply_text file says otherwise
        out.append((path, expected.read_text("utf-8").strip() if expected.exists() else "Hello"))
    return out


def score_talon(path: Path, expected: str) -> Tally:
    pages = document_pages(path)
    text = "\n".join(pages)
    reading = read_message(pages)
    own = "\n".join(text[s.start : s.end] for s in reading.segments if s.kind == "own")
    got, want = Counter(_WORD.findall(own.lower())), Counter(_WORD.findall(expected.lower()))
    both = sum((got & want).values())
    tally = Tally(both, sum(got.values()) - both, sum(want.values()) - both, 1)
    if tally.fp or tally.fn:
        tally.errors.append(f"{path.name}: own text {own!r}, expected {expected!r}")
    return tally


def score_all(corpora: Path = CORPORA) -> dict[str, Tally]:
    sets: dict[str, Tally] = {}
    for label in load_labels():
        name = label.path.split("/")[0]
        sets.setdefault(name, Tally()).add(score_label(label, corpora))
    talon = Tally()
    for path, expected in talon_cases(corpora):
        talon.add(score_talon(path, expected))
    sets["talon standard replies"] = talon
    held_out = Tally()
    for label in load_labels(HELD_OUT):
        held_out.add(score_label(label, corpora))
    sets["held out (Enron and State, labelled later)"] = held_out
    return sets


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"corpora not found at {CORPORA}", file=sys.stderr)
        return 1
    sets = score_all()
    total = Tally()
    print("own-text word precision / recall against hand labels")
    for name, tally in sets.items():
        total.add(tally)
        print(f"  {name:45} {tally.messages:4} messages  P {tally.precision:.3f}  R {tally.recall:.3f}  "
              f"({tally.tp} words right, {tally.fp} wrongly own, {tally.fn} missed)")
    print(f"  {'all':45} {total.messages:4} messages  P {total.precision:.3f}  R {total.recall:.3f}")
    if args.show_errors:
        for line in total.errors:
            print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
