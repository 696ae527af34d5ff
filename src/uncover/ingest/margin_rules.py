"""Ruled lines taken out of a margin strip before its codes are read again.

FBI releases draw lines beside their margin codes: a leader (dashed or solid) from a redaction
to its code, a box's edge ending at the code. A line that runs into the code (`------b5 Per
EOUSA`) is read with it as one word at confidence 0, and the code is lost. A ruled line is told
from print by its shape: an unbroken horizontal run of thin ink (a few pixels high) longer than
any stroke of a letter. From such a run the line is followed both ways along its row, over the
gaps of a dashed line, up to the first tall stroke (the stem of the letter it runs into), and
whitened; the letters keep every stroke taller than the line.

Measured at 300 dpi on the FBI scans of bench/withholdings_scans.py: lines are 2-8 px high,
dashes 15-100 px long with gaps under 8 px. The Courier body text and margin codes of those
pages never hold an unbroken run of thin ink as long as `RULE_SEED` (checked by eye on the
whitened pixels of four pages, and by a test on File_03 2.PDF p3); every line taken out is a
box's edge, a leader, a form's rule or an underline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from PIL.Image import Image

RULE_THICKNESS = 9  # ink in a vertical run at most this tall is thin (300 dpi)
RULE_SEED = 60  # an unbroken run of thin ink this long is a line, never a letter's stroke
RULE_GAP = 8  # gaps between a dashed line's dashes, followed over
RULE_FUZZ = 2  # a stroke this much taller than a line, within this many rows of it, stops it
DARK = 160


def _vertical_runs(dark: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel's vertical run of dark pixels (a label, 0 for white) and, for each dark pixel,
    the height of its run."""
    import numpy as np
    from scipy import ndimage

    labels, _ = ndimage.label(dark, structure=np.array([[0, 1, 0], [0, 1, 0], [0, 1, 0]]))
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return labels, sizes[labels]


def _runs(flags: np.ndarray, gap: int = 0) -> list[tuple[int, int]]:
    """The [start, end) spans of True in a row, gaps up to `gap` bridged."""
    import numpy as np

    x = np.flatnonzero(flags)
    if len(x) == 0:
        return []
    breaks = np.flatnonzero(np.diff(x) > gap + 1)
    return [(int(s), int(e) + 1) for s, e in zip(np.r_[x[0], x[breaks + 1]], np.r_[x[breaks], x[-1]], strict=True)]


def _line_spans(thin_row: np.ndarray, blocked: np.ndarray) -> list[tuple[int, int]]:
    """The spans of one row that a ruled line covers: thin ink with gaps up to `RULE_GAP`,
    holding an unbroken run of `RULE_SEED`, and never across a blocked column (a tall stroke)."""
    import numpy as np

    seeds = [s for s in _runs(thin_row) if s[1] - s[0] >= RULE_SEED]
    if not seeds:
        return []
    walls = np.flatnonzero(blocked)
    spans = []
    for start, end in _runs(thin_row & ~blocked, RULE_GAP):
        inside = [(s, e) for s, e in seeds if start <= s and e <= end]
        if inside:
            first, last = inside[0][0], inside[-1][1]
            left = walls[(walls >= start) & (walls < first)]
            right = walls[(walls >= last) & (walls < end)]
            spans.append((int(left[-1]) + 1 if len(left) else start, int(right[0]) if len(right) else end))
    return spans


def clear_rules(image: Image) -> tuple[Image, int]:
    """The image (mode L, 300 dpi) with its horizontal ruled lines whitened, and how many rows
    of lines were found; the same image when it holds none. A line is whitened column by column
    over its whole height (the vertical run of thin ink its row crosses), so no sliver of it is
    left beside the code."""
    import numpy as np
    from PIL import Image as PILImage

    pixels = np.asarray(image if image.mode == "L" else image.convert("L"))
    dark = pixels < DARK
    labels, runs = _vertical_runs(dark)
    thin = dark & (runs <= RULE_THICKNESS)
    tall = dark & (runs > RULE_THICKNESS + 2 * RULE_FUZZ)
    height = dark.shape[0]
    cleared: list[np.ndarray] = []
    for y in np.flatnonzero(thin.sum(axis=1) >= RULE_SEED):
        top, bottom = max(0, y - RULE_FUZZ), min(height, y + RULE_FUZZ + 1)
        for s, e in _line_spans(thin[y], tall[top:bottom].any(axis=0)):
            cleared.append(labels[y, s:e][thin[y, s:e]])
    if not cleared:
        return image, 0
    out = pixels.copy()
    out[np.isin(labels, np.unique(np.concatenate(cleared)))] = 255
    return PILImage.fromarray(out), len(cleared)
