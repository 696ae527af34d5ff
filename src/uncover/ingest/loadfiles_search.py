"""Search fields from load files: `bates:` (a page or a range) and the canonical load-file fields.

`bates:ABC0000123` finds the document holding that page; `bates:ABC0000100..ABC0000200` the documents
overlapping the range (same prefix, numbers compared as numbers). Fields such as `begattach:`,
`pgcount:` or `confidentiality:` match the canonical value kept in the document's metadata.
"""

from __future__ import annotations

from typing import Any

from ..errors import QueryError
from ..model import BatesNumber
from .loadfiles.bates import parse_range

_EXAMPLE = "bates:EFTA00003216 or bates:EFTA00003200..EFTA00003300"

# Search name -> canonical key. `producer-redacted:` is the producer's REDACTED column; `redacted:` is
# uncover's own finding (boxes seen on the page), registered by the withholdings store.
LOADFILE_FIELDS = {"begattach": "attach_begin", "endattach": "attach_end", "parentid": "parent_id",
                   "attachids": "attach_ids", "pgcount": "page_count", "md5hash": "md5", "fileext": "file_ext",
                   "confidentiality": "confidentiality", "producer-redacted": "redacted", "prprties": "properties",
                   "folder": "folder_path", "doctype": "doc_type", "volume": "volume", "datesent": "date_sent"}


# the volume column of the image load file (or the folder's name) kept at ingest, or a VOLUME field
VOLUME_SQL = ("SELECT id FROM documents WHERE lower(json_extract(metadata, '$._loadfile.volume')) = lower(?) "
              "OR lower(json_extract(metadata, '$.volume')) = lower(?)")


def bates_sql(value: str) -> tuple[str, tuple[object, ...]]:
    """SQL returning the ids of documents holding a page or overlapping a range."""
    value = value.strip()
    if ".." in value:
        left, _, right = value.partition("..")
        rng = parse_range(f"{left.strip()}..{right.strip()}")
        if rng is None or rng.begin.prefix != rng.end.prefix:
            raise QueryError(f"bates:{value} is not a range of one prefix. For example: {_EXAMPLE}")
        n = len(rng.begin.prefix)
        return (
            "SELECT id FROM documents WHERE substr(bates_begin, 1, ?) = ? AND substr(bates_end, 1, ?) = ? "
            "AND CAST(substr(bates_begin, ?) AS INTEGER) <= ? AND CAST(substr(bates_end, ?) AS INTEGER) >= ?",
            (n, rng.begin.prefix, n, rng.begin.prefix, n + 1, rng.end.number, n + 1, rng.begin.number),
        )
    if BatesNumber.parse(value) is None:
        raise QueryError(f"bates:{value} is not a Bates number. For example: {_EXAMPLE}")
    return ("SELECT document_id FROM pages WHERE bates IN (?, ?) UNION SELECT id FROM documents WHERE bates_begin IN (?, ?)",
            (value, value.upper(), value, value.upper()))


def bates_filter(store: Any, value: str) -> set[int]:
    """Document ids for a `bates:` value, straight from the store (no search index needed)."""
    sql, params = bates_sql(value)
    return {int(r[0]) for r in store.conn.execute(sql, params)}


def _register() -> None:
    try:
        from ..search.filters import SqlFilter, register_field
    except ImportError:  # search not installed in this build
        return

    register_field("bates", lambda f: SqlFilter(*bates_sql(f.value)),
                   description="the document holding a page, or documents overlapping a range", example=_EXAMPLE)
    for name, key in LOADFILE_FIELDS.items():
        if name == "volume":
            continue

        def sql(f: Any, key: str = key) -> SqlFilter:
            return SqlFilter("SELECT id FROM documents WHERE lower(json_extract(metadata, ?)) = lower(?)",
                             (f"$.{key}", f.value.strip()))

        register_field(name, sql, description=f"the load file's {key} value (case-insensitive)",
                       example=f"{name}:value")
    register_field("volume", lambda f: SqlFilter(VOLUME_SQL, (f.value.strip(), f.value.strip())),
                   description="the volume a record was produced in (the image load file's volume, the VOLUME "
                               "field, or the volume folder)", example="volume:VOL00001")


_register()
