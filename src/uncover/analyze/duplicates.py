"""Exact duplicates as e-discovery defines them, each group with the basis that makes it one.

- **E-mails** (`basis='email'`): the same message is the same sender, recipients (To, Cc, Bcc),
  subject and sent time, the same body and the same attachments (by content). Two copies from two
  custodians' mailboxes group even though their bytes differ (a folder header, a line ending);
  two messages that share a body but not their headers (a form letter sent to two people, a
  reply that only repeats a footer) never do.
- **E-documents and attachments** (`basis='sha256'`): the same content, byte for byte. A file with
  no content (0 bytes), or a load-file record whose native was not produced (its "original" is
  the text file or an image), has nothing to be a copy of and groups with nothing.
- **Loose documents only** (`basis='text'`): the same normalized text with different bytes (a PDF
  re-saved, a DOCX printed to PDF). Never e-mails or attachments, never a text that is empty or only
  boilerplate (slip sheets, confidentiality footers, licence notices): such texts are shared by
  records that are not the same.

Family-aware, as reviewers expect: the group's primary is a top-level document where there is one
(then the earliest id), so `dupe:no` keeps whole families; an attachment whose copy sits in another
family is reported as a member but never hidden, because hiding it would break the family it
belongs to. Every group lists the custodians and productions of its members
(`store.duplicates.DuplicateGroup`), so de-duplication never drops a custodian from view.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .normalize import normalize_text

BASES = {
    "email": "same sender, recipients, subject, sent time, body and attachments",
    "sha256": "identical files (same SHA-256)",
    "text": "same text, different files (loose documents only)",
}
MIN_WORDS = 8  # a text shorter than this, once boilerplate is removed, identifies nothing
_MAIL_KINDS = ("email", "calendar")
# Lines that many unrelated records share: slip sheets, footers, notices. A line is dropped when
# it is short enough to be furniture and says one of these things.
_BOILERPLATE = re.compile(
    r"intentionally\s+left\s+blank|withheld\s+in\s+(?:full|its\s+entirety)|document\s+withheld|"
    r"produced\s+(?:in\s+)?native(?:ly)?|native\s+(?:file\s+)?produced|slip\s*sheet|placeholder|"
    r"privileged\s+(?:and|&)\s+confidential|confidential(?:ity)?\s+notice|intended\s+(?:only\s+)?for\s+the\s+"
    r"(?:use|addressee)|intended\s+recipient|licensed\s+under\s+a\s+creative\s+commons|"
    r"to\s+provide\s+attribution|unsubscribe|this\s+(?:e-?mail|message)\s+(?:and\s+any\s+attachments?\s+)?"
    r"(?:is|may\s+be)\s+(?:confidential|privileged)|non[-\s]?responsive|page\s+\d+\s+of\s+\d+",
    re.IGNORECASE,
)
# A word each of _BOILERPLATE's phrases contains: an ASCII line without any of them cannot match,
# and finding them is some twenty times cheaper than the search (run on every line ingested).
_BOILERPLATE_WORDS = ("blank", "withheld", "native", "slip", "placeholder", "confidential", "privileged", "intended",
                      "creative", "attribution", "unsubscribe", "responsive", "page")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class DupCandidate:
    id: int
    sha256: str
    text_hash: str | None
    parent_id: int | None = None
    family_id: int | None = None
    kind: str = "edoc"
    email_key: str | None = None  # `email_key(...)` for e-mails with headers to compare
    words: int | None = None  # substantive words (boilerplate removed); None: not known, treated as enough
    has_content: bool = True  # False: 0 bytes, or a load-file record without its native


@dataclass
class GroupMember:
    document_id: int
    is_primary: bool
    other_family: bool  # an attachment in another family than the primary's: reported, kept
    collapsed: bool  # hidden by dupe:no


@dataclass
class ExactGroup:
    basis: str  # "email", "sha256" or "text": see BASES
    key: str
    primary: int
    members: list[GroupMember] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [m.document_id for m in self.members]

    def as_rows(self) -> tuple[str, str, int, list[tuple[int, bool, bool, bool]]]:
        return self.basis, self.key, self.primary, [(m.document_id, m.is_primary, m.other_family, m.collapsed) for m in self.members]


def text_hash(text: str, normalized: str | None = None) -> str | None:
    """sha256 of the normalized text; None for a text with no words (blank pages match nothing).
    `normalized`: normalize_text(text), where the caller has it already."""
    if normalized is None:
        normalized = normalize_text(text)
    if not normalized:
        return None
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def substantive_words(text: str, normalized: str | None = None) -> int:
    """Words left once boilerplate lines (slip sheets, footers, notices) are removed.
    `normalized`: normalize_text(text), used when no line is removed (most texts)."""
    kept = "\n".join(line for line in text.splitlines() if not is_boilerplate(line))
    if normalized is None or kept != text:
        normalized = normalize_text(kept)
    return len(normalized.split()) if normalized else 0


def is_boilerplate(line: str) -> bool:
    """A line many unrelated records share: a slip sheet, a footer, a notice (short, and saying so)."""
    if len(line) >= 600:
        return False
    if line.isascii():  # case-insensitive matching can pair a non-ASCII letter with an ASCII one
        low = line.lower()
        if not any(word in low for word in _BOILERPLATE_WORDS):
            return False
    return _BOILERPLATE.search(line) is not None


def email_key(sender: str | None, to: str | None, cc: str | None, bcc: str | None, subject: str | None,
              sent: str | None, body_hash: str | None, attachments: Iterable[str]) -> str | None:
    """The identity of a message: normalised headers, body and attachment hashes; None when the
    message has no (plausible) sent time: headers without one cannot tell two messages apart (a
    mailbox's undated calendar stubs share sender, subject and footer), so such mail groups by
    bytes only."""
    sender_n, sent_n = _people(sender), _minute(sent)
    if not sent_n:
        return None
    parts = [sender_n, _people(to), _people(cc), _people(bcc), " ".join((subject or "").casefold().split()), sent_n,
             body_hash or "", ",".join(sorted(attachments))]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _people(value: str | None) -> str:
    """Addresses, lower-cased and sorted; names (without quotes) where no address is given."""
    if not value:
        return ""
    found = sorted({a.casefold() for a in _ADDRESS.findall(value)})
    if found:
        return ",".join(found)
    return ",".join(sorted({" ".join(n.strip(" '\"").casefold().split()) for n in re.split(r"[;,]", value) if n.strip(" '\"")}))


def _minute(value: str | None) -> str:
    """The sent time to the minute, in UTC where the date carries an offset."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value.strip()
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M")


def grouping_keys(doc: DupCandidate) -> list[str]:
    """The keys `exact_duplicate_groups` files a document under (none: it can join no group)."""
    if doc.kind in _MAIL_KINDS:
        if doc.email_key:
            return ["e" + doc.email_key]
        return ["s" + doc.sha256] if doc.has_content else []
    keys = ["s" + doc.sha256] if doc.has_content else []
    if doc.text_hash and doc.parent_id is None and (doc.words is None or doc.words >= MIN_WORDS):
        keys.append("t" + doc.text_hash)
    return keys


def exact_duplicate_groups(docs: Iterable[DupCandidate]) -> list[ExactGroup]:
    """Groups of two or more documents under the rules above, each with its basis."""
    by_email: dict[str, list[DupCandidate]] = defaultdict(list)
    by_sha: dict[str, list[DupCandidate]] = defaultdict(list)
    by_text: dict[str, list[DupCandidate]] = defaultdict(list)
    for doc in docs:
        if doc.kind in _MAIL_KINDS and doc.email_key:
            by_email[doc.email_key].append(doc)
            continue
        if doc.kind in _MAIL_KINDS:
            if doc.has_content:  # mail without headers to compare: the same bytes only
                by_sha[doc.sha256].append(doc)
            continue
        if doc.has_content:
            by_sha[doc.sha256].append(doc)
        if doc.text_hash and doc.parent_id is None and (doc.words is None or doc.words >= MIN_WORDS):
            by_text[doc.text_hash].append(doc)
    groups = [_group("email", key, members) for key, members in by_email.items() if len(members) > 1]
    groups += [_group("sha256", key, members) for key, members in by_sha.items() if len(members) > 1]
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
