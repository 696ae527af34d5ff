"""CSV, pipe and tab metadata files (FreeEed's `load-no-text.csv`, spreadsheet exports).

They are DAT files under another name: the same detection decides the separator and whether `"`
qualifies fields, so a name with a comma inside quotes stays one field and an unquoted `"` in an
e-mail display name stays a character.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .dat import DatDialect, DatRecord, read_dat


def read_delimited(path: Path, dialect: DatDialect | None = None) -> tuple[DatDialect, Iterator[DatRecord]]:
    return read_dat(path, dialect)
