"""Duplicates: exact groups (with the basis that makes each one) and near-duplicate clusters, each
member a click away from a side-by-side comparison with the copy kept (routes/compare.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...analyze.duplicates import BASES
from ..analysis import documents, pager, table_exists
from ..app import CaseDep, render

router = APIRouter()


@router.get("/duplicates")
def duplicates_page(request: Request, view: str = "exact", page: int = 1, *, case: CaseDep) -> Response:
    view = view if view in ("exact", "near") else "exact"
    conn = case.store.conn
    groups: list[dict[str, Any]] = []
    counts = {"exact": 0, "near": 0}
    if table_exists(case, "duplicate_groups"):
        counts["exact"] = int(conn.execute("SELECT COUNT(*) FROM duplicate_groups").fetchone()[0])
        counts["near"] = int(conn.execute("SELECT COUNT(*) FROM neardup_clusters").fetchone()[0])
    pg = pager(page, counts[view])
    productions = {p.id: p.name for p in case.store.productions()}
    if counts[view] and view == "exact":
        rows = conn.execute("SELECT id, basis, primary_id FROM duplicate_groups ORDER BY id LIMIT ? OFFSET ?",
                            (pg.size, pg.offset)).fetchall()
        ids = [r["id"] for r in rows]
        members = conn.execute(
            f"SELECT group_id, document_id, is_primary, other_family, collapsed FROM duplicate_members "
            f"WHERE group_id IN ({','.join('?' * len(ids))}) ORDER BY group_id, is_primary DESC, document_id", ids).fetchall()
        docs = documents(case, [m["document_id"] for m in members])
        for r in rows:
            groups.append({"id": r["id"], "basis": BASES.get(r["basis"], r["basis"]), "primary": r["primary_id"], "members": [
                {"doc": docs[m["document_id"]], "primary": bool(m["is_primary"]), "other_family": bool(m["other_family"]),
                 "collapsed": bool(m["collapsed"]), "production": productions.get(docs[m["document_id"]].production_id, "")}
                for m in members if m["group_id"] == r["id"] and m["document_id"] in docs]})
    elif counts[view]:
        rows = conn.execute("SELECT id, pivot_id, threshold FROM neardup_clusters ORDER BY id LIMIT ? OFFSET ?",
                            (pg.size, pg.offset)).fetchall()
        ids = [r["id"] for r in rows]
        members = conn.execute(
            f"SELECT cluster_id, document_id, score FROM neardup_members WHERE cluster_id IN ({','.join('?' * len(ids))}) "
            "ORDER BY cluster_id, score DESC, document_id", ids).fetchall()
        docs = documents(case, [m["document_id"] for m in members] + [r["pivot_id"] for r in rows])
        for r in rows:
            groups.append({"id": r["id"], "primary": r["pivot_id"], "threshold": r["threshold"], "members": [
                {"doc": docs[m["document_id"]], "primary": m["document_id"] == r["pivot_id"], "score": m["score"],
                 "production": productions.get(docs[m["document_id"]].production_id, "")}
                for m in members if m["cluster_id"] == r["id"] and m["document_id"] in docs]})
    return render(request, "duplicates.html", view=view, groups=groups, counts=counts, pager=pg)
