"""PowerPoint presentations (PPTX, PPTM, PPSX, POTX): one page per slide.

A slide's page holds its title first, then the text of every shape (groups opened, tables as
tab-separated rows), then the speaker notes: notes are where presenters write what they did not
put on the slide, so they are searchable too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...model import DocumentKind, TextSource
from .base import Extraction, PageText, ReadContext
from .docx import app_properties, core_properties, legacy_if_ole, library_error, open_ooxml_guard, sniff_ooxml


def shape_lines(shapes: Any, depth: int = 0) -> list[str]:
    """Text of shapes in z-order: text frames, tables, and the shapes inside groups."""
    lines: list[str] = []
    if depth > 20:
        return lines
    for shape in shapes:
        if getattr(shape, "shape_type", None) == 6 or hasattr(shape, "shapes"):  # MSO_SHAPE_TYPE.GROUP
            inner = getattr(shape, "shapes", None)
            if inner is not None:
                lines.extend(shape_lines(inner, depth + 1))
                continue
        if getattr(shape, "has_table", False):
            for row in shape.table.rows:
                cells = [cell.text.replace("\n", " ").strip() for cell in row.cells]
                if any(cells):
                    lines.append("\t".join(cells))
        elif getattr(shape, "has_text_frame", False):
            text = shape.text_frame.text.replace("\x0b", "\n").strip()
            if text:
                lines.append(text)
    return lines


def slide_text(slide: Any) -> str:
    lines = shape_lines(slide.shapes)
    title = slide.shapes.title
    if title is not None and title.has_text_frame:
        heading = title.text_frame.text.strip()
        if heading and heading in lines:
            lines.remove(heading)
            lines.insert(0, heading)
    text = "\n".join(lines)
    if slide.has_notes_slide:
        frame = slide.notes_slide.notes_text_frame
        notes = frame.text.strip() if frame is not None else ""
        if notes:
            text += "\n\n[notes]\n" + notes
    return text


def _open_presentation(path: Path) -> Any:
    """The Presentation, accepting shows and templates (python-pptx's API checks refuse them).
    python-pptx is imported here, not with the module (see docx._open_word)."""
    from pptx.package import Package
    from pptx.parts.presentation import PresentationPart

    part = Package.open(str(path)).main_document_part
    if not isinstance(part, PresentationPart):
        raise ValueError(f"main part is {part.content_type}, not a presentation")
    return part.presentation


class PptxReader:
    name = "pptx"
    extensions = (".pptx", ".pptm", ".ppsx", ".ppsm", ".potx", ".potm")

    def sniff(self, head: bytes, filename: str) -> float:
        return sniff_ooxml(head, filename, self.extensions, "ppt")

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        open_ooxml_guard(path, ctx, "PowerPoint")
        if (legacy := legacy_if_ole(path, ctx, "a PowerPoint 2007+ file")) is not None:
            return legacy
        notes: list[str] = []
        try:
            prs = _open_presentation(path)
            meta = core_properties(prs.core_properties)
            pages = []
            for slide in prs.slides:
                pages.append(PageText(slide_text(slide), TextSource.NATIVE))
                if len(pages) >= ctx.limits.max_pages:
                    notes.append(f"more than {ctx.limits.max_pages} slides; kept the first ones")
                    break
        except Exception as exc:  # noqa: BLE001  (any parser failure on a damaged package is `corrupt`)
            raise library_error(path, ctx, "PowerPoint", exc) from exc
        meta.update(app_properties(path))
        if not pages:
            pages = [PageText("", TextSource.NATIVE)]
            notes.append("the presentation has no slides")
        elif not any(p.text.strip() for p in pages):
            notes.append("no slide has text (pictures only?)")
        return Extraction(DocumentKind.PRESENTATION, pages, meta, warnings=notes)


READER = PptxReader()
