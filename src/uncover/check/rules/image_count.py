"""The image load file's own page count: the PageCount column of an OPT document's first line
against the image lines that follow it.

A producer whose OPT says `4` on a document of three image lines has either lost a page image or
written a wrong count; either way the count a reviewer relies on is wrong. Evidence needed: an OPT
with PageCount values (LFP and PDF-per-document lines carry none); without it the rule says so.
"""

from __future__ import annotations

from ..findings import DEFICIENCY, BatesList, Finding, finding_from, not_checked
from ..spec import ProductionSpec
from ..view import ProductionView
from ._common import plural


def declared_image_count(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    if not view.has_loadfile:
        return [not_checked("images.declared-count", "Page counts in the image load file",
                            "Not checked: the production has no load file.")]
    wrong = BatesList()
    details: list[str] = []
    declared_any = False
    for doc in view.documents((), raw=False):
        declared = doc.loadfile_info.get("image_count")
        if declared is None:
            continue
        declared_any = True
        if int(declared) != doc.page_count:
            wrong.add(doc.bates_begin, doc.bates_end, doc.label)
            details.append(f"{doc.label}: the image load file gives a page count of {declared} on the first line, "
                           f"and lists {plural(doc.page_count, 'page image')}")
    if not declared_any:
        return [not_checked("images.declared-count", "Page counts in the image load file",
                            "Not checked: the image load file carries no page counts (an OPT's seventh column).")]
    if not wrong.count:
        return []
    return [finding_from("images.declared-count", DEFICIENCY, "Image load file page counts that disagree with its "
                         "image lines",
                         "For these documents the page count the image load file (OPT) declares differs from the "
                         "number of page images it lists, so a page image is missing or the count is wrong. Please "
                         "correct the image load file and produce any missing page images.", wrong, details=details)]


RULES = [declared_image_count]
