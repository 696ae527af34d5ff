"""A team at work on one PostgreSQL case: two ingests of different productions and four reviewers
tagging at the same moment, each in its own process. Afterwards every count is exact: inputs =
documents + exceptions per production, no document twice, every tag once, one audit line per
change, and the search index holds every document once."""

from __future__ import annotations

import multiprocessing as mp
import subprocess
import sys
import time
from pathlib import Path

import pytest

from uncover import Case
from uncover.ingest.pipeline import IngestOptions, ingest, reconcile

REVIEWERS = 4
WORDS = "detainer county sheriff memo opt out program agency counsel schedule order release".split()


def production(folder: Path, prefix: str, files: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(files):
        text = " ".join(WORDS[(i * 5 + k) % len(WORDS)] for k in range(40))
        (folder / f"{prefix}-{i:03d}.txt").write_text(f"{prefix} record {i}. {text}\n", "utf-8")
    return folder


def reviewer(case_dir: str, who: int, doc_ids: list[int], ready: str, stop: str) -> tuple[int, int, int, int]:
    """Rounds of tagging until the ingests are done: every reviewer races to tag every document
    'hot'; each also tags its share with its own tag and untags a third of it, a different third
    each round. Returns (hot tags it added, its own tags left, its other changes, documents the
    ingests committed while it worked). It says it is at work (a file in `ready`) before the
    ingests are started, so they commit while it works however fast they run."""
    from uncover import review

    added_hot = changes = rounds = 0
    mine: set[int] = set()
    with Case.open(case_dir) as case:
        count = lambda: case.store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]  # noqa: E731
        first = count()
        (Path(ready) / str(who)).touch()
        while rounds < 2 or not Path(stop).exists():
            for n, doc_id in enumerate(doc_ids):
                added_hot += review.add_tag(case, doc_id, "hot", f"reviewer-{who}")
                if n % REVIEWERS != who:
                    continue
                if review.add_tag(case, doc_id, f"batch-{who}", f"reviewer-{who}"):
                    changes += 1
                mine.add(doc_id)
                if (n + rounds) % 3 == 0 and review.remove_tag(case, doc_id, f"batch-{who}", f"reviewer-{who}"):
                    changes += 1
                    mine.discard(doc_id)
            rounds += 1
        grew = count() - first
    return added_hot, len(mine), changes, grew


@pytest.mark.slow
def test_two_ingests_and_four_reviewers_at_once_on_postgresql(tmp_path: Path) -> None:
    case_dir = tmp_path / "case"
    case = Case.init(case_dir)
    if case.backend != "postgresql":
        case.close()
        pytest.skip("a PostgreSQL case (UNCOVER_TEST_DATABASE): SQLite has a single writer by design")
    seed = production(tmp_path / "P0", "seed", 24)
    ingest(case, [seed], IngestOptions(production="P0", ocr="never", workers=1))
    doc_ids = [d.id for d in case.store.iter_documents()]
    case.close()

    sources = {name: production(tmp_path / name, name.lower(), 40) for name in ("P1", "P2")}
    ctx = mp.get_context("spawn")
    with ctx.Pool(REVIEWERS) as pool:
        (ready := tmp_path / "reviewers-at-work").mkdir()
        stop = tmp_path / "ingests-done"
        results = [pool.apply_async(reviewer, (str(case_dir), who, doc_ids, str(ready), str(stop))) for who in range(REVIEWERS)]
        deadline = time.time() + 120
        while len(list(ready.iterdir())) < REVIEWERS and time.time() < deadline:
            time.sleep(0.1)
        ingests = [subprocess.Popen([sys.executable, "-m", "uncover", "ingest", str(case_dir), str(src), "--production", name,
                                     "--ocr", "never", "--workers", "1", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                   for name, src in sources.items()]
        for proc in ingests:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err.decode()
        stop.touch()
        outcomes = [r.get(timeout=300) for r in results]
    assert all(grew == 80 for *_, grew in outcomes), "every reviewer worked while the ingests committed"

    with Case.open(case_dir) as case:
        store = case.store
        per_production = {p["name"]: p["documents"] for p in store.production_counts()}
        assert per_production == {"P0": 24, "P1": 40, "P2": 40}
        assert reconcile(case)["difference"] == 0 and reconcile(case)["pending"] == 0
        assert store.conn.execute("SELECT COUNT(*) FROM (SELECT sha256 FROM documents GROUP BY sha256 HAVING COUNT(*) > 1) d"
                                  ).fetchone()[0] == 0
        assert case.index.count() == 104 and store.counts()["unindexed"] == 0

        tags = dict(store.conn.execute("SELECT t.name, COUNT(*) FROM document_tags dt JOIN tags t ON t.id = dt.tag_id "
                                       "GROUP BY t.name").fetchall())
        assert tags["hot"] == len(doc_ids) == sum(o[0] for o in outcomes)  # racing reviewers: each tag added once
        for who, (_, own, _, _) in enumerate(outcomes):
            assert tags.get(f"batch-{who}", 0) == own
        audit = store.conn.execute("SELECT COUNT(*) FROM review_audit WHERE action IN ('tag', 'untag')").fetchone()[0]
        assert audit == len(doc_ids) + sum(o[2] for o in outcomes)  # one audit line per change, none lost or doubled
