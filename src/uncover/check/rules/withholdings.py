"""Documents withheld in part with no exemption marked: redaction boxes and no FOIA code.

FOIA requires the exemption for each deletion to be indicated at the place of the deletion
(5 U.S.C. 552(b)). The withholdings analysis (`uncover analyze`) finds boxes and markings; when it
has not run on this production the rule says so instead of guessing.
"""

from __future__ import annotations

from ..findings import DEFICIENCY, BatesList, Finding, finding_from, not_checked
from ..spec import ProductionSpec
from ..view import ProductionView
from ._common import page_label, plural

MIN_CONFIDENCE = 0.5  # below: a mention of an exemption in running text, not a claim


def unmarked_redactions(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    title = "Redactions with no exemption marked"
    if not (view.has_table("document_release") and view.has_table("redactions")):
        return [not_checked("withholdings.unmarked", title, "Not checked: this case has no withholdings tables.")]
    analysed = view.conn.execute(
        f"SELECT COUNT(*) FROM document_release r JOIN documents d ON d.id = r.document_id "
        f"WHERE d.production_id IN {view._in}").fetchone()[0]
    if not analysed:
        return [not_checked("withholdings.unmarked", title,
                            "Not checked: the withholdings analysis has not run on this production "
                            "(run `uncover analyze CASE`, then check again).")]
    rows = view.conn.execute(
        "SELECT d.id, d.bates_begin, d.bates_end, COUNT(DISTINCT x.page) FROM documents d "
        "JOIN redactions x ON x.document_id = d.id "
        "LEFT JOIN document_release r ON r.document_id = d.id "
        f"WHERE d.production_id IN {view._in} AND COALESCE(r.codes, '') = '' "
        "AND NOT EXISTS (SELECT 1 FROM exemption_marks m WHERE m.document_id = d.id AND m.confidence >= ?) "
        "GROUP BY d.id ORDER BY d.id", (MIN_CONFIDENCE,))
    docs = BatesList()
    details = []
    for doc_id, begin, end, pages in rows:
        label = page_label(view, doc_id, begin, end)
        docs.add(begin, end, label)
        if len(details) < 50:
            details.append(f"{label}: redactions on {plural(pages, 'page')}, no exemption marked")
    if not docs.count:
        return []
    return [finding_from("withholdings.unmarked", DEFICIENCY, title,
                         "These records carry redactions but no FOIA exemption is marked on them or claimed for "
                         "them. Please identify the exemption for each redaction at the place of the deletion.",
                         docs, details=details)]


RULES = [unmarked_redactions]
