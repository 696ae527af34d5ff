-- The tables pre-check (analyze/tables/precheck.py, may_hold_table) as the ingest's workers ran it on
-- each page of a PDF while reading it: the pages that may hold a table, so the tables pass opens
-- only those documents and pages. Derived; a document without a row is checked by the pass itself.
CREATE TABLE table_checks (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    pages       TEXT NOT NULL DEFAULT ''  -- "3,4": page numbers; '' when no page may hold a table
);
CREATE UNIQUE INDEX table_checks_document ON table_checks(document_id);
