"""SQL for the `loadfile_runs` table (migration 0002): what was detected in each load file read."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..ingest.volume import LoadFileRun


def record_run(conn: sqlite3.Connection, ingest_id: int | None, production_id: int, run: LoadFileRun) -> None:
    d = run.dialect
    conn.execute(
        "INSERT INTO loadfile_runs (ingest_id, production_id, path, kind, encoding, bom, delimiter, qualifier, "
        "newline_marker, header, fields, unknown_fields, records, warnings) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (ingest_id, production_id, str(run.path), run.kind, d.get("encoding"),
         int(d["bom"]) if "bom" in d else None, d.get("delimiter"), d.get("qualifier"), d.get("newline_marker"),
         int(d["header"]) if "header" in d else None, json.dumps(d.get("field_names", [])),
         json.dumps(run.unknown_fields), run.records, run.warnings),
    )


def runs(conn: sqlite3.Connection, production_id: int | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM loadfile_runs"
    args: tuple[Any, ...] = ()
    if production_id is not None:
        sql += " WHERE production_id = ?"
        args = (production_id,)
    out = []
    for row in conn.execute(sql + " ORDER BY id", args):
        data = dict(row)
        data["fields"] = json.loads(data["fields"])
        data["unknown_fields"] = json.loads(data["unknown_fields"])
        out.append(data)
    return out
