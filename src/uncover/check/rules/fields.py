"""Required metadata fields: missing from the load file, or present but empty, per field and custodian.

"Missing" means the record has no column for the field at all (the producer never exported it);
"empty" means the column is there but blank where the spec does not allow a blank. Rates per field
and per custodian show whether a defect is systematic (every record) or local (one custodian's mail).
"""

from __future__ import annotations

from collections import Counter

from ..findings import DEFICIENCY, INFO, BatesList, Finding, finding_from, not_checked
from ..spec import ProductionSpec
from ..view import ProductionView
from ._common import column_map, field_label, pct, plural

MAX_CUSTODIANS = 100


def required_fields(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    if not view.has_loadfile:
        return [not_checked("fields.missing", "Required metadata fields",
                            "Not checked: the production has no load file, so no metadata fields were produced "
                            "(see the no-load-file finding).")]
    applicable: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    empty: Counter[str] = Counter()
    by_custodian: dict[str, Counter[str]] = {}
    missing_docs, empty_docs = BatesList(), BatesList()
    may_be_empty = set(spec.fields.may_be_empty)
    keys = tuple(sorted({name for kind in ("email", "edoc", "paper") for req in spec.required_fields(kind)
                         for name in req.split("|")} | {"doc_type"}))
    for doc in view.documents(keys):
        requirements = spec.required_fields(doc.record_kind)
        if not requirements:
            continue
        raw = doc.raw_fields
        if not raw and doc.from_loadfile:
            continue  # images with no data row: reported once, as loadfile.unmatched
        columns = column_map(tuple(raw))
        meta = doc.metadata
        doc_missing = doc_empty = False
        for req in requirements:
            alternatives = req.split("|")
            applicable[req] += 1
            present = [a for a in alternatives if a in columns or a in meta]
            if not present:
                missing[req] += 1
                doc_missing = True
                continue
            if any(a in may_be_empty for a in alternatives):
                continue
            filled = any(str(meta.get(a, "")).strip() or any(raw.get(c, "").strip() for c in columns.get(a, ()))
                         for a in present)
            if not filled:
                empty[req] += 1
                doc_empty = True
        custodian = doc.custodian or "(no custodian)"
        counts = by_custodian.get(custodian)
        if counts is None and len(by_custodian) < MAX_CUSTODIANS:
            counts = by_custodian.setdefault(custodian, Counter())
        if counts is not None:
            counts["documents"] += 1
            counts["missing"] += doc_missing
            counts["empty"] += doc_empty
        if doc_missing:
            missing_docs.add(doc.bates_begin, doc.bates_end, doc.label)
        if doc_empty:
            empty_docs.add(doc.bates_begin, doc.bates_end, doc.label)

    findings: list[Finding] = []
    per_field = {req: {"field": field_label(req), "applicable": n, "missing": missing[req], "empty": empty[req],
                       "missing_pct": pct(missing[req], n), "empty_pct": pct(empty[req], n)}
                 for req, n in applicable.items()}
    if missing_docs.count:
        names = [f"{field_label(r)} ({missing[r]} of {applicable[r]} records, {pct(missing[r], applicable[r])}%)"
                 for r in applicable if missing[r]]
        findings.append(finding_from(
            "fields.missing", DEFICIENCY, "Required metadata fields not produced",
            f"The load file carries no value at all for {plural(len(names), 'field')} the {spec.title or spec.name} requires: "
            + "; ".join(names) + ". Metadata kept with an electronic record is presumptively producible; please "
            "re-produce the load file with these fields.",
            missing_docs, per_field={r: v for r, v in per_field.items() if v["missing"]},
            per_custodian=_custodians(by_custodian, "missing")))
    if empty_docs.count:
        names = [f"{field_label(r)} ({empty[r]} of {applicable[r]} records, {pct(empty[r], applicable[r])}%)"
                 for r in applicable if empty[r]]
        findings.append(finding_from(
            "fields.empty", DEFICIENCY, "Required metadata fields left empty",
            "These required fields are present in the load file but blank: " + "; ".join(names)
            + ". Please populate them or state, per record, why no value exists.",
            empty_docs, per_field={r: v for r, v in per_field.items() if v["empty"]},
            per_custodian=_custodians(by_custodian, "empty")))
    unknown = sorted({name for run in view.loadfile_runs for name in run.get("unknown_fields", [])})
    if unknown:
        findings.append(Finding("fields.unknown", INFO, "Fields uncover does not recognise",
                                "The load file has fields outside uncover's alias table; they are kept as produced: "
                                + ", ".join(unknown) + ".", count=len(unknown), unit="fields"))
    return findings


def _custodians(by_custodian: dict[str, Counter[str]], key: str) -> dict[str, dict[str, float]]:
    return {c: {"documents": v["documents"], key: v[key], "pct": pct(v[key], v["documents"])}
            for c, v in sorted(by_custodian.items()) if v[key]}


RULES = [required_fields]
