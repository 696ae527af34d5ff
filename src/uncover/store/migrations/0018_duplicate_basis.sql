-- Duplicates as e-discovery defines them (issue 18): e-mails by their normalised headers, body and
-- attachments (basis 'email'), e-documents by content ('sha256'), text only for loose documents
-- ('text'). Groups are recomputed from fingerprints by the duplicate pass, so the old tables are
-- replaced rather than converted; `words` (NULL until computed) marks fingerprints to recompute.
DROP TABLE duplicate_members;
DROP TABLE duplicate_groups;
CREATE TABLE duplicate_groups (
    id         INTEGER PRIMARY KEY,
    basis      TEXT NOT NULL CHECK (basis IN ('email', 'sha256', 'text')),
    key        TEXT NOT NULL,
    primary_id INTEGER NOT NULL REFERENCES documents(id),
    UNIQUE (basis, key)
);
CREATE TABLE duplicate_members (
    group_id    INTEGER NOT NULL REFERENCES duplicate_groups(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    is_primary  INTEGER NOT NULL DEFAULT 0,
    other_family INTEGER NOT NULL DEFAULT 0,
    collapsed   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, document_id)
);
CREATE INDEX duplicate_members_document ON duplicate_members(document_id);
-- words in the text once page furniture and boilerplate are removed; NULL: not computed yet
ALTER TABLE document_signatures ADD COLUMN words INTEGER;
