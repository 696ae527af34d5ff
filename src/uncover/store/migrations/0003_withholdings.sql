-- Withholdings: exemption markings per page, redaction boxes, page notices, document release status.
-- Derived from pages and originals by `uncover analyze`; replaced per document on every run.

CREATE TABLE exemption_marks (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page         INTEGER NOT NULL,
    code         TEXT NOT NULL,          -- b1 .. b9, b7a .. b7f, c1 .. c3
    qualifier    TEXT,                   -- 1.4 category for b1, statute for b3
    text         TEXT NOT NULL,          -- as printed, OCR damage included
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL,
    confidence   REAL NOT NULL,          -- under 0.5: a mention (a list of exemptions), not a claim
    x0 REAL, y0 REAL, x1 REAL, y1 REAL
);
CREATE INDEX exemption_marks_document ON exemption_marks(document_id, page);
CREATE INDEX exemption_marks_code ON exemption_marks(code);

CREATE TABLE redactions (
    id                INTEGER PRIMARY KEY,
    document_id       INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page              INTEGER NOT NULL,
    x0 REAL NOT NULL, y0 REAL NOT NULL, x1 REAL NOT NULL, y1 REAL NOT NULL,  -- page fractions, top-left origin
    area              REAL NOT NULL,
    source            TEXT NOT NULL,     -- vector, vector-white, raster
    failed            INTEGER NOT NULL DEFAULT 0,
    recoverable_chars INTEGER NOT NULL DEFAULT 0,  -- a count only: recovered text is never stored
    label             TEXT
);
CREATE INDEX redactions_document ON redactions(document_id, page);
CREATE INDEX redactions_failed ON redactions(failed);

-- Notices that are not codes: deleted-page sheets, withheld-in-full, non-responsive, referrals.
CREATE TABLE page_notices (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page         INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL
);
CREATE INDEX page_notices_document ON page_notices(document_id);

CREATE TABLE document_release (
    document_id     INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    status          TEXT NOT NULL CHECK (status IN ('full', 'part', 'withheld', 'unknown')),
    codes           TEXT NOT NULL DEFAULT '',   -- claimed codes, comma-separated, sorted
    pages_withheld  INTEGER NOT NULL DEFAULT 0,
    pages_redacted  INTEGER NOT NULL DEFAULT 0,
    analyzed_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX document_release_status ON document_release(status);
