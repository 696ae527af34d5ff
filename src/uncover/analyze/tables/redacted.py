"""Redacted cells: a black box drawn over the cell, with or without the exemption printed on it.

A redacted cell is marked as such and states no number, whatever text the box leaves readable;
an exemption code printed in the cell (`(b)(6)`) says which exemption."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .model import BBox, Table

DARK = 0.25  # fill darker than this (0 black .. 1 white) reads as a redaction box


def _darkness(color: Any) -> float | None:
    """Lightness 0..1 of a pdfplumber colour (grey, RGB or CMYK tuple), None when unknown."""
    if color is None:
        return None
    if isinstance(color, (int, float)):
        return float(color)
    vals = [float(v) for v in color if isinstance(v, (int, float))]
    if len(vals) == 1:
        return vals[0]
    if len(vals) == 3:
        return sum(vals) / 3
    if len(vals) == 4:
        c, m, y, k = vals
        return (1 - min(1, c + k) + 1 - min(1, m + k) + 1 - min(1, y + k)) / 3
    return None


def dark_boxes(page: Any) -> list[BBox]:
    """Filled dark rectangles drawn on a pdfplumber page."""
    out = []
    for r in page.rects:
        if not r.get("fill"):
            continue
        light = _darkness(r.get("non_stroking_color"))
        if light is not None and light <= DARK and r["width"] > 3 and r["height"] > 3:
            out.append((float(r["x0"]), float(r["top"]), float(r["x1"]), float(r["bottom"])))
    return out


def _overlap(a: BBox, b: BBox) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def mark_redactions(tables: Iterable[Table], boxes: Sequence[BBox]) -> None:
    """A cell half covered by a dark box is redacted; its value is dropped."""
    if not boxes:
        return
    for table in tables:
        for cell in table.cells:
            if cell.bbox is None:
                continue
            area = max(1e-6, (cell.bbox[2] - cell.bbox[0]) * (cell.bbox[3] - cell.bbox[1]))
            covered = sum(_overlap(cell.bbox, b) for b in boxes)
            # a box inside the cell that covers its words counts too (a box drawn over a value only)
            if covered / area >= 0.5 or (covered > 0 and any(_overlap(cell.bbox, b) >= 0.9 * _area(b) for b in boxes)
                                         and _area_max(cell.bbox, boxes) >= 0.2 * area):
                cell.redacted = True
                cell.value = None


def _area(b: BBox) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _area_max(cell: BBox, boxes: Sequence[BBox]) -> float:
    return max(_overlap(cell, b) for b in boxes)
