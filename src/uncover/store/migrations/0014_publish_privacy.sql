-- Publishing that cannot leak: a personal-data policy per publication, and leak-check findings
-- the publisher accepted (a false alarm, with the reason written down), so that no false alarm
-- ever forces a build without the check.

-- Personal data is masked unless the publication says otherwise. No row: everything masked.
CREATE TABLE publication_privacy (
    publication_id INTEGER PRIMARY KEY REFERENCES publications(id) ON DELETE CASCADE,
    shown          TEXT NOT NULL DEFAULT '',  -- kinds published as written, comma-separated: emails, phones, cc, bcc, custodians
    keep           TEXT NOT NULL DEFAULT '',  -- values always published as written, one per line (a press office's address)
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- A finding of the leak check the publisher judged a false alarm. The fingerprint is a hash of
-- where the secret came from and the matching words, so the same finding is recognised in later
-- checks, in whichever file it sits; every later check shows it with its reason.
CREATE TABLE publication_accepted_findings (
    id             INTEGER PRIMARY KEY,
    publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    fingerprint    TEXT NOT NULL,
    source         TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    reason         TEXT NOT NULL,
    accepted_by    TEXT NOT NULL DEFAULT '',
    accepted_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (publication_id, fingerprint)
);
