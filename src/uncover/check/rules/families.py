"""Families: e-mails and their attachments produced together, within BegAttach..EndAttach.

The NDLON production split e-mails from their attachments; this rule reports
- orphans: a record whose parent (ParentID, or the start of its BegAttach range) is nowhere in the case;
- missing members: a parent whose attachment range or attachment list names pages or records that
  were never produced;
- members produced apart: the parent or attachment exists, but in another production;
- children outside the range: an attachment linked to a parent whose BegAttach..EndAttach excludes it.
"""

from __future__ import annotations

import re

from ...model import BatesRange
from ..findings import DEFICIENCY, BatesList, Finding, finding_from, not_checked
from ..spec import ProductionSpec
from ..view import DocRow, ProductionView
from ._common import plural
from .bates import _family_range

_FAMILY_KEYS = ("parent_id", "attach_begin", "attach_range", "attach_ids")


def families(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    if not spec.families.check:
        return []
    if not view.has_loadfile:
        return [not_checked("families.orphans", "Families",
                            "Not checked: with no load file there are no BegAttach/EndAttach or ParentID fields.")]
    own = set(view.production_ids)
    orphans, missing, apart, outside = BatesList(), BatesList(), BatesList(), BatesList()
    missing_details: list[str] = []
    apart_details: list[str] = []
    for doc in view.documents(("parent_id", "attach_begin", "attach_end", "attach_range", "attach_ids"), raw=False):
        meta = doc.metadata
        if not any(meta.get(k) for k in _FAMILY_KEYS) and doc.parent_id is None:
            continue
        rng = BatesRange.parse(doc.bates_begin or "", doc.bates_end or doc.bates_begin or "") if doc.bates_begin \
            else None
        family = _family_range(meta)
        # the parent this record names
        parent_key = str(meta.get("parent_id", "") or "").strip()
        if not parent_key and family is not None and rng is not None and family.begin != rng.begin:
            parent_key = str(family.begin)
        if parent_key and parent_key != (doc.bates_begin or ""):
            found = view.find_begin(parent_key)
            if not found:
                orphans.add(doc.bates_begin, doc.bates_end, doc.label)
            elif not any(p in own for _, p in found):
                apart.add(doc.bates_begin, doc.bates_end, doc.label)
                apart_details.append(f"{doc.label}: parent {parent_key} is in another production")
        # a parent: its attachments must follow it inside the range, in this production
        if family is not None and rng is not None and family.begin == rng.begin and family.end.number > rng.end.number:
            first = rng.end.offset(1)
            expected = family.end.number - rng.end.number
            by_production = view.pages_between(str(first), str(family.end))
            here = sum(n for p, n in by_production.items() if p in own)
            elsewhere = sum(n for p, n in by_production.items() if p not in own)
            if here < expected:
                if elsewhere:
                    apart.add(doc.bates_begin, doc.bates_end, doc.label)
                    apart_details.append(f"{doc.label}: {plural(elsewhere, 'attachment page')} in another production")
                if here + elsewhere < expected:
                    missing.add(doc.bates_begin, doc.bates_end, doc.label)
                    missing_details.append(f"{doc.label}: family {family} but {expected - here - elsewhere} of "
                                           f"{plural(expected, 'attachment page')} not produced")
        for key in re.split(r"[;,]", str(meta.get("attach_ids", "") or "")):
            key = key.strip()
            if not key or key == doc.bates_begin:
                continue
            found = view.find_begin(key)
            if not found:
                missing.add(doc.bates_begin, doc.bates_end, doc.label)
                missing_details.append(f"{doc.label}: attachment {key} not produced")
            elif not any(p in own for _, p in found):
                apart.add(doc.bates_begin, doc.bates_end, doc.label)
                apart_details.append(f"{doc.label}: attachment {key} is in another production")
        if doc.parent_id is not None and rng is not None:
            parent = view.document(doc.parent_id)
            if parent is not None and not _inside(parent, rng):
                outside.add(doc.bates_begin, doc.bates_end, doc.label)

    findings: list[Finding] = []
    if orphans.count:
        findings.append(finding_from(
            "families.orphans", DEFICIENCY, "Attachments without their parent",
            "These records are attachments (they name a parent in ParentID or BegAttach) but the parent record was "
            "not produced in this or any other production received.", orphans))
    if missing.count:
        findings.append(finding_from(
            "families.missing", DEFICIENCY, "E-mails and parents whose attachments are missing",
            "These records name attachments (in BegAttach..EndAttach or the attachment list) that were not produced. "
            "Please produce the attachments or identify them as withheld, with the exemption claimed.", missing,
            details=missing_details[:50]))
    if apart.count:
        findings.append(finding_from(
            "families.apart", DEFICIENCY, "Families produced apart",
            "Members of these families were produced in a different production from their parent or attachments, "
            "so e-mails and their attachments cannot be read together. Please re-produce each family together.",
            apart, details=apart_details[:50]))
    if outside.count:
        findings.append(finding_from(
            "families.outside", DEFICIENCY, "Attachments outside their parent's attachment range",
            "These attachments are linked to a parent whose BegAttach..EndAttach range does not contain them, so the "
            "family fields are wrong.", outside))
    return findings


def _inside(parent: DocRow, child: BatesRange) -> bool:
    family = _family_range(parent.metadata)
    if family is None:
        return True  # the parent states no range: nothing to contradict
    return child.begin in family and child.end in family


RULES = [families]
