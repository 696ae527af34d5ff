"""Search: the query language, the Tantivy index derived from case.db, and field filters.

    from uncover.search import search
    results = search(case, '"release in part" AND NOT b6 date:2012-09-01..2012-12-31')

`search` parses the query (QueryError with an example when it does not), ranks with BM25 in the
index, and reads each hit's metadata, pages with hits and snippet from case.db. `reindex` and
`catch_up` keep the index in step with the database; `register_field` adds a `name:` filter
answered by SQL.
"""

from __future__ import annotations

from .engine import SearchHit, SearchResults, matching_ids, search
from .filters import SqlFilter, register_field
from .index import IndexBusy, SearchIndex, catch_up, reindex
from .query import parse
from .snippets import Snippet

__all__ = [
    "IndexBusy", "SearchHit", "SearchIndex", "SearchResults", "Snippet", "SqlFilter", "catch_up", "matching_ids",
    "parse", "register_field", "reindex", "search",
]
