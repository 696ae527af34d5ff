-- Tables read from released pages (analyze/tables): one row per table, one per cell. Derived;
-- replaced per document by `uncover tables CASE --refresh`.
CREATE TABLE doc_tables (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,       -- 1, 2, ... in reading order within the document
    first_page   INTEGER NOT NULL,       -- pages of the document the table is printed on
    last_page    INTEGER NOT NULL,
    bates        TEXT,                   -- Bates number of the first page, when the page has one
    parts        TEXT NOT NULL,          -- JSON [{page, bbox: [x0, top, x1, bottom], width, height}] in PDF points
    method       TEXT NOT NULL,          -- ruled, stream, ocr-ruled, ocr-stream
    turned       INTEGER NOT NULL DEFAULT 0,  -- degrees the page was turned to read the table upright
    n_rows       INTEGER NOT NULL,
    n_cols       INTEGER NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    words        TEXT NOT NULL DEFAULT '',  -- every cell's text, for table:WORD
    redacted     INTEGER NOT NULL DEFAULT 0  -- cells redacted
);
CREATE INDEX doc_tables_document ON doc_tables(document_id);

CREATE TABLE doc_table_cells (
    table_id   INTEGER NOT NULL REFERENCES doc_tables(id) ON DELETE CASCADE,
    row_index  INTEGER NOT NULL,
    col_index  INTEGER NOT NULL,
    rowspan    INTEGER NOT NULL DEFAULT 1,
    colspan    INTEGER NOT NULL DEFAULT 1,
    text       TEXT NOT NULL DEFAULT '',
    marks      TEXT NOT NULL DEFAULT '',  -- footnote marks printed with the value
    value      REAL,                      -- the number stated; NULL for text and for every redacted cell
    redacted   INTEGER NOT NULL DEFAULT 0,
    exemption  TEXT,
    page       INTEGER NOT NULL,
    bbox       TEXT,                      -- JSON [x0, top, x1, bottom] on that page
    PRIMARY KEY (table_id, row_index, col_index)
);
