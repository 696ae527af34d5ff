"""RTF documents (and the many `.doc` files that are really RTF, which the magic bytes catch).

Text comes from striprtf, which honours the document's code page and skips embedded pictures.
The `\\info` group carries title, author, company and creation/revision times; they are read
with a small regular-expression pass because striprtf drops that group.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from ...errors import ExtractionError
from ...model import DocumentKind, IssueCategory
from .base import Extraction, ReadContext, display, require_content
from .text import split_pages

_INFO_TEXT = {
    "title": "title",
    "subject": "subject",
    "author": "author",
    "operator": "last_modified_by",
    "company": "company",
    "keywords": "keywords",
}
_INFO_TIME = {"creatim": "created", "revtim": "modified"}
_TIME_PART = re.compile(r"\\(yr|mo|dy|hr|min|sec)(\d+)")
_HEX = re.compile(r"\\'([0-9a-fA-F]{2})")
_HEX_RUN = re.compile(r"(?:\\'[0-9a-fA-F]{2})+")  # multi-byte characters span several escapes
_CODEPAGE = re.compile(r"\\ansicpg(\d+)")
# `\*` only marks an ignorable destination right after `{`; elsewhere (seen in LibreOffice output)
# striprtf would drop the whole group, text included.
_MISPLACED_STAR = re.compile(r"(?<![{\\])\\\*")
# Page headers and footers are text a reader sees; striprtf skips them as destinations.
_HEADER_GROUP = re.compile(r"\{\\(?:header|footer)[lrf]?(?![a-z])")


def _info_value(raw: str, codepage: str) -> str:
    """The plain value of an info field: hex escapes decoded, control words dropped."""
    raw = _HEX_RUN.sub(lambda m: bytes.fromhex("".join(_HEX.findall(m.group(0)))).decode(codepage, "replace"), raw)
    raw = re.sub(r"\\u(-?\d+)\??", lambda m: chr(int(m.group(1)) % 65536), raw)
    raw = re.sub(r"\\[a-z]+-?\d* ?", "", raw)
    return raw.replace("\\{", "{").replace("\\}", "}").replace("\\\\", "\\").strip()


def rtf_metadata(rtf: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    start = rtf.find("{\\info")
    if start < 0:
        return meta
    block = rtf[start : start + 20000]
    match = _CODEPAGE.search(rtf[:2000])
    codepage = f"cp{match.group(1)}" if match else "cp1252"
    try:
        codecs.lookup(codepage)
    except LookupError:
        codepage = "cp1252"
    for word, key in _INFO_TEXT.items():
        match = re.search(r"\{\\" + word + r"\b ?((?:[^{}\\]|\\.)*)\}", block)
        if match and (value := _info_value(match.group(1), codepage)):
            meta[key] = value
    for word, key in _INFO_TIME.items():
        match = re.search(r"\{\\" + word + r"((?:\\[a-z]+\d+\s*)+)\}", block)
        if not match:
            continue
        parts = {k: int(v) for k, v in _TIME_PART.findall(match.group(1))}
        if parts.get("yr") and 1 <= parts.get("mo", 1) <= 12 and 1 <= parts.get("dy", 1) <= 31:
            meta[key] = (
                f"{parts['yr']:04d}-{parts.get('mo', 1):02d}-{parts.get('dy', 1):02d}"
                f"T{parts.get('hr', 0):02d}:{parts.get('min', 0):02d}:{parts.get('sec', 0):02d}"
            )
    return meta


class RtfReader:
    name = "rtf"
    extensions = (".rtf",)

    def sniff(self, head: bytes, filename: str) -> float:
        if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{\\rtf"):
            return 1.0
        return 0.4 if filename.lower().endswith(self.extensions) else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        require_content(path, ctx)
        raw = path.read_bytes()
        rtf = raw.decode("latin-1")  # RTF is 7-bit; \'xx escapes carry the real code page
        if not rtf.lstrip("\ufeffï»¿ \r\n\t").startswith("{\\rtf"):
            raise ExtractionError(
                f"{display(path, ctx)} is named .rtf but does not start with {{\\rtf: it is damaged "
                "or another format; ask for the native file.",
                IssueCategory.CORRUPT,
            )
        body = _HEADER_GROUP.sub(lambda _m: "{\\par ", _MISPLACED_STAR.sub("", rtf))
        try:
            text = rtf_to_text(body, errors="ignore")
        except (ValueError, IndexError, LookupError, RecursionError) as exc:
            raise ExtractionError(
                f"{display(path, ctx)}: the RTF could not be parsed ({exc}); ask for the native file.",
                IssueCategory.CORRUPT,
            ) from exc
        # \u escapes give UTF-16 halves: pair them, and replace halves that have no partner
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        text = re.sub(r"[ \t]+\n", "\n", text.replace("\r\n", "\n").replace("\r", "\n")).strip("\n")
        pages, warnings = split_pages(text, ctx.limits.max_pages)
        return Extraction(DocumentKind.EDOC, pages, rtf_metadata(rtf), warnings=warnings)


READER = RtfReader()
