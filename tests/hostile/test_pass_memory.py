"""The duplicate passes run in the parent, over every text of the case: their memory must not grow
with the length of the texts. The red team's archive nest put 216 texts of 1 MB in one case and
drove the parent to 13.8 GB (fingerprinting 5,000 texts at once, about 65 bytes per character).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = r"""
import resource, sys
from pathlib import Path
from uncover import Case
from uncover.model import Document, DocumentKind, Page, TextSource
from uncover.analyze.casepasses import run_duplicate_passes

words = "detainer county sheriff records request memo program agency counsel schedule ".split()
with Case.init(Path(sys.argv[1])) as case:
    production = case.store.production("P1")
    for i in range(int(sys.argv[2])):
        text = f"Leaf {i % 6}. " + " ".join(words[(i % 6 + k) % len(words)] for k in range(180_000))
        doc = Document(id=0, production_id=production.id, kind=DocumentKind.EDOC, filename=f"leaf-{i}.txt",
                       path=f"leaf-{i}.txt", sha256=f"{i:064x}", md5="0" * 32, size=len(text))
        with case.store.transaction():
            case.store.insert_document(doc, None, [Page(0, 1, text, TextSource.NATIVE)])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = run_duplicate_passes(case)
    print(summary.duplicate_groups, summary.neardup_clusters, before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_the_duplicate_passes_stay_bounded_on_long_texts(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "case"), "12"], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    groups, _, before_kb, peak_kb = map(int, out.stdout.split())
    assert (peak_kb - before_kb) * 1024 < 600 * 1024**2, f"the passes took {(peak_kb - before_kb) / 1024:.0f} MB more"
    assert groups == 6  # 12 texts of 1 MB, six distinct
