"""The duplicate case passes: fingerprints, exact duplicates, near-duplicates, threads, versions.

The ingest pipeline calls `finish_case_passes` after each ingest: every pass keeps, in
`case_passes`, the highest document id it has finished, so a pass killed halfway (or skipped with
--no-analyze) stays pending and the next run finishes it. Only the pending documents are read and fingerprinted (normalized-text hash, agency document number, MinHash
signature, stored in `document_signatures`), and near-duplicate candidates are only those pairs
touching a new document, joined to the clusters already stored. Exact duplicate groups, threads
and versions are recomputed from stored fingerprints and headers, which is cheap (hash maps), so
they are always consistent with the whole case.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..case import Case
from ..model import Production
from ..store import duplicates as dstore
from ..store.sqlite import SqliteStore
from .duplicates import (
    DupCandidate,
    ExactGroup,
    email_key,
    exact_duplicate_groups,
    grouping_keys,
    substantive_words,
    text_hash,
)
from .messages import MESSAGE_STYLES, read_message
from .neardup import DEFAULT_THRESHOLD, cluster, signatures
from .normalize import agency_doc_number, normalize_text
from .threads import HEADER_CHARS, Message, QuotedMessage, build_threads, participants
from .versions import VersionCandidate, compare_versions, match_versions

Progress = Callable[[str, int, int], None]
# A case pass over the pending documents (ids above its mark), reporting (stage, done, total).
CasePass = Callable[[Case, list[int], Progress], object]
TEXT_BATCH_BYTES = 16 * 1024 * 1024  # text fingerprinted at once: bounds the pass's memory
MESSAGE_BATCH = 2000  # documents read at once when collecting e-mails for threading


@dataclass
class PassSummary:
    fingerprinted: int = 0
    duplicate_groups: int = 0
    duplicates_hidden: int = 0
    neardup_clusters: int = 0
    threads: int = 0
    inclusive: int = 0
    version_pairs: int = 0


def pending_documents(store: SqliteStore, name: str) -> list[int]:
    """Documents the pass `name` has not finished: every id above its mark."""
    row = store.conn.execute("SELECT done_through FROM case_passes WHERE name = ?", (name,)).fetchone()
    done = int(row[0]) if row else 0
    return [int(r[0]) for r in store.conn.execute("SELECT id FROM documents WHERE id > ? ORDER BY id", (done,))]


def mark_done(store: SqliteStore, name: str, through: int) -> None:
    """Record that the pass `name` has finished every document up to `through`."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM case_passes WHERE name = ?", (name,))
        conn.execute("INSERT INTO case_passes (name, done_through, updated_at) "
                     "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", (name, through))


def pending_counts(store: SqliteStore) -> dict[str, int]:
    """For `status`: how many documents each pass still has to do."""
    newest = int(store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM documents").fetchone()[0])
    marks = dict(store.conn.execute("SELECT name, done_through FROM case_passes").fetchall())
    return {name: int(store.conn.execute("SELECT COUNT(*) FROM documents WHERE id > ?", (done,)).fetchone()[0])
            for name, done in marks.items() if int(done) < newest}


def finish_case_passes(case: Case, passes: Iterable[tuple[str, CasePass]], progress: Progress) -> dict[str, object]:
    """Run each pass over its pending documents and only then move its mark: a pass killed at any
    point is simply run again by the next call, over the same documents, with the same result."""
    results: dict[str, object] = {}
    with case.writing("ingest"):
        for name, run in passes:
            todo = pending_documents(case.store, name)
            if todo:
                results[name] = run(case, todo, progress)
                mark_done(case.store, name, todo[-1])
    return results


def document_texts(store: SqliteStore, ids: Iterable[int]) -> Iterator[tuple[int, str]]:
    """(document id, its pages' text joined) for each id, in id order, one document in memory at a time."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = store.conn.execute(
            f"SELECT document_id, text FROM pages WHERE document_id IN ({','.join('?' * len(chunk))}) "
            "ORDER BY document_id, number", chunk)
        pending = iter(chunk)
        current, parts = None, []
        for doc_id, text in rows:
            if doc_id != current:
                if current is not None:
                    yield current, "\n".join(parts)
                for skipped in pending:  # documents with no pages come in their place, with no text
                    if skipped == doc_id:
                        break
                    yield skipped, ""
                current, parts = doc_id, []
            parts.append(text or "")
        if current is not None:
            yield current, "\n".join(parts)
        for rest in pending:
            yield rest, ""


def text_fingerprints(items: list[tuple[int, str]]) -> list[dstore.Fingerprint]:
    """(document id, text) -> text hash, agency document number, MinHash signature and substantive
    words: everything the duplicate passes need from a text. Runs in the ingest's workers, beside
    the extraction, so the parent only stores the rows; the pass computes it for documents that
    came another way (load-file records, cases ingested before)."""
    sigs, counts = signatures([t for _, t in items])
    normalized = [normalize_text(text) for _, text in items]
    return [
        dstore.Fingerprint(doc_id, text_hash(text, normalized[k]), agency_doc_number(text), int(counts[k]), sigs[k],
                           substantive_words(text, normalized[k]))
        for k, (doc_id, text) in enumerate(items)
    ]


def fingerprint_documents(case: Case, doc_ids: list[int], progress: Progress | None = None) -> int:
    """Compute and store text hash, document number and MinHash signature of each document.

    Texts are taken in batches of at most TEXT_BATCH_BYTES (not a count of documents), so a
    production of a few very long texts (an archive nest of 1 MB leaves) needs no more memory
    than one of many short ones.
    """
    store = case.store
    done = 0
    batch: list[tuple[int, str]] = []
    size = 0

    def flush() -> None:
        nonlocal done, size
        rows = text_fingerprints(batch)
        with store.transaction():
            dstore.save_fingerprints(store, rows)
        done += len(batch)
        batch.clear()
        size = 0
        if progress:
            progress("fingerprints", done, len(doc_ids))

    for doc_id, text in document_texts(store, doc_ids):
        batch.append((doc_id, text))
        size += len(text)
        if size >= TEXT_BATCH_BYTES or len(batch) >= 5000:
            flush()
    if batch:
        flush()
    return done


def run_duplicate_passes(
    case: Case, new_doc_ids: Iterable[int] | None = None, progress: Progress | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> PassSummary:
    """Run every duplicate pass; with `new_doc_ids`, compare only those with what is there.

    Documents keep the fingerprint taken when they were stored (an ingest's workers take it beside
    the extraction; a document's text never changes): only those without one are fingerprinted."""
    store = case.store
    summary = PassSummary()
    known = dstore.fingerprinted_ids(store)
    all_ids = [r[0] for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
    new = set(new_doc_ids) if new_doc_ids is not None else set(all_ids)
    todo = [i for i in all_ids if i not in known]
    summary.fingerprinted = fingerprint_documents(case, todo, progress)
    incremental = new_doc_ids is not None and bool(known)

    # exact duplicates
    groups = _exact_groups(store)
    with store.transaction():
        dstore.replace_duplicate_groups(store, [g.as_rows() for g in groups])
    summary.duplicate_groups = len(groups)
    summary.duplicates_hidden = len(dstore.collapsed_ids(store))
    if progress:
        progress("duplicates", 1, 1)

    # near-duplicates (the signature matrix is freed before threading starts)
    _near_duplicates(store, (set(todo) | new, new) if incremental else None, threshold)
    summary.neardup_clusters = int(store.conn.execute("SELECT COUNT(*) FROM neardup_clusters").fetchone()[0])
    if progress:
        progress("near-duplicates", 1, 1)

    # threads: the messages' headers in memory, their bodies read one thread at a time
    found_threads = build_threads(_messages(store), lambda ids: dict(document_texts(store, ids)))
    with store.transaction():
        dstore.replace_threads(store, [t.as_rows() for t in found_threads])
    summary.threads = len(found_threads)
    summary.inclusive = sum(len(t.inclusive) for t in found_threads)
    if progress:
        progress("threads", 1, 1)

    # versions
    summary.version_pairs = run_versions(store)
    if progress:
        progress("versions", 1, 1)
    return summary


def _near_duplicates(store: SqliteStore, incremental: tuple[set[int], set[int]] | None, threshold: float) -> None:
    """Cluster every stored signature, or (`incremental`: documents fingerprinted now, and the new
    ones) only the pairs touching those, joined to the clusters already stored."""
    ids, sigs, counts = dstore.load_signatures(store)
    if not ids:
        return
    row = {d: k for k, d in enumerate(ids)}
    if incremental is not None:
        touching, new = incremental
        mask = np.zeros(len(ids), dtype=bool)
        mask[[row[d] for d in touching if d in row]] = True
        links = [(row[a], row[b]) for a, b in dstore.cluster_links(store) if a in row and b in row]
        found = cluster(ids, sigs, counts, threshold, only_touching=mask, links=links)
        drop: set[int] | None = {d for c in found for d in c.ids} | new
    else:
        found = cluster(ids, sigs, counts, threshold)
        drop = None
    with store.transaction():
        dstore.replace_clusters(store, [(c.pivot, threshold, c.members) for c in found], drop_ids=drop)


def production_order(productions: list[Production]) -> dict[int, tuple[str, int]]:
    """{production id: sort key}, earlier deliveries first. A recorded day of receipt orders
    productions; one without it is taken to have arrived with the last production ingested
    before it (ingest order), so recording receipt for one production never makes an unrecorded
    later one look earlier."""
    order, carried = {}, ""
    for p in sorted(productions, key=lambda p: p.id):
        carried = (p.received_at or "")[:10] or carried
        order[p.id] = ((p.received_at or "")[:10] or carried, p.id)
    return order


def run_versions(store: SqliteStore) -> int:
    productions = production_order(store.productions())
    prints = dstore.fingerprints(store)
    candidates = [
        VersionCandidate(r[0], productions[r[1]], r[2], prints.get(r[0], (None, None))[1], prints.get(r[0], (None, None))[0])
        for r in store.conn.execute("SELECT id, production_id, bates_begin FROM documents")
    ]
    near = [
        (r[0], r[1], r[2]) for r in store.conn.execute(
            "SELECT c.pivot_id, m.document_id, m.score FROM neardup_clusters c JOIN neardup_members m ON m.cluster_id = c.id "
            "WHERE m.document_id != c.pivot_id")
    ]
    matches = match_versions(candidates, near)
    rows = []
    for m in matches:  # two texts in memory at a time, however many records were re-produced
        texts = dict(document_texts(store, (m.earlier_id, m.later_id)))
        diff = compare_versions(texts[m.earlier_id], texts[m.later_id])
        rows.append({
            "earlier_id": m.earlier_id, "later_id": m.later_id, "basis": m.basis, "similarity": m.similarity,
            "revealed": diff.revealed, "withheld": diff.withheld, "changed": [list(c) for c in diff.changed],
        })
    with store.transaction():
        dstore.replace_version_pairs(store, rows)
    return len(rows)


def _exact_groups(store: SqliteStore) -> list[ExactGroup]:
    """Exact duplicate groups in two reads of the candidates: the first keeps only a 64-bit hash
    of each grouping key (8 bytes a key, in an array), the second only the documents whose key
    came up twice, so memory follows the duplicates, not the size of the case."""
    hashes = array("q", (hash(key) for doc in _dup_candidates(store) for key in grouping_keys(doc)))
    values, counts = np.unique(np.frombuffer(hashes, dtype=np.int64), return_counts=True)
    del hashes
    repeated = set(values[counts > 1].tolist())
    del values, counts
    return exact_duplicate_groups(doc for doc in _dup_candidates(store)
                                  if any(hash(key) in repeated for key in grouping_keys(doc)))


def _dup_candidates(store: SqliteStore) -> Iterator[DupCandidate]:
    attachments: dict[int, list[str]] = {}
    for parent, sha in store.conn.execute("SELECT parent_id, sha256 FROM documents WHERE parent_id IS NOT NULL"):
        attachments.setdefault(parent, []).append(sha)
    rows = store.conn.execute(
        'SELECT d.id, d.sha256, d.parent_id, d.family_id, d.kind, d.size, d.sender, d.recipients, d.cc, d.bcc, '
        'd.subject, d.date, d.metadata, s.text_hash, s.words FROM documents d '
        "LEFT JOIN document_signatures s ON s.document_id = d.id"
    )
    for r in rows:
        key = None
        if r["kind"] in ("email", "calendar"):
            key = email_key(r["sender"], r["recipients"], r["cc"], r["bcc"], r["subject"], r["date"], r["text_hash"],
                            attachments.get(r["id"], ()))
        yield DupCandidate(r["id"], r["sha256"], r["text_hash"], r["parent_id"], r["family_id"], r["kind"], key,
                           r["words"], bool(r["size"]) and _original_is_content(r["metadata"]))


def _original_is_content(metadata: str | None) -> bool:
    """False for a load-file record whose stored original is its text file, an image or the row
    itself (its native was not produced): those bytes say nothing about the record's content."""
    if not metadata or '"_loadfile"' not in metadata:
        return True
    role = (json.loads(metadata).get("_loadfile") or {}).get("original")
    return role in (None, "native")


def _messages(store: SqliteStore) -> list[Message]:
    """E-mails: documents of kind email, with a Message-ID, or whose text opens with a printed
    e-mail header (printed and OCR'd e-mails), each with the earlier messages it quotes."""
    attachments: dict[int, set[str]] = {}
    for parent, sha in store.conn.execute("SELECT parent_id, sha256 FROM documents WHERE parent_id IS NOT NULL"):
        attachments.setdefault(parent, set()).add(sha)
    read = {r[0]: r[1] for r in store.conn.execute("SELECT document_id, header FROM message_reading")}
    body_start = {r[0]: r[1] for r in store.conn.execute(
        "SELECT document_id, MIN(start_offset) FROM message_segments GROUP BY document_id")}
    quoted: dict[int, list[QuotedMessage]] = {}
    for doc_id, sender, date, subject in store.conn.execute(
            "SELECT document_id, sender, date, subject FROM message_segments WHERE kind = 'quoted' AND style IS NOT NULL "
            "ORDER BY document_id, position"):
        quoted.setdefault(doc_id, []).append(QuotedMessage(sender, date, subject))
    candidates = [int(r[0]) for r in store.conn.execute(
        "SELECT id FROM documents WHERE parent_id IS NULL OR kind = 'email' ORDER BY id")]
    out = []
    for start in range(0, len(candidates), MESSAGE_BATCH):  # rows and texts of a batch at a time
        chunk = candidates[start : start + MESSAGE_BATCH]
        rows = store.conn.execute(
            'SELECT id, kind, message_id, in_reply_to, "references", subject, sender, recipients, cc, date, metadata, '
            f"raw_fields FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        by_id = {r["id"]: r for r in rows}
        out.extend(_batch_messages(store, by_id, read, quoted, body_start, attachments))
    return out


def _batch_messages(store: SqliteStore, by_id: dict[int, Any], read: dict[int, str | None],
                    quoted: dict[int, list[QuotedMessage]], body_start: dict[int, int | None],
                    attachments: dict[int, set[str]]) -> Iterator[Message]:
    """The e-mails among one batch of documents. A message keeps no body (build_threads reads a
    thread's bodies when it needs them), only the head of one whose stored headers lack a
    subject or a participant: threading reads those from the printed header at the top."""
    for doc_id, body in document_texts(store, by_id):
        r = by_id[doc_id]
        is_mail = r["kind"] == "email" or bool(r["message_id"])
        if r["id"] not in read:  # ingested before messages were read: read it now
            reading = read_message([body], derive=r["kind"] != "email")
            read[r["id"]] = reading.header
            quoted[r["id"]] = [QuotedMessage(s.sender, s.date, s.subject) for s in reading.segments
                               if s.kind == "quoted" and s.style]
            body_start[r["id"]] = min((s.start for s in reading.segments), default=None)
        if not is_mail:
            is_mail = read.get(r["id"]) in MESSAGE_STYLES
        if not is_mail:
            continue
        meta = json.loads(r["metadata"] or "{}")
        raw = json.loads(r["raw_fields"] or "{}")
        thread_index = meta.get("thread_index") or raw.get("Thread-Index") or raw.get("ThreadIndex")
        recipients = ", ".join(v for v in (r["recipients"], r["cc"]) if v) or None
        head = body[:HEADER_CHARS] if not r["subject"] or not participants(r["sender"], recipients) else ""
        yield Message(
            id=r["id"], message_id=r["message_id"], in_reply_to=r["in_reply_to"], references=r["references"],
            thread_index=thread_index, subject=r["subject"], sender=r["sender"], recipients=recipients,
            date=r["date"], body=head, attachments=frozenset(attachments.get(r["id"], ())),
            quoted=tuple(quoted.get(r["id"], ())), body_start=body_start.get(r["id"]),
        )
