"""E-mail threads, inclusive messages, and splitting a reply from the text it quotes.

Threads come from the headers where a production kept them (Message-ID, In-Reply-To, References,
Outlook's Thread-Index, whose first 22 bytes name the conversation). Agencies often release
printed or OCR'd e-mails with no headers at all (the State Department's releases), so a message
no header places is threaded by its normalized subject (RE:/FW:/Fwd: stripped) together with a
shared participant, both read from the document or from the printed `From: Sent: To: Subject:`
block at the top of its text.

A message is *inclusive* when no later message of its thread contains its content (and its
attachments): reviewing only inclusive messages covers the whole conversation.
"""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .disjoint_sets import DisjointSets
from .normalize import strip_furniture

# -- subjects and printed headers -------------------------------------------------------------
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|tr|rv|antw)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+", re.IGNORECASE)


def normalize_subject(subject: str | None) -> str:
    """`RE: Fwd: Re[2]: Budget ` -> `budget`."""
    if not subject:
        return ""
    s = subject.strip()
    while True:
        stripped = _SUBJECT_PREFIX.sub("", s)
        if stripped == s:
            break
        s = stripped
    return re.sub(r"\s+", " ", s).strip().casefold()


_HEADER_LINE = re.compile(r"^[ \t>*]*(From|Sent|Date|To|Cc|CC|Bcc|Subject)[ \t]*:[ \t]*(.*)$", re.IGNORECASE)
_HEADER_KEYS = {"from": "from", "sent": "date", "date": "date", "to": "to", "cc": "cc", "bcc": "bcc", "subject": "subject"}


@dataclass
class HeaderBlock:
    """A printed `From: / Sent: / To: / Subject:` block inside a text, with its line span."""

    fields: dict[str, str]
    start: int  # first line index
    end: int  # line index after the block


def printed_headers(text: str) -> list[HeaderBlock]:
    """Every printed header block (From: followed by at least one of Sent/Date/To/Subject)."""
    lines = text.splitlines()
    blocks: list[HeaderBlock] = []
    i = 0
    while i < len(lines):
        m = _HEADER_LINE.match(lines[i])
        if m and m.group(1).lower() == "from":
            fields = {"from": m.group(2).strip()}
            j = i + 1
            while j < len(lines) and j <= i + 8:
                n = _HEADER_LINE.match(lines[j])
                if n:
                    fields.setdefault(_HEADER_KEYS[n.group(1).lower()], n.group(2).strip())
                    j += 1
                elif not lines[j].strip() and j + 1 < len(lines) and _HEADER_LINE.match(lines[j + 1]):
                    j += 1
                else:
                    break
            if len(fields) >= 2:
                blocks.append(HeaderBlock(fields, i, j))
                i = j
                continue
        i += 1
    return blocks


# -- reply splitting -------------------------------------------------------------------------------
_QUOTE = re.compile(r"^[ \t]*>")
_SEPARATOR = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:Original Message|Forwarded message|Reply message|Message d'origine|Ursprüngliche Nachricht)[ \t]*-*"
    r"|Original Message|Begin forwarded message:|_{10,}|-{2,}[ \t]*Forwarded by .*)[ \t]*$",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*)?(?:On|Am|Le|El|Op|Il|Em)\b.{0,300}(?:wrote|schrieb|a écrit|escribió|schreef|ha scritto|escreveu)[ \t]*:[ \t]*$",
    re.IGNORECASE | re.DOTALL,
)
_ATTRIBUTION_START = re.compile(r"^[ \t]*(?:-{2,}[ \t]*)?(?:On|Am|Le|El|Op|Il|Em|\d)", re.IGNORECASE)


def split_reply(body: str) -> tuple[str, str]:
    """(new text, quoted text) of an e-mail body.

    Quoted text is: `>` blocks with the attribution line(s) above them ("On ... wrote:"), and
    everything from an "Original Message" separator, a printed `From:`/`Sent:` header block, or
    an attribution with no `>` block after it, to the end. Text below a `>` block is a reply
    written inline and stays new.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    n = len(lines)
    quoted = [False] * n
    i = 0
    while i < n:
        line = lines[i]
        if _QUOTE.match(line):
            end = i
            while end < n and (_QUOTE.match(lines[end]) or (not lines[end].strip() and _next_is_quote(lines, end))):
                end += 1
            for k in range(i, end):
                quoted[k] = True
            for k in _attribution_above(lines, i):
                quoted[k] = True
            i = end
            continue
        cut = _SEPARATOR.match(line) or _header_block_at(lines, i)
        if not cut:
            joined = _attribution_at(lines, i)
            cut = joined is not None and not _next_is_quote(lines, i + joined - 1)
        if cut:
            for k in range(i, n):
                quoted[k] = True
            break
        i += 1
    new = "\n".join(line for line, q in zip(lines, quoted, strict=True) if not q).strip()
    old = "\n".join(line for line, q in zip(lines, quoted, strict=True) if q).strip()
    return new, old


def _next_is_quote(lines: list[str], i: int) -> bool:
    """Whether the next non-blank line after index i is a `>` line."""
    for k in range(i + 1, min(len(lines), i + 4)):
        if lines[k].strip():
            return bool(_QUOTE.match(lines[k]))
    return False


def _attribution_at(lines: list[str], i: int) -> int | None:
    """Number of lines (1-3) of an "On ... wrote:" attribution starting at line i, if any."""
    if not _ATTRIBUTION_START.match(lines[i]):
        return None
    for size in (1, 2, 3):
        chunk = " ".join(s.strip() for s in lines[i : i + size])
        if _ATTRIBUTION.match(chunk):
            return size
    return None


def _attribution_above(lines: list[str], quote_start: int) -> list[int]:
    """Line indexes of the attribution right above a `>` block (blank lines between included)."""
    j = quote_start - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j < 0 or not lines[j].rstrip().endswith(":"):
        return []
    start = j
    if not _ATTRIBUTION_START.match(lines[j]):
        while start - 1 >= 0 and start > j - 2 and lines[start - 1].strip() and re.search(r"\d|@", lines[start - 1]):
            start -= 1
    chunk = " ".join(s.strip() for s in lines[start : j + 1])
    if not (re.search(r"\d|@", chunk) or re.search(r"wrote|schrieb|écrit", chunk, re.IGNORECASE)):
        return []
    return list(range(start, quote_start))


def _header_block_at(lines: list[str], i: int) -> bool:
    m = _HEADER_LINE.match(lines[i])
    if not m or m.group(1).lower() != "from":
        return False
    seen = 0
    for k in range(i + 1, min(len(lines), i + 6)):
        n = _HEADER_LINE.match(lines[k])
        if n and n.group(1).lower() in ("sent", "date", "to", "subject", "cc"):
            seen += 1
    return seen >= 2


# -- threading -----------------------------------------------------------------------------------
_MSGID = re.compile(r"<[^<>\s]+>")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Message:
    """What threading needs of one document."""

    id: int
    message_id: str | None = None
    in_reply_to: str | None = None
    references: str | None = None
    thread_index: str | None = None
    subject: str | None = None
    sender: str | None = None
    recipients: str | None = None
    date: str | None = None
    body: str = ""
    attachments: frozenset[str] = frozenset()  # sha256 of its attachments


@dataclass
class Thread:
    key: str
    subject: str | None
    basis: str  # "headers", "thread-index" or "text"
    members: list[int] = field(default_factory=list)  # document ids in thread order
    parents: dict[int, int] = field(default_factory=dict)  # document id -> the one it replies to
    inclusive: set[int] = field(default_factory=set)

    def as_rows(self) -> tuple[str, str | None, str, list[tuple[int, int | None, int, bool]]]:
        return self.key, self.subject, self.basis, [
            (d, self.parents.get(d), pos, d in self.inclusive) for pos, d in enumerate(self.members)
        ]


def message_ids(value: str | None) -> list[str]:
    if not value:
        return []
    found = _MSGID.findall(value)
    return [f.lower() for f in found] if found else [t.lower() for t in value.split() if t.strip()]


def participants(*values: str | None) -> set[str]:
    """E-mail addresses, else the longest word of each name ("Abedin, Huma" -> "abedin")."""
    out: set[str] = set()
    for value in values:
        if not value:
            continue
        for part in re.split(r"[;\n]|,(?![^<]*>)(?=\s*\S+\s*<)|,(?=[^,]*@)", value):
            emails = _EMAIL.findall(part)
            if emails:
                out.update(e.lower() for e in emails)
                continue
            words = [w for w in re.findall(r"[A-Za-z]{2,}", part)]
            if words:
                out.add(max(words, key=len).lower())
    return out


def build_threads(messages: Iterable[Message]) -> list[Thread]:
    """Threads of two or more messages, with positions, reply parents and inclusive flags."""
    msgs = {m.id: m for m in messages}
    sets: DisjointSets[str] = DisjointSets()
    find, union = sets.find, sets.union

    by_mid: dict[str, int] = {}
    for m in msgs.values():
        for mid in message_ids(m.message_id)[:1]:
            by_mid.setdefault(mid, m.id)
    referenced: set[str] = set()
    placed: set[int] = set()
    basis: dict[int, str] = {}
    reply_parent: dict[int, int] = {}
    for m in msgs.values():
        node = f"d{m.id}"
        own = message_ids(m.message_id)[:1]
        if own:
            union(node, "m" + own[0])
        refs = message_ids(m.references)
        irt = message_ids(m.in_reply_to)
        for ref in refs + irt:
            union(node, "m" + ref)
            referenced.add(ref)
        if refs or irt:
            placed.add(m.id)
            basis[m.id] = "headers"
            target = (irt or refs)[-1]
            if target in by_mid and by_mid[target] != m.id:
                reply_parent[m.id] = by_mid[target]
        conversation = _conversation(m.thread_index)
        if conversation:
            union(node, "t" + conversation)
            placed.add(m.id)
            basis.setdefault(m.id, "thread-index")
    for m in msgs.values():
        own = message_ids(m.message_id)[:1]
        if own and own[0] in referenced:
            placed.add(m.id)
            basis.setdefault(m.id, "headers")
    # messages no header places: same normalized subject and a shared participant
    info: dict[int, tuple[str, set[str]]] = {}
    buckets: dict[str, list[int]] = defaultdict(list)
    for m in msgs.values():
        subject, people = m.subject, participants(m.sender, m.recipients)
        if not subject or not people:
            block = _top_block(m.body)
            if block:
                subject = subject or block.fields.get("subject")
                people |= participants(block.fields.get("from"), block.fields.get("to"), block.fields.get("cc"))
        key = normalize_subject(subject)
        info[m.id] = (subject or "", people)
        if key:
            buckets[key].append(m.id)
    for ids in buckets.values():
        if len(ids) < 2:
            continue
        owner: dict[str, int] = {}
        for doc_id in sorted(ids):
            free = doc_id not in placed
            for person in info[doc_id][1]:
                other = owner.get(person)
                if other is None:
                    owner[person] = doc_id
                elif free or other not in placed:
                    union(f"d{doc_id}", f"d{other}")
                    basis.setdefault(doc_id, "text")
    groups: dict[str, list[int]] = defaultdict(list)
    for doc_id in msgs:
        groups[find(f"d{doc_id}")].append(doc_id)
    threads: list[Thread] = []
    for root, ids in groups.items():
        if len(ids) < 2:
            continue
        ordered = sorted(ids, key=lambda d: (_sort_date(msgs[d].date), d))
        kinds = {basis.get(d, "text") for d in ids}
        kind = "headers" if "headers" in kinds else "thread-index" if "thread-index" in kinds else "text"
        first = msgs[ordered[0]]
        key = _thread_key(root, [msgs[d] for d in ordered], kind)
        thread = Thread(key, info[first.id][0] or first.subject, kind, ordered,
                        {d: reply_parent[d] for d in ordered if d in reply_parent})
        thread.inclusive = _inclusive([msgs[d] for d in ordered])
        threads.append(thread)
    threads.sort(key=lambda t: t.members[0])
    return threads


def _thread_key(root: str, ordered: list[Message], kind: str) -> str:
    """A key that stays the same as a thread grows: its root Message-ID where known."""
    for m in ordered:
        refs = message_ids(m.references)
        if refs:
            return "mid:" + refs[0]
    for m in ordered:
        own = message_ids(m.message_id)
        if own:
            return "mid:" + own[0]
    if kind == "thread-index":
        return "ti:" + root[1:]
    return f"text:{normalize_subject(ordered[0].subject)}:{ordered[0].id}"


def _conversation(thread_index: str | None) -> str | None:
    if not thread_index:
        return None
    try:
        raw = base64.b64decode(thread_index.strip() + "==", validate=False)
    except ValueError:
        return None
    return raw[:22].hex() if len(raw) >= 22 else None


def _top_block(body: str) -> HeaderBlock | None:
    head = "\n".join(strip_furniture(body[:3000]).splitlines()[:40])
    blocks = printed_headers(head)
    return blocks[0] if blocks else None


def message_content(body: str) -> str:
    """The normalized text of a message without its own printed header block at the top."""
    text = strip_furniture(body)
    blocks = printed_headers(text[:4000])
    if blocks and blocks[0].start <= 12:
        text = "\n".join(text.splitlines()[blocks[0].end :])
    # quoting adds '>' marks and re-wraps lines; folding those is enough for containment and
    # runs at C speed (a full normalize_text costs 40% of threading time at 100,000 messages)
    return " ".join(text.replace(">", " ").casefold().split())


def _inclusive(ordered: list[Message]) -> set[int]:
    contents = [message_content(m.body) for m in ordered]
    out: set[int] = set()
    for i, m in enumerate(ordered):
        mine = contents[i]
        contained = False
        for j in range(i + 1, len(ordered)):
            other = ordered[j]
            if mine and mine in contents[j] and m.attachments <= other.attachments and len(contents[j]) >= len(mine):
                contained = True
                break
        if not contained:
            out.add(m.id)
    return out


_DATE_FORMATS = ("%A, %B %d, %Y %I:%M %p", "%a %b %d %H:%M:%S %Y", "%B %d, %Y %I:%M %p", "%m/%d/%Y %I:%M %p")


def _sort_date(value: str | None) -> str:
    """ISO dates sort as they are; printed dates ("Monday, July 6, 2009 3:49 PM") are parsed."""
    if not value:
        return "9999"
    if re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).isoformat()
        except ValueError:
            continue
    return "9999"
