"""E-mail threads, inclusive messages, and splitting a reply from the text it quotes.

Threads come from the headers where a production kept them (Message-ID, In-Reply-To, References,
Outlook's Thread-Index, whose first 22 bytes name the conversation). Agencies often release
printed or OCR'd e-mails with no headers at all (the State Department's releases), so two more
kinds of evidence place a message (the thread's `basis`):
- `quoted`: a message quotes another of the case (segments.py reads each quoted header: the same
  subject, a shared sender and the same sent time), so a printed chain lines up with the native
  messages it quotes, and with the printed copies of its own replies;
- `text`: the same normalized subject (RE:/FW:/Fwd: stripped) and a shared participant, read from
  the document's fields (recovered from the printed header where the file had none).

A message is *inclusive* when no later message of its thread contains its content (and its
attachments): reviewing only inclusive messages covers the whole conversation.
"""

from __future__ import annotations

import base64
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .disjoint_sets import DisjointSets
from .normalize import strip_furniture
from .printed_dates import parse_printed_date
from .printed_headers import HeaderBlock, find_blocks, text_lines, top_block
from .printed_values import SUBJECT_PREFIX, subject_key
from .segments import own_text, quoted_text, split_segments


# -- subjects ------------------------------------------------------------------------------------
def normalize_subject(subject: str | None) -> str:
    """`RE: Fwd: Re[2]: Budget ` -> `budget` (OCR'd prefixes too: `Re.`, `FVV:`)."""
    if not subject:
        return ""
    s = subject.strip()
    while True:
        stripped = SUBJECT_PREFIX.sub("", s)
        if stripped == s:
            break
        s = stripped
    return re.sub(r"\s+", " ", s).strip().casefold()


# -- reply splitting -------------------------------------------------------------------------------
def split_reply(body: str) -> tuple[str, str]:
    """(new text, quoted text) of a bare e-mail body (segments.py does the work)."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    segments = split_segments(body, headed=False)
    return own_text(body, segments), quoted_text(body, segments)


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
    quoted: tuple[QuotedMessage, ...] = ()  # the earlier messages it quotes, nearest first
    body_start: int | None = None  # where the body starts after the message's own header, when known


@dataclass(frozen=True)
class QuotedMessage:
    """An earlier message as quoted inside another (segments.py): enough to find it in the case."""

    sender: str | None
    date: str | None
    subject: str | None


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


def build_threads(messages: Iterable[Message], bodies: Callable[[list[int]], dict[int, str]] | None = None) -> list[Thread]:
    """Threads of two or more messages, with positions, reply parents and inclusive flags.

    `bodies` (document ids -> their texts) reads the bodies of one thread at a time when the
    messages carry none: a case of a million e-mails is threaded without holding every body."""
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
            block = _top_header(m.body)
            if block:
                subject = subject or block.subject
                people |= participants(block.sender, block.names("to"), block.names("cc"))
        key = normalize_subject(subject)
        info[m.id] = (subject or "", people)
        if key:
            buckets[key].append(m.id)
    # a quoted message found in the case: its quoting message replies to (or forwards) it
    for child, parent in _quoted_links(msgs, info, skip=set(reply_parent)):
        union(f"d{child}", f"d{parent}")
        if child not in reply_parent:
            reply_parent[child] = parent
        basis.setdefault(child, "quoted")
        basis.setdefault(parent, "quoted")
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
        kind = next((k for k in ("headers", "thread-index", "quoted") if k in kinds), "text")
        first = msgs[ordered[0]]
        key = _thread_key(root, [msgs[d] for d in ordered], kind)
        thread = Thread(key, info[first.id][0] or first.subject, kind, ordered,
                        {d: reply_parent[d] for d in ordered if d in reply_parent})
        thread.inclusive = _inclusive([msgs[d] for d in ordered], bodies(ordered) if bodies else None)
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


HEADER_CHARS = 3000  # where a printed header at the top of a message is looked for


def _top_header(body: str) -> HeaderBlock | None:
    head = body[:HEADER_CHARS]
    return top_block(head, lines=text_lines(head))


_OPENS_WITH_LABEL = re.compile(r"\A(?:[^\n]*\n){0,12}?[ \t>•.]*(?:from|to|date|sent)[ \t]*[:;]", re.IGNORECASE)


def message_content(body: str, body_start: int | None = None) -> str:
    """The normalized text of a message without its own printed header block at the top
    (`body_start`: where that header ends, when the stored reading already knows)."""
    if body_start is not None:
        return " ".join(strip_furniture(body[body_start:]).replace(">", " ").casefold().split())
    text = strip_furniture(body)
    if _OPENS_WITH_LABEL.match(text):  # cheap test first: most bodies open with prose
        head = "\n".join(text[:4000].split("\n")[:40])
        blocks = find_blocks(head, text_lines(head), most=1)
        if blocks and blocks[0].first_line <= 12:
            text = text[blocks[0].end :]
    # quoting adds '>' marks and re-wraps lines; folding those is enough for containment and
    # runs at C speed (a full normalize_text costs 40% of threading time at 100,000 messages)
    return " ".join(text.replace(">", " ").casefold().split())


def _quoted_links(msgs: dict[int, Message], info: dict[int, tuple[str, set[str]]], skip: set[int]) -> list[tuple[int, int]]:
    """(quoting message, quoted message) pairs: the nearest quoted header that names a message of
    the case by its sender and sent time (to the minute, or whole hours apart when one side was
    printed in another time zone) and a like subject (OCR damage allowed). That message is the
    parent; the older ones it quotes in turn are linked from it. Messages in `skip` already know
    their parent (In-Reply-To)."""
    by_key: dict[tuple[str, str, str], list[int]] = defaultdict(list)  # (day, minute of the hour, sender)
    for m in msgs.values():
        if m.date and len(m.date) >= 16:
            for person in sender_keys(m.sender):
                by_key[(m.date[:10], m.date[14:16], person)].append(m.id)
    links: list[tuple[int, int]] = []
    for m in msgs.values():
        if m.id in skip:
            continue
        for q in m.quoted:
            if not q.date or len(q.date) < 16:
                continue
            found = next((other for other in _around(by_key, q.date, sender_keys(q.sender))
                          if other != m.id and _same_moment(q.date, msgs[other].date)
                          and _like_subjects(q.subject, info[other][0])), None)
            if found is not None:
                links.append((m.id, found))
                break
    return links


def sender_keys(value: str | None) -> set[str]:
    """The words a sender is known by, however printed: `Ann Lee <ann.lee@agency.gov>`, `Lee, Ann`,
    `Ann Lee [mailto:ann.lee@agency.gov]` and `ann.lee@agency.gov` all share {ann, lee}."""
    if not value:
        return set()
    keys: set[str] = set()
    for address in _EMAIL.findall(value):
        local = address.split("@")[0].lower()
        keys.add(local)  # person123, hdr22: the whole local part
        keys.update(p for p in re.split(r"[._\-+']", local) if len(p) >= 3 and p.isalpha())  # ann.lee: ann, lee
    name = _EMAIL.sub(" ", re.sub(r"[<\[(][^>\])]*[>\])]?", " ", value))
    words = re.findall(r"[^\W\d_]+", name)
    keys |= {w.lower() for w in words if len(w) >= 3}
    if len(words) == 1:
        keys.add(words[0].lower())  # "H"
    return keys


def _around(by_key: dict[tuple[str, str, str], list[int]], date: str, people: set[str]) -> list[int]:
    """Messages from these senders sent at the same minute of the hour on the day of `date` or a
    day either side (a header printed in another time zone may fall on another day)."""
    try:
        day = datetime.fromisoformat(date[:10])
    except ValueError:
        return []
    minute = date[14:16]
    out: list[int] = []
    for shift in (0, -1, 1):
        key_day = (day + timedelta(days=shift)).strftime("%Y-%m-%d")
        for person in people:
            out.extend(by_key.get((key_day, minute, person), ()))
    return out


def _like_subjects(a: str | None, b: str | None) -> bool:
    """The same subject, allowing OCR damage: most words shared, or a short subject a letter or two
    off ("Ubyan" for "Libyan")."""
    ka, kb = subject_key(a), subject_key(b)
    if not ka or not kb:
        return not ka and not kb
    if ka == kb:
        return True
    wa, wb = set(ka.split()), set(kb.split())
    if len(wa | wb) > 4:
        return len(wa & wb) / len(wa | wb) >= 0.5
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.7


def _same_moment(a: str | None, b: str | None) -> bool:
    """Two sent times of one message: equal to the minute as printed, or whole hours apart (a
    header printed in another time zone), at most 14 hours."""
    if not a or not b or len(a) < 16 or len(b) < 16:
        return False
    try:
        x = datetime.fromisoformat(a[:16])
        y = datetime.fromisoformat(b[:16])
    except ValueError:
        return False
    minutes = abs((x - y).total_seconds()) / 60
    return minutes <= 2 or (minutes <= 14 * 60 + 2 and min(minutes % 60, 60 - minutes % 60) <= 2)


def _inclusive(ordered: list[Message], bodies: dict[int, str] | None = None) -> set[int]:
    contents = [message_content(bodies.get(m.id, "") if bodies is not None else m.body, m.body_start) for m in ordered]
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


def _sort_date(value: str | None) -> str:
    """ISO dates sort as they are; printed dates ("Monday, July 6, 2009 3:49 PM") are parsed."""
    if not value:
        return "9999"
    if re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value
    return parse_printed_date(value).iso or "9999"
