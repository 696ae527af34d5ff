"""Benchmark and agreement: uncover's MSG reader (olefile, BSD) against extract-msg (GPL-3.0).

uncover read .msg files with extract-msg until its licence (GPL-3.0, against uncover's Apache-2.0)
ruled it out of the core. This measures, on every .msg fixture in the corpora, what a reviewer sees:
subject, sender, To, Cc, attachment names and the first 300 characters of the body, from both
readers, and their speed (A/B interleaved, min and median of `--rounds`). extract-msg is only
needed here: `pip install extract-msg` before running.

    .venv/bin/python bench/msg_readers.py [--corpora ../shared/corpora] [--rounds 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from uncover.ingest.formats import msg
from uncover.ingest.formats.base import ReadContext


def ours(path: Path, scratch: Path) -> dict[str, object]:
    ex = msg.READER.read(path, ReadContext(scratch=scratch, display_name=path.name))
    text = ex.pages[0].text
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    return {"subject": ex.metadata.get("subject"), "from": ex.metadata.get("from"), "to": ex.metadata.get("to"),
            "cc": ex.metadata.get("cc"), "attachments": sorted(c.name for c in ex.children), "body": _norm(body)}


def theirs(path: Path) -> dict[str, object]:
    import extract_msg
    from extract_msg.enums import ErrorBehavior

    logging.getLogger("extract_msg").setLevel(logging.CRITICAL)
    m = extract_msg.openMsg(str(path), errorBehavior=ErrorBehavior.SUPPRESS_ALL)
    try:
        names = []
        for att in getattr(m, "attachments", []) or []:
            getattr(att, "data", None)  # read the attachment, as uncover's reader writes it out
            name = getattr(att, "longFilename", None) or getattr(att, "shortFilename", None) or getattr(att, "name", None)
            if name:
                names.append(str(name))
        body = getattr(m, "body", None) or ""
        return {"subject": getattr(m, "subject", None), "from": getattr(m, "sender", None), "to": getattr(m, "to", None),
                "cc": getattr(m, "cc", None), "attachments": sorted(names), "body": _norm(str(body))}
    finally:
        m.close()


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w@.]+", " ", text.lower()).split())[:300]


def _same(field: str, a: object, b: object) -> bool:
    if field == "attachments":  # an attached Outlook item is an .eml here, a .msg there
        strip = [re.sub(r"\.(eml|msg)$", "", str(x).lower()) for x in a]  # type: ignore[union-attr]
        other = [re.sub(r"\.(eml|msg)$", "", str(x).lower()) for x in b]  # type: ignore[union-attr]
        return strip == other
    if field == "body":
        return str(a)[:200] == str(b)[:200]
    emails = lambda v: sorted(set(re.findall(r"[\w.+-]+@[\w.-]+", str(v or "").lower())))  # noqa: E731
    if field in ("from", "to", "cc") and (emails(a) or emails(b)):
        return emails(a) == emails(b)
    return " ".join(str(a or "").split()).strip('"') == " ".join(str(b or "").split()).strip('"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpora", type=Path, default=Path(os.environ.get("UNCOVER_CORPORA", "../shared/corpora")))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = sorted(p for p in args.corpora.rglob("*.msg") if p.is_file())
    fields = ("subject", "from", "to", "cc", "attachments", "body")
    agree = dict.fromkeys(fields, 0)
    failures = {"ours": 0, "extract-msg": 0}
    disagreements: list[str] = []
    both = 0
    for path in files:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                a = ours(path, Path(tmp))
            except Exception:  # noqa: BLE001
                a = None
                failures["ours"] += 1
        try:
            b = theirs(path)
        except Exception:  # noqa: BLE001
            b = None
            failures["extract-msg"] += 1
        if a is None or b is None:
            continue
        both += 1
        for f in fields:
            if _same(f, a[f], b[f]):
                agree[f] += 1
            else:
                disagreements.append(f"{path.name}: {f}: ours {str(a[f])[:70]!r} / extract-msg {str(b[f])[:70]!r}")
    print(f"{len(files)} MSG fixtures; unreadable: ours {failures['ours']}, extract-msg {failures['extract-msg']}")
    print("agreement where both read the file: " + ", ".join(f"{f} {agree[f]}/{both}" for f in fields))
    for line in disagreements:
        print("  " + line)
    times: dict[str, list[float]] = {"ours": [], "extract-msg": []}
    for _ in range(args.rounds):
        for name in ("ours", "extract-msg"):  # interleaved A/B
            started = time.perf_counter()
            for path in files:
                try:
                    if name == "ours":
                        with tempfile.TemporaryDirectory() as tmp:
                            ours(path, Path(tmp))
                    else:
                        theirs(path)
                except Exception:  # noqa: BLE001
                    pass
            times[name].append(time.perf_counter() - started)
    load = os.getloadavg()[0]
    for name, values in times.items():
        print(f"{name:12s} all {len(files)} files: min {min(values):.2f} s, median {statistics.median(values):.2f} s "
              f"(load average {load:.1f})")


if __name__ == "__main__":
    main()
