"""Papers a lawyer signs or files (the deficiency letter, the Vaughn index) from one Markdown text,
to Word (python-docx) and to PDF (WeasyPrint), so the two formats say the same thing.

The Markdown is the small subset the templates use: `#`..`###` headings, paragraphs with **bold**,
`- ` bullets, `1. ` numbered items, `|` tables (the first row is the header), a line `---` for a page
break, and a line holding only `\\` for an empty line (an address block). Templates are files users
edit, so anything else is kept as plain text rather than rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CSS = """
@page { size: %(size)s; margin: 2.2cm 2.4cm; @bottom-center { content: "Page " counter(page) " of " counter(pages);
        font-size: 9pt; } }
body { font-family: "DejaVu Serif", "Times New Roman", serif; font-size: 11pt; line-height: 1.4; }
h1 { font-size: 15pt; text-align: center; } h2 { font-size: 12.5pt; } h3 { font-size: 11.5pt; }
table { border-collapse: collapse; width: 100%%; font-size: %(table_font)s; }
th, td { border: 0.6pt solid #444; padding: 3pt 4pt; vertical-align: top; text-align: left; }
th { background: #e8e8e8; } thead { display: table-header-group; } tr { page-break-inside: avoid; }
.pagebreak { page-break-after: always; }
"""


@dataclass
class Block:
    kind: str  # heading, paragraph, bullet, number, table, break, blank
    text: str = ""
    level: int = 0
    rows: list[list[str]] | None = None


_TABLE_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$")


def parse_blocks(markdown: str) -> list[Block]:
    lines = markdown.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not _TABLE_RULE.match(lines[i].strip()):
                    cells = re.split(r"(?<!\\)\|", lines[i].strip())[1:-1]
                    rows.append([c.strip().replace("\\|", "|") for c in cells])
                i += 1
            blocks.append(Block("table", rows=rows))
            continue
        heading = re.match(r"^(#{1,3}) (.*)$", line)
        numbered = re.match(r"^(\d+)\. (.*)$", line)
        if heading:
            blocks.append(Block("heading", heading[2], len(heading[1])))
        elif line.strip() == "---":
            blocks.append(Block("break"))
        elif line.strip() == "\\":
            blocks.append(Block("blank"))
        elif line.startswith("- "):
            blocks.append(Block("bullet", line[2:]))
        elif numbered:
            blocks.append(Block("number", numbered[2], int(numbered[1])))
        elif line.strip():
            # consecutive lines form one paragraph; a line ending in two spaces breaks the line there
            held = [lines[i]]
            while i + 1 < len(lines) and lines[i + 1].strip() and not _starts_block(lines[i + 1]):
                i += 1
                held.append(lines[i])
            text = held[0].strip()
            for before, after in zip(held, held[1:], strict=False):
                text += ("\n" if before.endswith("  ") else " ") + after.strip()
            blocks.append(Block("paragraph", text))
        i += 1
    return blocks


def _starts_block(line: str) -> bool:
    return bool(re.match(r"^(#{1,3} |\||- |\d+\. |---\s*$|\\\s*$)", line))


def _runs(text: str) -> list[tuple[str, bool]]:
    return [(part, j % 2 == 1) for j, part in enumerate(re.split(r"\*\*", text)) if part]


# -- Word -------------------------------------------------------------------------------------------
def write_docx(markdown: str, path: Path, landscape: bool = False, widths: list[float] | None = None) -> Path:
    """The Markdown as a Word document: real headings, numbered items, tables with a repeating header row."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK
    from docx.shared import Inches, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Inches(0.8 if landscape else 1.0))
    for block in parse_blocks(markdown):
        if block.kind == "heading":
            heading = doc.add_heading(block.text, level=block.level)
            if block.level == 1:
                heading.alignment = 1  # centred, as a caption
        elif block.kind == "paragraph":
            paragraph = doc.add_paragraph()
            for k, line in enumerate(block.text.split("\n")):
                if k:
                    paragraph.add_run().add_break()
                for text, bold in _runs(line):
                    paragraph.add_run(text).bold = bold
        elif block.kind == "bullet":
            _styled(doc, "List Bullet", block.text)
        elif block.kind == "number":
            # the number written out: Word's own list numbering runs on across sections of the letter
            paragraph = _styled(doc, "Normal", f"{block.level}.\t{block.text}")
            paragraph.paragraph_format.left_indent = Inches(0.4)
            paragraph.paragraph_format.first_line_indent = Inches(-0.4)
            paragraph.paragraph_format.space_after = Pt(6)
        elif block.kind == "break":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif block.kind == "blank":
            doc.add_paragraph()
        elif block.kind == "table" and block.rows:
            _table(doc, block.rows, widths, Pt(9 if landscape else 10))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _styled(doc: Any, style: str, text: str) -> Any:
    paragraph = doc.add_paragraph(style=style)
    for part, bold in _runs(text):
        paragraph.add_run(part).bold = bold
    return paragraph


def _table(doc: Any, rows: list[list[str]], widths: list[float] | None, size: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Inches

    columns = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=columns)
    table.style = "Table Grid"
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)  # the header row repeats on every page, as a filed index needs
    for r, row in enumerate(rows):
        for c in range(columns):
            cell = table.cell(r, c)
            cell.text = ""
            paragraph = cell.paragraphs[0]
            for part, bold in _runs(row[c] if c < len(row) else ""):
                run = paragraph.add_run(part)
                run.bold = bold or r == 0
                run.font.size = size
            if widths and c < len(widths):
                cell.width = Inches(widths[c])


# -- PDF --------------------------------------------------------------------------------------------
def to_html(markdown: str, title: str) -> str:
    from html import escape

    parts = []
    for block in parse_blocks(markdown):
        if block.kind == "heading":
            parts.append(f"<h{block.level}>{_inline(block.text)}</h{block.level}>")
        elif block.kind == "paragraph":
            parts.append("<p>" + "<br>".join(_inline(line) for line in block.text.split("\n")) + "</p>")
        elif block.kind == "bullet":
            parts.append(f"<ul><li>{_inline(block.text)}</li></ul>")
        elif block.kind == "number":
            parts.append(f'<ol start="{block.level}"><li>{_inline(block.text)}</li></ol>')
        elif block.kind == "break":
            parts.append('<div class="pagebreak"></div>')
        elif block.kind == "blank":
            parts.append("<p>&nbsp;</p>")
        elif block.kind == "table" and block.rows:
            head = "".join(f"<th>{_inline(c)}</th>" for c in block.rows[0])
            body = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in block.rows[1:])
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body>{''.join(parts)}</body></html>")


def _inline(text: str) -> str:
    from html import escape

    return "".join(f"<strong>{escape(t)}</strong>" if bold else escape(t) for t, bold in _runs(text))


def write_pdf(markdown: str, path: Path, title: str, landscape: bool = False) -> Path:
    """The same Markdown as a PDF through WeasyPrint; nothing is fetched from disk or network."""
    from weasyprint import CSS as WeasyCSS
    from weasyprint import HTML

    css = CSS % {"size": "letter landscape" if landscape else "letter", "table_font": "8.5pt" if landscape else "9.5pt"}
    path.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=to_html(markdown, title), url_fetcher=_no_fetch).write_pdf(path, stylesheets=[WeasyCSS(string=css)])
    return path


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"papers fetch nothing ({url})")


def md_cell(text: object) -> str:
    """A value made safe for a Markdown table cell."""
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ").replace("**", "")
