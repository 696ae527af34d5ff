"""The 1M-page part of bench/search.py: a Tantivy index of generated pages, built once into a
cache folder, then latency percentiles per query kind through uncover's own index code.

Documents of 1-8 pages (about 3 on average, like a production of e-mails and memos) of
~250 words a page drawn from a Zipf vocabulary (the common English and records words of
bench/search.py's vocabulary first, then a long tail of generated words), with custodian, kind,
date, subject, sender and file name, are indexed with `SearchIndex.add_values`, the path an
ingest and a reindex take, in the product's schema. Queries are parsed and compiled by uncover
(`parse`, `SearchIndex.compile`) and answered by `SearchIndex.search` (top 20 by BM25 with the
exact count of matches), as `uncover search` does before it reads the 20 hits from case.db;
faceted queries count custodian, kind and month over every match as the web app's facets do
(web/facets.py: matching ids from the index, or the complement for a broad query, then numpy).
Beside them, each phrase the ways uncover answered it before, A/B in the same run: through its
word pairs and then positions, and through positions alone; and each faceted query again, as now
and as before issue 16 (a count search before each hits search, every facet counted through a
mask), the two taking turns to go first.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from uncover.search.index import SearchIndex, values_from
from uncover.search.query import parse

WORDS_PER_PAGE = 250
KINDS = ("email", "email", "email", "edoc", "scan")
START = date(2009, 1, 1)


@dataclass
class Corpus:
    """What the bench needs to know of the generated documents: vocabulary and metadata columns."""

    vocab: list[str]
    custodians: list[str]
    doc_custodian: np.ndarray  # code per document id (index = id - 1)
    doc_kind: np.ndarray
    doc_month: np.ndarray  # months since START
    pages: int

    def save(self, folder: Path) -> None:
        np.savez(folder / "corpus.npz", custodian=self.doc_custodian, kind=self.doc_kind, month=self.doc_month)
        (folder / "corpus.json").write_text(json.dumps({"vocab": self.vocab, "custodians": self.custodians,
                                                        "pages": self.pages}), "utf-8")

    @classmethod
    def load(cls, folder: Path) -> Corpus:
        meta = json.loads((folder / "corpus.json").read_text("utf-8"))
        arrays = np.load(folder / "corpus.npz")
        return cls(meta["vocab"], meta["custodians"], arrays["custodian"], arrays["kind"], arrays["month"], meta["pages"])


def build(folder: Path, pages: int, vocab: list[str], custodians: list[str], seed: int = 17,
          report: Callable[[str], None] = print) -> Corpus:
    """Generate and index `pages` pages into folder/index, printing progress every 5%."""
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, len(vocab) + 1) ** 1.07
    cum = np.cumsum(weights / weights.sum())
    words = np.asarray(vocab, dtype=object)
    index = SearchIndex(folder / "index")
    index.writer()
    cust_w = 1 / np.arange(1, len(custodians) + 1)
    cust_w /= cust_w.sum()
    doc_custodian, doc_kind, doc_month = [], [], []
    done = doc_id = 0
    started = time.perf_counter()
    step = max(pages // 20, 1)
    next_report = step
    while done < pages:
        n_pages = int(min(rng.geometric(0.33), 8, pages - done))
        doc_id += 1
        idx = np.searchsorted(cum, rng.random(n_pages * WORDS_PER_PAGE))
        idx = np.minimum(idx, len(vocab) - 1)
        tokens = words[idx].tolist()
        text = "\n".join(" ".join(tokens[p * WORDS_PER_PAGE:(p + 1) * WORDS_PER_PAGE]) for p in range(n_pages))
        cust = int(rng.choice(len(custodians), p=cust_w))
        kind = int(rng.integers(len(KINDS)))
        day = START + timedelta(days=int(rng.integers(6 * 365)))
        subject = " ".join(words[np.minimum(np.searchsorted(cum, rng.random(5)), len(vocab) - 1)].tolist())
        meta = {"id": doc_id, "kind": KINDS[kind], "filename": f"DOC-{doc_id:07d}.pdf", "custodian": custodians[cust],
                "subject": subject, "title": None, "sender": custodians[(cust + 3) % len(custodians)], "author": None,
                "recipients": custodians[(cust + 5) % len(custodians)], "cc": None, "bcc": None, "date": day.isoformat()}
        index.add_values(doc_id, values_from(meta, text, "VOL001"), replace=False)
        doc_custodian.append(cust)
        doc_kind.append(kind)
        doc_month.append((day.year - START.year) * 12 + day.month - 1)
        done += n_pages
        if done >= next_report:
            rate = done / (time.perf_counter() - started)
            report(f"  indexed {done:,} of {pages:,} pages ({doc_id:,} documents), {rate:,.0f} pages/s, "
                   f"load {os.getloadavg()[0]:.1f}")
            next_report += step
    index.close()
    corpus = Corpus(vocab, custodians, np.asarray(doc_custodian, np.intp), np.asarray(doc_kind, np.intp),
                    np.asarray(doc_month, np.intp), pages)
    corpus.save(folder)
    return corpus


def queries(corpus: Corpus, per_kind: int, seed: int = 23) -> list[tuple[str, str]]:
    """(kind, query) for term, phrase, prefix, field, boolean and faceted queries, common and rare
    words alike: a common word's posting list is what makes a search slow."""
    rng = random.Random(seed)
    common, mid = corpus.vocab[:120], corpus.vocab[120:6000]
    gen = np.random.default_rng(seed)
    weights = 1 / np.arange(1, len(corpus.vocab) + 1) ** 1.07
    cum = np.cumsum(weights / weights.sum())

    def zipf_words(n: int) -> list[str]:
        return [corpus.vocab[min(int(i), len(corpus.vocab) - 1)] for i in np.searchsorted(cum, gen.random(n))]

    def word() -> str:
        return rng.choice(common) if rng.random() < 0.4 else rng.choice(mid)

    out: list[tuple[str, str]] = []
    for _ in range(per_kind):
        out.append(("term", word()))
        out.append(("phrase", '"' + " ".join(zipf_words(rng.choice((2, 2, 3)))) + '"'))
        out.append(("prefix", rng.choice([w for w in mid if len(w) >= 5])[: rng.choice((3, 4))] + "*"))
        who = rng.choice(corpus.custodians)
        y = rng.randrange(2009, 2015)
        out.append(("field", rng.choice([f'{word()} custodian:"{who}"', f"subject:{word()}", f"{word()} kind:email",
                                         f"{word()} date:{y}-01-01..{y}-06-30", f"from:{who.split()[1]} {word()}"])))
        a, b, c = word(), word(), word()
        out.append(("boolean", rng.choice([f"{a} OR {b}", f"{a} AND {b}", f"{a} -{b}", f"({a} OR {b}) AND {c}",
                                           f'"{a} {b}" OR {c}'])))
        out.append(("faceted", rng.choice([word(), f"{a} OR {b}", f'{a} custodian:"{who}"', f"{a}*"])))
    return out


class Facets:
    """The web app's facet counting (web/facets.py, FacetCache.matched), over the generated metadata,
    where every facet has one value per document: counted over the matching ids by id, or for a
    broad query, over every indexed id (counted once) less the ids that do not match."""

    def __init__(self, index: SearchIndex, corpus: Corpus) -> None:
        import tantivy

        self.index, self.corpus, self.tantivy = index, corpus, tantivy
        self.indexed = index.matching_id_array(tantivy.Query.all_query())
        self.size = len(corpus.doc_kind) + 1
        self.indexed_mask = np.zeros(self.size, dtype=bool)
        self.indexed_mask[self.indexed] = True
        self.by_id = {name: (np.concatenate(([n], codes)), n) for name, codes, n in (  # id 0: no document
            ("custodian", corpus.doc_custodian, len(corpus.custodians)), ("kind", corpus.doc_kind, len(KINDS)),
            ("month", corpus.doc_month, 72))}
        self.everywhere = self.tally(np.flatnonzero(self.indexed_mask))

    def tally(self, ids: np.ndarray) -> dict[str, np.ndarray]:
        """Documents per value of each facet over `ids` (distinct): Dimension.tally."""
        return {name: np.bincount(by_id[ids], minlength=n + 1)[:n] for name, (by_id, n) in self.by_id.items()}

    def counts(self, query: object, before: bool = False) -> dict[str, np.ndarray]:
        if before:
            return self._before(query)
        ids, matching = self.index.matching_or_missing(query)  # type: ignore[arg-type]
        ids = ids[ids < self.size]
        if matching:
            mask = np.zeros(self.size, dtype=bool)
            mask[ids] = True
            distinct = np.count_nonzero(mask) == len(ids)
        else:
            ids = ids[self.indexed_mask[ids]]
            mask = self.indexed_mask.copy()
            mask[ids] = False
            distinct = np.count_nonzero(self.indexed_mask) - np.count_nonzero(mask) == len(ids)
        assert distinct  # the web app counts through the mask otherwise; the bench's index holds each id once
        found = self.tally(ids)
        return found if matching else {name: self.everywhere[name] - found[name] for name in found}

    def _before(self, query: object) -> dict[str, np.ndarray]:
        """How facets were counted before: a count search, then a hits search (for a broad query, a
        count search and a hits search of the complement); a mask over document ids, then each
        facet's codes where it is true."""
        tantivy = self.tantivy
        searcher = self.index.searcher()

        def ids_of(q: object, total: int) -> np.ndarray:  # hits, then their addresses, then their ids
            hits = searcher.search(tantivy.Query.const_score_query(q, 1.0), total, count=False).hits if total else []
            return np.asarray(searcher.fast_field_values("doc_id", [addr for _, addr in hits]) if hits else [],
                              dtype=np.int64)

        def count(q: object) -> int:
            return int(searcher.search(q, 1, count=True).count)

        mask = np.zeros(self.size, dtype=bool)
        total = count(query)
        if total <= len(self.indexed) // 2:
            mask[ids_of(query, total)] = True
        else:  # the complement, counted by a search of its own
            rest = tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                                (tantivy.Occur.MustNot, query)])
            mask[self.indexed] = True
            mask[ids_of(rest, count(rest))] = False
        m = mask[1:]
        return {"custodian": np.bincount(self.corpus.doc_custodian[m], minlength=len(self.corpus.custodians)),
                "kind": np.bincount(self.corpus.doc_kind[m], minlength=len(KINDS)),
                "month": np.bincount(self.corpus.doc_month[m], minlength=72)}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def measure(folder: Path, per_kind: int, report: Callable[[str], None] = print) -> dict[str, list[float]]:
    corpus = Corpus.load(folder)
    index = SearchIndex(folder / "index")
    facets = Facets(index, corpus)
    asked = queries(corpus, per_kind)
    for _, q in asked[:30]:  # open the segments' files and let the OS cache them: a warmed searcher
        index.search(index.compile(parse(q)), limit=20)
    times: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    import tantivy

    for kind, q in asked:
        t = time.perf_counter()
        compiled = index.compile(parse(q))
        total, _ = index.search(compiled, limit=20)
        if kind == "faceted":
            found = facets.counts(compiled)
        times.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
        totals.setdefault(kind, []).append(total)
        if kind == "faceted":  # A/B, same query, right after, taking turns to go first: as now, as before
            ab = [("faceted A/B: now", False), ("faceted A/B: as before", True)]
            for label, before in ab if len(times[kind]) % 2 else ab[::-1]:
                t = time.perf_counter()
                compiled = index.compile(parse(q))
                index.search(compiled, limit=20)
                other = facets.counts(compiled, before=before)
                times.setdefault(label, []).append((time.perf_counter() - t) * 1000)
                totals.setdefault(label, []).append(total)
                assert all(np.array_equal(found[f], other[f]) for f in found), (q, label)
        if kind == "phrase":  # A/B, same query, right after: through the pairs then positions; positions alone
            tokens = list(parse(q).tokens)  # type: ignore[attr-defined]
            plain = tantivy.Query.phrase_query(index.schema, "text", tokens)
            pairs = tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.term_query(index.schema, "text_pairs",
                                                                                               f"{a}_{b}"))
                                                 for a, b in zip(tokens, tokens[1:], strict=False)])
            narrowed = tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.const_score_query(pairs, 0.0)),
                                                    (tantivy.Occur.Must, plain)])
            for label, other in (("phrase, pairs then positions", narrowed), ("phrase, positions only", plain)):
                t = time.perf_counter()
                alone, _ = index.search(other, limit=20)
                times.setdefault(label, []).append((time.perf_counter() - t) * 1000)
                totals.setdefault(label, []).append(alone)
                assert alone == total, (q, label, alone, total)
    docs = len(corpus.doc_kind)
    report(f"\n{corpus.pages:,} pages in {docs:,} documents; {per_kind} queries per kind, each run once after "
           f"30 warm-up queries; load {os.getloadavg()[0]:.1f}")
    report(f"{'kind':<22} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}   {'median matches':>15}")
    for kind, values in times.items():
        report(f"{kind:<22} {pct(values, 50):8.1f} {pct(values, 95):8.1f} {pct(values, 99):8.1f} {max(values):8.1f}"
               f"   {statistics.median(totals[kind]):15,.0f}")
    report("targets: p95 < 50 ms, p99 < 100 ms for every kind")
    index.close()
    return times
