-- OCR flags per page (ingest/ocr.py): low-confidence, nearly-empty, rotated-90/180/270; comma-separated.
ALTER TABLE pages ADD COLUMN ocr_flags TEXT NOT NULL DEFAULT '';

-- FBI/DOJ deleted page information sheets (analyze/deleted_pages.py): each sheet with the total it
-- prints, and one row per page it lists as withheld in full. Derived; replaced per document by
-- `uncover analyze`.
CREATE TABLE deleted_page_sheets (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    first_page    INTEGER NOT NULL,      -- the pages of this document the sheet is printed on
    last_page     INTEGER NOT NULL,
    printed_total INTEGER,               -- `Total Deleted Page(s) = 66`, when printed and readable
    listed        INTEGER NOT NULL       -- entries read from the sheet
);
CREATE INDEX deleted_page_sheets_document ON deleted_page_sheets(document_id);

CREATE TABLE withheld_pages (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    sheet_id    INTEGER NOT NULL REFERENCES deleted_page_sheets(id) ON DELETE CASCADE,
    sheet_page  INTEGER NOT NULL,        -- the page of the document holding the entry
    label       TEXT NOT NULL,           -- the withheld page as the sheet names it: "74" or a Bates number
    codes       TEXT NOT NULL DEFAULT ',',  -- ",b6,b7c," (commas around every code, for LIKE '%,b6,%')
    reasons     TEXT NOT NULL,           -- for reading: "b6 (6); b7c (6); b7e (3)", "duplicate", "referral/consult"
    duplicate   INTEGER NOT NULL DEFAULT 0,
    referral    TEXT,
    text        TEXT NOT NULL            -- the entry as printed, OCR damage included
);
CREATE INDEX withheld_pages_document ON withheld_pages(document_id);
