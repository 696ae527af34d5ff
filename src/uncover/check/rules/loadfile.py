"""The load files themselves: none at all, a delimiter, qualifier or encoding other than agreed, a
missing header, field names too long, and the reading errors the loader recorded.

A production of static images or plain PDFs with no load file cannot be searched or sorted by its
metadata: the NDLON order called that an inappropriate downgrading of the records.
"""

from __future__ import annotations

import re

from ..findings import DEFICIENCY, BatesList, Finding, finding_from
from ..spec import ProductionSpec
from ..view import ProductionView

# Loader warnings other rules report (so each defect is cited once): everything else lands here.
COVERED = re.compile(
    r"page count mismatch|duplicate Bates|orphan child|is not in the production|text not page-aligned|"
    r"image missing|text file missing|native file missing|unreadable date|ends before it begins|"
    r"no pages in the image load file|letter case differs|different letter case|no reader for native|"
    r"could not be read|could not be OCR'd|failed to read")
ENCODING = re.compile(r"replaced by U\+FFFD|not (?:valid )?(?:utf|UTF)|decod", re.IGNORECASE)
UNMATCHED = "no row in the data load file"
_NAMES = {"\x14": "DC4", "\t": "tab", ",": "comma", ";": "semicolon"}


def _matches(shown: str | None, char: str) -> bool:
    if shown is None:
        return False
    return shown == repr(char) or char in shown or (char in _NAMES and _NAMES[char] in shown)


def _show(chars: list[str]) -> str:
    return " or ".join(_NAMES.get(c, c) + (f" (U+{ord(c):04X})" if not c.isprintable() or ord(c) > 127 else "")
                       for c in chars)


def loadfiles(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    rules = spec.loadfile
    findings: list[Finding] = []
    if not view.has_loadfile:
        if rules.required and view.document_count:
            docs = BatesList()
            for doc in view.documents():
                docs.add(doc.bates_begin, doc.bates_end, doc.label)
            findings.append(finding_from(
                "loadfile.none", DEFICIENCY, "No load file",
                f"The production was delivered as {view.document_count} plain files with no load file: no metadata "
                "fields, no document breaks and no family relationships came with it, and the records cannot be "
                "searched or sorted by their metadata. Please re-produce with a load file (DAT and OPT) carrying "
                "the agreed fields.", docs))
        return findings
    runs = [r for r in view.loadfile_runs if r.get("kind") in ("dat", "delimited")]
    problems: list[str] = []
    for run in runs:
        name = str(run["path"]).replace("\\", "/").rsplit("/", 1)[-1]
        if rules.delimiters and run.get("delimiter") and not any(_matches(run["delimiter"], c) for c in rules.delimiters):
            problems.append(f"{name}: fields separated by {run['delimiter']}, not {_show(rules.delimiters)}")
        if rules.qualifiers and not any(_matches(run.get("qualifier"), c) for c in rules.qualifiers):
            problems.append(f"{name}: text qualifier {run.get('qualifier') or 'none'}, not {_show(rules.qualifiers)}")
        if rules.encodings and run.get("encoding"):
            wanted = {e.lower().replace("_", "-") for e in rules.encodings}
            got = str(run["encoding"]).lower().replace("_", "-")
            if got not in wanted and got.replace("-sig", "") not in wanted:
                problems.append(f"{name}: encoded as {run['encoding']}, not {', '.join(rules.encodings)}")
        if rules.header and run.get("header") == 0:
            problems.append(f"{name}: no header row naming the fields")
        if rules.max_field_name:
            long = [f for f in run.get("fields", []) if len(f) > rules.max_field_name]
            if long:
                problems.append(f"{name}: field names longer than {rules.max_field_name} characters: "
                                + ", ".join(long))
    if problems:
        findings.append(Finding("loadfile.format", DEFICIENCY, "Load file not in the agreed format",
                                "The load file differs from the agreed format: " + "; ".join(problems) + ".",
                                count=len(problems), unit="problems", details=problems))
    encoding, errors, unmatched = BatesList(), BatesList(), BatesList()
    details: dict[str, list[str]] = {"encoding": [], "errors": []}
    last: dict[str, int] = {}
    for doc_id, category, message, bates in view.loadfile_issues():
        if category not in ("loadfile",) or COVERED.search(message):
            continue
        if UNMATCHED in message:
            target, key = unmatched, "unmatched"
        elif ENCODING.search(message):
            target, key = encoding, "encoding"
        else:
            target, key = errors, "errors"
        if last.get(key) != doc_id:
            doc = None if bates else view.document(doc_id)
            target.add(bates, None, bates or (doc.label if doc else "a document with no Bates number"))
            last[key] = doc_id
        if key in details and len(details[key]) < 50:
            details[key].append(message)
    if encoding.count:
        findings.append(finding_from("loadfile.encoding", DEFICIENCY, "Characters lost to the load file's encoding",
                                     "Bytes in the load file are not valid in its encoding, so characters of these "
                                     "records were lost (replaced by U+FFFD).", encoding, details=details["encoding"]))
    if errors.count:
        findings.append(finding_from("loadfile.errors", DEFICIENCY, "Load-file rows that do not parse cleanly",
                                     "The reader found these rows malformed (wrong number of fields, broken "
                                     "qualifiers or document breaks).", errors, details=details["errors"]))
    if unmatched.count:
        findings.append(finding_from("loadfile.unmatched", DEFICIENCY, "Images with no record in the data load file",
                                     "These documents have page images in the image load file but no row in the "
                                     "data load file, so they have no metadata.", unmatched))
    return findings


RULES = [loadfiles]
