"""The precision half of bench/tables.py on real releases: the detections labelled true or false
in bench/labels/tables/muckrock/ (method in its README) are detected again on their pages; a
labelled detection is still reported when a table found now covers more than half of its box.
Two samples: 48 detections drawn from every PDF of the set (detections.json), and the 13 tables
a default ingest reported on the FBI e-mail files of the Burge release (email_ingest.json)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "labels" / "tables" / "muckrock"
SAMPLES = {"MuckRock detections": FOLDER / "detections.json", "FBI e-mail files, default ingest": FOLDER / "email_ingest.json"}


def _covered(now: tuple[float, ...], then: list[float]) -> float:
    width = max(0.0, min(now[2], then[2]) - max(now[0], then[0]))
    height = max(0.0, min(now[3], then[3]) - max(now[1], then[1]))
    return width * height / max(1e-6, (then[2] - then[0]) * (then[3] - then[1]))


def run_muckrock(corpora: Path) -> None:
    for title, path in SAMPLES.items():
        _run_sample(corpora, title, path)


def _run_sample(corpora: Path, title: str, path: Path) -> None:
    from uncover.analyze.tables import pdf_tables

    labels = json.loads(path.read_text())
    root = corpora / labels["source"]
    found: dict[tuple[str, int], list] = {}
    started = time.perf_counter()
    for d in labels["detections"]:
        key = (d["file"], d["page"])
        if key not in found:
            found[key] = pdf_tables(root / d["file"], pages=[d["page"]], join=False)
    seconds = time.perf_counter() - started
    kept = [any(_covered(t.bbox, d["bbox"]) > 0.5 for t in found[(d["file"], d["page"])]) for d in labels["detections"]]
    true = [d["table"] for d in labels["detections"]]
    kept_true = sum(k and t for k, t in zip(kept, true, strict=True))
    kept_false = sum(k and not t for k, t in zip(kept, true, strict=True))
    print(f"\n{title} ({len(true)} labelled, {sum(true)} true tables; load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}): precision {sum(true) / len(true):.3f} when labelled, "
          f"now {kept_true / max(1, kept_true + kept_false):.3f} ({len(true) - kept_true - kept_false} dropped, {kept_true} true and {kept_false} false still "
          f"reported, {sum(true) - kept_true} true lost), {len(found) / seconds:.2f} pages/s")
    for d, k in zip(labels["detections"], kept, strict=True):
        if k and not d["table"]:
            print(f"    still reported: {d['kind']} ({d['method']}) {d['file'].split('/')[-1]} p{d['page']}")
        if not k and d["table"]:
            print(f"    lost: {d['file'].split('/')[-1]} p{d['page']}")
