"""Near-duplicate clustering throughput, recall and peak memory, against datasketch in the same run.

    .venv/bin/python bench/neardup.py --docs 100000            # ours, then datasketch on the same texts
    .venv/bin/python bench/neardup.py --docs 200000 --no-datasketch

Documents are ~2 KB of words drawn from a Zipf-like vocabulary; 10% of them are near-duplicates of
another (4 of 360 words changed, true Jaccard ~0.89 on word 5-grams). Recall = share of injected pairs
found in one cluster at threshold 0.8. Peak RSS is the process maximum (ru_maxrss).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time

import numpy as np


def generate(n: int, seed: int = 1) -> tuple[list[str], list[tuple[int, int]]]:
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(50_000)])
    weights = 1.0 / np.arange(1, vocab.size + 1) ** 0.8
    weights /= weights.sum()
    base_n = int(n * 0.9)
    words = rng.choice(vocab.size, size=(base_n, 360), p=weights)
    texts = [" ".join(vocab[row]) for row in words]
    pairs = []
    r = random.Random(seed)
    for k in range(n - base_n):
        src = r.randrange(base_n)
        row = words[src].copy()
        for _ in range(4):  # 4 of 360 words: true 5-gram Jaccard ~0.89
            row[r.randrange(row.size)] = r.randrange(vocab.size)
        texts.append(" ".join(vocab[row]))
        pairs.append((src, base_n + k))
    return texts, pairs


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def recall(labels: dict[int, int], pairs: list[tuple[int, int]]) -> float:
    return sum(1 for a, b in pairs if a in labels and labels[a] == labels.get(b)) / len(pairs)


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
    texts, pairs = generate(args.docs)
    print(f"{len(texts)} docs, mean {sum(map(len, texts)) / len(texts):.0f} chars, {len(pairs)} injected near-duplicates")
    rss_before = rss_mb()
    t_ours, labels = ours(texts, args.threshold)
    print(f"ours: {t_ours:.1f} s ({len(texts) / t_ours:,.0f} docs/s), recall {recall(labels, pairs):.3f}, "
          f"peak RSS {rss_mb():.0f} MB (texts alone {rss_before:.0f} MB)")
    if args.no_datasketch:
        return
    n = min(args.datasketch_docs, len(texts))
    sub_pairs = [(a, b) for a, b in pairs if a < n and b < n]
    sub = texts[: int(n * 0.9)] + texts[int(args.docs * 0.9) : int(args.docs * 0.9) + n - int(n * 0.9)]
    remap = {i: i for i in range(int(n * 0.9))} | {int(args.docs * 0.9) + k: int(n * 0.9) + k for k in range(n - int(n * 0.9))}
    sub_pairs = [(remap[a], remap[b]) for a, b in pairs if a in remap and b in remap]
    t_ds, ds_labels = datasketch_run(sub, args.threshold)
    t_o, o_labels = ours(sub, args.threshold)
    print(f"on {len(sub)} docs ({len(sub_pairs)} pairs): datasketch {t_ds:.1f} s recall {recall(ds_labels, sub_pairs):.3f}; "
          f"ours {t_o:.1f} s recall {recall(o_labels, sub_pairs):.3f}; speed ratio ours/datasketch = {t_ds / t_o:.1f}x faster")


if __name__ == "__main__":
    sys.exit(main())
