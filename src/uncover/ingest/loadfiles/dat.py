"""Concordance DAT: detect the dialect from the data, then stream records.

Nothing is assumed: the separator (DC4, pipe, caret, comma, tab, pilcrow), the qualifier (thorn,
caret, double quote, none, or only some fields qualified), the newline marker (registered sign),
the encoding (UTF-8 with or without BOM, UTF-16 with BOM or by its NUL bytes, cp1252) and whether
the first row is a header are all read from the file's first 64 KiB, and reported in a
`DatDialect` so a reviewer can see what was decided. Records are parsed by the `csv` module's C
reader over the decoded stream, which keeps qualified fields that span lines intact: a line-based
reader splits such a record in two.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import LoadFileError
from .bates import looks_like_bates
from .fields import canonical_name, looks_like_field_name, unknown_fields

if TYPE_CHECKING:
    from .opt import ImageLine

SAMPLE_BYTES = 64 * 1024
DELIMITERS = ("\x14", "\u00b6", "|", "\t", "^", ",", ";")
QUALIFIERS = ("\u00fe", "^", '"', "")
NEWLINE_MARKER = "\u00ae"
REPLACEMENT = "\ufffd"

csv.field_size_limit(2**31 - 1)


@dataclass
class DatDialect:
    """What was detected in a DAT: shown to the user and stored in `loadfile_runs`."""

    delimiter: str
    qualifier: str  # "" when fields are not qualified
    encoding: str  # a Python codec name
    bom: bool
    header: bool
    field_names: list[str]
    newline_marker: str | None = None  # the character that stands for a newline inside a field
    partial_qualifying: bool = False  # some fields qualified, others not
    canonical_overrides: dict[str, str] = field(default_factory=dict)  # FIELD1 -> bates_begin, no header

    @property
    def unknown_fields(self) -> list[str]:
        return unknown_fields(self.field_names) if self.header else []

    def describe(self) -> dict[str, object]:
        data = asdict(self)
        data["delimiter"] = _show(self.delimiter)
        data["qualifier"] = _show(self.qualifier) if self.qualifier else "none"
        data["newline_marker"] = _show(self.newline_marker) if self.newline_marker else None
        data["unknown_fields"] = self.unknown_fields
        return data


@dataclass
class DatRecord:
    line: int  # physical line where the record starts (1-based)
    fields: dict[str, str]  # raw fields in the producer's order, newline marker decoded
    warnings: list[str] = field(default_factory=list)
    # set by the readers of formats that carry more than fields (DII, EDRM XML):
    overrides: dict[str, str] = field(default_factory=dict)  # raw name -> canonical name
    images: list[ImageLine] | None = None
    text: str | None = None  # inline full text


def _show(ch: str) -> str:
    names = {"\x14": "DC4 (0x14)", "\t": "tab", "\u00fe": "þ (U+00FE)", "\u00b6": "¶ (U+00B6)",
             "\u00ae": "® (U+00AE)", '"': 'double quote "', ",": "comma", "|": "pipe |", "^": "caret ^", ";": "semicolon"}
    return names.get(ch, repr(ch))


# -- encoding -------------------------------------------------------------------------------------
def detect_encoding(head: bytes) -> tuple[str, bool]:
    """(codec, had BOM) from the first bytes: BOM, else UTF-16 by NUL bytes, else UTF-8, else cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", True
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16", True
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", True
    sample = head[:4096]
    if len(sample) >= 4:
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) / 2
        if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
            return "utf-16-le", False
        if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
            return "utf-16-be", False
    try:
        head.decode("utf-8")
        return "utf-8", False
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and exc.reason.startswith("unexpected end"):
            return "utf-8", False  # a character cut at the end of the sample
        # a few bad bytes in an otherwise UTF-8 file: keep UTF-8 and warn per record
        try:
            head[: exc.start].decode("utf-8")
            multibyte = sum(1 for b in head[: exc.start] if b >= 0xC2 and b <= 0xF4)
        except UnicodeDecodeError:
            multibyte = 0
        return ("utf-8", False) if multibyte >= 3 else ("cp1252", False)


def open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """The file decoded as a stream; undecodable bytes become U+FFFD (and a warning per record)."""
    return open(path, encoding=encoding, errors="replace", newline="")


# -- dialect --------------------------------------------------------------------------------------
def _parse_sample(text: str, delimiter: str, qualifier: str) -> list[list[str]]:
    kw: dict[str, object] = {"delimiter": delimiter, "strict": False}
    if qualifier:
        kw.update(quotechar=qualifier, doublequote=True, quoting=csv.QUOTE_MINIMAL)
    else:
        kw.update(quoting=csv.QUOTE_NONE)
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), **kw):  # type: ignore[arg-type]
            rows.append(row)
    except csv.Error:
        pass
    return [r for r in rows if r != []]


def _score(text: str, delimiter: str, qualifier: str) -> tuple[float, ...]:
    rows = _parse_sample(text, delimiter, qualifier)
    if len(rows) > 1:
        rows = rows[:-1]  # the sample may cut the last record
    if not rows:
        return (0.0,)
    counts: dict[int, int] = {}
    for r in rows:
        counts[len(r)] = counts.get(len(r), 0) + 1
    modal, hits = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    consistency = hits / len(rows)
    usage = 0
    if qualifier:
        usage = sum(text.count(qualifier + delimiter) + text.count(delimiter + qualifier) for _ in (0,))
        usage += sum(1 for line in text.splitlines() if line.startswith(qualifier))
        if usage == 0:  # the character occurs, but never opens or closes a field: not a qualifier
            return (0.0,)
    return (float(modal > 1), round(consistency, 2), float(usage > 0), float(modal),
            -DELIMITERS.index(delimiter), -QUALIFIERS.index(qualifier))


def sniff(path: Path) -> DatDialect:
    """Detect a DAT's dialect from its first 64 KiB. Raises LoadFileError for an empty file."""
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if not head.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise LoadFileError(f"{path} is empty: ask the producer for the load file again.", path=str(path))
    encoding, bom = detect_encoding(head)
    text = head.decode(encoding, errors="replace")
    if len(head) == SAMPLE_BYTES:
        text = text[: max(text.rfind("\n"), 1)]
    text = text.lstrip("\ufeff")
    present = [d for d in DELIMITERS if d in text]
    if not present:
        present = ["\x14"]
    best: tuple[tuple[float, ...], str, str] | None = None
    for d in present:
        for q in QUALIFIERS:
            if q == d or (q and q not in text):
                continue
            score = _score(text, d, q)
            if best is None or score > best[0]:
                best = (score, d, q)
    assert best is not None
    _, delimiter, qualifier = best
    rows = _parse_sample(text, delimiter, qualifier)
    first = rows[0] if rows else []
    header = is_header(first)
    names = _unique_names([v.strip() for v in first]) if header else [f"FIELD{i + 1}" for i in range(len(first))]
    overrides: dict[str, str] = {}
    if not header and rows:
        if first and looks_like_bates(first[0]):
            overrides["FIELD1"] = "bates_begin"
            if len(first) > 1 and looks_like_bates(first[1]):
                overrides["FIELD2"] = "bates_end"
        # file paths name themselves: a .txt path is the text file, another path the native
        for i, value in enumerate(first):
            if re.fullmatch(r"[^\n]*[\\/][^\\/\n]+\.[A-Za-z0-9]{1,5}", value.strip()):
                role = "text_path" if value.strip().lower().endswith(".txt") else "native_path"
                if role not in overrides.values():
                    overrides[f"FIELD{i + 1}"] = role
    partial = False
    if qualifier:
        lines = [ln for ln in text.splitlines()[:50] if ln]
        starts = sum(1 for ln in lines if ln.startswith(qualifier))
        partial = 0 < starts < len(lines) or text.count(delimiter + qualifier) < text.count(delimiter) // 2
    marker = NEWLINE_MARKER if (NEWLINE_MARKER in text or delimiter == "\x14" or qualifier == "\u00fe") else None
    return DatDialect(delimiter, qualifier, encoding, bom, header, names, marker, partial, overrides)


def is_header(values: list[str]) -> bool:
    """A header names every column (an empty name only last) and holds no data-looking values."""
    cleaned = [v.strip() for v in values]
    if not cleaned or any(not v for v in cleaned[:-1]):
        return False
    named = [v for v in cleaned if v]
    if any(looks_like_bates(v) and canonical_name(v) is None for v in named):
        return False
    if any(canonical_name(v) for v in named):
        return True
    return all(looks_like_field_name(v) for v in named)


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name or f"FIELD{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


# -- records --------------------------------------------------------------------------------------
def read_dat(path: Path, dialect: DatDialect | None = None) -> tuple[DatDialect, Iterator[DatRecord]]:
    """(dialect, record generator). The generator holds one record in memory at a time."""
    dialect = dialect or sniff(path)
    return dialect, _records(path, dialect)


def _records(path: Path, dialect: DatDialect) -> Iterator[DatRecord]:
    kw: dict[str, object] = {"delimiter": dialect.delimiter, "strict": False}
    if dialect.qualifier:
        kw.update(quotechar=dialect.qualifier, doublequote=True)
    else:
        kw.update(quoting=csv.QUOTE_NONE)
    names = dialect.field_names
    width = len(names)
    marker = dialect.newline_marker
    with open_text(path, dialect.encoding) as fh:
        reader = csv.reader(fh, **kw)  # type: ignore[arg-type]
        line = 1
        first = True
        while True:
            start = line
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = reader.line_num + 1
                yield DatRecord(start, {}, [f"{path.name} line {start}: unreadable record ({exc}); skipped"])
                continue
            line = reader.line_num + 1
            if first:
                first = False
                if row and row[0].startswith("\ufeff"):
                    row[0] = row[0][1:]
                if dialect.header:
                    continue
            if not row or row == [""]:
                continue
            warnings: list[str] = []
            if len(row) != width:
                if len(row) > width and all(not v for v in row[width:]):
                    row = row[:width]
                else:
                    warnings.append(
                        f"{path.name} line {start}: {len(row)} fields where the header has {width}"
                        + (" (extra values kept as FIELDn)" if len(row) > width else " (missing ones left empty)")
                    )
            values = {}
            for i, value in enumerate(row):
                name = names[i] if i < width else f"FIELD{i + 1}"
                if marker and marker in value:
                    value = value.replace(marker, "\n")
                values[name] = value
            for name in names[len(row):]:
                values[name] = ""
            if any(REPLACEMENT in v for v in row):
                warnings.append(f"{path.name} line {start}: bytes that are not {dialect.encoding} were replaced by U+FFFD")
            yield DatRecord(start, values, warnings)
