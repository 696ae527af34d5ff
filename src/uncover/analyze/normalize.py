"""Text normalization for duplicate detection, and fast shingle hashing.

Two copies of one record rarely agree byte for byte: a re-production stamps a new page header
(`UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05765907 Date: 08/31/2015`),
new Bates numbers and a new release stamp, and OCR breaks lines differently. Comparing text after
removing exactly that furniture lets the duplicate and near-duplicate passes see the record itself.

Shingling is the hot loop of near-duplicate detection (17 of 24 s at 100,000 documents when done
per token in Python), so `shingle_hashes` works on a whole batch at once: the texts become one
byte array, tokens are found and hashed with numpy (a polynomial hash made position-independent
with the modular inverse of its base, so it is a cumulative sum), and word n-grams are combined
from token hashes. The hashes are stable across processes, so signatures can be stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

# -- page furniture --------------------------------------------------------------------------
# State Department page header, in one line or broken over several (OCR keeps the words).
_STATE_HEADER = re.compile(
    r"UNCLASSIFIED\s+(?:STATE\s+DEPT\.?\s*-\s*PRODUCED\s+TO\s+HOUSE\s+SELECT\s+BENGHAZI\s+COMM\.?\s*)?"
    r"U\.?\s?S\.?\s+Department\s+of\s+State\s+"
    r"(?:SUBJECT\s+TO\s+AGREEMENT\s+ON\s+SENSITIVE\s+INFORMATION\s*&\s*REDACTIONS\.?\s*NO\s+FOIA\s+WAIVER\.?\s*)?"
    r"Case\s+No\.?\s*\S+\s+Doc\s+No\.?\s*\S+\s+Date:?\s*\d{1,2}/\d{1,2}/\d{2,4}",
    re.IGNORECASE,
)
_STATE_FURNITURE = re.compile(
    r"STATE\s+DEPT\.?\s*-\s*PRODUCED\s+TO\s+HOUSE\s+SELECT\s+BENGHAZI\s+COMM\.?"
    r"|SUBJECT\s+TO\s+AGREEMENT\s+ON\s+SENSITIVE\s+INFORMATION\s*&\s*REDACTIONS\.?\s*NO\s+FOIA\s+WAIVER\.?"
    r"|^\s*UNCLASSIFIED\s*$|^\s*U\.?\s?S\.?\s+Department\s+of\s+State\s*$"
    r"|\bCase\s+No\.?\s*[A-Z]-\d{4}-\d{4,6}|\bDoc\s+No\.?\s*C\d{8}|^\s*Date:\s*\d{1,2}/\d{1,2}/\d{4}\b",
    re.IGNORECASE | re.MULTILINE,
)
# RELEASE IN FULL / RELEASE IN PART B6 / RELEASE IN \n PART B1,1.4(D),B6 (OCR: FULLI, FULL1)
_EXEMPTION_CODE = r"(?:[B8][1-9](?:\s?\([A-Fa-f]\))?|1\.4\s?\([A-Ha-h]\)|B3\s+[A-Z][A-Z0-9/ ]{1,20}?)"
_RELEASE_STAMP = re.compile(
    r"RELEASE\s+IN\s+(?:FULL\w?|PART\b(?:[\s,]*" + _EXEMPTION_CODE + r"(?=[\s,]|$))*)",
    re.IGNORECASE,
)
# A line holding only exemption codes (margin codes beside a redaction): "B6", "B5,B6", "B1,1.4(D)".
# Line patterns start with a literal newline so the regex engine can skip to line starts quickly.
_CODES = _EXEMPTION_CODE + r"(?:[ \t]*,?[ \t]*" + _EXEMPTION_CODE + r")*"
CODE_LINE = re.compile(r"\n[ \t]*" + _CODES + r"[ \t]*(?=\n)")
# A Bates stamp alone on a line, or at a line end after wide spacing: ABC0001234, EFTA00000001,
# STATE-5CB0045248, SYM-00011001_0001_REV; page numbers alone on a line.
_STAMP = r"[A-Z][A-Z_]{1,12}[-_ ]?(?=[0-9A-F]*\d)[0-9A-F]{5,12}(?:_\d{4})?(?:_[A-Z]+)?"
_LINE_FURNITURE = re.compile(
    r"\n[ \t]*(?:" + _STAMP + r"|Page\s+\d+\s+of\s+\d+|-\s*\d+\s*-)[ \t]*(?=\n)", re.IGNORECASE
)
_TRAILING_STAMP = re.compile(r"  [ \t]*" + _STAMP + r"[ \t]*(?=\n)")
_DOC_NUMBER = re.compile(r"Doc\s+No\.?\s*(C\d{8})", re.IGNORECASE)


def agency_doc_number(text: str) -> str | None:
    """The agency document number printed in the page header (State's `Doc No. C05739545`)."""
    match = _DOC_NUMBER.search(text[:2000]) or _DOC_NUMBER.search(text)
    return match.group(1).upper() if match else None


def strip_furniture(text: str, keep_codes: bool = False) -> str:
    """Remove page headers, release stamps, Bates stamps and page numbers, keeping line breaks.

    With `keep_codes`, margin exemption codes stay: the versions pass reads them as the places
    where text was withheld.
    """
    if "epartment" in text or "ELEASE" in text or "elease" in text or "PRODUCED" in text:
        text = _STATE_HEADER.sub(" ", text)
        text = _STATE_FURNITURE.sub(" ", text)
        text = _RELEASE_STAMP.sub(" ", text)
    text = "\n" + text + "\n"
    if not keep_codes:
        text = CODE_LINE.sub("\n", text)
    text = _LINE_FURNITURE.sub("\n", text)
    if "  " in text:
        text = _TRAILING_STAMP.sub("", text)
    return text


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask_furniture(text: str) -> str:
    """`strip_furniture` that keeps every character where it was: furniture becomes spaces, line
    breaks stay, so offsets found in the result point into the original text (segments, headers)."""
    if "epartment" in text or "ELEASE" in text or "elease" in text or "PRODUCED" in text:
        text = _STATE_HEADER.sub(_blank, text)
        text = _STATE_FURNITURE.sub(_blank, text)
        text = _RELEASE_STAMP.sub(_blank, text)
    text = "\n" + text + "\n"
    text = CODE_LINE.sub(_blank, text)
    text = _LINE_FURNITURE.sub(_blank, text)
    if "  " in text:
        text = _TRAILING_STAMP.sub(_blank, text)
    return text[1:-1]


def normalize_text(text: str) -> str:
    """Furniture removed, case folded, quote marks ('>') and punctuation dropped, whitespace collapsed.

    Two texts that normalize to the same string are the same record for a reviewer.
    """
    text = strip_furniture(text).casefold()
    return _NON_WORD.sub(" ", text).strip()  # whitespace is non-word: each run is already one space


_NON_WORD = re.compile(r"[^\w]+")


# -- shingle hashing ----------------------------------------------------------------------------
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_BASE = 1_000_003  # odd, so invertible modulo 2**64
_BASE_INV = pow(_BASE, -1, 2**64)
# Byte classes: ASCII letters folded to lower case and digits are word bytes, every other ASCII
# byte separates words, bytes >= 128 (UTF-8 sequences of non-ASCII letters) are word bytes.
_BYTE_MAP = np.arange(256, dtype=np.uint8)
for _b in range(128):
    _c = chr(_b)
    if "A" <= _c <= "Z":
        _BYTE_MAP[_b] = _b + 32
    elif not (_c.isalnum() or _c == "_"):
        _BYTE_MAP[_b] = 0


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads a weak polynomial hash over all 64 bits."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def token_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Stable 64-bit hashes of every word of every text: (flat hashes, row offsets of len(texts)+1).

    Texts should already be furniture-free; case and punctuation are folded here.
    """
    blobs = [t.encode("utf-8", "replace") for t in texts]
    data = np.frombuffer(b" " + b" ".join(blobs) + b" ", dtype=np.uint8)
    lengths = np.fromiter((len(b) + 1 for b in blobs), dtype=np.int64, count=len(blobs))
    mapped = _BYTE_MAP[data]
    is_word = mapped != 0
    edges = np.diff(is_word.astype(np.int8))
    starts = np.flatnonzero(edges == 1) + 1
    ends = np.flatnonzero(edges == -1) + 1
    n = data.size
    # position-independent polynomial hash: h[s:e] = (S[e] - S[s]) * B**(e-1)
    with np.errstate(over="ignore"):
        inv_pows = _powers(_BASE_INV, n)
        terms = mapped.astype(np.uint64) * inv_pows
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(terms, out=prefix[1:])
        pows = _powers(_BASE, n)
        raw = (prefix[ends] - prefix[starts]) * pows[ends - 1] + (ends - starts).astype(np.uint64)
    hashes = _mix(raw)
    doc_ends = np.cumsum(lengths) + 1  # byte offset after each text (inside the shared buffer)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    offsets[1:] = np.searchsorted(starts, doc_ends, side="left")
    return hashes, offsets


_POW_CACHE: dict[int, np.ndarray] = {}


def _powers(base: int, n: int) -> np.ndarray:
    """base**0 .. base**(n-1) modulo 2**64, cached and grown by doubling."""
    cached = _POW_CACHE.get(base)
    if cached is None or cached.size < n:
        size = max(2 * n, 1 << 16, 0 if cached is None else cached.size * 2)
        out = np.empty(size, dtype=np.uint64)
        out[0] = 1
        filled = 1
        with np.errstate(over="ignore"):
            while filled < size:
                step = min(filled, size - filled)
                out[filled : filled + step] = out[:step] * np.uint64(pow(base, filled, 2**64))
                filled += step
        _POW_CACHE[base] = cached = out
    return cached[:n]


def shingle_hashes(texts: Sequence[str], size: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the word `size`-grams of each text: (flat hashes, row offsets).

    A text shorter than `size` words gives one shingle of all its words; an empty text none.
    """
    tokens, offsets = token_hashes(texts)
    counts = np.diff(offsets)
    if tokens.size == 0:
        return tokens, np.zeros(len(texts) + 1, dtype=np.int64)
    total = tokens.size
    combined = tokens.copy()
    with np.errstate(over="ignore"):
        for k in range(1, size):
            shifted = np.zeros(total, dtype=np.uint64)
            shifted[: max(total - k, 0)] = tokens[k:] if k < total else shifted[:0]
            combined = combined * np.uint64(0x9E3779B97F4A7C15) + shifted
    combined = _mix(combined)
    # shingle i of a document is valid when i + size <= its token count; short docs keep one
    per_doc = np.where(counts >= size, counts - size + 1, np.minimum(counts, 1))
    new_offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(per_doc, out=new_offsets[1:])
    doc_index = np.repeat(np.arange(len(texts)), per_doc)
    within = np.arange(new_offsets[-1]) - new_offsets[doc_index]
    take = offsets[doc_index] + within
    out = combined[take]
    short = np.flatnonzero((counts > 0) & (counts < size))
    for d in short:  # rare: hash just the words there are
        s, c = offsets[d], counts[d]
        h = np.uint64(0)
        with np.errstate(over="ignore"):
            for t in tokens[s : s + c]:
                h = h * np.uint64(0x9E3779B97F4A7C15) + t
        out[new_offsets[d]] = _mix(np.array([h], dtype=np.uint64))[0]
    return out, new_offsets
