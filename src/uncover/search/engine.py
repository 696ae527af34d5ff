"""`search(case, query)`: parse, ask the index, then dress one page of hits from case.db.

The index answers which documents match and how well (BM25); everything shown about a hit
(label, metadata, pages with hits, snippet) is read from the system of record, so a result can
never show text the database no longer holds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .query import Node, parse
from .snippets import Snippet, locate

if TYPE_CHECKING:
    from ..case import Case


@dataclass
class SearchHit:
    doc_id: int
    score: float | None  # BM25; None when sorted by date
    label: str  # Bates range, or DOC-000123
    filename: str
    kind: str
    date: str | None
    custodian: str | None
    sender: str | None
    subject: str | None
    pages: list[int] = field(default_factory=list)  # page numbers holding hits
    snippet: Snippet | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in ("doc_id", "score", "label", "filename", "kind", "date", "custodian", "sender", "subject", "pages")}
        data["snippet"] = self.snippet.to_dict() if self.snippet else None
        return data


@dataclass
class SearchResults:
    query: str  # the query as understood, normalised (`a b` -> `a AND b`)
    tree: Node
    total: int
    hits: list[SearchHit]
    limit: int
    offset: int
    sort: str
    elapsed_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "parsed": self.tree.to_dict(),
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "sort": self.sort,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "hits": [h.to_dict() for h in self.hits],
        }


def search(case: Case, query: str, limit: int = 20, offset: int = 0, sort: str = "relevance") -> SearchResults:
    """Search a case. Raises QueryError (with an example) for a query that does not parse."""
    started = time.perf_counter()
    tree = parse(query)
    compiled = case.index.compile(tree, case.store.conn)
    total, ranked = case.index.search(compiled, limit=max(limit, 0), offset=max(offset, 0), sort=sort)
    docs = {d.id: d for d in case.store.documents([doc_id for doc_id, _ in ranked])}
    hits = []
    for doc_id, score in ranked:
        doc = docs.get(doc_id)
        if doc is None:  # deleted from the case since it was indexed
            continue
        where = locate(tree, case.store.pages(doc_id))
        hits.append(
            SearchHit(
                doc_id=doc_id, score=score, label=doc.label, filename=doc.filename, kind=str(doc.kind), date=doc.date,
                custodian=doc.custodian, sender=doc.sender or doc.author, subject=doc.subject or doc.title,
                pages=where.pages, snippet=where.snippet,
            )
        )
    return SearchResults(str(tree), tree, total, hits, limit, offset, sort, (time.perf_counter() - started) * 1000)


def matching_ids(case: Case, query: str) -> set[int]:
    """Every document id matching a query string: for facets, bulk tagging, exports."""
    tree = parse(query)
    return case.index.matching_ids(case.index.compile(tree, case.store.conn))
