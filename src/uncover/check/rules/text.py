"""Extracted text: a text file per document, page breaks matching the images, text on every page.

A production of images with no text cannot be searched (the NDLON order called that a downgrade).
Each document is reported under one text finding only: no text at all, else text not page-aligned,
else pages left without searchable text.
"""

from __future__ import annotations

from ..findings import DEFICIENCY, BatesList, Finding, finding_from, not_checked
from ..spec import ProductionSpec
from ..view import ProductionView
from ._common import page_label, plural
from ._text_owner import TextOwners, text_owners


def extracted_text(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    rules = spec.text
    if not view.has_loadfile:
        return [not_checked("text.missing", "Extracted text",
                            "Not checked: with no load file there are no producer text files to account for.")]
    provided: set[int] = set()
    no_text = BatesList()
    for doc in view.documents((), raw=False):
        source = doc.loadfile_info.get("text")
        if source == "loadfile":
            provided.add(doc.id)
        elif rules.required and doc.from_loadfile:
            no_text.add(doc.bates_begin, doc.bates_end, doc.label)
    owners = text_owners(view, provided)
    foreign = set(owners.other) | set(owners.nowhere)
    flagged_unaligned = {doc_id for doc_id, _, _, _ in view.loadfile_issues("text not page-aligned")}
    unaligned, unsearchable = BatesList(), BatesList()
    blank_pages = 0
    details: list[str] = []
    current, pages = None, []

    def finish(doc_id: int, rows: list[tuple]) -> None:
        nonlocal blank_pages
        if doc_id not in provided or doc_id in foreign:
            return  # another document's text is reported as that, once
        begin, end = rows[0][2], rows[-1][2]
        label = page_label(view, doc_id, begin, end)
        multi = len(rows) > 1
        if doc_id in flagged_unaligned or (multi and rows[0][4] and all(r[3] for r in rows[1:])):
            if rules.page_aligned:
                unaligned.add(begin, end, label)
            return
        blank = [r[2] or f"page {r[1]}" for r in rows if r[3]]
        if blank and rules.searchable:
            for page in blank:
                unsearchable.add(page, page, page if page == label else f"{page} (of {label})")
            blank_pages += len(blank)
            if len(details) < 50:
                details.append(f"{label}: no text on " + ", ".join(blank[:10]) + (" ..." if len(blank) > 10 else ""))

    cols = "p.bates, length(trim(p.text, ' ' || char(9, 10, 12, 13))) = 0, instr(p.text, char(12)) > 0"
    for row in view.pages(cols):
        if row[0] != current:
            if current is not None:
                finish(current, pages)
            current, pages = row[0], []
        pages.append(row)
    if current is not None:
        finish(current, pages)

    findings: list[Finding] = []
    if no_text.count:
        findings.append(finding_from(
            "text.missing", DEFICIENCY, "No extracted or OCR text",
            "No text file was produced for these records, so they cannot be searched electronically. Please produce "
            "one text file per document (extracted text, or OCR for paper), with page breaks matching the images.",
            no_text))
    findings.extend(_owner_findings(view, owners))
    if unaligned.count:
        findings.append(finding_from(
            "text.not-aligned", DEFICIENCY, "Text not page-aligned",
            "The text files of these multi-page records do not break where the page images do, so a search hit "
            "cannot be tied to a page.", unaligned))
    if unsearchable.count:
        findings.append(finding_from(
            "text.unsearchable", DEFICIENCY, "Pages with no searchable text",
            f"These {plural(blank_pages, 'page')} have an image but no text, and no OCR was provided for them.",
            unsearchable, details=details, unit="pages"))
    return findings


def _owner_findings(view: ProductionView, owners: TextOwners) -> list[Finding]:
    if not owners.evidence:
        return [not_checked("text.other-document", "Text files that belong to another document",
                            "Not checked: the text files carry no readable Bates stamps and are not named by Bates "
                            "number, so nothing ties a text file to its pages.")]
    findings = []
    other, nowhere = BatesList(), BatesList()
    other_details, nowhere_details = [], []
    for doc in view.documents((), raw=False):
        if doc.id in owners.other:
            other.add(doc.bates_begin, doc.bates_end, doc.label)
            other_details.append(f"{doc.label}: its text file holds the text of {owners.other[doc.id]}")
        elif doc.id in owners.nowhere:
            nowhere.add(doc.bates_begin, doc.bates_end, doc.label)
            nowhere_details.append(f"{doc.label}: its text file carries the page stamp{'s' if len(owners.nowhere[doc.id]) > 1 else ''} "
                                   + ", ".join(owners.nowhere[doc.id]) + ", which no produced page bears")
    if other.count:
        findings.append(finding_from(
            "text.other-document", DEFICIENCY, "Text files holding another document's text",
            "The text file the load file assigns to each of these records is the text of a different record "
            "(its page stamps, or its file name, are that record's), so searches return the wrong pages. Please "
            "correct the text file paths in the data load file.", other, details=other_details))
    if nowhere.count:
        findings.append(finding_from(
            "text.no-document", DEFICIENCY, "Text files matching no produced document",
            "The text files of these records carry page stamps of pages that were not produced, so the text "
            "belongs to no document of the production. Please produce the text of these records.", nowhere,
            details=nowhere_details))
    return findings


RULES = [extracted_text]
