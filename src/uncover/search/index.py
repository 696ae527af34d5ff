"""The full-text index: one Tantivy document per uncover document, derived from case.db.

Only what search needs is kept: the words with positions (phrases), a few metadata fields, and
the document id as a fast field. No text is stored: snippets and page numbers are computed from
the page text in SQL for the one page of results shown. Measured on 20,000 generated documents
of 1.9 KB: this index is 17.6 MB; the text field alone, stored, makes a 43.5 MB index. It also
leaves a single copy of every page's words (case.db).

Writers: Tantivy allows one writer per index folder, across processes (a lock file). The writer
is opened on the first add/delete and kept until `close()`, so the ingest pays for it once; a
second writer waits a few seconds for the lock, then fails with a plain message. Readers (the
web app while an ingest runs) reload before each search, so they see every commit.

A shared index (a team's case, where several ingests and web workers open the same folder)
takes the writer only to commit: documents wait in memory until `commit()`, which takes the
lock (waiting for another process's commit to end), writes them, commits and lets go, so two
ingests interleave their commits instead of the second one failing.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tantivy

from ..errors import QueryError, UncoverError
from ..model import Document, Page
from .filters import (
    SqlFilter,
    day_of,
    field_spec,
    fold,
    glob_regex,
    install_sql_functions,
    raw_value,
    value_tokens,
)
from .query import And, DateRange, Field, MatchAll, Node, Not, Or, Phrase, Prefix, Term, words

if TYPE_CHECKING:
    import numpy as np

    from ..case import Case

SCHEMA_VERSION = 4  # 2: cc, own (words outside quoted messages), quoting; 3: text_pairs; 4: exact pairs, counted
VERSION_FILE = "uncover-index.json"
EPOCH = date(1970, 1, 1)
MAX_PREFIX_EXPANSIONS = 5000  # for a prefix after other words (`new yor*`): one phrase per word
COMMIT_EVERY = 1000  # catch_up: small batches, little to redo after a crash
REBUILD_COMMIT_EVERY = 10_000  # reindex: each commit writes a segment; fewer commits, fewer merges

TEXT_FIELDS = ("subject", "from", "to", "cc")
OWN_FIELD, QUOTING_FIELD = "own", "quoting_raw"  # own text of documents that quote; "yes" on them
# Every two adjacent words of the text as one token ("release_in", "in_part"), exactly where the
# text field's positions are adjacent: a two-word phrase is its pair, one term with its own
# frequency (no positions read); a longer phrase first narrows to the documents holding all its
# pairs, then checks positions only there. A phrase of common words ("in the", "release in
# part") otherwise checks the positions of every document holding its words: 0.5-1.2 s at a
# million pages, against a few ms. ("_" never occurs inside a word of the default tokenizer, so a
# pair cannot be mistaken for a word.)
PAIRS_FIELD = "text_pairs"
RAW_FIELDS = {"custodian": "custodian_raw", "kind": "kind_raw", "production": "production_raw", "filename": "filename_raw"}

Progress = Callable[[int, int], None]  # (done, total)


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("doc_id", indexed=True, fast=True)
    sb.add_text_field("text", tokenizer_name="default", index_option="position")
    sb.add_text_field(PAIRS_FIELD, tokenizer_name="whitespace", index_option="freq")
    for name in (*TEXT_FIELDS, "filename", OWN_FIELD):
        sb.add_text_field(name, tokenizer_name="default", index_option="position")
    for name in (*RAW_FIELDS.values(), QUOTING_FIELD):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("date", indexed=True, fast=True)  # days since 1970-01-01
    return sb.build()


# The document columns indexing reads: `add` takes them from a Document, a rebuild straight from SQL.
META_COLUMNS = ("id", "kind", "filename", "custodian", "subject", "title", "sender", "author", "recipients", "cc", "bcc", "date")


def field_values(doc: Document, pages: Iterable[Page], production_name: str, own: str | None = None,
                 pairs: str | None = None) -> dict[str, object]:
    """What is indexed for a document; mirrors filters.TEXT_FIELDS_SQL / RAW_FIELDS_SQL.

    `own`: the author's own text when the document quotes earlier messages (analyze/segments.py).
    `pairs`: word_pairs of the pages' text, where an ingest worker made them already."""
    meta = {c: getattr(doc, c) for c in META_COLUMNS}
    meta["kind"] = str(doc.kind)
    return values_from(meta, "\n".join(p.text for p in pages), production_name, own, pairs)


def values_from(meta: Mapping[str, Any], text: str, production_name: str, own: str | None = None,
                pairs: str | None = None) -> dict[str, object]:
    day = day_of(meta["date"])
    return {
        "text": text,
        PAIRS_FIELD: word_pairs(text) if pairs is None else pairs,
        "subject": meta["subject"] or meta["title"],
        "from": meta["sender"] or meta["author"],
        "to": "\n".join(x or "" for x in (meta["recipients"], meta["cc"], meta["bcc"])),
        "cc": "\n".join(x or "" for x in (meta["cc"], meta["bcc"])).strip(),
        OWN_FIELD: own,
        QUOTING_FIELD: "yes" if own is not None else None,
        "filename": meta["filename"],
        "custodian_raw": fold(meta["custodian"]),
        "kind_raw": fold(meta["kind"]),
        "production_raw": fold(production_name),
        "filename_raw": fold(meta["filename"]),
        "date": (day - EPOCH).days if day else None,
    }


_ANALYZERS: dict[str, tantivy.TextAnalyzer] = {}
LONG_WORD_BYTES = 40  # the default tokenizer drops a word of this many bytes or more


def _analyzer(kind: str) -> tantivy.TextAnalyzer:
    if kind not in _ANALYZERS:
        builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        if kind == "default":
            builder = builder.filter(tantivy.Filter.remove_long(LONG_WORD_BYTES))
        if kind != "raw":
            builder = builder.filter(tantivy.Filter.lowercase())
        _ANALYZERS[kind] = builder.build()
    return _ANALYZERS[kind]


def default_words(text: str) -> list[str]:
    """The words of `text` exactly as the "default" tokenizer indexes them (Tantivy's own
    analyzer: split on non-alphanumerics, drop words of 40 bytes or more, lower-case)."""
    return _analyzer("default").analyze(text)


def word_pairs(text: str) -> str:
    """The PAIRS_FIELD value: each two adjacent words joined by "_", space separated. A word the
    default tokenizer drops (40 bytes or more) still holds its position, so the words on either
    side of it are no pair: the pairs are exactly the two-word phrases of the text."""
    words = _analyzer("lowercase").analyze(text)
    kept = [len(w.encode("utf-8")) < LONG_WORD_BYTES for w in _analyzer("raw").analyze(text)]
    return " ".join(f"{a}_{b}" for a, b, keep_a, keep_b in zip(words, words[1:], kept, kept[1:], strict=False)
                    if keep_a and keep_b)


# One indexing thread: Tantivy's default (one per core) splits every commit into a segment per
# thread over the same words, and merges them after: on 600 two-page documents, committed every
# 150, 1.69 s of CPU with 2 threads and 1.96 s with 4 against 0.85 s with one, and the wall time
# too (2.26 against 1.23 s). An ingest's indexing shares the cores with its workers.
WRITER_THREADS = 1
SHARED_BUFFER = 2000  # documents a shared index holds in memory before taking the writer early
SHARED_LOCK_WAIT = 300.0  # seconds a shared index waits for another process's commit


class IndexBusy(UncoverError):
    """Another process holds the index writer (an ingest or a reindex in progress)."""


class SearchIndex:
    def __init__(self, path: Path, *, writer_heap: int = 128_000_000, writer_threads: int = WRITER_THREADS, lock_wait: float = 10.0,
                 shared: bool = False) -> None:
        self.path = Path(path)
        self.shared = shared
        if shared:
            lock_wait = max(lock_wait, SHARED_LOCK_WAIT)
        self._pending: list[tuple[int, tantivy.Document | None, bool]] = []  # shared: (doc id, document or delete, replace)
        self.writer_heap = writer_heap
        self.writer_threads = writer_threads
        self.lock_wait = lock_wait
        self.schema = build_schema()
        self.created = self._open_folder()
        self._index = tantivy.Index(self.schema, str(self.path), reuse=True)
        self._writer: tantivy.IndexWriter | None = None
        self._shadow: tempfile.TemporaryDirectory[str] | None = None

    @classmethod
    def read_only(cls, path: Path) -> SearchIndex:
        """An index on read-only media. Tantivy writes lock files even to read, so it reads
        through a temporary folder of links to the index's (immutable) files."""
        self = cls.__new__(cls)
        self.path, self.writer_heap, self.writer_threads, self.lock_wait = Path(path), 0, 0, 0.0
        self.schema, self.created, self._writer = build_schema(), False, None
        self.shared, self._pending = False, []
        try:
            version = json.loads((self.path / VERSION_FILE).read_text("utf-8")).get("schema")
        except (OSError, ValueError):
            version = None
        if version != SCHEMA_VERSION or not tantivy.Index.exists(str(self.path)):
            raise UncoverError(f"The search index in {self.path} is missing or from another version, and the case is "
                               "read-only: run `uncover reindex` on a writable copy.", path=str(self.path))
        self._shadow = tempfile.TemporaryDirectory(prefix="uncover-index-")
        for entry in self.path.iterdir():
            if not entry.name.startswith(".tantivy-") or not entry.name.endswith(".lock"):
                os.symlink(entry.resolve(), Path(self._shadow.name) / entry.name)
        self._index = tantivy.Index(self.schema, self._shadow.name, reuse=True)
        return self

    def _open_folder(self) -> bool:
        """Create the folder; start afresh if it holds an index of another schema version."""
        self.path.mkdir(parents=True, exist_ok=True)
        marker = self.path / VERSION_FILE
        exists = tantivy.Index.exists(str(self.path))
        if exists:
            try:
                version = json.loads(marker.read_text("utf-8")).get("schema")
            except (OSError, ValueError):
                version = None
            if version == SCHEMA_VERSION:
                return False
            for child in self.path.iterdir():  # derived data: rebuilt by catch_up / reindex
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        marker.write_text(json.dumps({"schema": SCHEMA_VERSION}), "utf-8")
        return True

    # -- writing ------------------------------------------------------------------------------------
    def writer(self) -> tantivy.IndexWriter:
        if self._shadow is not None:
            raise UncoverError(f"The search index in {self.path} is read-only; change the case on a writable copy.",
                               path=str(self.path))
        if self._writer is None:
            deadline = time.monotonic() + self.lock_wait
            while True:
                try:
                    self._writer = self._index.writer(self.writer_heap, self.writer_threads)
                    break
                except ValueError as exc:
                    if "LockBusy" not in str(exc):
                        raise
                    if time.monotonic() > deadline:
                        raise IndexBusy(
                            f"The search index {self.path} is being written by another uncover process "
                            "(an ingest or reindex); wait for it to finish and run the command again."
                        ) from exc
                    time.sleep(0.2)
        return self._writer

    def add(self, doc: Document, pages: list[Page], production_name: str, *, replace: bool = True,
            own: str | None = None, pairs: str | None = None) -> None:
        """Queue a document (visible after `commit`). `replace` first removes any earlier copy."""
        self.add_values(doc.id, field_values(doc, pages, production_name, own, pairs), replace=replace)

    def add_values(self, doc_id: int, values: Mapping[str, object], *, replace: bool = True) -> None:
        tdoc = tantivy.Document()
        tdoc.add_unsigned("doc_id", doc_id)
        for name, value in values.items():
            if value is None or value == "":
                continue
            if isinstance(value, int):
                tdoc.add_integer(name, value)
            else:
                tdoc.add_text(name, str(value))
        self._write(doc_id, tdoc, replace)

    def delete(self, doc_id: int) -> None:
        self._write(doc_id, None, True)

    def _write(self, doc_id: int, tdoc: tantivy.Document | None, replace: bool) -> None:
        self._pending.append((doc_id, tdoc, replace))
        if self.shared and self._writer is None and len(self._pending) < SHARED_BUFFER:
            return  # a shared index takes the writer at commit
        self._drain()

    def _drain(self) -> None:
        writer = self.writer()
        for doc_id, tdoc, replace in self._pending:
            if replace:
                writer.delete_documents_by_query(self._id_query(doc_id))
            if tdoc is not None:
                writer.add_document(tdoc)
        self._pending = []

    def commit(self) -> None:
        if self._pending:
            self._drain()
        if self._writer is not None:
            self._writer.commit()
            if self.shared:  # let the next process commit
                self._writer.wait_merging_threads()
                self._writer = None
            self._index.reload()

    def clear(self) -> None:
        """Remove every document (committed at once)."""
        self.writer().delete_all_documents()
        self.commit()

    def close(self) -> None:
        """Commit pending work and release the writer lock for other processes."""
        if self._pending:
            self.commit()
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
            self._index.reload()
        if self._shadow is not None:
            self._shadow.cleanup()
            self._shadow = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------------------
    def searcher(self) -> tantivy.Searcher:
        self._index.reload()  # pick up commits made by other processes
        return self._index.searcher()

    def count(self) -> int:
        return int(self.searcher().num_docs)

    def search(self, query: tantivy.Query, limit: int = 20, offset: int = 0, sort: str = "relevance") -> tuple[int, list[tuple[int, float | None]]]:
        """(total matches, [(doc id, score)]) for one page of results.

        sort: "relevance" (BM25), "date" (oldest first), "-date" (newest first); undated last.
        """
        searcher = self.searcher()
        want, limit = limit, max(limit, 1)  # a limit of 0 panics in Tantivy
        if sort == "relevance":
            result = searcher.search(query, limit, count=True, offset=offset)
        elif sort in ("date", "-date"):
            order = tantivy.Order.Asc if sort == "date" else tantivy.Order.Desc
            result = searcher.search(query, limit, count=True, order_by_field="date", offset=offset, order=order)
        else:
            raise QueryError(f"Unknown sort {sort!r}; use relevance, date or -date. For example: --sort date")
        hits = result.hits[:want]
        addresses = [addr for _, addr in hits]
        ids = searcher.fast_field_values("doc_id", addresses) if addresses else []
        scores = [float(key) if sort == "relevance" else None for key, _ in hits]
        ranked = [(int(i), s) for i, s in zip(ids, scores, strict=True)]
        if sort == "relevance":  # equal scores in id order, whatever the segment layout
            ranked.sort(key=lambda pair: (-(pair[1] or 0.0), pair[0]))
        return int(result.count), ranked

    def matching_ids(self, query: tantivy.Query) -> set[int]:
        """Every matching document id (for bulk tagging, exports, publishing), not just a page of them."""
        return set(self.matching_id_array(query).tolist())

    def matching_id_array(self, query: tantivy.Query) -> np.ndarray:
        """Every matching id as an int64 array (unsorted), for counting facets with numpy."""
        searcher = self.searcher()
        return self._ids(searcher, query, int(searcher.search(query, 1, count=True).count))  # a limit of 0 panics

    def matching_or_missing(self, query: tantivy.Query) -> tuple[np.ndarray, bool]:
        """(ids, True): every id matching `query`; or, when more than half the index matches,
        (ids, False): every indexed id that does NOT match. Unsorted int64, for facets.

        Fetching hits is what costs (a Python object per hit: 0.1-0.2 us each, 30-40 ms at a
        million pages), so a broad query is answered by its fewer non-matches. Their number is
        the searcher's documents less the matches (one searcher throughout), so no search counts
        them. One search that counts and collects up to half the index at once measured slower
        (its collector sized for half the index, per segment).
        """
        searcher = self.searcher()
        live = int(searcher.num_docs)
        total = int(searcher.search(query, 1, count=True).count)  # a limit of 0 panics in Tantivy
        matching = total <= live // 2
        if not matching:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                                 (tantivy.Occur.MustNot, query)])
            total = live - total
        return self._ids(searcher, query, total), matching

    @staticmethod
    def _ids(searcher: tantivy.Searcher, query: tantivy.Query, total: int) -> np.ndarray:
        """The doc_id of each of the `total` documents `query` matches, unscored (no BM25)."""
        import numpy as np  # here, not at the top: a CLI search starts faster without numpy

        if not total:
            return np.zeros(0, dtype=np.int64)
        hits = searcher.search(tantivy.Query.const_score_query(query, 1.0), total, count=False).hits
        ids = searcher.fast_field_values("doc_id", list(map(itemgetter(1), hits)))
        return np.fromiter(ids, dtype=np.int64, count=len(ids))

    # -- compiling the query tree -------------------------------------------------------------------
    def _id_query(self, doc_id: int) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, "doc_id", doc_id)

    def compile(self, node: Node, conn: sqlite3.Connection | None = None) -> tantivy.Query:
        """The Tantivy query for a parsed tree; `conn` answers fields registered with SQL only."""
        return _Compiler(self, conn).compile(node)

    def words_query(self, field: str, tokens: tuple[str, ...], prefix: bool = False) -> tantivy.Query:
        Q = tantivy.Query
        if not prefix:
            if len(tokens) == 1:
                return Q.term_query(self.schema, field, tokens[0])
            if field == "text" and len(tokens) == 2:  # the pair is the phrase, ranked by its own frequency
                return Q.term_query(self.schema, PAIRS_FIELD, "_".join(tokens))
            phrase = Q.phrase_query(self.schema, field, list(tokens))
            if field != "text":
                return phrase
            pairs = Q.boolean_query([(tantivy.Occur.Must, Q.term_query(self.schema, PAIRS_FIELD, f"{a}_{b}"))
                                     for a, b in dict.fromkeys(zip(tokens, tokens[1:], strict=False))])
            # the pairs score 0: the phrase's BM25 ranks, as without them
            return Q.boolean_query([(tantivy.Occur.Must, Q.const_score_query(pairs, 0.0)), (tantivy.Occur.Must, phrase)])
        if len(tokens) == 1:
            return Q.regex_query(self.schema, field, glob_regex(tokens[0] + "*"))
        expansions = self.searcher().terms_with_prefix(field, tokens[-1])
        if len(expansions) > MAX_PREFIX_EXPANSIONS:
            raise QueryError(
                f"Too many words start with {tokens[-1]!r} ({len(expansions)}) to follow other words in a phrase; "
                f"give more letters. For example: {' '.join(tokens[:-1])} {tokens[-1]}ab*"
            )
        if not expansions:
            return Q.empty_query()
        head = list(tokens[:-1])
        return Q.boolean_query([(tantivy.Occur.Should, Q.phrase_query(self.schema, field, [*head, t])) for t, _ in expansions])


class _Compiler:
    def __init__(self, index: SearchIndex, conn: sqlite3.Connection | None) -> None:
        self.index = index
        self.schema = index.schema
        self.conn = conn

    def compile(self, node: Node) -> tantivy.Query:
        Q, O = tantivy.Query, tantivy.Occur  # noqa: E741
        if isinstance(node, (Term, Phrase)):
            return self.index.words_query("text", node.tokens)
        if isinstance(node, Prefix):
            return self.index.words_query("text", node.tokens, prefix=True)
        if isinstance(node, MatchAll):
            return Q.all_query()
        if isinstance(node, DateRange):
            lo = (node.start - EPOCH).days if node.start else None
            hi = (node.end - EPOCH).days if node.end else None
            return _filter(Q.range_query(self.schema, "date", tantivy.FieldType.Integer, lo, hi))
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, Not):
            return Q.boolean_query([(O.Must, Q.all_query()), (O.MustNot, self.compile(node.child))])
        if isinstance(node, And):
            parts = [(O.MustNot, self.compile(c.child)) if isinstance(c, Not) else (O.Must, self.compile(c)) for c in node.children]
            if all(occur == O.MustNot for occur, _ in parts):
                parts.insert(0, (O.Must, Q.all_query()))
            return Q.boolean_query(parts)
        if isinstance(node, Or):
            return Q.boolean_query([(O.Should, self.compile(c)) for c in node.children])
        raise TypeError(f"not a query node: {node!r}")

    def field(self, f: Field) -> tantivy.Query:
        Q = tantivy.Query
        spec = field_spec(f.name)
        if spec is None:
            raise QueryError(f"Unknown field {f.name}:. For example: custodian:\"Marc Rapp\"")
        if f.name in TEXT_FIELDS:
            toks, prefix = value_tokens(f)
            return self.index.words_query(f.name, toks, prefix)
        if f.name == OWN_FIELD:  # own text where a document quotes, else its whole text
            toks, prefix = value_tokens(f)
            occur = tantivy.Occur
            whole = Q.boolean_query([(occur.Must, self.index.words_query("text", toks, prefix)),
                                     (occur.MustNot, Q.term_query(self.schema, QUOTING_FIELD, "yes"))])
            return Q.boolean_query([(occur.Should, self.index.words_query(OWN_FIELD, toks, prefix)), (occur.Should, whole)])
        if f.name in RAW_FIELDS:
            raw_field, value = RAW_FIELDS[f.name], raw_value(f)
            raw = Q.regex_query(self.schema, raw_field, glob_regex(value)) if f.wildcard else Q.term_query(self.schema, raw_field, value)
            if f.name == "filename" and not f.wildcard and (toks := tuple(words(f.value))):
                return Q.boolean_query([(tantivy.Occur.Should, raw), (tantivy.Occur.Should, self.index.words_query("filename", toks))])
            return _filter(raw)
        return self.sql_field(spec.sql(f))

    def sql_field(self, q: SqlFilter) -> tantivy.Query:
        if self.conn is None:
            raise QueryError("This field is answered from the case database, which was not given.")
        install_sql_functions(self.conn)
        ids = [int(r[0]) for r in self.conn.execute(q.sql, q.params)]
        if not ids:
            return tantivy.Query.empty_query()
        return _filter(tantivy.Query.term_set_query(self.schema, "doc_id", ids))


def _filter(query: tantivy.Query) -> tantivy.Query:
    """A clause that narrows the hits without ranking them (dates, whole-value fields, fields
    answered by SQL): its score is 0, so relevance is the words' BM25 alone.

    Left to score, such a clause added 1.0 to a hit in one segment and nothing in another: where
    every document of a segment satisfies it (all dated in the range), Tantivy answers it with an
    all-documents scorer that a boolean AND drops, score included. Which documents share a segment
    depends on the writer's threads, so the same search gave different scores from run to run
    and after a reindex."""
    return tantivy.Query.const_score_query(query, 0.0)


# -- building the index from the store ---------------------------------------------------------------
# Rebuilds read the indexed columns and page text with plain SQL in batches: decoding whole
# Document rows (JSON metadata, raw fields) one page query at a time took two thirds of the time.
_META_SQL = (
    "SELECT " + ", ".join(f"d.{c}" for c in META_COLUMNS) + ", p.name AS production "
    "FROM documents d LEFT JOIN productions p ON p.id = d.production_id WHERE d.id IN ({marks})"
)
_PAGES_SQL = "SELECT document_id, text FROM pages WHERE document_id IN ({marks}) ORDER BY document_id, number"
BATCH = 500


def _batches(store_conn: sqlite3.Connection, ids: list[int]) -> Iterator[list[tuple[int, dict[str, object]]]]:
    from ..store.messages import own_texts

    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        marks = ",".join("?" * len(chunk))
        texts: dict[int, list[str]] = {}
        for doc_id, text in store_conn.execute(_PAGES_SQL.format(marks=marks), chunk):
            texts.setdefault(doc_id, []).append(text)
        rows = {r["id"]: r for r in store_conn.execute(_META_SQL.format(marks=marks), chunk)}
        own = own_texts(store_conn, chunk)
        yield [
            (i, values_from(rows[i], "\n".join(texts.get(i, ())), rows[i]["production"] or "", own.get(i)))
            for i in chunk if i in rows
        ]


def _index_ids(case: Case, ids: list[int], progress: Progress | None, replace: bool, every: int) -> int:
    index, store = case.index, case.store
    done, pending = 0, []
    for batch in _batches(store.conn, ids):
        for doc_id, values in batch:
            index.add_values(doc_id, values, replace=replace)
            pending.append(doc_id)
        done += len(batch)
        if len(pending) >= every:
            index.commit()
            with store.transaction():
                store.mark_indexed(pending)
            pending = []
        if progress:
            progress(done, len(ids))
    index.commit()
    with store.transaction():
        store.mark_indexed(pending)
    return done


def reindex(case: Case, progress: Progress | None = None) -> int:
    """Rebuild the index from case.db; returns the number of documents indexed.

    Documents are marked unindexed first, so a reindex killed halfway is finished by catch_up.
    """
    with case.writing("reindex"):
        store = case.store
        ids = [int(r[0]) for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
        store.mark_all_unindexed()
        case.index.clear()
        if progress:
            progress(0, len(ids))
        return _index_ids(case, ids, progress, replace=False, every=REBUILD_COMMIT_EVERY)


def catch_up(case: Case, progress: Progress | None = None) -> int:
    """Index the documents still marked unindexed (after a crash); never indexes one twice.

    If the index lost documents the database says it holds (folder deleted, schema upgrade),
    this falls back to a full rebuild.
    """
    store = case.store
    claimed = int(store.conn.execute("SELECT COUNT(*) FROM documents WHERE indexed = 1").fetchone()[0])
    if case.index.count() < claimed:
        return reindex(case, progress)
    return _index_ids(case, store.unindexed_document_ids(), progress, replace=True, every=COMMIT_EVERY)
