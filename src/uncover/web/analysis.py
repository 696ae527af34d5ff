"""What the analysis pages share: paging, document lines, a side-by-side word diff.

Each analysis page (duplicates, threads, versions, withholdings, failed redactions, the check,
the schedule) has its own route module and template; they read one page of rows with LIMIT and
OFFSET, so a 100,000-document case answers as fast as a small one, and every list names each
document the way a person cites it (Document.listing: Bates or file name, subject and date).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..case import Case
from ..model import Document

PAGE_SIZE = 25
# A word diff costs about the square of the words compared (difflib): 5,000 words take a second,
# 20,000 half a minute. Beyond this many words per document the comparison covers the first
# MAX_COMPARED_WORDS and says so.
MAX_COMPARED_WORDS = 4000


@dataclass
class Pager:
    page: int
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def pager(page: int, total: int, size: int = PAGE_SIZE) -> Pager:
    pages = max(1, -(-total // size))
    return Pager(min(max(page, 1), pages), size, total)


def documents(case: Case, ids: list[int]) -> dict[int, Document]:
    return {d.id: d for d in case.store.documents(sorted(set(ids)))} if ids else {}


def table_exists(case: Case, name: str) -> bool:
    from .routes.search import table_names

    return name in table_names(case)


@dataclass
class DiffRow:
    """One passage of a side-by-side comparison: the same place in both documents."""

    op: str  # equal, delete, insert, replace
    left: str
    right: str


@dataclass
class Comparison:
    left: Document
    right: Document
    rows: list[DiffRow] = field(default_factory=list)
    cut: int = 0  # words compared per document when the documents are longer than that, else 0

    @property
    def changed(self) -> int:
        return sum(1 for r in self.rows if r.op != "equal")


def compare(case: Case, left: Document, right: Document, context: int = 12) -> Comparison:
    """The two documents' texts, word by word, passage by passage (analyze.neardup.word_diff)."""
    from ..analyze.neardup import word_diff

    def text(doc: Document) -> tuple[str, bool]:
        whole = "\n".join(p.text for p in case.store.pages(doc.id))
        words = whole.split()
        if len(words) <= MAX_COMPARED_WORDS:
            return whole, False
        return " ".join(words[:MAX_COMPARED_WORDS]), True

    (a, cut_a), (b, cut_b) = text(left), text(right)
    ops = word_diff(a, b, context=context)
    return Comparison(left, right, [DiffRow(o.op, o.a, o.b) for o in ops], MAX_COMPARED_WORDS if cut_a or cut_b else 0)
