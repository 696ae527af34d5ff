"""FOIA exemption markings in page text: stamps, margin codes, labels, notices.

Agencies mark withholdings in a handful of styles (STANDARDS.md section 3), all of which reach us
as OCR'd or text-layer text with typical damage:

- State: a stamp `RELEASE IN FULL` / `RELEASE IN PART B5,B6` (often split over two lines because
  it sits in the right margin beside the header), margin codes alone on a segment of a line
  (`B6`, `B5,B6`, `B1,1.4(B),1.4(D)`, `B3 CIA PERS/ORG`), classification blocks
  (`Reason: 1.4(B), 1.4(D)`).
- DOJ/FBI: parenthesised labels `(b)(6)`, `(b) (7)(C)`, `(b)(7)(E)-2`; FBI margin codes `b6 b7C`
  and, since the 2000s, with their coded categories and the agency whose say they follow:
  `b6 -1,-5`, `Attn: b6 -2,-3`, `b6 -3 (By) b7c -3 Deputy Clerk`, `b5 Per EOUSA`, read through
  OCR damage (`bic`, `bTC`, `b7¢`, `be -1`, `b7C -z`); "Deleted Page Information Sheets" that
  list the pages withheld in full (`Page 2 ~ b5; b6; b7C;`, parsed by deleted_pages.py: the sheet
  page is not itself withheld); "Withheld in full pursuant to exemption ..."; "Non-Responsive";
  "Referred to ...".

A *segment* is a run of text on one line separated from its neighbours by three or more spaces
(or a tab): State's OCR keeps the margin apart from the body that way. A code is accepted only
where context says it is a marking, never because a token merely looks like one:

- a segment (or a whole line) made only of code tokens: `B6`, `b6 b7C`, `B5,B6`;
- a run of code tokens ending a line of text (FBI margin `... BROWN b7c`), but not one bare
  `b4` after a lower-case word (`pre-date the contracts to b4` is prose);
- an FBI code with its category number (`b6 -1`) or an agency's note (`b5 Per EOUSA`) anywhere;
- a parenthesised `(b)(N)` label that is *not* a statute citation. A citation is recognised by
  what precedes the `(b)`: a letter or digit glued to it (`807(b)(1)`, `552(b)(6)`), or `552`,
  `U.S.C.`, `§` or `Section` immediately before it. Those are references to the statute in prose
  and say nothing about what this page withholds. `exemption (b)(6)` and a bare `(b)(6)` are
  kept: that is how DOJ labels a box and how letters state what was withheld;
- `81`..`89` are OCR's reading of `B1`..`B9` only inside a code list that holds a real code
  (`B5,86`) or as a margin segment on a page carrying State's release stamp or header; alone
  elsewhere they are page numbers or figures and are rejected, and never after `TOTAL`.

Pages that list every exemption (an FBI release letter's checkbox grid, an "Explanation of
Exemptions" sheet) mention codes without claiming them: their parenthesised labels are kept
with confidence 0.3 and `claimed_codes` ignores marks under 0.5.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import ExemptionMark
from .deleted_pages import parse_sheet_page

CLAIM_THRESHOLD = 0.5  # marks below this are mentions (lists of exemptions), not claims
# Notices that stand for pages withheld in full: a page's stand-in, a withheld-in-full notice, or
# a deleted page sheet listing them (its own page is not withheld, the pages it lists are).
WITHHELD_NOTICES = ("deleted-page", "withheld-in-full", "deleted-page-sheet")

_SEGMENT_SPLIT = re.compile(r"(?:\t| {3,})+")
_TOKEN = re.compile(r"[^\s,;]+")

# B6, b7C, B7(E), B61 (OCR adds a stroke), b6é, bS (S for 5), Bl (l for 1); 8N only with context.
_CODE_TOKEN = re.compile(
    r"^(?P<b>[Bb8])\s?(?P<n>[1-9lI|S])(?:\(?(?P<sub>[A-Fa-f])\)?)?(?:[1Il|é¢]?)(?:-\d+)?$"
)
_FOURTEEN = re.compile(r"^[1Il]\s?\.\s?4\s?\(?(?P<cat>[A-Ha-h])\)?$")
_CATEGORY_NUMBER = re.compile(r"^-[ ]?\d{1,2}$")
_STATUTE_WORD = re.compile(r"^[A-Z][A-Z0-9/().&-]*$")

# (b)(6), (b) (7)(C), (b)(7)(E)-2, (b} (7}(A}, (b)(l)
_PAREN = r"[\(\{\[]"
_CLOSE = r"[\)\}\]]"
_DOJ_LABEL = re.compile(
    rf"{_PAREN}\s?[bB]\s?{_CLOSE}\s?{_PAREN}\s?(?P<n>[1-9lI])\s?{_CLOSE}"
    rf"(?:\s?{_PAREN}\s?(?P<sub>[A-Fa-f])\s?{_CLOSE})?(?:\s?-\s?(?P<cat>\d{{1,2}})\b)?"
)
_DOJ_EXCLUSION = re.compile(rf"{_PAREN}\s?c\s?{_CLOSE}\s?{_PAREN}\s?(?P<n>[123])\s?{_CLOSE}")
_CITATION_BEFORE = re.compile(r"(?:[A-Za-z0-9]|552a?\s*|U\.?\s?S\.?\s?C\.?\s*§?\s*\d*\s*|§\s*|[Ss]ection\s*)\Z")

_STAMP = re.compile(r"RELEASE\s+IN\b", re.IGNORECASE)
_STATUS_WORD = re.compile(r"^(?P<word>FU[LI1]{1,2}[LI1]?|PA[RB]T)\b[^\w]*(?P<rest>.*)$", re.IGNORECASE)
_REASON = re.compile(r"Reason:\s*(?P<cats>(?:[1Il]\s?\.\s?4\s?\(\s?[A-Ha-h]\s?\)[\s,]*)+)")
# FBI margin codes with their category numbers, anywhere on a line (`b6 -1,-5`, `Attn: b6 -2,-3`,
# `b6 -3 (By) b7c -3 Deputy Clerk`), OCR damage included (`bic`, `bTC`, `b7¢`, `be -1` for b6).
# The category number is what makes a bare `b6` a marking, so it is required here.
# A category digit as OCR reads small print: `-]` and `-l` for -1, `-z` for -2, `-&` for -8,
# `-£` for -5; `=` for the dash.
_CAT = r"(?:\d{1,2}|[\]lI|zZ&£](?![\w]))"
# `b5 Per EOUSA`, `b6 -1 Per FBI`: withheld on the say of another agency (EOUSA, DOJ, FBI, CIA ...).
# The agency note is evidence enough for a code glued to the word before it (`AUSAb5 Per EOUSA`).
_PER_AGENCY = r"[ \t]*[Pp]er[ \t]*[A-Z][A-Za-z]{1,5}\b"
# A code read as `66`/`be` only beside a known agency's note: `66 Per Dos` (b6 Per DOJ).
_AGENCIES = r"(?:FBI|F8I|EOUSA|HOUSA|EHOUSA|DOJ|DOS|Dos|Dou|CIA|DHS|ICE|NSA|DOD|USMS|ATF|DEA|IRS|USAO|CRT)\b"
_DAMAGED_PER = re.compile(r"(?P<code>66|b[eé]|b[éè][1-9])[ \t]*[Pp]er[ \t]*" + _AGENCIES)
# Starts with the code itself (a literal-led pattern scans fast); what may precede it is checked
# per match: nothing glued on, unless an agency's note follows (`AUSAb5 Per EOUSA`).
_FBI_CODE = re.compile(
    r"(?P<code>b[1-9][A-Fa-f¢]?[cCé]?|b[7TIil/|]{1,2}[A-Fa-f¢][cC]?|b[il][cC¢]|b[eé])"
    rf"(?:[ \t]{{0,2}}(?P<cats>[-=<][ \t]?{_CAT}(?:[ \t]?[,.][ \t]?-?[ \t]?{_CAT})*)(?![\w.]*\d)"
    r"|(?P<per>(?=" + _PER_AGENCY + ")))"
)
_GLUED_BEFORE = re.compile(r"[\w/]")
_PER_NOTE = re.compile(r"[Pp]er[ \t]*" + _AGENCIES)
# What every FBI-style code starts with: pages without it skip the code patterns.
_FBI_HINT = re.compile(r"b(?:[1-9/é]|e ?-|i[cC]|[TI][CE])|Per ")
_FBI_VARIANT = re.compile(r"b[7TIil/|]{1,2}(?P<sub>[A-Fa-f¢])[cC]?|b[il](?P<c>[cC¢])|b(?P<e>[eé])")
_CAT_DIGIT = {"]": "1", "l": "1", "I": "1", "|": "1", "z": "2", "Z": "2", "&": "8", "£": "5", "=": "-"}
_PROSE_WORD = re.compile(r"^[a-z][a-z'’-]*[,;]?$")  # a lower-case word: the sentence goes on
_TOTAL_WORD = re.compile(r"(?:total|subtotal|sum|count|page|no\.?|number|#|amount|qty|quantity)\W*$", re.IGNORECASE)
_WITHHELD_FULL = re.compile(r"withheld\s+in\s+(?:its\s+)?(?:full|entirety)\s+pursuant\s+to", re.IGNORECASE)
_EXEMPTION_WORD = re.compile(
    r"\b[Ee]xemptions?\s+(?P<n>[1-9])(?:\s?\(?(?P<sub>[A-F])\)?)?\b(?!\.\d)"
)
_NON_RESPONSIVE = re.compile(r"\bNON[\s-]?RESPONSIVE\b", re.IGNORECASE)
_REFERRED = re.compile(r"\bReferr?ed\s+to\s+(?:the\s+)?(?P<to>[A-Z][\w.&/-]*(?:\s+[A-Z][\w.&/-]*){0,5})")
_LIST_PAGE = re.compile(
    r"Explanation\s+of\s+Exemptions|SUBSECTIONS\s+OF\s+TITLE\s+5|Section\s+552\s+Section\s+552a|"
    r"Below\s+you\s+will\s+find\s+checked\s+boxes|FOIA\s+Exemptions",
    re.IGNORECASE,
)
_LIST_PAGE_WORDS = ("explanation", "subsections", "552", "checked", "foia")  # one in each of _LIST_PAGE's phrases
_STATE_CONTEXT = re.compile(r"Department\s+of\s+State|RELEASE\s+IN\b|Case\s+No\.?\s+[FV]-\d{4}", re.IGNORECASE)


@dataclass
class Stamp:
    """State's release stamp: `status` "full" or "part", with the codes printed on it."""

    status: str
    codes: list[str]
    start: int
    end: int
    text: str


@dataclass
class PageNotice:
    """A page-level notice that is not a code: a withheld-page sheet, non-responsive, referral."""

    kind: str  # "deleted-page", "withheld-in-full", "non-responsive", "referral"
    text: str
    start: int
    end: int


@dataclass
class PageMarkings:
    marks: list[ExemptionMark] = field(default_factory=list)
    stamp: Stamp | None = None
    damaged_stamp: bool = False  # "RELEASE IN" with no readable FULL/PART
    notices: list[PageNotice] = field(default_factory=list)


def normalize_code(token: str, *, allow_eight: bool = False) -> str | None:
    """`B6`, `b7C`, `B7(E)`, `B61`, `Bl` -> `b6`, `b7c`, `b7e`, `b6`, `b1`; None if not a code.

    `8N` (OCR's B) only when `allow_eight`: alone it is more often a page number.
    """
    match = _CODE_TOKEN.match(re.sub(r"¢[cC]", "C", token.strip()))  # `b7¢c`: OCR's C read twice, as ¢ then c
    if not match:
        return None
    if match["b"] == "8" and not allow_eight:
        return None
    digit = {"l": "1", "I": "1", "|": "1", "S": "5"}.get(match["n"], match["n"])
    sub = (match["sub"] or "").lower()
    if sub and digit != "7":
        return None  # B6C is not a code; B7(C) is
    return f"b{digit}{sub}"


def _fbi_code(token: str) -> str | None:
    """An FBI margin code as OCR reads it: `b6`, `b7C`, `b7¢`, `bTC`, `b/C`, `bic`, `be` (b6)."""
    plain = token.replace("¢", "c")
    if plain.lower().endswith("cc"):  # `b7Cc`: OCR doubled the C
        plain = plain[:-1]
    code = normalize_code(plain.rstrip("é"))
    if code:
        return code
    variant = _FBI_VARIANT.fullmatch(token)
    if not variant:
        return None
    if variant["sub"]:
        return "b7" + variant["sub"].replace("¢", "c").lower()
    return "b7c" if variant["c"] else "b6"


def _glued_code_ok(m: re.Match[str], text: str) -> bool:
    """A code glued to the word before it counts only as `b5 Per EOUSA` (an agency's note). One
    read through OCR damage (`purposebé -3,-5 Per FBI`) needs both its categories and the note
    of an agency we know: a damaged token glued to a word is otherwise just a word, and `be`
    ends too many words (`maybe`, `describe`) to count glued at all."""
    if m["code"][0] != "b" or m["code"] == "be":
        return False
    if m["code"][1:2].isdigit():
        return m["per"] is not None or bool(re.match(_PER_AGENCY, text[m.end():m.end() + 20]))
    return bool(m["cats"]) and bool(re.match(r"[ \t]*[Pp]er[ \t]*" + _AGENCIES, text[m.end():m.end() + 20]))


def _code_from_parts(n: str, sub: str | None) -> str | None:
    digit = {"l": "1", "I": "1"}.get(n, n)
    sub = (sub or "").lower()
    if sub and digit != "7":
        return None
    return f"b{digit}{sub}"


def _lines(text: str) -> Iterable[tuple[int, str]]:
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line.rstrip("\r\n")
        pos += len(line)


def _segments(line: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for gap in _SEGMENT_SPLIT.finditer(line):
        if gap.start() > pos:
            out.append((pos, line[pos : gap.start()]))
        pos = gap.end()
    if pos < len(line):
        out.append((pos, line[pos:]))
    return [(s + len(seg) - len(seg.lstrip()), seg.strip()) for s, seg in out if seg.strip()]


@dataclass
class _Code:
    code: str
    qualifier: str | None
    start: int  # relative to the segment
    end: int
    text: str
    ambiguous: bool = False


def parse_code_list(segment: str, *, allow_eight: bool = True) -> list[_Code] | None:
    """Every token of `segment` as codes (`B1,1.4(B),1.4(D),B6`, `B3 CIA PERS/ORG`), else None."""
    codes: list[_Code] = []
    categories: list[tuple[str, int, int]] = []
    for tok in _TOKEN.finditer(segment):  # lazily: prose fails on its first word
        word = tok.group().strip("'\"`‘’.:")
        if not word:
            continue
        code = normalize_code(word, allow_eight=allow_eight)
        if code:
            codes.append(_Code(code, None, tok.start(), tok.end(), word, ambiguous=word[0] == "8"))
            continue
        cat = _FOURTEEN.match(word)
        if cat:
            categories.append((f"1.4({cat['cat'].lower()})", tok.start(), tok.end()))
            continue
        if _CATEGORY_NUMBER.match(word) and codes:
            last = codes[-1]  # FBI's coded category (`b6 -1,-5`): kept as the qualifier
            last.qualifier = f"{last.qualifier},{word}" if last.qualifier else word
            continue
        if codes and codes[-1].code == "b3" and _STATUTE_WORD.match(word):
            last = codes[-1]
            last.qualifier = f"{last.qualifier} {word}" if last.qualifier else word
            last.end = tok.end()
            last.text = segment[last.start : last.end]
            continue
        return None
    if categories:
        qualifier = ", ".join(dict.fromkeys(c for c, _, _ in categories))
        b1 = [c for c in codes if c.code == "b1"]
        if b1:
            for c in b1:
                c.qualifier = qualifier
        else:
            start, end = categories[0][1], categories[-1][2]
            codes.insert(0, _Code("b1", qualifier, start, end, segment[start:end]))
    if codes and all(c.ambiguous for c in codes):
        return codes  # the caller decides whether context allows bare 8N
    return codes or None


def _is_citation(text: str, start: int) -> bool:
    before = text[max(0, start - 24) : start]
    return bool(_CITATION_BEFORE.search(before))


def _stamp_matches(text: str) -> Iterable[re.Match[str]]:
    """`_STAMP.finditer(text)`, trying the regex only where the lower-cased text reads `relea`
    (a case-insensitive scan of the whole page is the slow part on pages without a stamp)."""
    low = text.lower()
    if len(low) != len(text):  # lower-casing moved offsets: scan the text itself
        yield from _STAMP.finditer(text)
        return
    pos = low.find("relea")
    while pos >= 0:
        match = _STAMP.match(text, pos)
        if match:
            yield match
            pos = match.end()
        else:
            pos += 1
        pos = low.find("relea", pos)


def parse_stamp(text: str, *, damaged_fallback: bool = True) -> tuple[Stamp | None, bool]:
    """State's release stamp, tolerant of the stamp being split over lines beside other text.

    Returns (stamp, damaged): damaged when `RELEASE IN` is there but FULL/PART is unreadable.
    """
    damaged = False
    for match in _stamp_matches(text):
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        rest = text[match.end() : line_end].strip()
        candidates: list[tuple[int, str]] = []
        if rest:
            candidates.append((text.index(rest, match.end()), rest))
        pos = line_end + 1
        for _ in range(3):  # the continuation sits in the right margin of the next lines
            if pos >= len(text):
                break
            nxt = text.find("\n", pos)
            nxt = len(text) if nxt < 0 else nxt
            segs = _segments(text[pos:nxt])
            if segs:
                first_off, first = segs[0]
                last_off, last = segs[-1]
                candidates.append((pos + last_off, last))
                if first is not last:
                    candidates.append((pos + first_off, first))
                if rest or len(candidates) >= 2:
                    break
            pos = nxt + 1
        for offset, candidate in candidates:
            status = _STATUS_WORD.match(candidate)
            if not status:
                continue
            word = status["word"].upper()
            kind = "full" if word.startswith("FU") else "part"
            codes_text = status["rest"].strip()
            end = offset + len(candidate)
            codes: list[str] = []
            if kind == "part":
                parsed = parse_code_list(codes_text) if codes_text else None
                if parsed is None:
                    # codes on the following line's margin: "RELEASE IN PART" / "B6"
                    nxt_start = text.find("\n", end)
                    if nxt_start >= 0:
                        nxt_end = text.find("\n", nxt_start + 1)
                        nxt_end = len(text) if nxt_end < 0 else nxt_end
                        for seg_off, seg in reversed(_segments(text[nxt_start + 1 : nxt_end])):
                            parsed = parse_code_list(seg)
                            if parsed:
                                end = nxt_start + 1 + seg_off + len(seg)
                                break
                codes = sorted({c.code for c in parsed or []})
            return Stamp(kind, codes, match.start(), end, text[match.start() : end]), False
        damaged = True
    fallback = _damaged_stamp(text) if damaged_fallback else None
    return (fallback, False) if fallback else (None, damaged)


_STAMP_REMNANT = re.compile(
    r"^(?:\S{3,12}\s+)?(?:[I1l]N\s+)?(?P<word>FU[LI1]{1,2}[LI1]?|PA[RB]T)\b[^\w]*(?P<rest>.*)$"
)


def _damaged_stamp(text: str) -> Stamp | None:
    """A stamp whose `RELEASE` OCR destroyed (`LmaLamSE IN FULL`, `KCLC/AC` / `FULL`).

    Only on a State page (its header names the Department and the case), only in the top 12
    lines, and only as a segment of its own (the right margin), where nothing else says FULL.
    """
    head = text[:2500]
    low = head.lower()  # the regex needs "department" or "ca" + "f-"/"v-" (no case-folding i/s)
    if "department" not in low and not ("ca" in low and ("f-" in low or "v-" in low)):
        return None
    if not re.search(r"Department\s+of\s+State|Case\s+No\.?\s+[FV]-\d{4}", head, re.IGNORECASE):
        return None
    for number, (line_off, line) in enumerate(_lines(head)):
        if number >= 12:
            break
        segments = _segments(line)
        tail = re.search(r"\b[I1l]N\s+FU[LI1]{1,2}[LI1]?\s*$", line)
        if tail:
            return Stamp("full", [], line_off + tail.start(), line_off + tail.end(), tail.group())
        for seg_off, seg in segments:
            m = _STAMP_REMNANT.match(seg)
            if not m or (len(segments) == 1 and seg_off < 30 and not seg.upper().startswith(("IN ", "1N "))):
                continue
            kind = "full" if m["word"].upper().startswith("FU") else "part"
            rest = m["rest"].strip()
            if kind == "full" and rest:
                continue
            parsed = parse_code_list(rest) if rest else None
            if kind == "part" and not parsed:
                continue
            start = line_off + seg_off
            return Stamp(kind, sorted({c.code for c in parsed or []}), start, start + len(seg), seg)
    return None


def analyze_page_text(text: str, page: int = 1, document_id: int = 0) -> PageMarkings:
    """Every marking on one page: codes (with spans), the release stamp, page notices."""
    result = PageMarkings()
    low = text.lower()  # cheap substring guards spare the regex passes on most pages
    if "release" in low or (page == 1 and "relea" in low):
        result.stamp, result.damaged_stamp = parse_stamp(text, damaged_fallback=page == 1)
    elif page == 1:  # no `RELEASE IN` to find: only the damaged-stamp fallback can say anything
        result.stamp = _damaged_stamp(text)
    head = low[:3000]
    maybe_state = (
        ("department" in head and "state" in head)
        or "release" in head
        or ("case" in head and ("f-" in head or "v-" in head))  # `Case No. F-2014-...`
    )
    state_context = maybe_state and bool(_STATE_CONTEXT.search(text[:3000])) or "Department of State" in text
    list_page_known: list[bool] = []

    def is_list_page() -> bool:  # computed only when a label or an exemption word needs it
        if not list_page_known:
            list_page_known.append(("(b" in text or "xemption" in text) and any(w in low for w in _LIST_PAGE_WORDS)
                                   and bool(_LIST_PAGE.search(text)))
        return list_page_known[0]

    seen: set[tuple[int, int]] = set()

    def add(code: str, qualifier: str | None, start: int, end: int, confidence: float) -> None:
        if any(s < end and start < e for s, e in seen):
            return
        seen.add((start, end))
        result.marks.append(ExemptionMark(document_id, page, code, qualifier, text[start:end], start, end, confidence))

    # The stamp's own codes.
    if result.stamp and result.stamp.codes:
        stamp_text = result.stamp.text
        part = re.search(r"PA[RB]T", stamp_text, re.IGNORECASE)
        base = result.stamp.start + (part.end() if part else 0)
        for line_off, line in _lines(text[base : result.stamp.end]):
            for seg_off, seg in _segments(line):
                parsed = parse_code_list(seg)
                for c in parsed or []:
                    add(c.code, c.qualifier, base + line_off + seg_off + c.start, base + line_off + seg_off + c.end, 0.99)

    # Parenthesised DOJ labels (before segments, so `(b)(6)` is one mark, not two tokens).
    for m in _DOJ_LABEL.finditer(text) if "b" in low and ("(" in text or "{" in text) else ():
        if _is_citation(text, m.start()):
            continue
        code = _code_from_parts(m["n"], m["sub"])
        if code:
            add(code, None, m.start(), m.end(), 0.3 if is_list_page() else 0.95)
    for m in _DOJ_EXCLUSION.finditer(text) if "(c" in low else ():
        if not _is_citation(text, m.start()):
            add(f"c{m['n']}", None, m.start(), m.end(), 0.3 if is_list_page() else 0.8)

    # Classification blocks: the 1.4 categories are the b1 qualifier.
    for m in _REASON.finditer(text) if "Reason" in text else ():
        cats = re.findall(r"\(\s?([A-Ha-h])\s?\)", m["cats"])
        qualifier = ", ".join(dict.fromkeys(f"1.4({c.lower()})" for c in cats))
        add("b1", qualifier, m.start("cats"), m.start("cats") + len(m["cats"].rstrip(" ,")), 0.95)

    # Deleted page sheets list the codes per withheld page (analyze/deleted_pages.py): each entry's
    # codes are claims for the pages it lists; the sheet page itself is not withheld.
    sheet = parse_sheet_page(text, page) if "age" in text else None
    if sheet:
        first = sheet.entries[0] if sheet.entries else None
        result.notices.append(PageNotice("deleted-page-sheet", first.text if first else "deleted page information sheet",
                                         first.start if first else 0, first.end if first else 0))
        for entry in sheet.entries:
            for (code, cats), (start, end) in zip(entry.exemptions, entry.spans, strict=True):
                add(code, ",".join(f"-{c}" for c in cats.split(",")) if cats else None, start, end, 0.9)
    elif "Deleted Page(s)" in text and "Duplication" in text:  # the box alone: a withheld page's stand-in
        box = text.index("Deleted Page(s)")
        result.notices.append(PageNotice("deleted-page", "Deleted Page(s)", box, box + len("Deleted Page(s)")))

    # FBI margin codes with category numbers, wherever they sit on a line.
    if _FBI_HINT.search(text):
        for m in _FBI_CODE.finditer(text):
            glued = m.start() > 0 and _GLUED_BEFORE.match(text, m.start() - 1)
            code = _fbi_code(m["code"]) if not glued or _glued_code_ok(m, text) else None
            if code:
                cats = "".join(_CAT_DIGIT.get(ch, ch) for ch in re.sub(r"[ \t]", "", m["cats"] or "")).replace(".", ",")
                qualifier = ",".join(f"-{c.lstrip('-<')}" for c in cats.split(",") if c.strip("-<")) or None
                add(code, qualifier, m.start(), m.end("cats") if m["cats"] else m.end("code"), 0.85)
        for m in _DAMAGED_PER.finditer(text) if "er" in text and _PER_NOTE.search(text) else ():
            if m.start() > 0 and re.match(r"[\w$/.,]", text[m.start() - 1]):
                continue
            add("b6" if m["code"] in ("66", "be", "bé") else f"b{m['code'][-1]}", None, m.start(), m.end("code"), 0.8)

    # Margin codes: segments (or whole lines) made of code tokens; trailing runs of codes.
    for line_off, line in _hinted_lines(text):
        segments = _segments(line)
        parsed = None
        for seg_off, seg in segments:
            parsed = parse_code_list(seg)
            if not parsed:
                continue
            real = [c for c in parsed if not c.ambiguous]
            if not real and not _margin_context(segments, seg_off, state_context):
                continue  # a lone 8N: a page number or a figure unless it sits in State's margin
            for c in parsed:
                confidence = 0.6 if c.ambiguous else 0.9
                add(c.code, c.qualifier, line_off + seg_off + c.start, line_off + seg_off + c.end, confidence)
        if len(segments) == 1 and not parsed:
            _trailing_codes(line, line_off, add)

    # Notices.
    for m in _WITHHELD_FULL.finditer(text) if "withheld" in low and "pur" in low else ():
        result.notices.append(PageNotice("withheld-in-full", m.group(), m.start(), m.end()))
        window_end = min(len(text), m.end() + 80)
        for e in _EXEMPTION_WORD.finditer(text, m.start(), window_end):
            code = _code_from_parts(e["n"], e["sub"])
            if code:
                add(code, None, e.start(), e.end(), 0.8)
    if "xemption" in text and not is_list_page():
        for e in _EXEMPTION_WORD.finditer(text):
            code = _code_from_parts(e["n"], e["sub"])
            if code and re.search(r"pursuant|withheld|redact|protected|under", text[max(0, e.start() - 80) : e.start()], re.I):
                add(code, None, e.start(), e.end(), 0.6)
    for m in _NON_RESPONSIVE.finditer(text) if "responsive" in low else ():
        result.notices.append(PageNotice("non-responsive", m.group(), m.start(), m.end()))
    for m in _REFERRED.finditer(text) if "eferr" in text and "Refer" in text else ():
        result.notices.append(PageNotice("referral", m.group(), m.start(), m.end()))
    result.marks.sort(key=lambda mark: mark.start)
    return result


# Anything that could start a code token; lines without one cannot hold margin codes, and
# skipping them keeps the analysis a small fraction of text extraction time.
# The leading character class lets the regex engine skip ahead to candidates instead of trying
# a lookbehind at every position (same matches as `(?<![A-Za-z0-9])[Bb8]\s?[1-9lIS|]|[1Il]\s?\.\s?4\s?\(`).
_HINT = re.compile(r"[Bb81Il](?:(?<=[Bb8])(?<![A-Za-z0-9][Bb8])\s?[1-9lIS|]|(?<=[1Il])\s?\.\s?4\s?\()")

_HINT_B = re.compile(r"[Bb8](?<![A-Za-z0-9][Bb8])\s?[1-9lIS|]")
_HINT_14 = re.compile(r"\.\s?4\s?\(")


def _hinted_lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    last_start = -1
    # Without a `.4(` anywhere only the B branch can match: its literal-free scan is cheaper.
    for hint in (_HINT if _HINT_14.search(text) else _HINT_B).finditer(text):
        start = text.rfind("\n", 0, hint.start()) + 1
        if start == last_start:
            continue
        end = text.find("\n", hint.start())
        end = len(text) if end < 0 else end
        out.append((start, text[start:end].rstrip("\r")))
        last_start = start
    return out


def _margin_context(segments: list[tuple[int, str]], seg_off: int, state_context: bool) -> bool:
    """Whether a bare `8N` segment can be State's margin code: the last segment of a State page's
    line of text, on a line with no other figures (a table row of numbers is not a margin)."""
    if not state_context or len(segments) < 2 or segments[-1][0] != seg_off:
        return False
    previous = [seg for off, seg in segments if off < seg_off][-1]
    if _TOTAL_WORD.search(previous):  # `TOTAL    82`: a figure, not B2
        return False
    return not any(re.fullmatch(r"[\d.,%$()/-]+", seg) for off, seg in segments if off != seg_off)


def _trailing_codes(line: str, line_off: int, add) -> None:  # type: ignore[no-untyped-def]
    """FBI margin codes printed at the end of a text line: `... BROWN b6 b7C`."""
    tokens = list(_TOKEN.finditer(line))
    # `From: Tomlinson, Christina B3 CIA PERS/ORG`: State's b3 code with its statute ends the line
    # (a text layer that joined the margin to the body).
    statute = len(tokens)
    while statute > 1 and _STATUTE_WORD.match(tokens[statute - 1].group()) and not normalize_code(tokens[statute - 1].group()):
        statute -= 1
    if 1 < statute < len(tokens) and tokens[statute - 1].group() == "B3":
        qualifier = " ".join(t.group() for t in tokens[statute:])
        add("b3", qualifier, line_off + tokens[statute - 1].start(), line_off + tokens[-1].end(), 0.7)
        return
    run: list[re.Match[str]] = []
    for tok in reversed(tokens):
        if normalize_code(tok.group()) or (_CATEGORY_NUMBER.match(tok.group()) and not any(normalize_code(t.group()) for t in run)):
            run.append(tok)
        else:
            break
    codes = [t for t in run if normalize_code(t.group())]
    if not codes or len(codes) == len(tokens):
        return
    before = tokens[len(tokens) - len(run) - 1].group()
    if len(codes) == 1 and len(run) == 1:
        # One bare code after prose: a State margin squeezed by OCR (`B6`), an FBI `b7C`, or
        # a code after a name or a sentence's end. After a lower-case word the sentence goes on
        # (`pre-date the contracts to b4`): not a marking.
        word = codes[0].group()
        if word[0] == "b" and len(normalize_code(word) or "") == 2 and _PROSE_WORD.match(before):
            return
        if _TOTAL_WORD.match(before):
            return
    for tok in codes:
        # Upper-case `B6` after prose is State's margin squeezed by OCR; lower-case is FBI's.
        add(normalize_code(tok.group()) or "", None, line_off + tok.start(), line_off + tok.end(), 0.7)


def find_exemption_marks(text: str, page: int = 1, document_id: int = 0) -> list[ExemptionMark]:
    """Every exemption marking on one page of text, in reading order (see the module docstring)."""
    return analyze_page_text(text, page, document_id).marks


def claimed_codes(marks: Iterable[ExemptionMark]) -> set[str]:
    """The exemption codes a document claims: marks at claim confidence, not mere mentions."""
    return {m.code for m in marks if m.confidence >= CLAIM_THRESHOLD}


def release_status(pages_marks: Sequence[Sequence[ExemptionMark]], page_texts: Sequence[str]) -> str:
    """"full" | "part" | "withheld" | "unknown" for a document, from its pages' text and marks."""
    return document_status([analyze_page_text(t, i + 1) for i, t in enumerate(page_texts)], [m for marks in pages_marks for m in marks])


def document_status(pages: Sequence[PageMarkings], marks: Iterable[ExemptionMark] | None = None) -> str:
    """The release status from analysed pages.

    The release stamp decides when there is one (PART anywhere wins over FULL: a later page's
    stamp belongs to an attachment released in part). Without a stamp: every page a
    withheld-page sheet or notice -> "withheld"; any claimed code -> "part"; a damaged stamp
    with no codes -> "full" (a PART stamp always carries codes, so an unreadable stamp on a
    document with none is a FULL stamp); otherwise "unknown".
    """
    if marks is None:
        marks = [m for p in pages for m in p.marks]
    stamps = [p.stamp.status for p in pages if p.stamp]
    if stamps:
        return "part" if "part" in stamps else "full"
    withheld_pages = sum(1 for p in pages if any(n.kind in WITHHELD_NOTICES for n in p.notices))
    if pages and withheld_pages == len(pages):
        return "withheld"
    if claimed_codes(marks) or withheld_pages:
        return "part"
    if any(p.damaged_stamp for p in pages):
        return "full"
    return "unknown"
