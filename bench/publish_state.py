"""Publishing real records: the 168 State Department e-mail releases of the shared corpora,
every other one published, the rest left in the case as unpublished. Prints the leak check's
findings (the target is none: every one would be a false alarm, since the site is built by
uncover from published text only), what the personal-data policy masked, and the time taken.

    .venv/bin/python bench/publish_state.py [--corpora DIR] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=Path(os.environ.get("UNCOVER_CORPORA", "../shared/corpora")))
    parser.add_argument("--keep", type=Path, help="Keep the case and site in this folder.")
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()

    from uncover import Case
    from uncover.ingest.pipeline import IngestOptions, ingest
    from uncover.publish import add_documents, create_publication, publish

    source = args.corpora / "foia-clinton-state-pdfs"
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-publish-state-"))
    shutil.rmtree(work, ignore_errors=True)
    (work / "in").mkdir(parents=True)
    for pdf in sorted(source.glob("*.pdf")):
        shutil.copyfile(pdf, work / "in" / pdf.name)
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with Case.init(work / "case") as case:
        t = time.perf_counter()
        ingest(case, [work / "in"], IngestOptions(ocr="never", workers=args.workers, production="State F-2015-04841"))
        docs = sorted(case.store.iter_documents(), key=lambda d: d.filename)
        print(f"ingested {len(docs)} releases in {time.perf_counter() - t:.1f} s")
        pub = create_publication(case, "state", "State releases")
        add_documents(case, pub, [d.label for d in docs[::2]])
        t = time.perf_counter()
        result = publish(case, pub, work / "site", workers=args.workers or None)
        wall = time.perf_counter() - t
    f = result.figures
    print(f"published {f.documents} of {len(docs)} releases, {f.pages} pages, in {wall:.1f} s "
          f"({', '.join(f'{k} {v:.1f} s' for k, v in result.seconds.items())})")
    print(f"pages with text left out as hidden: {result.text_rebuilt_pages}; text withheld: {result.text_withheld_pages}; "
          f"without a picture: {result.pages_without_image}")
    kinds = Counter(m["kind"] for m in result.masked)
    print("personal data masked: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    print(f"leak check findings: {len(result.leaks)} (accepted: {len(result.accepted)})")
    for leak in result.leaks[:20]:
        print(f"  {leak}")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if result.leaks else 0


if __name__ == "__main__":
    sys.exit(main())
