"""Benchmark of the review workspace: search page and document view server time on a generated case.

The search page answers in two requests: the hits ("search"), then the facet panel the page
loads with htmx ("search facets"; "new query" counts only the first request for each query,
which is not answered from the per-query cache).

    .venv/bin/python bench/web.py                # 100,000 documents (generation takes a minute or two)
    .venv/bin/python bench/web.py --docs 20000 --keep /tmp/bench-case

Documents are inserted through the store and indexed with uncover.search.index.reindex; every
document shares one small real PDF as its original, so page images come from the cache after the
first render, as they do for a reviewer paging through a production. Times are measured around
each in-process request (routing, SQL, search, facets, template), without network.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("benghazi libya security embassy cable memo draft release part full withheld exemption privacy deliberative "
         "secretary ambassador tripoli consulate attack report briefing talking points press statement meeting schedule "
         "budget contract travel visa passport intelligence military humanitarian refugee sanctions oil minister "
         "council resolution vote protest video film riot evacuation staff personnel facility guard compound").split()
CUSTODIANS = [f"Custodian {c}" for c in "ABCDEFGHIJKLMNOPQRST"]
QUERIES = ["benghazi", '"talking points"', "embassy AND security", "secur*", "custodian:\"Custodian C\"", "kind:email",
           "date:2012-09-01..2012-12-31", "memo -draft", "*", "ambassador OR consulate"]


def make_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    c.drawString(72, 720, "UNCLASSIFIED  U.S. Department of State  benchmark page")
    c.showPage()
    c.save()


def generate(root: Path, n: int, seed: int = 7) -> None:
    from uncover import Case
    from uncover.model import Document, DocumentKind, Page, TextSource
    from uncover.search.index import reindex

    rng = random.Random(seed)
    with Case.init(root, name=f"bench {n:,}") as case:
        pdf = root / "bench.pdf"
        make_pdf(pdf)
        fp = case.blobs.put_file(pdf)
        pdf.unlink()
        prod = case.store.production("BENCH-VOL001")
        started = time.perf_counter()
        batch = 5000
        for start in range(0, n, batch):
            with case.store.transaction():
                for i in range(start, min(n, start + batch)):
                    kind = DocumentKind.EMAIL if i % 3 == 0 else DocumentKind.EDOC
                    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 160)))
                    day = f"{rng.randint(2009, 2014)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                    doc = Document(id=0, production_id=prod.id, kind=kind, filename=f"DOC{i:07d}.pdf", path=f"DOC{i:07d}.pdf",
                                   sha256=fp.sha256, md5=fp.md5, size=fp.size, custodian=rng.choice(CUSTODIANS),
                                   subject=" ".join(rng.choice(WORDS) for _ in range(5)), date=day, page_count=1,
                                   bates_begin=f"BENCH{i:07d}", bates_end=f"BENCH{i:07d}")
                    case.store.insert_document(doc, None, [Page(0, 1, text, TextSource.LAYER, bates=f"BENCH{i:07d}")])
        print(f"inserted {n:,} documents in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        reindex(case)
        case.index.close()
        print(f"indexed in {time.perf_counter() - started:.1f} s", flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def facets_url(page: str) -> str:
    """The facet panel request a search page makes once its hits are shown (htmx, on load)."""
    found = re.search(r'id="facet-panel" hx-get="([^"]+)"', page)
    assert found, "the search page names no facet panel request"
    return html.unescape(found.group(1))


def measure(root: Path, rounds: int) -> dict[str, list[float]]:
    from fastapi.testclient import TestClient

    from uncover.web.app import WebSettings, create_app

    app = create_app(root, WebSettings())
    times: dict[str, list[float]] = {"search": [], "search facets": [], "search facets, new query": [],
                                     "search page 2 by date": [], "document view": []}
    seen: set[str] = set()
    rng = random.Random(1)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        warm = client.get("/search?q=benghazi")  # open the index, warm the first thread
        t = time.perf_counter()
        client.get(facets_url(warm.text), headers={"HX-Request": "true"})  # read the facet arrays once
        print(f"first facet request (loads the case's facet arrays): {(time.perf_counter() - t) * 1000:.0f} ms")
        seen.add(facets_url(warm.text))
        client.get("/documents/1/pages/1/image")  # render the shared original once: later views hit the cache
        for _ in range(rounds):
            for q in QUERIES:
                t = time.perf_counter()
                r = client.get("/search", params={"q": q})
                times["search"].append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, (q, r.status_code)
                url = facets_url(r.text)
                t = time.perf_counter()
                f = client.get(url, headers={"HX-Request": "true"})
                elapsed = (time.perf_counter() - t) * 1000
                assert f.status_code == 200 and "data-facet=" in f.text, (q, f.status_code)
                times["search facets"].append(elapsed)
                if url not in seen:  # counted, not answered from the per-query cache
                    times["search facets, new query"].append(elapsed)
                    seen.add(url)
            t = time.perf_counter()
            client.get("/search", params={"q": rng.choice(QUERIES), "sort": "-date", "page": 2})
            times["search page 2 by date"].append((time.perf_counter() - t) * 1000)
            for _ in range(len(QUERIES)):
                doc_id = rng.randint(1, app.state.cases.get().store.counts()["documents"])
                t = time.perf_counter()
                r = client.get(f"/documents/{doc_id}", params={"q": "benghazi"})
                times["document view"].append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
                assert client.get(f"/documents/{doc_id}/pages/1/image").status_code == 200
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the case in this folder instead of a temporary one")
    args = parser.parse_args()
    tmp = None
    if args.keep:
        root = args.keep
    else:
        tmp = tempfile.TemporaryDirectory(prefix="uncover-web-bench-")
        root = Path(tmp.name) / "case"
    if not (root / "uncover.toml").exists():
        generate(root, args.docs)
    times = measure(root, args.rounds)
    targets = {"search": 300.0, "search facets": 300.0, "search facets, new query": 300.0,
               "search page 2 by date": 300.0, "document view": 200.0}
    ok = True
    for name, values in times.items():
        figure = p95(values)
        ok &= figure < targets[name]
        print(f"{name:26s} n={len(values):3d}  median {statistics.median(values):7.1f} ms  p95 {figure:7.1f} ms  "
              f"(target < {targets[name]:.0f} ms) {'ok' if figure < targets[name] else 'SLOW'}")
    if tmp:
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
