"""Page stamps read by OCR, compared the way a person reads them: `STATE-5CB0045650` is SCB0045650.

OCR confuses a handful of glyphs in stamp prefixes (S/5, O/0, I/1/l, B/8, Z/2, G/6) and now and
then one digit. A stamp that differs from a page's own Bates number only by such noise is the same
stamp, and must never pass for evidence of another record (a merged record, another document's text).
"""

from __future__ import annotations

from ..model import BatesNumber

_FOLD = str.maketrans({"5": "S", "0": "O", "1": "I", "l": "I", "|": "I", "8": "B", "2": "Z", "6": "G", "$": "S"})


def fold_prefix(prefix: str) -> str:
    """A prefix with OCR-confusable glyphs mapped to one of each pair, separators dropped."""
    return prefix.upper().translate(_FOLD).replace(" ", "").replace("_", "-")


def same_series(a: str, b: str) -> bool:
    """Two prefixes that a person would read as one (`STATE-SCB` and `STATE-5CB`)."""
    fa, fb = fold_prefix(a), fold_prefix(b)
    return fa == fb or _one_edit(fa, fb)


def digits_close(a: BatesNumber, b: BatesNumber) -> bool:
    """The same number, or the same width with one digit misread."""
    if a.number == b.number:
        return True
    da, db = f"{a.number:0{a.width}d}", f"{b.number:0{b.width}d}"
    return len(da) == len(db) and sum(x != y for x, y in zip(da, db, strict=True)) == 1


def stamp_matches(stamp: BatesNumber, bates: BatesNumber | str | None, digit_noise: bool = True) -> bool:
    """Whether a stamp read from a page is that Bates number, OCR noise in the prefix allowed (and one
    misread digit with `digit_noise`; off for rules where a neighbour's number is the defect sought)."""
    number = BatesNumber.parse(bates) if isinstance(bates, str) else bates
    if number is None:
        return False
    if not same_series(stamp.prefix, number.prefix):
        return False
    return digits_close(stamp, number) if digit_noise else stamp.number == number.number


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or not a or not b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))
