-- The spine: productions, the input manifest, documents, pages, the exception report, the audit log.

CREATE TABLE productions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    source      TEXT NOT NULL DEFAULT '',
    received_at TEXT,
    due_date    TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- One row per ingest run: when, with which tool version, from where, with what result.
CREATE TABLE ingests (
    id            INTEGER PRIMARY KEY,
    production_id INTEGER REFERENCES productions(id),
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    tool_version  TEXT NOT NULL,
    sources       TEXT NOT NULL,   -- JSON list of the paths given
    settings      TEXT NOT NULL DEFAULT '{}',
    counts        TEXT NOT NULL DEFAULT '{}'
);

-- The manifest: every file and container member, written before it is parsed, so the final
-- count reconciles: inputs = documents + exceptions.
CREATE TABLE inputs (
    id            INTEGER PRIMARY KEY,
    item_key      TEXT NOT NULL UNIQUE,   -- sha256 of (source path, member chain, content hash)
    ingest_id     INTEGER NOT NULL REFERENCES ingests(id),
    production_id INTEGER NOT NULL REFERENCES productions(id),
    parent_input_id INTEGER REFERENCES inputs(id),
    source_path   TEXT NOT NULL,          -- the file given (for members: the outermost container)
    member_path   TEXT,                   -- member chain inside the container, joined by '//'
    display_name  TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    md5           TEXT NOT NULL,
    size          INTEGER NOT NULL,
    custodian     TEXT,
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'document', 'exception'))
);
CREATE INDEX inputs_state ON inputs(state);
CREATE INDEX inputs_parent ON inputs(parent_input_id);

CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    input_id      INTEGER UNIQUE REFERENCES inputs(id),
    production_id INTEGER NOT NULL REFERENCES productions(id),
    parent_id     INTEGER REFERENCES documents(id),
    family_id     INTEGER,
    kind          TEXT NOT NULL,
    filename      TEXT NOT NULL,
    path          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    md5           TEXT NOT NULL,
    size          INTEGER NOT NULL,
    mime          TEXT,
    custodian     TEXT,
    subject       TEXT,
    author        TEXT,
    sender        TEXT,
    recipients    TEXT,
    cc            TEXT,
    bcc           TEXT,
    date          TEXT,
    title         TEXT,
    message_id    TEXT,
    in_reply_to   TEXT,
    "references"  TEXT,
    bates_begin   TEXT,
    bates_end     TEXT,
    page_count    INTEGER NOT NULL DEFAULT 0,
    metadata      TEXT NOT NULL DEFAULT '{}',
    raw_fields    TEXT NOT NULL DEFAULT '{}',
    warnings      TEXT NOT NULL DEFAULT '[]',
    html_body     TEXT,
    indexed       INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX documents_sha256 ON documents(sha256);
CREATE INDEX documents_parent ON documents(parent_id);
CREATE INDEX documents_family ON documents(family_id);
CREATE INDEX documents_production ON documents(production_id);
CREATE INDEX documents_indexed ON documents(indexed);
CREATE INDEX documents_bates ON documents(bates_begin);
CREATE INDEX documents_message_id ON documents(message_id);

CREATE TABLE pages (
    document_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    text           TEXT NOT NULL,
    text_source    TEXT NOT NULL,
    ocr_confidence REAL,
    needed_ocr     INTEGER NOT NULL DEFAULT 0,
    bates          TEXT,
    image_ref      TEXT,
    PRIMARY KEY (document_id, number)
) WITHOUT ROWID;
CREATE INDEX pages_bates ON pages(bates);

CREATE TABLE processing_issues (
    id          INTEGER PRIMARY KEY,
    input_id    INTEGER REFERENCES inputs(id),
    ingest_id   INTEGER REFERENCES ingests(id),
    document_id INTEGER REFERENCES documents(id),  -- set for warnings on a document that exists
    path        TEXT NOT NULL,
    member      TEXT,
    stage       TEXT NOT NULL,
    category    TEXT NOT NULL,
    message     TEXT NOT NULL,
    sha256      TEXT,
    bates       TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX processing_issues_input ON processing_issues(input_id);
