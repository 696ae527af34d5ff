-- Publications: a chosen set of documents (explicit and/or a saved search frozen into ids), an
-- introduction and a briefing guide (Markdown), published as a static reading room.
-- Only the documents listed in publication_documents and annotations marked public are ever published.

CREATE TABLE publications (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,     -- short name used on the command line: [a-z0-9-]
    title        TEXT NOT NULL,
    introduction TEXT NOT NULL DEFAULT '', -- Markdown
    guide        TEXT NOT NULL DEFAULT '', -- Markdown; [[BATES]] or [[BATES p3]] cites a document or page
    base_url     TEXT NOT NULL DEFAULT '', -- where the site will live, for the feed, sitemap and PDF links
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- A search frozen at a moment: the query, when it ran, how many it matched. Its ids are the rows
-- of publication_documents with this search_id; rerunning the search later changes nothing.
CREATE TABLE publication_searches (
    id             INTEGER PRIMARY KEY,
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    query          TEXT NOT NULL,
    frozen_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    matched        INTEGER NOT NULL
);

CREATE TABLE publication_documents (
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    document_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    search_id      INTEGER REFERENCES publication_searches(id) ON DELETE SET NULL,  -- NULL: chosen by hand
    added_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (publication_id, document_id)
) WITHOUT ROWID;

-- Every build: when, what went out, and the SHA-256 of the file manifest, for the record.
CREATE TABLE publication_builds (
    id             INTEGER PRIMARY KEY,
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    built_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    documents      INTEGER NOT NULL,
    pages          INTEGER NOT NULL,
    files          INTEGER NOT NULL,
    bytes          INTEGER NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    leaks          INTEGER                -- findings of the leak check run after the build (NULL: not run)
);
