"""FBI/DOJ "Deleted Page Information Sheets": which pages were withheld in full, and why.

The FBI replaces the pages it withholds in full with a sheet that lists them, one line each:

    FEDERAL BUREAU OF INVESTIGATION
    FOI/PA
    DELETED PAGE INFORMATION SHEET
    FOI/PA# 1417740-0
    Total Deleted Page(s) = 66
    Page 3 ~ Duplicate;
    Page 11 ~ b6 - 6; b7C - 6; b7E - 3;
    Page 108 ~ b3 - -1; b6 - 6,-7; b7C - 6,-7;
    Page 118 ~ Referral/Consult;

and closes it with a box `X Deleted Page(s) X / X No Duplication Fee X / X For this Page X`. A
long sheet runs over several pages, the later ones without the heading. The numbers after a
code (`b6 - 6,-7`) are the FBI's coded categories, explained in the release's "Explanation of
Exemptions"; they are kept as the mark's qualifier, not read as counts.

The sheet pages are not themselves withheld: what is withheld is every page they list. A
release letter that merely mentions "a deleted page information sheet was inserted" is not a
sheet: a sheet page needs the heading on a line of its own, the printed total, or at least two
entry lines. Each sheet's entries are checked against its printed total; a difference is a
warning (a page of the sheet missing, or OCR that lost a line).

OCR damage handled (Tesseract and the OCR layers agencies and MuckRock add): `bTE`, `bIE`,
`b7vE`, `KITE`, `b/7C`, `bIC`, `b7Cc` for b7E/b7C (only exemption 7 has lettered parts, so a
short code ending in A-F on a sheet is a b7 part), `b6O`, `b6é` for b6.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

_HEADING = re.compile(r"^[ \t]*DELETED\s+PAG\w*\s+(?:INFORMATION\s+SHEET|I)\b.*$", re.MULTILINE)
_TOTAL = re.compile(r"Total[ \t]+Deleted[ \t]+Page[ \t]*\(?s\)?[ \t]*[=:]?[ \t]*(?P<n>[\d,]+)?", re.IGNORECASE)
# `Page 74 ~ reasons`; OCR sometimes loses the `~` (a run of spaces is left) or reads `-`.
_ENTRY = re.compile(
    r"^[ \t]*Page[ \t]+(?P<label>\S{1,40}?)[ \t]*(?:[~\u2014\u2013-]|[ \t]{2,}|(?<=\d)[ \t])[ \t]*(?P<reasons>\S.*)$",
    re.MULTILINE,
)
_CONTINUATION = re.compile(r"\n(?![ \t]*(?:Page\b|X|x\b))[ \t]*(?P<line>\S[^\n]*)")
_XBOX = re.compile(r"Deleted\s+Page\(s\)\s*\S{0,3}\s*\n\s*\S{0,3}\s*No\s+Duplication\s+Fee", re.IGNORECASE)
# One reason of an entry (the text between semicolons): `b6 - 6,-7`, `b5`, `b5 - Per EOUSA`,
# `b6 - 2,-4 Per FBI & EOUSA`; a category list may be broken over a line (`2,-4,-\n6`).
_CODE_PART = re.compile(
    r"[ \t]*(?P<code>[A-Za-z0-9/|]{1,5})(?:[ \t]*[-\u2014\u2013][ \t]*"
    r"(?P<cats>-?\s?\d{1,2}(?:\s*[,.]\s*-?\s?\d{1,2})*))?(?![\w/|])"
)
# b7's lettered parts as OCR reads them: at least one stroke read for the 7 (`bTE`, `b/C`, `KITE`).
_SEVENTH = re.compile(r"[bBkKh6]?[7TIil1v|/]{1,2}([A-Fa-f])\1?", re.IGNORECASE)
_DAMAGED_CODE = re.compile(r"[bB][a-z0-9]")  # `bd`: a code's shape, its digit unreadable
_DIGIT_CODE = re.compile(r"[bB]([1-9])[OoéeÉS]?")
_DUPLICATE = re.compile(r"\bDup\w*", re.IGNORECASE)
_REFERRAL = re.compile(r"\bRef\w*(?:\s*/\s*\w+)?", re.IGNORECASE)
_OTHER = re.compile(r"\b(?:Other|Sealed|Outside\s+scope|Non[\s-]?responsive)\b[^;]*", re.IGNORECASE)


@dataclass
class UnreadCode:
    """A reason whose code OCR damaged past reading (`bd - 1,-3` for `b5 - 1,-3`) but whose
    category numbers it kept: `resolve_unread_codes` names it from the rest of the sheet."""

    position: int  # index in the entry's exemptions where it is printed
    categories: str  # "1,3"
    span: tuple[int, int]


@dataclass
class WithheldPage:
    """One line of a sheet: a page withheld in full, with its reasons."""

    sheet_page: int  # the page of the document where the line is printed
    label: str  # the page as the sheet names it: "74", or a Bates number
    exemptions: list[tuple[str, str | None]] = field(default_factory=list)  # (code, categories "6,7")
    spans: list[tuple[int, int]] = field(default_factory=list)  # where each exemption is printed (page offsets)
    duplicate: bool = False
    referral: str | None = None  # "Referral/Consult", "Referral/Direct"
    other: str | None = None  # "Other - Sealed", ...
    unread: list[UnreadCode] = field(default_factory=list)  # codes OCR damaged past reading (`bd - 1,-3`)
    text: str = ""
    start: int = 0  # span of the line in the page text
    end: int = 0

    @property
    def number(self) -> int | None:
        digits = re.findall(r"\d+", self.label)
        return int(digits[-1]) if digits else None

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(code for code, _ in self.exemptions))

    @property
    def reasons(self) -> list[str]:
        """What a reader sees: codes with categories, then duplicate / referral / other."""
        out = [f"{code} ({cats})" if cats else code for code, cats in self.exemptions]
        if self.duplicate:
            out.append("duplicate")
        if self.referral:
            out.append(self.referral.lower())
        if self.other:
            out.append(self.other)
        return out


@dataclass
class DeletedPageSheet:
    """One sheet, over one or more consecutive pages of a document."""

    first_page: int
    last_page: int
    printed_total: int | None
    entries: list[WithheldPage] = field(default_factory=list)

    @property
    def total_agrees(self) -> bool | None:
        return None if self.printed_total is None else self.printed_total == len(self.entries)

    def by_reason(self) -> Counter[str]:
        """Withheld pages per exemption code, and per `duplicate` / `referral` / `other`."""
        counts: Counter[str] = Counter()
        for entry in self.entries:
            counts.update(entry.codes)
            counts.update([k for k, v in (("duplicate", entry.duplicate), ("referral", entry.referral),
                                          ("other", entry.other)) if v])
        return counts


@dataclass
class SheetPage:
    """What one page of text holds of a sheet."""

    heading: bool
    printed_total: int | None
    entries: list[WithheldPage]
    xbox: bool


def sheet_code(token: str) -> str | None:
    """A code as printed on a sheet, OCR damage included: `b7C`, `bTE`, `b/7C`, `b6O` -> b7c, b7e, b7c, b6."""
    bare = re.sub(r"[^0-9A-Za-z/|]", "", token)
    seventh = _SEVENTH.fullmatch(bare)
    if seventh and len(bare) >= 2:
        return f"b7{seventh.group(1).lower()}"
    digit = _DIGIT_CODE.fullmatch(bare.replace("/", ""))
    return f"b{digit.group(1)}" if digit else None


@dataclass
class Reasons:
    """What one entry's reasons say; spans are offsets in the reasons text."""

    exemptions: list[tuple[str, str | None, int, int]]  # (code, categories, start, end)
    duplicate: bool
    referral: str | None
    other: str | None
    unread: list[UnreadCode]

    def __bool__(self) -> bool:
        return bool(self.exemptions or self.duplicate or self.referral or self.other or self.unread)


def parse_reasons(reasons: str) -> Reasons:
    """The exemptions (code, categories, start, end), duplicate, referral and other of one entry."""
    exemptions: list[tuple[str, str | None, int, int]] = []
    unread: list[UnreadCode] = []
    pos = 0
    for piece in reasons.split(";"):
        part = _CODE_PART.match(reasons, pos, pos + len(piece))
        pos += len(piece) + 1
        if not part:
            continue
        code = sheet_code(part["code"])
        cats = ",".join(str(int(c)) for c in re.findall(r"\d{1,2}", part["cats"] or ""))
        if code:
            exemptions.append((code, cats or None, part.start("code"), part.end()))
        elif cats and _DAMAGED_CODE.fullmatch(part["code"]):
            unread.append(UnreadCode(len(exemptions), cats, (part.start("code"), part.end())))
    referral = _REFERRAL.search(reasons)
    other = _OTHER.search(reasons)
    return Reasons(exemptions, bool(_DUPLICATE.search(reasons)), re.sub(r"\s+", "", referral.group()) if referral else None,
                   other.group().strip(" ;") if other else None, unread)


def _code_order(code: str) -> tuple[int, str]:
    return int(code[1]), code[2:]


def resolve_unread_codes(sheet: DeletedPageSheet) -> None:
    """Name the codes OCR damaged past reading from the sheet's other entries.

    The FBI's category numbers belong to one exemption each (b5 -1 is not b6 -1), and a sheet
    lists an entry's codes in order (b3, b5, b6, b7C). So `bd - 1,-3` between the start and
    `b6` is the code printed with categories 1,3 elsewhere on the sheet, when exactly one code
    is (at least twice) and it fits the order; otherwise the code stays unread."""
    seen: Counter[tuple[str, str]] = Counter(
        (cats, code) for entry in sheet.entries for code, cats in entry.exemptions if cats)
    for entry in sheet.entries:
        for unread in sorted(entry.unread, key=lambda u: -u.position):
            before = entry.exemptions[unread.position - 1][0] if unread.position else None
            after = entry.exemptions[unread.position][0] if unread.position < len(entry.exemptions) else None
            fits = [code for (cats, code), times in seen.items()
                    if cats == unread.categories and times >= 2 and code not in entry.codes
                    and (before is None or _code_order(before) < _code_order(code))
                    and (after is None or _code_order(code) < _code_order(after))]
            if len(fits) == 1:
                entry.exemptions.insert(unread.position, (fits[0], unread.categories))
                entry.spans.insert(unread.position, unread.span)
                entry.unread.remove(unread)


def parse_sheet_page(text: str, page: int = 1) -> SheetPage | None:
    """The sheet content of one page, or None when the page is not (part of) a sheet."""
    if "Page" not in text or ("~" not in text and "ELETED" not in text and "eleted" not in text):
        return None  # cheap guard: every sheet says Page, and either ~ or Deleted
    heading = bool(_HEADING.search(text))
    total_match = _TOTAL.search(text) if "otal" in text else None
    total = None
    if total_match and total_match["n"]:
        total = int(total_match["n"].replace(",", ""))
    entries = []
    for m in _ENTRY.finditer(text):
        end = m.end()
        for _ in range(2):  # reasons wrapped onto the next lines
            more = _CONTINUATION.match(text, end)
            if not more or text[m.start("reasons"):end].rstrip().endswith(";"):
                break
            end = more.end()
        found = parse_reasons(text[m.start("reasons"):end])
        if not found:
            continue
        base = m.start("reasons")
        for unread in found.unread:
            unread.span = (base + unread.span[0], base + unread.span[1])
        entries.append(WithheldPage(page, m["label"].strip(), [(c, cats) for c, cats, _, _ in found.exemptions],
                                    [(base + s, base + e) for _, _, s, e in found.exemptions], found.duplicate,
                                    found.referral, found.other, found.unread, text[m.start():end].strip(), m.start(), end))
    xbox = bool(_XBOX.search(text))
    if not (heading or total is not None or len(entries) >= 2 or (entries and xbox)):
        return None
    return SheetPage(heading, total, entries, xbox)


def find_sheets(page_texts: Sequence[str]) -> list[DeletedPageSheet]:
    """Every sheet in a document, from its pages' text in order: a heading (or a printed total)
    starts a sheet, pages of entries without one continue it."""
    sheets: list[DeletedPageSheet] = []
    current: DeletedPageSheet | None = None
    for number, text in enumerate(page_texts, start=1):
        found = parse_sheet_page(text, number)
        if found is None:
            current = None
            continue
        starts = found.heading or found.printed_total is not None
        if current is None or (starts and current.entries):
            current = DeletedPageSheet(number, number, found.printed_total)
            sheets.append(current)
        current.last_page = number
        if current.printed_total is None:
            current.printed_total = found.printed_total
        current.entries.extend(found.entries)
    for sheet in sheets:
        resolve_unread_codes(sheet)
    return sheets


def sheet_warnings(sheets: Sequence[DeletedPageSheet], label: str) -> list[str]:
    """A sheet whose entries do not add up to its printed total, in words a reviewer acts on."""
    out = []
    for sheet in sheets:
        if sheet.total_agrees is False:
            where = f"page {sheet.first_page}" if sheet.first_page == sheet.last_page else f"pages {sheet.first_page}-{sheet.last_page}"
            out.append(f"{label}: the deleted page information sheet on {where} prints a total of {sheet.printed_total} "
                       f"withheld pages but lists {len(sheet.entries)}; a page of the sheet may be missing or unreadable.")
    return out
