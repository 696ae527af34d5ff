-- Load files read by an ingest: what was detected in each, so a reviewer (or a deficiency letter)
-- can say "the DAT was cp1252 without a header, with 3 fields unknown to the alias table".
CREATE TABLE loadfile_runs (
    id             INTEGER PRIMARY KEY,
    ingest_id      INTEGER REFERENCES ingests(id),
    production_id  INTEGER REFERENCES productions(id),
    path           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    encoding       TEXT,
    bom            INTEGER,
    delimiter      TEXT,
    qualifier      TEXT,
    newline_marker TEXT,
    header         INTEGER,
    fields         TEXT NOT NULL DEFAULT '[]',
    unknown_fields TEXT NOT NULL DEFAULT '[]',
    records        INTEGER NOT NULL DEFAULT 0,
    warnings       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX loadfile_runs_production ON loadfile_runs(production_id);
