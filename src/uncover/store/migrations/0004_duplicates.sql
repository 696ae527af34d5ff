-- Duplicates, near-duplicates, e-mail threads, versions, and the stored text signatures they use.

-- Per-document fingerprints, computed once: the normalized-text hash, the agency document number
-- printed on the pages, and the MinHash signature (num_perm uint32 values, little-endian).
CREATE TABLE document_signatures (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    text_hash   TEXT,              -- sha256 of the normalized text; NULL when the text is empty
    doc_number  TEXT,              -- e.g. State's C05739545 from the page header
    shingles    INTEGER NOT NULL,  -- number of shingles; 0 = no text to compare
    num_perm    INTEGER NOT NULL,
    signature   BLOB NOT NULL
);
CREATE INDEX document_signatures_text ON document_signatures(text_hash);
CREATE INDEX document_signatures_docno ON document_signatures(doc_number);

-- Exact duplicates: same original bytes (basis 'sha256') or same normalized text ('text').
CREATE TABLE duplicate_groups (
    id         INTEGER PRIMARY KEY,
    basis      TEXT NOT NULL CHECK (basis IN ('sha256', 'text')),
    key        TEXT NOT NULL,
    primary_id INTEGER NOT NULL REFERENCES documents(id),
    UNIQUE (basis, key)
);
CREATE TABLE duplicate_members (
    group_id    INTEGER NOT NULL REFERENCES duplicate_groups(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    is_primary  INTEGER NOT NULL DEFAULT 0,
    -- an attachment whose copy lives in another family: reported, never hidden by dupe:no
    other_family INTEGER NOT NULL DEFAULT 0,
    collapsed   INTEGER NOT NULL DEFAULT 0,  -- hidden by dupe:no
    PRIMARY KEY (group_id, document_id)
);
CREATE INDEX duplicate_members_document ON duplicate_members(document_id);

CREATE TABLE neardup_clusters (
    id        INTEGER PRIMARY KEY,
    pivot_id  INTEGER NOT NULL REFERENCES documents(id),
    threshold REAL NOT NULL
);
CREATE TABLE neardup_members (
    cluster_id  INTEGER NOT NULL REFERENCES neardup_clusters(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    score       REAL NOT NULL,  -- estimated Jaccard similarity to the pivot
    PRIMARY KEY (cluster_id, document_id)
);
CREATE INDEX neardup_members_document ON neardup_members(document_id);

CREATE TABLE threads (
    id      INTEGER PRIMARY KEY,
    key     TEXT NOT NULL UNIQUE,  -- root Message-ID, Thread-Index conversation, or subject key
    subject TEXT,
    basis   TEXT NOT NULL          -- 'headers', 'thread-index' or 'text'
);
CREATE TABLE thread_members (
    thread_id   INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),
    parent_document_id INTEGER,   -- the message it replies to, where known
    position    INTEGER NOT NULL, -- order in the thread (date, then id)
    inclusive   INTEGER NOT NULL, -- no other message of the thread contains its content
    PRIMARY KEY (thread_id, document_id)
);

-- The same record produced more than once: what the later copy reveals and newly withholds.
CREATE TABLE version_pairs (
    id          INTEGER PRIMARY KEY,
    earlier_id  INTEGER NOT NULL REFERENCES documents(id),
    later_id    INTEGER NOT NULL REFERENCES documents(id),
    basis       TEXT NOT NULL,    -- 'bates', 'doc-number' or 'near-duplicate'
    similarity  REAL,
    revealed    TEXT NOT NULL DEFAULT '[]',  -- JSON list of passages
    withheld    TEXT NOT NULL DEFAULT '[]',
    changed     TEXT NOT NULL DEFAULT '[]',  -- JSON list of [earlier, later] passages (OCR or edits)
    UNIQUE (earlier_id, later_id)
);
CREATE INDEX version_pairs_later ON version_pairs(later_id);
