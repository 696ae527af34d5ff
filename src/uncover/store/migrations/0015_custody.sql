-- Custody and recovery: input names kept byte for byte, the expansion budget of each top-level
-- input, case passes pending until they finish, and the last check of each stored original.

-- The exact bytes of an input's name where they are not valid UTF-8 (display_name then shows
-- each such byte as \xNN); NULL where display_name is the name exactly.
ALTER TABLE inputs ADD COLUMN raw_name BLOB;
-- The top-level input a container member came from (NULL for a top-level input itself) and how
-- many archives it sits inside: what the expansion budget of that top-level input is charged to.
ALTER TABLE inputs ADD COLUMN root_input_id INTEGER REFERENCES inputs(id);
ALTER TABLE inputs ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
CREATE INDEX inputs_root ON inputs(root_input_id);

-- Case passes (withholdings, duplicates, threads, versions) have run over every document with
-- an id up to done_through; documents above it are pending, and the next ingest or analysis
-- finishes them, even after a kill in the middle of a pass.
CREATE TABLE case_passes (
    name         TEXT PRIMARY KEY,
    done_through BIGINT NOT NULL DEFAULT 0,
    updated_at   TEXT
);
INSERT INTO case_passes (name, done_through) SELECT 'withholdings', COALESCE(MAX(id), 0) FROM documents;
INSERT INTO case_passes (name, done_through) SELECT 'duplicates', COALESCE(MAX(id), 0) FROM documents;

-- The last time each stored original was re-hashed, and the file's size and times then: a
-- hand-out whose file still matches them is served at the cost of one stat; any other is re-hashed.
CREATE TABLE original_checks (
    sha256      TEXT PRIMARY KEY,
    size        BIGINT NOT NULL,
    mtime_ns    BIGINT NOT NULL,
    ctime_ns    BIGINT NOT NULL,
    inode       BIGINT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'altered', 'missing')),
    checked_at  TEXT NOT NULL
);
