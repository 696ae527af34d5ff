"""Near-duplicates: MinHash signatures, LSH banding, clusters around a pivot, word diffs.

A production holds the same memo in several drafts, the same e-mail forwarded with a new line on
top, the same form with one box changed. Reviewers want each set once, with the differences shown.

Signatures are MinHash over word 5-gram shingles of the normalized text (`rensa`, Rust, computes
them from the numpy shingle hashes of `normalize.shingle_hashes` with no Python object per
shingle). Candidate pairs come from LSH bands, done here in numpy (sort the band keys, pair equal
runs), so one pass over a million signatures fits in memory as a few arrays; every candidate is
verified by the estimated Jaccard similarity before it counts. Clusters follow Relativity's
"principal" convention: the pivot is the longest text, and every member is at least `threshold`
similar to its pivot (connected components are re-split greedily where a chain drifts).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import rensa

from .disjoint_sets import DisjointSets
from .normalize import shingle_hashes, strip_furniture

DEFAULT_THRESHOLD = 0.8
NUM_PERM = 128
SEED = 20110117  # fixed: stored signatures must stay comparable across runs
SHINGLE_SIZE = 5
BATCH = 2000
# Shingling costs about 65 bytes of memory per byte of text, so texts are shingled at most
# BATCH_BYTES at a time, and a text longer than MAX_TEXT is compared on its first MAX_TEXT
# characters (its near-duplicates agree there too): one 50 MB text would otherwise need 3 GB.
BATCH_BYTES = 4 * 1024 * 1024
MAX_TEXT = 4 * 1024 * 1024
EMPTY = np.uint32(0xFFFFFFFF)


@dataclass
class NearDupCluster:
    pivot: int  # document id of the pivot (the longest text)
    members: list[tuple[int, float]] = field(default_factory=list)  # (doc id, similarity to pivot), pivot first

    @property
    def ids(self) -> list[int]:
        return [m for m, _ in self.members]


def signatures(
    texts: Iterable[str], num_perm: int = NUM_PERM, progress: Callable[[int], None] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (n, num_perm) uint32 and shingle counts (n,) for raw document texts.

    Page furniture (headers, stamps, Bates numbers) is removed first. A text with no words gets
    count 0 and a row of EMPTY, and is never clustered.
    """
    sig_parts: list[np.ndarray] = []
    count_parts: list[np.ndarray] = []
    batch: list[str] = []

    def flush() -> None:
        hashes, offsets = shingle_hashes([strip_furniture(t) for t in batch], SHINGLE_SIZE)
        counts = np.diff(offsets)
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, num_perm, SEED)
        rows = np.array(matrix.to_rows(), dtype=np.uint32).reshape(len(batch), num_perm)
        rows[counts == 0] = EMPTY
        sig_parts.append(rows)
        count_parts.append(counts.astype(np.int64))
        if progress:
            progress(len(batch))
        batch.clear()

    size = 0
    for text in texts:
        text = text[:MAX_TEXT]
        batch.append(text)
        size += len(text)
        if len(batch) >= BATCH or size >= BATCH_BYTES:
            flush()
            size = 0
    if batch:
        flush()
    if not sig_parts:
        return np.zeros((0, num_perm), dtype=np.uint32), np.zeros(0, dtype=np.int64)
    return np.concatenate(sig_parts), np.concatenate(count_parts)


def lsh_params(threshold: float, num_perm: int = NUM_PERM, target: float = 0.99) -> tuple[int, int]:
    """(bands, rows): the most selective banding that still proposes a pair at `threshold`
    similarity with probability `target`."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands == 0:
            break
        if 1 - (1 - threshold**rows) ** bands >= target:
            best = (bands, rows)
    return best


def candidate_pairs(sigs: np.ndarray, bands: int, rows: int, valid: np.ndarray | None = None) -> np.ndarray:
    """Index pairs (k, 2), i < j, that share at least one LSH band."""
    n = sigs.shape[0]
    if valid is None:
        valid = np.ones(n, dtype=bool)
    index = np.flatnonzero(valid)
    found: list[np.ndarray] = []
    for band in range(bands):
        cols = sigs[index, band * rows : (band + 1) * rows].astype(np.uint64)
        key = np.full(index.size, band + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for c in range(rows):
                key = key * np.uint64(0x9E3779B97F4A7C15) + cols[:, c]
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        same = sorted_key[1:] == sorted_key[:-1]
        if not same.any():
            continue
        # star pairs: every member of a run with the run's first member
        run_start = np.flatnonzero(np.concatenate(([True], ~same)))
        run_id = np.cumsum(np.concatenate(([True], ~same))) - 1
        head = order[run_start[run_id]]
        member = np.flatnonzero(head != order)
        found.append(np.stack([head[member], order[member]], axis=1))
        # small runs: every pair, so a false head cannot hide a true pair
        run_len = np.diff(np.append(run_start, order.size))
        for r in np.flatnonzero((run_len > 2) & (run_len <= 32)):
            members = order[run_start[r] : run_start[r] + run_len[r]]
            a, b = np.triu_indices(members.size, 1)
            found.append(np.stack([members[a], members[b]], axis=1))
        # large runs: consecutive pairs too, so a chain still connects
        for r in np.flatnonzero(run_len > 32):
            members = order[run_start[r] : run_start[r] + run_len[r]]
            found.append(np.stack([members[:-1], members[1:]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = index[np.concatenate(found)]
    pairs = np.sort(pairs, axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    encoded = np.unique(pairs[:, 0].astype(np.int64) * n + pairs[:, 1])
    return np.stack([encoded // n, encoded % n], axis=1)


def similarity(sigs: np.ndarray, pairs: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """Estimated Jaccard similarity of each pair: the share of equal MinHash values."""
    out = np.empty(len(pairs), dtype=np.float32)
    for s in range(0, len(pairs), chunk):
        p = pairs[s : s + chunk]
        out[s : s + chunk] = (sigs[p[:, 0]] == sigs[p[:, 1]]).mean(axis=1)
    return out


def cluster(
    ids: Sequence[int],
    sigs: np.ndarray,
    sizes: np.ndarray,
    threshold: float = DEFAULT_THRESHOLD,
    only_touching: np.ndarray | None = None,
    links: Iterable[tuple[int, int]] = (),
) -> list[NearDupCluster]:
    """Near-duplicate clusters of the documents `ids` (rows of `sigs`, `sizes` = shingle counts).

    `only_touching` (a boolean mask) keeps only candidate pairs involving a marked row, for the
    incremental pass; `links` (row index pairs) joins rows already known to cluster together.
    Only clusters of two or more documents are returned.
    """
    valid = sizes > 0
    bands, rows = lsh_params(threshold, sigs.shape[1])
    pairs = candidate_pairs(sigs, bands, rows, valid)
    if only_touching is not None and len(pairs):
        pairs = pairs[only_touching[pairs[:, 0]] | only_touching[pairs[:, 1]]]
    scores = similarity(sigs, pairs)
    pairs = pairs[scores >= threshold]
    linked = np.array(list(links), dtype=np.int64).reshape(-1, 2)
    pairs = np.concatenate([pairs, linked]) if len(linked) else pairs
    sets: DisjointSets[int] = DisjointSets()
    for a, b in pairs.tolist():
        sets.union(a, b)
    components: dict[int, list[int]] = {}
    for x in set(pairs.ravel().tolist()):
        components.setdefault(sets.find(x), []).append(x)
    clusters: list[NearDupCluster] = []
    for members in components.values():
        clusters.extend(_split_by_pivot(sorted(set(members)), ids, sigs, sizes, threshold))
    clusters.sort(key=lambda c: c.pivot)
    return clusters


def _split_by_pivot(rows: list[int], ids: Sequence[int], sigs: np.ndarray, sizes: np.ndarray, threshold: float) -> list[NearDupCluster]:
    """Greedy pivots within one connected component: longest text first, members within threshold."""
    order = sorted(rows, key=lambda r: (-int(sizes[r]), ids[r]))
    pivots: list[int] = []
    assigned: dict[int, list[tuple[int, float]]] = {}
    for r in order:
        best, best_score = None, -1.0
        if pivots:
            scores = (sigs[pivots] == sigs[r]).mean(axis=1)
            k = int(np.argmax(scores))
            best, best_score = pivots[k], float(scores[k])
        if best is not None and best_score >= threshold:
            assigned[best].append((ids[r], round(best_score, 4)))
        else:
            pivots.append(r)
            assigned[r] = [(ids[r], 1.0)]
    return [NearDupCluster(pivot=ids[p], members=m) for p, m in assigned.items() if len(m) > 1]


# -- word diff -----------------------------------------------------------------------------------
@dataclass
class DiffOp:
    op: str  # "equal", "delete" (only in a), "insert" (only in b), "replace"
    a: str
    b: str


_WORD = re.compile(r"\S+")


def word_diff(text_a: str, text_b: str, context: int | None = None) -> list[DiffOp]:
    """Word-level differences between two texts, page furniture ignored.

    `context` trims runs of equal words to that many words at each end (None keeps them all).
    """
    a = _WORD.findall(strip_furniture(text_a))
    b = _WORD.findall(strip_furniture(text_b))
    matcher = difflib.SequenceMatcher(None, [w.casefold() for w in a], [w.casefold() for w in b], autojunk=False)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        wa, wb = a[i1:i2], b[j1:j2]
        if tag == "equal" and context is not None and len(wa) > 2 * context:
            head = " ".join(wa[:context]) if ops else ""
            tail = " ".join(wa[-context:]) if i2 < len(a) else ""
            text = " … ".join(x for x in (head, tail) if x) if (head or tail) else "…"
            ops.append(DiffOp("equal", text, text))
            continue
        ops.append(DiffOp(tag, " ".join(wa), " ".join(wb)))
    return ops


def format_diff(ops: Sequence[DiffOp]) -> str:
    """Plain-text rendering: [-removed-] {+added+}, as `git diff --word-diff` prints it."""
    parts = []
    for op in ops:
        if op.op == "equal":
            parts.append(op.a)
        if op.op in ("delete", "replace") and op.a:
            parts.append(f"[-{op.a}-]")
        if op.op in ("insert", "replace") and op.b:
            parts.append(f"{{+{op.b}+}}")
    return " ".join(p for p in parts if p)
