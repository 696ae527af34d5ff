"""From, To and Cc facets: each person a document names, one value per address (or name).

A header field names several people ("Mills, Cheryl D <millscd@state.gov>; H"), and names are
printed "Last, First", so a field is split at semicolons and line breaks, and at a comma only
where it closes one address and another address follows before the next comma-free stretch
ends ("Ann <a@x.gov>, Bob <b@x.gov>"); a comma between names alone ("Abedin, Huma") is kept,
as it cannot be told from "Last, First". A person is keyed by the address when there is one
(case folded), else by the name.

The facets follow the search fields they link to (search/filters.py): From is the sender (the
author for a document that has none), To holds the To, Cc and Bcc people, Cc the Cc and Bcc
people. A value links to a phrase query on its field (`to:"ann@agency.gov"`, `from:"H"`), and a
document is counted under it when that phrase occurs in the field's words, cut as the index cuts
them, so the count is what the link finds: "H" also counts "H <hrod17@clintonemail.com>".
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from ..search.filters import fold
from .facets import Dimension, _plain, dimension

PEOPLE_SQL = ("SELECT id, COALESCE(NULLIF(sender, ''), author), recipients, cc, bcc FROM documents "
              "WHERE sender IS NOT NULL OR author IS NOT NULL OR recipients IS NOT NULL OR cc IS NOT NULL OR bcc IS NOT NULL")
_SPLIT = re.compile(r"[;\n]")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_TOKEN = re.compile(r"[^\W_]+")
MAX_PEOPLE = 50  # per field of one document: a distribution list is not 400 facet values


def people(value: str | None) -> list[tuple[str, str]]:
    """[(key, label)] for each person a header field names; the key is also what is searched for."""
    if not value:
        return []
    out: dict[str, str] = {}
    for part in _parts(value):
        part = " ".join(part.replace('"', " ").split()).strip(" ,")
        if not part:
            continue
        emails = _EMAIL.findall(part)
        key = emails[0].lower() if emails else fold(part)
        if key and key not in out:
            out[key] = part
        if len(out) >= MAX_PEOPLE:
            break
    return list(out.items())


def _parts(value: str) -> list[str]:
    parts = []
    for chunk in _SPLIT.split(value):
        emails = list(_EMAIL.finditer(chunk))
        start = 0
        for this, following in zip(emails, emails[1:], strict=False):
            comma = chunk.find(",", this.end(), following.start())
            if comma != -1:
                parts.append(chunk[start:comma])
                start = comma + 1
        parts.append(chunk[start:])
    return parts


def tokens(text: str) -> list[str]:
    """Words as the index's default tokenizer cuts them: runs of letters and digits, lower-cased."""
    return [t for t in _TOKEN.findall(text.lower()) if len(t) < 40]


def people_dimensions(conn: sqlite3.Connection) -> dict[str, Dimension]:
    """The From, To and Cc facets. A document counts under a person when the field it is searched
    in holds that person's search value as a phrase, exactly as the facet's link will match it:
    the people an entry names hold their own value; a name without an address can also stand
    inside another entry ("H" in "H <hrod17@clintonemail.com>"), so entries are scanned for those
    names (an address's words, with its @ and dots, do not occur inside another entry).

    Work is done once per distinct entry (the text between semicolons or line breaks), not per
    document: the same people recur across a production. A name split across two entries
    ("...; Lee" then "Ann ...") is not counted, though a phrase query could match it."""
    rows = _plain(conn).execute(PEOPLE_SQL).fetchall()
    entries: dict[str, list[tuple[str, str]]] = {}
    docs: dict[str, list[tuple[int, list[str]]]] = {"from": [], "to": [], "cc": []}
    for doc_id, sender, to, cc, bcc in rows:
        for name, values in (("from", (sender,)), ("to", (to, cc, bcc)), ("cc", (cc, bcc))):
            chunks = [c.strip() for v in values if v for c in _SPLIT.split(v) if c.strip()]
            if not chunks:
                continue
            for chunk in chunks:
                if chunk not in entries:
                    entries[chunk] = people(chunk)
            docs[name].append((doc_id, chunks))
    labels: dict[str, str] = {}
    for found in entries.values():
        for key, label in found:
            labels.setdefault(key, label)
    names: dict[str, list[tuple[tuple[str, ...], str]]] = {}  # first word -> (words, key) of address-less people
    for key, label in labels.items():
        if "@" not in key:
            words = tuple(tokens(label))
            if words:
                names.setdefault(words[0], []).append((words, key))
    matches: dict[str, frozenset[str]] = {}
    for chunk, found in entries.items():
        keys = {key for key, _ in found}
        words = tokens(chunk)
        for i, word in enumerate(words):
            for phrase, key in names.get(word, ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    keys.add(key)
        matches[chunk] = frozenset(keys)
    out = {}
    for name, held in docs.items():
        ids: list[int] = []
        keys: list[str] = []
        for doc_id, chunks in held:
            found_keys = set().union(*(matches[c] for c in chunks))
            ids.extend([doc_id] * len(found_keys))
            keys.extend(found_keys)
        out[f"people-{name}"] = dimension(ids, keys, label=lambda k: (k, labels.get(k, k)))
    return out


def search_value(key_label: Any) -> str:
    """What a facet value searches for: the address, else the name as printed."""
    key, label = key_label
    return key if "@" in key else label
