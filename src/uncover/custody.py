"""Custody: prove that every stored original is still the file that was hashed at ingest.

`verify_originals` (`uncover verify CASE`) re-hashes the originals of the whole case, of some
documents or of one production: every input of the manifest (documents, container members,
exceptions) and every page image. It reports each altered or missing original with the Bates
numbers (or file names) of the documents that rest on it, checks the database itself, and writes
the result to the case's audit log with the time.

Every hand-out of an original (export, publish, the web app's download and page pictures, text
read back from a PDF) goes through `intact_original`, which refuses an original that no longer
matches its hash with a message naming `uncover verify`. Re-hashing on every hand-out would cost
a full read each time, so the last check is remembered with the file's size, modification time,
change time and inode: while all four are unchanged the hand-out costs one `stat` and one indexed
row. Editing a file changes its change time (ctime), which no user-level call can set back, so an
edited original is always re-hashed before it goes out; what `stat` cannot see (a disk's silent
bit rot) is what a periodic `uncover verify` is for. Export also hashes each file while copying
it, so the bytes written out are the bytes that were checked. `bench/custody.py` measures both.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .case import Case
from .errors import CustodyError, InputError

Progress = Callable[[int, int], None]  # (done, total)
CHUNK = 1024 * 1024


@dataclass
class OriginalProblem:
    """An original that is not what was hashed: who rests on it, and what happened to it."""

    sha256: str
    status: str  # "altered" or "missing"
    documents: list[str] = field(default_factory=list)  # Document.listing of each document that uses it
    inputs: list[str] = field(default_factory=list)  # file names of inputs that became no document

    @property
    def cited(self) -> str:
        return "; ".join(self.documents or self.inputs) or self.sha256


@dataclass
class VerifyReport:
    scope: str
    checked: int = 0
    intact: int = 0
    bytes: int = 0
    problems: list[OriginalProblem] = field(default_factory=list)
    database: str = "not checked"
    at: str = ""
    recorded: bool = False  # False on a read-only case: the audit log could not be written

    @property
    def ok(self) -> bool:
        return not self.problems and self.database in ("ok", "not checked")

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "at": self.at, "checked": self.checked, "intact": self.intact, "bytes": self.bytes,
                "altered": [vars(p) for p in self.problems if p.status == "altered"],
                "missing": [vars(p) for p in self.problems if p.status == "missing"],
                "database": self.database, "ok": self.ok, "recorded": self.recorded}


def verify_originals(case: Case, documents: Iterable[str] = (), production: str | None = None,
                     progress: Progress | None = None, actor: str = "cli") -> VerifyReport:
    """Re-hash the originals in scope (all, some documents, or one production) and record the result."""
    store = case.store
    refs = list(documents)
    doc_ids, scope = _scope(case, refs, production)
    users = _users(case, doc_ids, production)
    report = VerifyReport(scope=scope, at=_now())
    for done, sha in enumerate(sorted(users), start=1):
        status, size = _rehash(case, sha)
        report.checked += 1
        report.bytes += size
        if status == "ok":
            report.intact += 1
        else:
            docs, inputs = users[sha]
            report.problems.append(OriginalProblem(sha, status, docs, inputs))
        if progress:
            progress(done, len(users))
    if not refs and production is None:
        report.database = store.check_integrity()
    report.recorded = _record(case, actor, "verify", scope=scope, checked=report.checked, intact=report.intact,
                              altered=[p.cited for p in report.problems if p.status == "altered"][:100],
                              missing=[p.cited for p in report.problems if p.status == "missing"][:100],
                              database=report.database, ok=report.ok)
    return report


def intact_original(case: Case, sha256: str, what: str) -> Path:
    """The path of an original that may be handed out, or CustodyError naming `uncover verify`.

    `what` names the record for the message (its Bates number or file name).
    """
    path = case.blobs.path_for(sha256)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        _remember(case, sha256, "missing", None)
        raise _refusal(case, what, "missing") from None
    row = case.store.conn.execute(
        "SELECT size, mtime_ns, ctime_ns, inode, status FROM original_checks WHERE sha256 = ?", (sha256,)).fetchone()
    if row is not None and row[4] == "ok" and tuple(row[:4]) == _stamp(info):
        return path
    status, _ = _rehash(case, sha256)
    if status != "ok":
        raise _refusal(case, what, status)
    return path


def copy_intact(source: Path, target: Path, sha256: str, what: str, case: Case) -> None:
    """Copy an original out, hashing the bytes as they are written; a mismatch removes the copy."""
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
    if digest.hexdigest() != sha256:
        target.unlink(missing_ok=True)
        _remember(case, sha256, "altered", None)
        raise _refusal(case, what, "altered")


# -- the pieces ----------------------------------------------------------------------------------------
def _refusal(case: Case, what: str, status: str) -> CustodyError:
    change = "is missing from" if status == "missing" else "no longer matches the hash recorded at ingest in"
    return CustodyError(
        f"The original of {what} {change} the case's originals folder, so it is not handed out. "
        f"Run `uncover verify {case.root}` to list every original affected, and restore them from the production.",
    )


def _stamp(info: os.stat_result) -> tuple[int, int, int, int]:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def _rehash(case: Case, sha256: str) -> tuple[str, int]:
    """('ok' | 'altered' | 'missing', bytes read), remembered for the next hand-out."""
    path = case.blobs.path_for(sha256)
    try:
        with open(path, "rb") as fh:
            before = os.fstat(fh.fileno())
            digest = hashlib.file_digest(fh, "sha256")
    except FileNotFoundError:
        _remember(case, sha256, "missing", None)
        return "missing", 0
    status = "ok" if digest.hexdigest() == sha256 else "altered"
    _remember(case, sha256, status, before)
    return status, before.st_size


def _remember(case: Case, sha256: str, status: str, info: os.stat_result | None) -> None:
    if case.readonly:
        return  # nothing can be remembered: a read-only case re-hashes on every hand-out
    size, mtime, ctime, inode = _stamp(info) if info is not None else (0, 0, 0, 0)
    try:
        with case.store.transaction() as conn:
            conn.execute("DELETE FROM original_checks WHERE sha256 = ?", (sha256,))
            conn.execute("INSERT INTO original_checks (sha256, size, mtime_ns, ctime_ns, inode, status, checked_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", (sha256, size, mtime, ctime, inode, status, _now()))
    except sqlite3.OperationalError:  # busy or read-only: the next hand-out re-hashes, nothing is wrong
        pass


def _record(case: Case, actor: str, action: str, **detail: Any) -> bool:
    from .store import review as review_sql

    if case.readonly:
        return False
    with case.store.transaction() as conn:
        review_sql.audit(conn, actor, action, None, **detail)
    return True


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _scope(case: Case, refs: list[str], production: str | None) -> tuple[list[int] | None, str]:
    from .document_view import resolve_document

    if refs and production:
        raise InputError("Give documents or --production, not both.")
    if production is not None:
        names = [p.name for p in case.store.productions()]
        if production not in names:
            raise InputError(f"No production named {production!r} in this case (productions: {', '.join(names) or 'none yet'}).")
        return None, f"production {production}"
    if not refs:
        return None, "all originals"
    ids = []
    for ref in refs:
        found = resolve_document(case, ref)
        if found is None:
            raise InputError(f"No document {ref} in this case; give a Bates number, DOC-000123 or 42.")
        ids.append(found[0])
    return ids, "documents " + ", ".join(refs)


def _users(case: Case, doc_ids: list[int] | None, production: str | None) -> dict[str, tuple[list[str], list[str]]]:
    """Every original in scope, with the documents (listing) and document-less inputs resting on it."""
    conn = case.store.conn
    users: dict[str, tuple[list[str], list[str]]] = {}
    where, args = "", []
    if doc_ids is not None:
        where, args = f" WHERE id IN ({','.join('?' * len(doc_ids))})", list(doc_ids)
    elif production is not None:
        where, args = " WHERE production_id = (SELECT id FROM productions WHERE name = ?)", [production]
    for doc in _documents(case, where, args):
        users.setdefault(doc.sha256, ([], []))[0].append(doc.listing)
        for (ref,) in conn.execute("SELECT image_ref FROM pages WHERE document_id = ? AND image_ref IS NOT NULL", (doc.id,)):
            users.setdefault(ref.split("#", 1)[0], ([], []))[0].append(doc.listing)
    if doc_ids is None:
        rows = conn.execute("SELECT i.sha256, i.display_name FROM inputs i LEFT JOIN documents d ON d.input_id = i.id "
                            "WHERE d.id IS NULL" + (" AND i.production_id = (SELECT id FROM productions WHERE name = ?)"
                                                    if production is not None else ""), args)
        for sha, name in rows:
            users.setdefault(sha, ([], []))[1].append(name)
    return {sha: (sorted(set(d)), sorted(set(i))) for sha, (d, i) in users.items() if len(sha) == 64}


def _documents(case: Case, where: str, args: list[Any]) -> Iterable[Any]:
    ids = [int(r[0]) for r in case.store.conn.execute("SELECT id FROM documents" + where + " ORDER BY id", args)]
    for start in range(0, len(ids), 500):
        yield from case.store.documents(ids[start : start + 500])
