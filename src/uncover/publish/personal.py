"""Personal data in published text: masked unless the publication says otherwise.

A reading room is read by anyone; the people named in a production (an official's mobile number,
the Cc list of an e-mail, a custodian's name) did not choose to be published. By default every
publication masks:

    emails      e-mail addresses, also OCR-damaged ones (`hdr22@clintonemail corn`)
    phones      telephone numbers written with separators or after a label (Tel., Fax, Cell)
    cc, bcc     the value of a printed `Cc:` / `Bcc:` header line (and its continuation lines
                while the list goes on with `;` or `,`), and the names in the records' Cc/Bcc fields
    custodians  the names in the custodian field of the case's records, wherever the text has them

Only the records' text and fields are masked: what the publisher writes (the introduction, the
guide, public annotations) is published as written. A publication can show a kind as written (`shown`) and keep given values as written (`keep`: a
press office's address). Masking returns the spans it replaced, so the publisher gets a list of
what was masked and the page pictures get the same spans painted over.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

KINDS = ("emails", "phones", "cc", "bcc", "custodians")
MARKS = {"emails": "[e-mail address]", "phones": "[phone number]", "cc": "[Cc list]", "bcc": "[Bcc list]",
         "custodians": "[name]"}
MIN_NAME = 4

EMAIL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+'’-]*\s?@\s?[A-Za-z0-9-]+(?:\s?\.\s?[A-Za-z0-9-]+)*")
PHONE_RE = re.compile(
    r"(?<![\w/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w/-])"  # (202) 647-4000
    r"|(?<![\w/.-])\+\d{1,3}(?:[\s.-]\d{1,4}){2,5}(?![\w/-])"  # +44 20 7946 0958
)
LABELLED_PHONE_RE = re.compile(r"\b(?:tel|phone|telephone|fax|cell|mobile|ph|office|direct|blackberry|bb)\b\.?[ \t]*:?[ \t]*"
                               r"(\+?[\d(][\d() .-]{5,}\d)", re.IGNORECASE)
HEADER_RE = re.compile(r"^[ \t>]*(?P<label>b?cc)[ \t]*:[ \t]*(?P<value>.*)$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class PersonalDataPolicy:
    """What a publication masks. `shown`: kinds published as written; `keep`: values always shown."""

    shown: frozenset[str] = frozenset()
    keep: tuple[str, ...] = ()
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> names from the records' fields

    def masks(self, kind: str) -> bool:
        return kind not in self.shown


@dataclass(frozen=True)
class Mask:
    start: int
    end: int
    kind: str
    value: str


def _phone_spans(text: str) -> Iterable[tuple[int, int]]:
    for m in PHONE_RE.finditer(text):
        yield m.start(), m.end()
    for m in LABELLED_PHONE_RE.finditer(text):
        if sum(c.isdigit() for c in m[1]) >= 7:
            yield m.start(1), m.end(1)


def _header_spans(text: str, label: str) -> Iterable[tuple[int, int]]:
    for m in HEADER_RE.finditer(text):
        if m["label"].lower() != label:
            continue
        start, end = m.start("value"), m.end("value")
        value = m["value"].rstrip()
        pos = m.end()
        while value.endswith((";", ",")) and pos < len(text):  # the list goes on on the next line
            nxt = text.find("\n", pos + 1)
            nxt = len(text) if nxt == -1 else nxt
            line = text[pos + 1 : nxt]
            if not line.strip() or re.match(r"^\s*[A-Za-z-]{2,15}\s*:", line):
                break
            end, pos, value = nxt, nxt, line.rstrip()
        if text[start:end].strip():
            yield start + (len(text[start:end]) - len(text[start:end].lstrip())), start + len(text[start:end].rstrip())


def _name_spans(text: str, names: Iterable[str]) -> Iterable[tuple[int, int]]:
    for name in names:
        words = re.findall(r"[^\W_]+", name)
        if not words or sum(len(w) for w in words) < MIN_NAME:
            continue
        pattern = r"(?<![^\W_])" + r"[\s,.]{1,3}".join(re.escape(w) for w in words) + r"(?![^\W_])"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            yield m.start(), m.end()


def find_personal_data(text: str, policy: PersonalDataPolicy) -> list[Mask]:
    """Spans of `text` the policy masks, without overlaps (the earliest, then longest, wins)."""
    found: list[tuple[int, int, str]] = []
    if policy.masks("cc"):
        found += [(s, e, "cc") for s, e in _header_spans(text, "cc")]
    if policy.masks("bcc"):
        found += [(s, e, "bcc") for s, e in _header_spans(text, "bcc")]
    if policy.masks("emails"):
        found += [(m.start(), m.end(), "emails") for m in EMAIL_RE.finditer(text) if "@" in m[0]]
    if policy.masks("phones"):
        found += [(s, e, "phones") for s, e in _phone_spans(text)]
    for kind in ("cc", "bcc", "custodians"):
        if policy.masks(kind):
            found += [(s, e, kind) for s, e in _name_spans(text, policy.names.get(kind, ()))]
    keep = {re.sub(r"\s+", " ", k.strip().lower()) for k in policy.keep if k.strip()}
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[Mask] = []
    for start, end, kind in found:
        if out and start < out[-1].end:
            continue
        value = text[start:end]
        if re.sub(r"\s+", " ", value.strip().lower()) in keep:
            continue
        out.append(Mask(start, end, kind, value))
    return out


def mask_text(text: str, masks: list[Mask]) -> str:
    """The text with each span replaced by its kind's mark."""
    if not masks:
        return text
    parts, last = [], 0
    for m in masks:
        parts.append(text[last : m.start])
        parts.append(MARKS[m.kind])
        last = m.end
    parts.append(text[last:])
    return "".join(parts)


def mask(text: str | None, policy: PersonalDataPolicy) -> tuple[str | None, list[Mask]]:
    if not text:
        return text, []
    found = find_personal_data(text, policy)
    return mask_text(text, found), found


def split_names(field_value: str | None) -> list[str]:
    """The people in a Cc/Bcc/custodian field: `Mills, Cheryl D <MillsCD@state.gov>; Abedin, Huma`."""
    if not field_value:
        return []
    out = []
    for part in re.split(r"[;\n]", field_value):
        part = part.strip().strip("'\"")
        address = re.search(r"<([^>]+)>", part)
        if address:
            out.append(address[1].strip())
            part = part[: address.start()].strip().strip("'\"")
        if part:
            out.append(part)
    return out
