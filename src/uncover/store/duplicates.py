"""Reading and writing the duplicate, near-duplicate, thread and version tables (migration 0004).

Kept apart from `SqliteStore` so the analysis passes own their schema; every function takes the
store and uses only its connection and `transaction()`, so a PostgreSQL store with the same
tables works unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import Document, DocumentKind
from .sqlite import SqliteStore

if TYPE_CHECKING:
    import numpy as np


@dataclass
class Fingerprint:
    document_id: int
    text_hash: str | None
    doc_number: str | None
    shingles: int
    signature: np.ndarray  # uint32 (num_perm,)
    words: int | None = None  # substantive words (analyze.duplicates.substantive_words)


@dataclass
class DuplicateMember:
    document_id: int
    label: str
    listing: str  # Bates or file name, subject, date: what a person reads (Document.listing)
    production: str
    custodian: str | None
    family_id: int | None
    parent_id: int | None
    is_primary: bool
    other_family: bool
    collapsed: bool


@dataclass
class DuplicateGroup:
    id: int
    basis: str
    key: str
    primary_id: int
    members: list[DuplicateMember] = field(default_factory=list)

    @property
    def custodians(self) -> list[str]:
        return sorted({m.custodian for m in self.members if m.custodian})

    @property
    def productions(self) -> list[str]:
        return sorted({m.production for m in self.members})

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "basis": self.basis, "key": self.key, "primary": self.primary_id,
            "custodians": self.custodians, "productions": self.productions,
            "members": [m.__dict__ for m in self.members],
        }


# -- signatures --------------------------------------------------------------------------------
def save_fingerprints(store: SqliteStore, rows: Iterable[Fingerprint]) -> None:
    import numpy as np  # on use: loading this module registers search fields, on every CLI search

    store.conn.executemany(
        "INSERT OR REPLACE INTO document_signatures (document_id, text_hash, doc_number, shingles, num_perm, signature, words) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (f.document_id, f.text_hash, f.doc_number, f.shingles, int(f.signature.size),
             np.ascontiguousarray(f.signature, dtype="<u4").tobytes(), f.words)
            for f in rows
        ],
    )


def fingerprinted_ids(store: SqliteStore) -> set[int]:
    """Documents whose fingerprint is complete (one stored before migration 0018 lacks `words`)."""
    return {r[0] for r in store.conn.execute("SELECT document_id FROM document_signatures WHERE words IS NOT NULL")}


def load_signatures(store: SqliteStore) -> tuple[list[int], np.ndarray, np.ndarray]:
    """(document ids, signatures (n, num_perm) uint32, shingle counts) in id order.

    Each stored signature is copied straight into one preallocated array: the matrix is held
    once (512 bytes a document), not as a list of blobs, their join and a converted copy besides,
    which tripled the pass's peak memory on a large case."""
    import numpy as np  # on use: loading this module registers search fields, on every CLI search

    n, num_perm = store.conn.execute(
        "SELECT COUNT(*), COALESCE(MAX(num_perm), 0) FROM document_signatures").fetchone()
    n, num_perm = int(n), int(num_perm)
    if not n:
        return [], np.zeros((0, 0), dtype=np.uint32), np.zeros(0, dtype=np.int64)
    sigs = np.empty((n, num_perm), dtype=np.uint32)
    counts = np.empty(n, dtype=np.int64)
    ids: list[int] = []
    rows = store.conn.execute("SELECT document_id, shingles, signature FROM document_signatures ORDER BY document_id")
    for k, (doc_id, shingles, blob) in enumerate(rows):
        if k == n:  # a row added since the count (another writer): the next pass takes it
            break
        ids.append(doc_id)
        counts[k] = shingles
        sigs[k] = np.frombuffer(blob, dtype="<u4")
    return ids, sigs[: len(ids)], counts[: len(ids)]


def fingerprints(store: SqliteStore, ids: Iterable[int] | None = None) -> dict[int, tuple[str | None, str | None]]:
    """document id -> (text hash, agency doc number)."""
    rows = store.conn.execute("SELECT document_id, text_hash, doc_number FROM document_signatures")
    wanted = set(ids) if ids is not None else None
    return {r[0]: (r[1], r[2]) for r in rows if wanted is None or r[0] in wanted}


# -- exact duplicates ------------------------------------------------------------------------------
def replace_duplicate_groups(store: SqliteStore, groups: Sequence[tuple[str, str, int, Sequence[tuple[int, bool, bool, bool]]]]) -> None:
    """Replace all groups: (basis, key, primary id, [(doc id, is_primary, other_family, collapsed)])."""
    conn = store.conn
    conn.execute("DELETE FROM duplicate_members")
    conn.execute("DELETE FROM duplicate_groups")
    for basis, key, primary, members in groups:
        cur = conn.execute("INSERT INTO duplicate_groups (basis, key, primary_id) VALUES (?, ?, ?)", (basis, key, primary))
        gid = cur.lastrowid
        conn.executemany(
            "INSERT INTO duplicate_members (group_id, document_id, is_primary, other_family, collapsed) VALUES (?, ?, ?, ?, ?)",
            [(gid, d, int(p), int(o), int(c)) for d, p, o, c in members],
        )


def duplicate_groups(store: SqliteStore, basis: str | None = None) -> list[DuplicateGroup]:
    sql = (
        "SELECT g.id, g.basis, g.key, g.primary_id, m.document_id, m.is_primary, m.other_family, m.collapsed, "
        f"{_LISTING_COLUMNS}, d.custodian, d.family_id, d.parent_id, p.name AS production "
        "FROM duplicate_groups g JOIN duplicate_members m ON m.group_id = g.id "
        "JOIN documents d ON d.id = m.document_id JOIN productions p ON p.id = d.production_id"
    )
    args: tuple[Any, ...] = ()
    if basis:
        sql += " WHERE g.basis = ?"
        args = (basis,)
    groups: dict[int, DuplicateGroup] = {}
    for r in store.conn.execute(sql + " ORDER BY g.id, m.document_id", args):
        group = groups.setdefault(r["id"], DuplicateGroup(r["id"], r["basis"], r["key"], r["primary_id"]))
        label = _label(r["document_id"], r["bates_begin"], r["bates_end"])
        group.members.append(DuplicateMember(
            r["document_id"], label, listing(r), r["production"], r["custodian"], r["family_id"], r["parent_id"],
            bool(r["is_primary"]), bool(r["other_family"]), bool(r["collapsed"]),
        ))
    return list(groups.values())


def collapsed_ids(store: SqliteStore) -> set[int]:
    return {r[0] for r in store.conn.execute("SELECT DISTINCT document_id FROM duplicate_members WHERE collapsed = 1")}


# -- near-duplicates ------------------------------------------------------------------------------
def replace_clusters(store: SqliteStore, clusters: Iterable[tuple[int, float, Sequence[tuple[int, float]]]], drop_ids: Iterable[int] | None = None) -> None:
    """Store (pivot, threshold, [(doc id, score)]); with `drop_ids`, only the clusters holding those
    documents are replaced, otherwise all."""
    conn = store.conn
    if drop_ids is None:
        conn.execute("DELETE FROM neardup_members")
        conn.execute("DELETE FROM neardup_clusters")
    else:
        ids = list(set(drop_ids))
        for s in range(0, len(ids), 500):
            chunk = ids[s : s + 500]
            marks = ",".join("?" * len(chunk))
            cids = [r[0] for r in conn.execute(f"SELECT DISTINCT cluster_id FROM neardup_members WHERE document_id IN ({marks})", chunk)]
            conn.executemany("DELETE FROM neardup_clusters WHERE id = ?", [(c,) for c in cids])
    for pivot, threshold, members in clusters:
        cur = conn.execute("INSERT INTO neardup_clusters (pivot_id, threshold) VALUES (?, ?)", (pivot, threshold))
        conn.executemany(
            "INSERT INTO neardup_members (cluster_id, document_id, score) VALUES (?, ?, ?)",
            [(cur.lastrowid, d, float(s)) for d, s in members],
        )


def clusters(store: SqliteStore) -> list[dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    rows = store.conn.execute(
        f"SELECT c.id, c.pivot_id, c.threshold, m.document_id, m.score, {_LISTING_COLUMNS}, p.name AS production "
        "FROM neardup_clusters c JOIN neardup_members m ON m.cluster_id = c.id JOIN documents d ON d.id = m.document_id "
        "JOIN productions p ON p.id = d.production_id ORDER BY c.pivot_id, m.score DESC, m.document_id"
    )
    for r in rows:
        c = out.setdefault(r["id"], {"id": r["id"], "pivot": r["pivot_id"], "threshold": r["threshold"], "members": []})
        c["members"].append({"document_id": r["document_id"], "label": _label(r["document_id"], r["bates_begin"], r["bates_end"]),
                             "listing": listing(r), "production": r["production"], "score": r["score"]})
    return list(out.values())


def cluster_links(store: SqliteStore) -> list[tuple[int, int]]:
    """(pivot, member) document id pairs of the stored clusters."""
    return [(r[0], r[1]) for r in store.conn.execute(
        "SELECT c.pivot_id, m.document_id FROM neardup_clusters c JOIN neardup_members m ON m.cluster_id = c.id "
        "WHERE m.document_id != c.pivot_id")]


# -- threads --------------------------------------------------------------------------------------
def replace_threads(store: SqliteStore, threads: Iterable[tuple[str, str | None, str, Sequence[tuple[int, int | None, int, bool]]]]) -> None:
    """Replace all threads: (key, subject, basis, [(doc id, parent doc id, position, inclusive)])."""
    conn = store.conn
    conn.execute("DELETE FROM thread_members")
    conn.execute("DELETE FROM threads")
    for key, subject, basis, members in threads:
        cur = conn.execute("INSERT INTO threads (key, subject, basis) VALUES (?, ?, ?)", (key, subject, basis))
        conn.executemany(
            "INSERT INTO thread_members (thread_id, document_id, parent_document_id, position, inclusive) VALUES (?, ?, ?, ?, ?)",
            [(cur.lastrowid, d, p, pos, int(inc)) for d, p, pos, inc in members],
        )


def threads(store: SqliteStore, thread_id: int | None = None) -> list[dict[str, Any]]:
    sql = (
        "SELECT t.id, t.key, t.subject AS thread_subject, t.basis, m.document_id, m.parent_document_id, m.position, "
        f"m.inclusive, {_LISTING_COLUMNS}, d.sender FROM threads t JOIN thread_members m ON m.thread_id = t.id "
        "JOIN documents d ON d.id = m.document_id"
    )
    args: tuple[Any, ...] = ()
    if thread_id is not None:
        sql += " WHERE t.id = ?"
        args = (thread_id,)
    out: dict[int, dict[str, Any]] = {}
    for r in store.conn.execute(sql + " ORDER BY t.id, m.position", args):
        t = out.setdefault(r["id"], {"id": r["id"], "key": r["key"], "subject": r["thread_subject"], "basis": r["basis"],
                                     "members": []})
        t["members"].append({
            "document_id": r["document_id"], "label": _label(r["document_id"], r["bates_begin"], r["bates_end"]),
            "listing": listing(r),
            "parent": r["parent_document_id"], "position": r["position"], "inclusive": bool(r["inclusive"]),
            "sender": r["sender"], "date": r["date"],
        })
    return list(out.values())


def inclusive_ids(store: SqliteStore, inclusive: bool = True) -> set[int]:
    return {r[0] for r in store.conn.execute("SELECT document_id FROM thread_members WHERE inclusive = ?", (int(inclusive),))}


def thread_document_ids(store: SqliteStore, thread_id: int) -> set[int]:
    return {r[0] for r in store.conn.execute("SELECT document_id FROM thread_members WHERE thread_id = ?", (thread_id,))}


# -- versions -------------------------------------------------------------------------------------
def replace_version_pairs(store: SqliteStore, pairs: Iterable[dict[str, Any]]) -> None:
    conn = store.conn
    conn.execute("DELETE FROM version_pairs")
    conn.executemany(
        "INSERT OR REPLACE INTO version_pairs (earlier_id, later_id, basis, similarity, revealed, withheld, changed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(p["earlier_id"], p["later_id"], p["basis"], p.get("similarity"), json.dumps(p["revealed"]),
          json.dumps(p["withheld"]), json.dumps(p["changed"])) for p in pairs],
    )


def version_pairs(store: SqliteStore) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        "SELECT v.*, a.production_id AS earlier_production, b.production_id AS later_production, "
        "a.bates_begin AS a_bb, a.bates_end AS a_be, b.bates_begin AS b_bb, b.bates_end AS b_be "
        ", a.filename AS a_filename, a.subject AS a_subject, a.title AS a_title, a.date AS a_date, a.kind AS a_kind"
        ", b.filename AS b_filename, b.subject AS b_subject, b.title AS b_title, b.date AS b_date, b.kind AS b_kind "
        "FROM version_pairs v JOIN documents a ON a.id = v.earlier_id JOIN documents b ON b.id = v.later_id ORDER BY v.id"
    )
    names = {p.id: p.name for p in store.productions()}
    out = []
    for r in rows:
        out.append({
            "id": r["id"], "earlier_id": r["earlier_id"], "later_id": r["later_id"],
            "earlier": _label(r["earlier_id"], r["a_bb"], r["a_be"]), "later": _label(r["later_id"], r["b_bb"], r["b_be"]),
            "earlier_listing": listing(r, "a_", r["earlier_id"]), "later_listing": listing(r, "b_", r["later_id"]),
            "earlier_production": names.get(r["earlier_production"]), "later_production": names.get(r["later_production"]),
            "basis": r["basis"], "similarity": r["similarity"], "revealed": json.loads(r["revealed"]),
            "withheld": json.loads(r["withheld"]), "changed": json.loads(r["changed"]),
        })
    return out


_LISTING_COLUMNS = "d.bates_begin, d.bates_end, d.filename, d.subject, d.title, d.date, d.kind"


def listing(row: Any, prefix: str = "", doc_id: int | None = None) -> str:
    """`Document.listing` for a row holding the listing columns (`a_filename`... with a prefix)."""
    def col(name: str) -> Any:
        key = f"{prefix}{name}" if prefix else name
        return row[key]

    short = {"bates_begin": "bb", "bates_end": "be"}
    bb = row[f"{prefix}{short['bates_begin']}"] if prefix else row["bates_begin"]
    be = row[f"{prefix}{short['bates_end']}"] if prefix else row["bates_end"]
    doc = Document(id=doc_id if doc_id is not None else row["document_id"], production_id=0,
                   kind=DocumentKind(col("kind")), filename=col("filename") or "", path="", sha256="", md5="", size=0,
                   subject=col("subject"), title=col("title"), date=col("date"), bates_begin=bb, bates_end=be)
    return doc.listing


def _label(doc_id: int, bates_begin: str | None, bates_end: str | None) -> str:
    if bates_begin:
        return bates_begin if bates_begin == bates_end or not bates_end else f"{bates_begin}-{bates_end}"
    return f"DOC-{doc_id:06d}"


# -- search fields -------------------------------------------------------------------------------
# dupe:no keeps one document per duplicate group (attachments in other families are never hidden);
# dupe:yes lists every member of a group. inclusive:yes is every document except the messages a
# later message of their thread contains (so documents outside threads stay); inclusive:no those.
DUPE_NO_SQL = "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM duplicate_members WHERE collapsed = 1)"
DUPE_YES_SQL = "SELECT DISTINCT document_id FROM duplicate_members"
INCLUSIVE_YES_SQL = "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM thread_members WHERE inclusive = 0)"
INCLUSIVE_NO_SQL = "SELECT document_id FROM thread_members WHERE inclusive = 0"
THREAD_SQL = "SELECT document_id FROM thread_members WHERE thread_id = ?"


def _yes(name: str, value: str) -> bool:
    v = value.strip().lower()
    if v in ("yes", "y", "true", "1"):
        return True
    if v in ("no", "n", "false", "0"):
        return False
    from ..errors import QueryError

    raise QueryError(f"{name}: takes yes or no (e.g. {name}:no), not {value!r}.")


def _thread_id(value: str) -> int:
    try:
        return int(value.strip().lstrip("#"))
    except ValueError:
        from ..errors import QueryError

        raise QueryError(f"thread: takes a thread number as `uncover threads` lists it (e.g. thread:12), not {value!r}.") from None


def dupe_ids(store: SqliteStore, value: str) -> set[int]:
    """`dupe:no` / `dupe:yes` as a set of document ids."""
    return {r[0] for r in store.conn.execute(DUPE_NO_SQL if not _yes("dupe", value) else DUPE_YES_SQL)}


def inclusive_filter_ids(store: SqliteStore, value: str) -> set[int]:
    """`inclusive:yes` / `inclusive:no` as a set of document ids."""
    return {r[0] for r in store.conn.execute(INCLUSIVE_YES_SQL if _yes("inclusive", value) else INCLUSIVE_NO_SQL)}


def thread_filter_ids(store: SqliteStore, value: str) -> set[int]:
    """`thread:ID` as a set of document ids."""
    return {r[0] for r in store.conn.execute(THREAD_SQL, (_thread_id(value),))}


def register_search_fields() -> bool:
    """Add dupe:, inclusive: and thread: to search/filters.py's registry; False without it."""
    try:
        from ..search.filters import SqlFilter, register_field
    except ImportError:
        return False
    register_field("dupe", lambda f: SqlFilter(DUPE_YES_SQL if _yes("dupe", f.value) else DUPE_NO_SQL),
                   description="dupe:no keeps one document per exact-duplicate group; dupe:yes lists the duplicates",
                   example="dupe:no")
    register_field("inclusive", lambda f: SqlFilter(INCLUSIVE_YES_SQL if _yes("inclusive", f.value) else INCLUSIVE_NO_SQL),
                   description="inclusive:yes hides e-mails a later message of their thread contains", example="inclusive:yes")
    register_field("thread", lambda f: SqlFilter(THREAD_SQL, (_thread_id(f.value),)),
                   description="the messages of one e-mail thread (numbers from `uncover threads`)", example="thread:12")
    return True


register_search_fields()
