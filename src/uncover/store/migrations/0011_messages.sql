-- Messages read from the page: metadata recovered from a printed e-mail header (with where it
-- was read), and each document split into its author's own text and the messages it quotes.
-- Derived from page text by the ingest and `uncover analyze`; replaced per document on every run.

-- One row per recovered field. `applied` says whether the document's column holds the value;
-- a value a load file or a native e-mail supplied is never replaced, and `note` says so.
CREATE TABLE derived_fields (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,          -- subject, sender, recipients, cc, bcc, date, attachments
    value       TEXT NOT NULL,
    source      TEXT NOT NULL,          -- printed-header
    page        INTEGER NOT NULL,
    confidence  REAL NOT NULL,
    applied     INTEGER NOT NULL DEFAULT 0,
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, field, source)
);

-- Own text and quoted messages, in text order. Offsets are characters in the document's text
-- (its pages joined by a line break). `own_text` repeats an own segment's words for search and
-- is kept only for documents that quote something (elsewhere the whole text is the author's).
CREATE TABLE message_segments (
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    kind         TEXT NOT NULL,         -- own, quoted
    depth        INTEGER NOT NULL,      -- 0: own; n: the n-th quoted message
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL,
    page         INTEGER NOT NULL,      -- the page the segment starts on
    style        TEXT,                  -- outlook, columns, lotus, memo, attribution, quote-marks, separator
    sender       TEXT,
    recipients   TEXT,
    cc           TEXT,
    subject      TEXT,
    date         TEXT,                  -- ISO 8601; NULL when unreadable or ambiguous
    date_printed TEXT,
    own_text     TEXT,
    PRIMARY KEY (document_id, position)
);
CREATE INDEX message_segments_quoted ON message_segments(kind, document_id);

-- Which documents were read, and how: the printed header's style (NULL: none found) and the
-- number of quoted messages.
CREATE TABLE message_reading (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    header      TEXT,
    quoted      INTEGER NOT NULL DEFAULT 0,
    warnings    TEXT NOT NULL DEFAULT '[]'
);
