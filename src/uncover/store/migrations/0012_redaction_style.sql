-- Redaction boxes on page images carry how they look: black, grey, outlined (a blank box in a
-- thin border, the State Department and FBI style) or white; NULL for boxes found before.
ALTER TABLE redactions ADD COLUMN style TEXT;
