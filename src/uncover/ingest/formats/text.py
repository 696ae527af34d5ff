"""Plain text and CSV, and the last-resort reader for unknown files that decode as text.

Productions carry text in every encoding Windows ever used: UTF-8 with and without BOM, UTF-16
exported from review platforms, and cp1252 from older systems. The encoding is detected from the
bytes (BOM, then strict UTF-8, then the NUL pattern of UTF-16, else cp1252) and recorded in the
metadata, so a reviewer can tell why an accented name looks the way it does.

Also home to two helpers every reader in this area uses: `require_content` (0-byte files are
`empty`, for every format) and `decode_text`.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ...model import DocumentKind, TextSource
from .base import Extraction, PageText, ReadContext, display, require_content

TEXT_EXTENSIONS = (".txt", ".text", ".log", ".md", ".csv", ".tsv", ".tab", ".asc", ".json", ".xml", ".ini")
TABULAR_EXTENSIONS = (".csv", ".tsv", ".tab")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def detect_encoding(data: bytes) -> tuple[str, int]:
    """The encoding of `data` and the length of its byte-order mark (0 when none)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    sample = data[:65536]
    if b"\x00" not in sample:
        try:
            data.decode("utf-8")
            return "utf-8", 0
        except UnicodeDecodeError as exc:
            # a file cut in the middle of a character is still UTF-8
            if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
                return "utf-8", 0
        return "cp1252", 0
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    if odd / half > 0.3 and even / half < 0.05:
        return "utf-16-le", 0
    if even / half > 0.3 and odd / half < 0.05:
        return "utf-16-be", 0
    return "cp1252", 0


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown encoding: (text, encoding used)."""
    encoding, skip = detect_encoding(data)
    return data[skip:].decode(encoding, errors="replace"), encoding


_UNPRINTABLE = re.compile(r"[^\t\r\n\f\x20-\x7e\xa0-\U0010ffff]")


def printable_ratio(text: str) -> float:
    """Share of printable characters (tabs and line breaks count), counted by the regex engine:
    every file is sniffed, so this runs on the first bytes of every PDF and image too."""
    if not text:
        return 0.0
    return 1 - len(_UNPRINTABLE.findall(text)) / len(text)


def split_pages(text: str, max_pages: int) -> tuple[list[PageText], list[str]]:
    """One page per form feed; one page when there is none. Returns pages and warnings."""
    parts = text.split("\f") if "\f" in text else [text]
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()  # a trailing form feed closes the last page rather than opening a new one
    warnings = []
    if len(parts) > max_pages:
        warnings.append(f"{len(parts)} pages; kept the first {max_pages} (the page limit)")
        parts = parts[:max_pages]
    return [PageText(part, TextSource.NATIVE) for part in parts], warnings


class TextReader:
    """TXT, CSV and other text files; the low-priority fallback for anything that reads as text."""

    name = "text"
    extensions = TEXT_EXTENSIONS

    def sniff(self, head: bytes, filename: str) -> float:
        if filename.lower().endswith(self.extensions):
            return 0.5
        if not head:
            return 0.0
        sample, _ = decode_text(head[:4096])
        return 0.05 if printable_ratio(sample) > 0.95 else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        require_content(path, ctx)
        data = path.read_bytes()
        text, encoding = decode_text(data)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        name = display(path, ctx).lower()
        kind = DocumentKind.SPREADSHEET if name.endswith(TABULAR_EXTENSIONS) else DocumentKind.EDOC
        pages, warnings = split_pages(text, ctx.limits.max_pages)
        if printable_ratio(text[:100_000]) < 0.8:
            warnings.append("much of this file is not printable text: it may be a binary file read as text")
        if "\ufffd" in text and encoding.startswith("utf"):
            warnings.append(f"some bytes are not valid {encoding} and were replaced")
        return Extraction(kind, pages, {"encoding": encoding}, warnings=warnings)


READER = TextReader()
