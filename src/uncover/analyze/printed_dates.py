"""Dates as e-mail programs print them, read back from page text (OCR damage included).

A printed `Sent:` line is the record's date, so it has to be read the way a person reads it:
`Wednesday, September 12, 2012 11:52 AM` (Outlook), `Mon Apr 13 08:13:05 2009` (BlackBerry),
`Mon, 2 Apr 2012 17:44:22 +0400` (RFC 5322), `10/03/2000 11:39 AM` (Lotus Notes), `March-09-12
4:22 PM`, and the same after OCR: `201i`, `20111:53 AM` (year glued to the time), `700 PM`,
`Friday. April 1,2011`, `Septernber`.

Rules a court filing can rely on:
- A numeric date whose day and month could be swapped (`03/04/11`) is never guessed: without a
  cue it is returned undated with a warning. The cue is the document's own usage (another
  numeric date in it with a day above 12 fixes the order), passed in as `order`.
- A time zone is kept only when printed (`-0400`, `EST`, `GMT+2`); the ISO value then carries
  the offset. Without one the value is the wall-clock time as printed, with no offset: the
  calendar day a reader sees on the page is the day search (`date:`) and lists use.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# US zone abbreviations agencies print; ambiguous ones (CT, ET: standard or daylight?) are left out.
ZONES = {"utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
         "pst": -8, "pdt": -7, "akst": -9, "akdt": -8, "hst": -10, "bst": 1, "cet": 1, "cest": 2}
MIN_YEAR, MAX_YEAR = 1970, 2100

# OCR confusions inside a token that should be digits
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1", "|": "1", "!": "1",
                            "]": "1", "[": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "g": "9", "q": "9"})


@dataclass(frozen=True)
class PrintedDate:
    """A printed date read back: `iso` is None when it could not be read or was ambiguous."""

    printed: str
    iso: str | None
    has_time: bool = False
    has_zone: bool = False
    repaired: bool = False  # OCR damage was corrected to read it
    warning: str | None = None
    ambiguous: bool = False  # a numeric date whose day and month could be swapped

    @property
    def day(self) -> str:
        return (self.iso or "")[:10]


@lru_cache(maxsize=8192)
def _month(word: str) -> int | None:
    w = word.lower().strip(".,")
    if len(w) < 3 or not w.isalpha():
        return None
    if w in MONTHS:
        return MONTHS.index(w) + 1
    if w in _MONTH_ABBR:
        return _MONTH_ABBR[w]
    if len(w) >= 5:  # OCR damage in a full month name: Septernber, Ju1y is not alphabetic anyway
        close = difflib.get_close_matches(w, MONTHS, n=1, cutoff=0.75)
        if close:
            return MONTHS.index(close[0]) + 1
    return None


@lru_cache(maxsize=8192)
def _is_weekday(word: str) -> bool:
    w = word.lower().strip(".,'\"°")
    if len(w) < 3:
        return False
    if any(d.startswith(w) for d in WEEKDAYS) and len(w) in (3, 4) or w in WEEKDAYS:
        return True
    return len(w) >= 5 and bool(difflib.get_close_matches(w, WEEKDAYS, n=1, cutoff=0.6))


def _digits(token: str) -> tuple[str, bool]:
    """A token meant as a number, OCR confusions fixed; (digits, whether anything was fixed)."""
    fixed = token.translate(_DIGIT_FIX)
    return fixed, fixed != token


_TIME = re.compile(
    r"(?<![\d:/.])(?P<h>[0-9OolIi|]{1,2})\s?[:;]\s?(?P<m>[0-9OolIi|]{2})(?![\d/])(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?(?![a-z]))?"
    r"|(?<![\d:/.])(?P<dh>\d{1,2})\.(?P<dm>\d{2})\s*(?P<ampm3>[AaPp]\.?[Mm]\.?(?![a-z]))"
    r"|(?<![\d:/.])(?P<hm>[0-9]{3,4}|[0-9]{1,2} [0-9]{2})\s*(?P<ampm2>[AaPp]\.?[Mm]\.?(?![a-z]))"
)
_ZONE = re.compile(
    r"(?:\b(?:GMT|UTC)\s?(?P<gsign>[+-])\s?(?P<gh>\d{1,2})(?::?(?P<gm>\d{2}))?)"
    r"|(?<![\w:])(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})\b"
    r"|\b(?P<abbr>[A-Z]{1,4}T|UTC|GMT|Z)\b"
)


def _zone(text: str) -> tuple[timezone | None, str]:
    """The printed time zone and the text without it."""
    for m in _ZONE.finditer(text):
        if m["gsign"]:
            hours, minutes = int(m["gh"]), int(m["gm"] or 0)
            sign = -1 if m["gsign"] == "-" else 1
        elif m["sign"]:
            hours, minutes = int(m["oh"]), int(m["om"])
            sign = -1 if m["sign"] == "-" else 1
        elif m["abbr"] and m["abbr"].lower() in ZONES:
            offset = ZONES[m["abbr"].lower()]
            hours, minutes, sign = abs(offset), 0, -1 if offset < 0 else 1
        else:
            continue
        if hours > 14 or minutes > 59:
            continue
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return tz, text[: m.start()] + " " + text[m.end():]
    return None, text


def _time(text: str) -> tuple[tuple[int, int, int] | None, bool, str]:
    """(hour, minute, second) of the printed time, whether repaired, and the text without it."""
    for m in _TIME.finditer(text):
        repaired = False
        if m["hm"]:
            digits = m["hm"].replace(" ", "")
            h, mi, s = int(digits[:-2]), int(digits[-2:]), 0
            ampm = m["ampm2"]
            repaired = True  # "700 PM": the colon was lost
        elif m["dh"]:
            h, mi, s, ampm = int(m["dh"]), int(m["dm"]), 0, m["ampm3"]
        else:
            hs, r1 = _digits(m["h"])
            ms, r2 = _digits(m["m"])
            ss, r3 = _digits(m["s"] or "0")
            if not (hs.isdigit() and ms.isdigit() and ss.isdigit()):
                continue
            h, mi, s = int(hs), int(ms), int(ss)
            ampm = m["ampm"]
            repaired = r1 or r2 or r3
        if ampm:
            if not 1 <= h <= 12:
                continue
            pm = ampm.lower().startswith("p")
            h = (h % 12) + (12 if pm else 0)
        if h > 23 or mi > 59 or s > 59:
            continue
        return (h, mi, s), repaired, text[: m.start()] + " " + text[m.end():]
    return None, False, text


def _year(token: str) -> tuple[int | None, bool]:
    digits, repaired = _digits(token.strip(".,'"))
    if not digits.isdigit():
        return None, repaired
    if len(digits) == 2:
        value = int(digits)
        return (1900 + value if value >= 70 else 2000 + value), repaired
    if len(digits) == 4 and MIN_YEAR <= int(digits) <= MAX_YEAR:
        return int(digits), repaired
    return None, repaired


_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,4})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{2,4})(?![\d/])")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
_WORD = re.compile(r"[A-Za-z0-9|\]\[!]+\.?")
_NUMBERISH = re.compile(r"(?=[^\d]*\d)[0-9OolIiSZz|\]\[!]+")  # digits with OCR confusions, at least one digit


def numeric_order_cue(texts: list[str]) -> str | None:
    """'mdy' or 'dmy' when the numeric dates in these texts settle the order; None otherwise."""
    cues = set()
    for text in texts:
        for m in _NUMERIC.finditer(text):
            if len(m[1]) > 2 or m[2] == ".":
                continue
            a, b = int(m[1]), int(m[3])
            if a > 12 and b <= 12:
                cues.add("dmy")
            elif b > 12 and a <= 12:
                cues.add("mdy")
    return cues.pop() if len(cues) == 1 else None


def parse_printed_date(printed: str, order: str | None = None) -> PrintedDate:
    """Read a printed date; `order` ('mdy'/'dmy') settles numeric dates like 03/04/11."""
    raw = " ".join(printed.split())
    text = raw.strip(" '\"°`‘’“”*-_")
    unglued = re.sub(r"\b((?:19|20)\d{2})(\d{1,2}:\d{2})", r"\1 \2", text)  # "20111:53 AM": year and time run together
    glued, text = unglued != text, unglued
    text = re.sub(r"\bat\b", " ", text)
    text = re.sub(r"(?<=[A-Za-z]{3})(?=\d)", " ", text)  # September14
    tz, text = _zone(text)
    clock, time_repaired, text = _time(text)
    repaired = glued or time_repaired

    iso_m = _ISO.search(text)
    if iso_m:
        y, mo, d = int(iso_m[1]), int(iso_m[2]), int(iso_m[3])
        if clock is None and iso_m[4]:
            clock = (int(iso_m[4]), int(iso_m[5]), int(iso_m[6] or 0))
        return _build(raw, y, mo, d, clock, tz, repaired)

    num = _NUMERIC.search(text)
    if num:
        first, sep, second, year_text = num.groups()
        year, r = _year(year_text)
        if len(first) == 4:  # 2009/03/25
            year, month, day = int(first), int(second), int(year_text) if len(year_text) <= 2 else 0
            return _build(raw, year, month, day, clock, tz, repaired)
        if year is None:
            return PrintedDate(raw, None, warning=f"the printed date '{raw}' has no readable year")
        a, b = int(first), int(second)
        if sep == "." or a > 12:
            day, month = a, b
        elif b > 12:
            month, day = a, b
        elif a == b:
            month = day = a
        elif order == "dmy":
            day, month = a, b
        elif order == "mdy":
            month, day = a, b
        else:
            return PrintedDate(raw, None, has_time=clock is not None, has_zone=tz is not None, ambiguous=True, warning=(
                f"the printed date '{raw}' could be {MONTHS[a - 1].title()} {b} or {MONTHS[b - 1].title()} {a}; "
                "nothing in the document settles which, so it was left undated"))
        return _build(raw, year, month, day, clock, tz, repaired or r)

    # words: weekday, month name, day, year in any of the usual orders
    month = day = year = None
    for token in _WORD.findall(text.replace(",", " ").replace("-", " ")):
        if month is None and (m := _month(token)):
            month = m
            continue
        if not _NUMBERISH.fullmatch(token.strip(".")):
            continue
        digits, r = _digits(token.strip("."))
        if not digits.isdigit():
            continue
        if len(digits) <= 2 and day is None and year is None and 1 <= int(digits) <= 31:
            day, repaired = int(digits), repaired or r
        elif year is None and (y := _year(token)[0]) is not None and (len(digits) == 4 or day is not None):
            year, repaired = y, repaired or r
    if month is None or year is None:
        return PrintedDate(raw, None, warning=f"the printed date '{raw}' could not be read")
    if day is None:
        return PrintedDate(raw, None, warning=f"the printed date '{raw}' has no day")
    return _build(raw, year, month, day, clock, tz, repaired)


def _build(raw: str, year: int, month: int, day: int, clock: tuple[int, int, int] | None, tz: timezone | None,
           repaired: bool) -> PrintedDate:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return PrintedDate(raw, None, warning=f"the printed date '{raw}' has an unlikely year ({year})")
    try:
        if clock is None:
            value = datetime(year, month, day)
            return PrintedDate(raw, value.strftime("%Y-%m-%d"), repaired=repaired)
        stamp = datetime(year, month, day, *clock, tzinfo=tz)
    except ValueError:
        return PrintedDate(raw, None, warning=f"the printed date '{raw}' is not a real date")
    return PrintedDate(raw, stamp.isoformat(), has_time=True, has_zone=tz is not None, repaired=repaired)


def looks_like_date(text: str) -> bool:
    """Whether a line is (mostly) a printed date: used to place values in a header block."""
    t = text.strip()
    if not t or len(t) > 60:
        return False
    parsed = parse_printed_date(t)
    if parsed.iso is not None or parsed.ambiguous:
        # the line must be mostly the date, not a sentence that mentions one
        words = re.findall(r"[A-Za-z]{4,}", t)
        return sum(1 for w in words if not (_month(w) or _is_weekday(w))) <= 1
    return False


def dateish(text: str) -> bool:
    """A damaged date (a weekday or month and a time): the slot of a Sent line OCR ruined."""
    words = [w for w in re.findall(r"[A-Za-z]{3,}", text)]
    has_name = any(_month(w) or _is_weekday(w) for w in words)
    return has_name and bool(re.search(r"\d", text)) and len(text) <= 60
