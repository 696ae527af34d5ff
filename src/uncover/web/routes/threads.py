"""E-mail threads as conversations: the list of threads, and one thread read message by message,
replies indented under what they answer, each message showing only what its author wrote (the
quoted earlier messages are the other documents of the thread). Printed e-mails (threaded from
their printed headers and quotes) and native ones read the same way."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from ..analysis import documents, pager, table_exists
from ..app import CaseDep, render

router = APIRouter()
BASIS = {"headers": "from the e-mail headers", "thread-index": "from Outlook's conversation index",
         "quoted": "from the messages each one quotes", "text": "same subject and people"}


@router.get("/threads")
def threads_page(request: Request, page: int = 1, *, case: CaseDep) -> Response:
    conn = case.store.conn
    total = int(conn.execute("SELECT COUNT(*) FROM threads").fetchone()[0]) if table_exists(case, "threads") else 0
    pg = pager(page, total)
    rows: list[dict[str, Any]] = []
    if total:
        found = conn.execute(
            "SELECT t.id, t.subject, t.basis, COUNT(m.document_id) AS n, MIN(m.document_id) AS first_id, "
            "SUM(m.inclusive) AS inclusive FROM threads t JOIN thread_members m ON m.thread_id = t.id "
            "GROUP BY t.id, t.subject, t.basis ORDER BY t.id LIMIT ? OFFSET ?", (pg.size, pg.offset)).fetchall()
        ids = [r["id"] for r in found]
        spans = {r[0]: (r[1], r[2]) for r in conn.execute(
            f"SELECT m.thread_id, MIN(d.date), MAX(d.date) FROM thread_members m JOIN documents d ON d.id = m.document_id "
            f"WHERE m.thread_id IN ({','.join('?' * len(ids))}) GROUP BY m.thread_id", ids)} if ids else {}
        docs = documents(case, [r["first_id"] for r in found])
        for r in found:
            first, last = spans.get(r["id"], (None, None))
            rows.append({"id": r["id"], "subject": r["subject"] or (docs[r["first_id"]].heading if r["first_id"] in docs else ""),
                         "basis": BASIS.get(r["basis"], r["basis"]), "messages": r["n"], "inclusive": r["inclusive"],
                         "first": (first or "")[:10], "last": (last or "")[:10]})
    return render(request, "threads.html", threads=rows, pager=pg)


@router.get("/threads/{thread_id}")
def thread_page(request: Request, thread_id: int, *, case: CaseDep) -> Response:
    from ...analyze.segments import own_text, split_segments
    from ...store import messages as mstore

    conn = case.store.conn
    head = conn.execute("SELECT id, subject, basis FROM threads WHERE id = ?", (thread_id,)).fetchone() \
        if table_exists(case, "threads") else None
    if head is None:
        raise HTTPException(404, "There is no such thread in this case.")
    members = conn.execute("SELECT document_id, parent_document_id, position, inclusive FROM thread_members "
                           "WHERE thread_id = ? ORDER BY position", (thread_id,)).fetchall()
    ids = [m["document_id"] for m in members]
    docs = documents(case, ids)
    own = mstore.own_texts(conn, ids) if table_exists(case, "message_segments") else {}
    depth: dict[int, int] = {}
    messages = []
    for m in members:
        doc = docs.get(m["document_id"])
        if doc is None:
            continue
        parent = m["parent_document_id"]
        depth[doc.id] = min(depth.get(parent, -1) + 1, 6) if parent in depth else 0
        text = own.get(doc.id)
        if text is None:  # the document's text opens with its own header: keep what follows, minus quotes
            whole = "\n".join(p.text for p in case.store.pages(doc.id))
            text = own_text(whole, split_segments(whole, headed=True))
        messages.append({"doc": doc, "depth": depth[doc.id], "inclusive": bool(m["inclusive"]), "text": text.strip(),
                         "parent": docs.get(parent) if parent else None})
    return render(request, "thread.html", thread=dict(head), basis=BASIS.get(head["basis"], head["basis"]), messages=messages)
