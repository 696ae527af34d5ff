"""Numbers, footnote marks and exemption codes in cell text.

Statistical tables print `1,234` (or `1 234`), `(1,234)` for a negative, `12.5%`, `$ 0.61`, `1,234*` or a
raised `1,234¹` pointing at a note. The note mark is kept apart, never read as a digit of the
value. A cell printed with an exemption code, `(b)(6)`, `(b) (7)(C)`, `b6 b7C`, `B6`, is a
redaction whatever else it says, and states no number.
"""

from __future__ import annotations

import re

MARK_CHARS = "*†‡§¶#"
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_NUMBER = re.compile(
    r"^(?P<neg>[-−–])?\s*(?P<open>\()?\s*(?P<cur>[$€£¥])?\s*(?P<neg2>[-−–])?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"\s*(?P<close>\))?\s*(?P<pct>%)?$"
)
_TRAILING_MARKS = re.compile(rf"^(?P<body>.*?[\d%)])\s*(?P<marks>[{re.escape(MARK_CHARS)}]+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)$")
_EXEMPTION = re.compile(
    r"(?<![\w(])\(?\s*b\s*\)?\s*\(\s*(?P<n>[1-9])\s*\)(?:\s*\(\s*(?P<sub>[A-Fa-f])\s*\))?"
    r"|(?<![\w])[bB](?P<n2>[1-9])(?P<sub2>[A-Fa-f]|\([A-Fa-f]\))?(?![\w])",
)
_ONLY_CODES = re.compile(r"^[\s,;/&]*(?:(?:\(?\s*b\s*\)?\s*\(\s*[1-9]\s*\)(?:\s*\(\s*[A-Fa-f]\s*\))?"
                         r"|[bB][1-9](?:[A-Fa-f]|\([A-Fa-f]\))?)[\s,;/&]*)+$")
REDACTED_WORDS = re.compile(r"^\s*\[?\s*(redacted|withheld|REDACTED|WITHHELD)\s*\]?\s*$")


def split_marks(text: str) -> tuple[str, str]:
    """`1,234*` -> (`1,234`, `*`); text without trailing note marks comes back whole."""
    m = _TRAILING_MARKS.match(text)
    if not m or not _NUMBER.match(m.group("body").strip()):
        return text, ""
    return m.group("body").rstrip(), m.group("marks").translate(_SUPERSCRIPT_DIGITS)


def parse_number(text: str) -> float | None:
    """The number a cell states: thousands separators, `(12)` and `-12` negative, `%` and a
    currency sign allowed; anything else (dates, ranges, codes, words) states no number."""
    m = _NUMBER.match(text.strip())
    if not m:
        return None
    if bool(m.group("open")) != bool(m.group("close")):
        return None
    raw = m.group("num")
    if "," in raw and not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        return None
    value = float(re.sub(r"[,\s\u00a0\u202f]", "", raw))
    if m.group("open") or m.group("neg") or m.group("neg2"):
        value = -value
    return value


def exemption_codes(text: str) -> str | None:
    """`(b)(6), (b)(7)(C)` when the cell is printed with nothing but exemption codes."""
    if not _ONLY_CODES.match(text):
        return None
    codes = []
    for m in _EXEMPTION.finditer(text):
        n, sub = (m.group("n"), m.group("sub")) if m.group("n") else (m.group("n2"), m.group("sub2"))
        sub = (sub or "").strip("()").upper()
        code = f"(b)({n})" + (f"({sub})" if sub else "")
        if code not in codes:
            codes.append(code)
    return ", ".join(codes) or None
