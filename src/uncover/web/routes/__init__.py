"""One router per area of the workspace: search, documents, review, overview, auth."""
