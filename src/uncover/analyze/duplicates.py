"""Exact duplicates: the same original bytes (SHA-256), or the same text once normalized.

Family-aware, as e-discovery reviewers expect: the group's primary is a top-level document where
there is one (then the earliest id), so `dupe:no` keeps whole families; an attachment whose copy
sits in another family is reported as a member but never hidden, because hiding it would break
the family it belongs to. Every group lists the custodians and productions of its members
(`store.duplicates.DuplicateGroup`), so de-duplication never drops a custodian from view, one of
the deficiencies a letter to the producing party lists.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .normalize import normalize_text


@dataclass(frozen=True)
class DupCandidate:
    id: int
    sha256: str
    text_hash: str | None
    parent_id: int | None = None
    family_id: int | None = None


@dataclass
class GroupMember:
    document_id: int
    is_primary: bool
    other_family: bool  # an attachment in another family than the primary's: reported, kept
    collapsed: bool  # hidden by dupe:no


@dataclass
class ExactGroup:
    basis: str  # "sha256" or "text"
    key: str
    primary: int
    members: list[GroupMember] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [m.document_id for m in self.members]

    def as_rows(self) -> tuple[str, str, int, list[tuple[int, bool, bool, bool]]]:
        return self.basis, self.key, self.primary, [(m.document_id, m.is_primary, m.other_family, m.collapsed) for m in self.members]


def text_hash(text: str) -> str | None:
    """sha256 of the normalized text; None for a text with no words (blank pages match nothing)."""
    normalized = normalize_text(text)
    if not normalized:
        return None
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def exact_duplicate_groups(docs: Iterable[DupCandidate]) -> list[ExactGroup]:
    """Groups of two or more documents with equal SHA-256, then equal normalized text.

    A text group is reported only where its members are not all byte-identical (those are
    already a SHA-256 group).
    """
    by_sha: dict[str, list[DupCandidate]] = defaultdict(list)
    by_text: dict[str, list[DupCandidate]] = defaultdict(list)
    for doc in docs:
        by_sha[doc.sha256].append(doc)
        if doc.text_hash:
            by_text[doc.text_hash].append(doc)
    groups = [_group("sha256", key, members) for key, members in by_sha.items() if len(members) > 1]
    groups += [
        _group("text", key, members)
        for key, members in by_text.items()
        if len(members) > 1 and len({m.sha256 for m in members}) > 1
    ]
    groups.sort(key=lambda g: (g.primary, g.basis))
    return groups


def _group(basis: str, key: str, members: list[DupCandidate]) -> ExactGroup:
    ordered = sorted(members, key=lambda d: (d.parent_id is not None, d.id))
    primary = ordered[0]
    primary_family = primary.family_id if primary.family_id is not None else primary.id
    group = ExactGroup(basis, key, primary.id)
    for doc in sorted(members, key=lambda d: d.id):
        family = doc.family_id if doc.family_id is not None else doc.id
        is_primary = doc.id == primary.id
        other_family = not is_primary and doc.parent_id is not None and family != primary_family
        group.members.append(GroupMember(doc.id, is_primary, other_family, not is_primary and not other_family))
    return group
