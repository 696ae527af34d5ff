"""Near-duplicate clustering throughput, recall and peak memory, against datasketch in the same run.

    .venv/bin/python bench/neardup.py --docs 100000 --datasketch-docs 10000   # ours, then datasketch on a subset
    .venv/bin/python bench/neardup.py --docs 1000000 --no-datasketch

Documents are ~2 KB of words drawn from a Zipf-like vocabulary; 10% of them are near-duplicates of
another (4 of 360 words changed, true Jaccard ~0.89 on word 5-grams). Recall = share of injected pairs
found in one cluster at threshold 0.8. Peak RSS is the process maximum (ru_maxrss).

Memory stays bounded at any size: the corpus is generated in fixed batches of GEN_BATCH originals,
each batch from its own seed (so any document can be regenerated on its own), and every
near-duplicate is made in the same batch as its original. Each batch is signed at once and only the
signatures (n x 128 uint32) and shingle counts are kept, never the texts. Document ids: originals
0 .. 0.9n-1, near-duplicate k is 0.9n + k.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Iterator

import numpy as np

GEN_BATCH = 5_000  # fixed: the corpus depends only on (docs, seed), not on how it is processed
VOCAB = [f"w{i}" for i in range(50_000)]
WORDS_PER_DOC = 360
CHANGED_WORDS = 4  # 4 of 360 words: true 5-gram Jaccard ~0.89


class Corpus:
    """A deterministic generated corpus of `n` documents that is never held in memory whole."""

    def __init__(self, n: int, seed: int = 1) -> None:
        self.n, self.seed = n, seed
        self.base_n = int(n * 0.9)
        weights = 1.0 / np.arange(1, len(VOCAB) + 1) ** 0.8
        self.cdf = np.cumsum(weights / weights.sum())
        self.cdf[-1] = 1.0
        rng = np.random.default_rng((seed, 1))
        k = n - self.base_n
        self.src = rng.integers(0, self.base_n, size=k)  # original of near-duplicate k
        self.pos = rng.integers(0, WORDS_PER_DOC, size=(k, CHANGED_WORDS))
        self.new = rng.integers(0, len(VOCAB), size=(k, CHANGED_WORDS))
        # near-duplicates grouped by the generation batch of their original
        self.dup_order = np.argsort(self.src // GEN_BATCH, kind="stable")
        self.dup_bounds = np.searchsorted(self.src[self.dup_order] // GEN_BATCH, np.arange(self.batches + 1))

    @property
    def batches(self) -> int:
        return -(-self.base_n // GEN_BATCH)

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return [(int(s), self.base_n + k) for k, s in enumerate(self.src)]

    def _words(self, b: int) -> np.ndarray:
        """Word ids (rows, 360) of the originals in generation batch b, from that batch's own seed."""
        rows = min(GEN_BATCH, self.base_n - b * GEN_BATCH)
        u = np.random.default_rng((self.seed, 0, b)).random((rows, WORDS_PER_DOC))
        return np.searchsorted(self.cdf, u)

    def _dups(self, words: np.ndarray, b: int, dups: np.ndarray) -> np.ndarray:
        rows = words[self.src[dups] - b * GEN_BATCH]  # a copy
        rows[np.arange(len(dups))[:, None], self.pos[dups]] = self.new[dups]
        return rows

    def batch(self, b: int) -> tuple[np.ndarray, list[str]]:
        """Document ids and texts of batch b: its originals, then the near-duplicates of them."""
        words = self._words(b)
        dups = self.dup_order[self.dup_bounds[b] : self.dup_bounds[b + 1]]
        ids = np.concatenate([np.arange(b * GEN_BATCH, b * GEN_BATCH + len(words)), self.base_n + dups])
        rows = np.concatenate([words, self._dups(words, b, dups)])
        return ids, [" ".join(map(VOCAB.__getitem__, row)) for row in rows.tolist()]

    def __iter__(self) -> Iterator[tuple[np.ndarray, list[str]]]:
        for b in range(self.batches):
            yield self.batch(b)

    def texts(self, ids: list[int]) -> list[str]:
        """Regenerate the texts of some documents (for the datasketch subset), in the order given."""
        out: dict[int, str] = {}
        need: dict[int, list[int]] = {}  # generation batch -> ids
        for i in ids:
            b = (i if i < self.base_n else int(self.src[i - self.base_n])) // GEN_BATCH
            need.setdefault(b, []).append(i)
        for b, members in need.items():
            words = self._words(b)
            orig = [i for i in members if i < self.base_n]
            dups = np.array([i - self.base_n for i in members if i >= self.base_n], dtype=np.int64)
            rows = [words[i - b * GEN_BATCH] for i in orig] + list(self._dups(words, b, dups))
            for i, row in zip(orig + [self.base_n + int(k) for k in dups], rows, strict=True):
                out[i] = " ".join(map(VOCAB.__getitem__, row.tolist()))
        return [out[i] for i in ids]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def recall(labels: dict[int, int], pairs: list[tuple[int, int]]) -> float:
    return sum(1 for a, b in pairs if a in labels and labels[a] == labels.get(b)) / len(pairs)


def ours_streamed(corpus: Corpus, threshold: float) -> tuple[float, dict[int, int]]:
    """Generate, sign each batch at once (only signatures kept), then cluster the whole corpus."""
    from uncover.analyze.neardup import NUM_PERM, cluster, signatures

    sigs = np.empty((corpus.n, NUM_PERM), dtype=np.uint32)
    sizes = np.empty(corpus.n, dtype=np.int64)
    t_gen = t_sig = 0.0
    chars = 0
    t0 = time.perf_counter()
    for ids, texts in corpus:
        t = time.perf_counter()
        s, z = signatures(texts)
        t_sig += time.perf_counter() - t
        sigs[ids], sizes[ids] = s, z
        chars += sum(map(len, texts))
    t_gen = time.perf_counter() - t0 - t_sig
    print(f"{corpus.n} docs, mean {chars / corpus.n:.0f} chars, {corpus.n - corpus.base_n} injected near-duplicates")
    rss_before = rss_mb()
    t = time.perf_counter()
    clusters = cluster(list(range(corpus.n)), sigs, sizes, threshold)
    t_clu = time.perf_counter() - t
    elapsed = t_sig + t_clu
    print(f"  ours: signatures {t_sig:.1f} s, clustering {t_clu:.1f} s, {len(clusters)} clusters "
          f"(generating the texts, not counted: {t_gen:.1f} s)")
    print(f"  peak RSS before clustering {rss_before:.0f} MB (signatures {sigs.nbytes / 2**20:.0f} MB)")
    return elapsed, {d: c.pivot for c in clusters for d in c.ids}


def ours(texts: list[str], threshold: float) -> tuple[float, dict[int, int]]:
    from uncover.analyze.neardup import cluster, signatures

    t = time.perf_counter()
    sigs, sizes = signatures(texts)
    t_sig = time.perf_counter() - t
    clusters = cluster(list(range(len(texts))), sigs, sizes, threshold)
    elapsed = time.perf_counter() - t
    print(f"  ours: signatures {t_sig:.1f} s, clustering {elapsed - t_sig:.1f} s, {len(clusters)} clusters")
    return elapsed, {d: c.pivot for c in clusters for d in c.ids}


def datasketch_run(texts: list[str], threshold: float) -> tuple[float, dict[int, int]]:
    from datasketch import MinHash, MinHashLSH

    t = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = []
    for i, text in enumerate(texts):
        w = text.split()
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(w[k : k + 5]).encode() for k in range(len(w) - 4)])
        lsh.insert(i, m)
        hashes.append(m)
    labels: dict[int, int] = {}
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i and m.jaccard(hashes[j]) >= threshold:
                root = labels.setdefault(min(i, j), min(i, j))
                labels[i] = labels[j] = root
    return time.perf_counter() - t, labels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--no-datasketch", action="store_true")
    parser.add_argument("--datasketch-docs", type=int, default=20_000, help="datasketch is slow: run it on this many")
    args = parser.parse_args()
    corpus = Corpus(args.docs)
    pairs = corpus.pairs
    t_wall = time.perf_counter()
    t_ours, labels = ours_streamed(corpus, args.threshold)
    print(f"ours: {t_ours:.1f} s ({args.docs / t_ours:,.0f} docs/s), recall {recall(labels, pairs):.3f}, "
          f"peak RSS {rss_mb():.0f} MB (wall with generation {time.perf_counter() - t_wall:.1f} s)")
    if args.no_datasketch:
        return
    # the subset: the first 90% of n originals and the first 10% of n near-duplicates
    n = min(args.datasketch_docs, args.docs)
    base_n = corpus.base_n
    sub_ids = list(range(int(n * 0.9))) + list(range(base_n, base_n + n - int(n * 0.9)))
    remap = {d: i for i, d in enumerate(sub_ids)}
    sub_pairs = [(remap[a], remap[b]) for a, b in pairs if a in remap and b in remap]
    sub = corpus.texts(sub_ids)
    t_ds, ds_labels = datasketch_run(sub, args.threshold)
    t_o, o_labels = ours(sub, args.threshold)
    print(f"on {len(sub)} docs ({len(sub_pairs)} pairs): datasketch {t_ds:.1f} s recall {recall(ds_labels, sub_pairs):.3f}; "
          f"ours {t_o:.1f} s recall {recall(o_labels, sub_pairs):.3f}; speed ratio ours/datasketch = {t_ds / t_o:.1f}x faster")


if __name__ == "__main__":
    sys.exit(main())
