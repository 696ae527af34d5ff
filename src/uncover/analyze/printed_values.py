"""What printed header values look like, and placing column-printed values under their labels.

Outlook prints a header as a table; text extraction and OCR often return it as the labels
(`From: / Sent: / To: / Subject: / Attachments:`) followed by the values, with empty values
left out (a redacted recipient, no attachments) and long ones wrapped. Counting lines would
shift every value after a missing one, so each value is placed by its look: a date under
`Sent:`, names under `To:`, file names under `Attachments:`, and the best-scoring placement wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .printed_dates import dateish, looks_like_date

SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:(?:re|fw|fwd|aw|wg|sv|vs|tr|rv|antw|fvv)\s*(?:\[\d+\]|\(\d+\))?\s*[:：;]|(?:re|fw|fwd)\.)\s*)+",
    re.IGNORECASE)
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_CODE = r"(?:\(?[Bb8][1-9](?:\s?\([A-Fa-f]\))?\)?|\(b\)\s?\(\d\)(?:\s?\([A-Fa-f]\))?|1\.4\s?\([A-Ha-h]\)|B3\s+[A-Z][A-Z/]{1,12})"
_CODES = re.compile(r"^\s*" + _CODE + r"(?:[\s,;]+" + _CODE + r")*[\s,;]*$")
_TRAILING_CODES = re.compile(r"(?:[\s,;]+" + _CODE + r")+\s*$")
_MAILTO = re.compile(r"[\[(]\s*(?:mailto|mai1to|rnailto|malto|mallto|mailta|meat|meta|malt)\b[^\])]*(?:[\])]|$)", re.IGNORECASE)
_ATTACHMENT = re.compile(
    r"\.(?:docx?|pdf|xlsx?|pptx?|txt|jpe?g|png|gif|tiff?|msg|eml|zip|html?|rtf|wpd|csv|vcf|ics|mp3|wav|dacx|clocx)\b",
    re.IGNORECASE)
_NAME_PARTICLES = {"de", "van", "von", "la", "le", "del", "da", "di", "du", "bin", "al", "el", "and"}


@lru_cache(maxsize=65536)
def subject_key(subject: str | None) -> str:
    """How subjects compare: reply/forward prefixes dropped, case and punctuation folded."""
    s = subject or ""
    while True:
        stripped = SUBJECT_PREFIX.sub("", s)
        if stripped == s:
            break
        s = stripped
    return " ".join(re.findall(r"\w+", s.casefold()))


WRAP_SHARE = 0.7  # a line this share of the page's full line width (or longer) may have wrapped


def subject_wraps(first: str, following: str, known: set[str], full: float | None = None,
                  printed: int | None = None) -> bool:
    """Whether `following` is the rest of a subject wrapped after `first`: the document prints the
    longer subject elsewhere (a quoted copy), or a line as wide as the text's full lines (`full`
    characters; `printed`: the line's length with its label) breaks before a lower-case word."""
    head, joined = subject_key(first), subject_key(f"{first} {following}")
    if not head:
        return False
    if joined in known:
        return True
    if head in known:
        return False
    if any(len(k) > len(head) + 2 and k.startswith(head) for k in known):
        return True
    wide = (printed or len(first)) >= WRAP_SHARE * full if full else len(first) >= 60
    return wide and following[:1].islower() and len(following) <= 60


def is_codes(value: str | None) -> bool:
    """A value that is only exemption codes (`B6`, `(b)(6)`): it was withheld."""
    return bool(value) and bool(_CODES.match(value or ""))


@lru_cache(maxsize=4096)
def _name_like(part: str) -> bool:
    part = part.strip(" '\"°`‘’“”.")
    if not part:
        return False
    if EMAIL.search(part) or "@" in part:
        return True
    part = re.sub(r"<[^>]*>?|\([^)]*\)?|\[[^\]]*\]?", " ", part)
    if ":" in part or len(part) > 60:
        return False
    words = re.findall(r"[^\W\d_][\w'.\-]*", part)
    if not 1 <= len(words) <= 6:
        return False
    lower = [w for w in words if w[0].islower() and w.lower() not in _NAME_PARTICLES]
    return not lower


def recipient_fit(line: str) -> float:
    """-1..1: how much a line looks like a list of recipients."""
    text = line.strip()
    if not text or SUBJECT_PREFIX.match(text) or looks_like_date(text):
        return -1.0
    if is_codes(text):
        return 0.3
    parts = [p for p in re.split(r";", text) if p.strip()]
    if len(parts) == 1 and text.count(",") >= 2:
        parts = [p for p in text.split(",") if p.strip()]
    share = sum(_name_like(p) for p in parts) / len(parts)
    if share < 0.75:
        return -0.8
    if "@" in text:
        return 0.9
    if len(parts) > 1 or "," in text:
        return 0.8
    return 0.5 if len(text.split()) >= 2 else 0.3


def sender_fit(line: str) -> float:
    text = line.strip()
    if not text or SUBJECT_PREFIX.match(text) or looks_like_date(text):
        return -1.0
    if is_codes(text):
        return 0.4
    cleaned = _TRAILING_CODES.sub("", _MAILTO.sub(" ", text))
    if ";" in cleaned:
        return -0.5
    if _name_like(cleaned):
        return 0.8 if len(cleaned.split()) >= 2 or "@" in cleaned else 0.4
    return -0.6


def subject_fit(line: str, known: set[str]) -> float:
    text = line.strip()
    if not text or looks_like_date(text):
        return -1.0
    if SUBJECT_PREFIX.match(text) or subject_key(text) in known:
        return 1.0
    if "@" in text and recipient_fit(text) > 0:
        return -0.5
    return 0.4


def attachment_fit(text: str) -> float:
    if _ATTACHMENT.search(text):
        return 1.0
    if re.search(r"\.[A-Za-z]{3,4}\s*(?:;|$)", text.strip()):
        return 0.8
    return -0.5


def sent_fit(text: str) -> float:
    if looks_like_date(text):
        return 1.2
    if dateish(text):
        return 0.3
    return -1.5


_EMPTY = {"from": -0.3, "sent": -1.0, "to": -0.2, "cc": -0.5, "bcc": -0.5, "subject": -0.6, "attachments": -0.7}
SKIP = -0.4  # a body line printed above the values ("Pls print.")
MAX_SKIP = 3


@dataclass
class ColumnLine:
    index: int  # line number in the text
    text: str


@dataclass
class Placement:
    values: dict[str, str]
    end_line: int  # the line after the last value
    skipped: list[int] = field(default_factory=list)  # body lines above the values
    score: float = 0.0


def _fit(name: str, chunk: list[str], known: set[str], full: float | None = None) -> float:
    text = " ".join(chunk)
    if name == "sent":
        return sent_fit(text) if len(chunk) == 1 else -2.0
    if name == "from":
        return sender_fit(text) if len(chunk) == 1 else -2.0
    if name in ("to", "cc", "bcc"):
        if any(not c.rstrip().endswith((";", ",")) for c in chunk[:-1]):
            return -2.0
        return recipient_fit(text) - 0.05 * (len(chunk) - 1)
    if name == "subject":
        if len(chunk) == 1:
            return subject_fit(text, known)
        wrapped = len(chunk) == 2 and subject_wraps(chunk[0], chunk[1], known, full)
        return subject_fit(text, known) + 0.2 if wrapped else -2.0
    if name == "attachments":
        if len(chunk) > 1 and attachment_fit(chunk[0]) >= 1 and not chunk[0].rstrip().endswith(";"):
            return -2.0
        return attachment_fit(text)
    return -2.0


def assign_columns(labels: list[str], lines: list[ColumnLine], known: set[str], full: float | None = None) -> Placement | None:
    """Place the value lines under the labels, in order, each taking zero to three lines.

    Lines after the last placed value are the message's body. None when no placement reads as a
    header (no date under `Sent:`).
    """
    texts = [ln.text for ln in lines]
    n, m = len(texts), len(labels)
    memo: dict[tuple[int, int], tuple[float, list[tuple[str, int, int]]]] = {}

    def best(li: int, ci: int) -> tuple[float, list[tuple[str, int, int]]]:
        if li == m:
            return 0.0, []
        key = (li, ci)
        if key in memo:
            return memo[key]
        name = labels[li]
        score, rest = best(li + 1, ci)
        choice = (score + _EMPTY.get(name, -0.5), rest)
        for take in (1, 2, 3):
            if ci + take > n:
                break
            fit = _fit(name, texts[ci : ci + take], known, full)
            if fit <= -2.0:
                continue
            score, rest = best(li + 1, ci + take)
            if score + fit > choice[0]:
                choice = (score + fit, [(name, ci, ci + take), *rest])
        memo[key] = choice
        return choice

    options = []
    for skip in range(0, min(MAX_SKIP, n) + 1):
        score, placed = best(0, skip)
        options.append((score + SKIP * skip, skip, placed))
    score, skip, placed = max(options, key=lambda o: o[0])
    values = {name: " ".join(texts[a:b]) for name, a, b in placed}
    if "sent" in labels and not (values.get("sent") and sent_fit(values["sent"]) > 0):
        return None
    if len(values) < 2:
        return None
    end = lines[placed[-1][2] - 1].index + 1
    return Placement(values, end, [lines[k].index for k in range(skip)], score)


# -- cleaning values for the document's columns ------------------------------------------------------
def clean_address(value: str | None) -> str | None:
    """A printed sender as a column value: mailto debris, margin codes and broken addresses removed."""
    if not value:
        return None
    # "Name [mailto:addr]": the address kept as <addr> when it is one, else the debris dropped
    text = re.sub(r"[\[(]\s*mailto\s*:\s*([^\])\s]+)\s*[\])]", lambda m: f" <{m.group(1)}>" if EMAIL.fullmatch(m.group(1)) else " ",
                  value, flags=re.IGNORECASE)
    text = _MAILTO.sub(" ", text)
    text = _TRAILING_CODES.sub("", text)
    if is_codes(text):
        return None

    def keep_valid(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        return f" <{inner}>" if EMAIL.fullmatch(inner) else " "

    text = re.sub(r"[<‹]\s*([^<>‹›]*?)\s*(?:[>›]|$)", keep_valid, text)
    # an address printed without its brackets (or with one OCR'd away): "H ehrod17@clintonemail.com"
    # (a Lotus Notes name, Daren J Farmer/HOU/ECT@ECT, is a name, not a broken address)
    text = re.sub(r"(?<=\w)\s+(?!<)([^\s/]*@[^\s/]*)(?=\s|$)",
                  lambda m: keep_valid(re.match(r"(.*)", m.group(1).strip("<>‹›"))), text)
    text = re.sub(r"\(\s*([^()]*?)\s*(?:\)|$)", lambda m: m.group(0) if not m.group(1) or " " in m.group(1) and "@" not in m.group(1)
                  else keep_valid(m), text)
    text = " ".join(text.split())
    quoted = re.match(r"^[\"'](.+?)[\"']\s*(<[^>]*>)$", text)  # "Name" <addr>
    if quoted:
        name, addr = quoted.group(1).strip(), quoted.group(2)
        text = addr[1:-1] if name == addr[1:-1] else f"{name} {addr}"
    text = text.strip(" '\"°`‘’“”_,;:[(")  # a bracket the page cut off ("Anne-Marie Slaughter [")
    return text or None


def clean_names(value: str | None) -> str | None:
    """Printed recipients as a column value: `;`-separated, each cleaned like a sender."""
    if not value:
        return None
    parts = [clean_address(p) for p in value.split(";")]
    kept = [p for p in parts if p]
    return "; ".join(kept) or None


def clean_subject(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(value.split()).strip()
    return text or None
