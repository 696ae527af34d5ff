"""The deficiency letter: Markdown and DOCX from one template the user may edit.

The template (`check/templates/deficiency_letter.md`, or the case's own `deficiency_letter.md` in the
case folder) is Markdown with `$placeholders` filled from uncover.toml (caption, requesting_party,
producing_party) and the check report. Two placeholders stand alone on their line and expand to
blocks: `$summary_table` and `$deficiencies`. The DOCX is built from the same filled template, so
the two formats say the same thing; the text is a draft for counsel to edit.
"""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from .checker import CheckReport
from .findings import DEFICIENCY, WARNING, Finding

TEMPLATE = "deficiency_letter.md"
SUMMARY_COLUMNS = ("No.", "Deficiency", "Rule", "Count", "Bates numbers")


def letter_findings(report: CheckReport) -> list[Finding]:
    """What a letter lists: deficiencies, then warnings (info and not-checked stay in the report)."""
    return [f for f in report.findings if f.severity == DEFICIENCY] + \
        [f for f in report.findings if f.severity == WARNING]


def template_text(case: Any) -> str:
    own = Path(case.root) / TEMPLATE
    if own.is_file():
        return own.read_text("utf-8")
    return resources.files("uncover.check.templates").joinpath(TEMPLATE).read_text("utf-8")


def _values(case: Any, report: CheckReport) -> dict[str, str]:
    s = case.settings
    return {"case": s.name, "caption": s.caption or s.name, "requesting_party": s.requesting_party or "[requesting party]",
            "producing_party": s.producing_party or "[producing party]", "production": report.production,
            "received": (report.received_at or "[date received]")[:10], "spec": report.spec,
            "spec_title": report.spec_title, "date": date.today().strftime("%B %d, %Y").replace(" 0", " "),
            "documents": str(report.documents)}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_letter(case: Any, report: CheckReport) -> str:
    findings = letter_findings(report)
    lines = []
    for line in template_text(case).splitlines():
        key = line.strip()
        if key == "$summary_table":
            lines.append("| " + " | ".join(SUMMARY_COLUMNS) + " |")
            lines.append("|" + "---|" * len(SUMMARY_COLUMNS))
            for i, f in enumerate(findings, 1):
                lines.append(f"| {i} | {_cell(f.title)} | {f.rule} | {f.count} {f.unit if f.count != 1 else f.unit.rstrip('s')} | {_cell(_short(f))} |")
            if not findings:
                lines.append("| | No deficiency found | | | |")
        elif key == "$deficiencies":
            for i, f in enumerate(findings, 1):
                lines += [f"### {i}. {f.title}", "", f.explanation, "", f"**Rule:** {f.rule} ({f.severity})  ",
                          f"**Affected:** {f.bates_summary}", ""]
                lines += [f"- {d}" for d in f.details[:20]]
                if f.details:
                    lines.append("")
            if not findings:
                lines.append("No deficiency was found.")
        else:
            lines.append(Template(line).safe_substitute(_values(case, report)))
    return "\n".join(lines).rstrip() + "\n"


def _short(f: Finding, limit: int = 6) -> str:
    shown = f.bates[:limit]
    more = len(f.bates) - len(shown) + f.bates_truncated
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def docx_letter(case: Any, report: CheckReport, path: Path) -> Path:
    """The same letter as a Word document: headings, paragraphs, the summary as a real table."""
    from docx import Document

    doc = Document()
    text = markdown_letter(case, report)
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not re.fullmatch(r"\|(---\|)+", lines[i]):
                    rows.append([c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", lines[i])[1:-1]])
                i += 1
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            continue
        heading = re.match(r"^(#{1,3}) (.*)$", line)
        if heading:
            doc.add_heading(heading[2], level=len(heading[1]))
        elif line.startswith("- "):
            doc.add_paragraph(line[2:], style="List Bullet")
        elif line.strip():
            _rich_paragraph(doc, line.rstrip())
        i += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _rich_paragraph(doc: Any, line: str) -> None:
    paragraph = doc.add_paragraph()
    for j, part in enumerate(re.split(r"\*\*", line)):
        if part:
            paragraph.add_run(part).bold = j % 2 == 1


def write_letter(case: Any, report: CheckReport, fmt: str, path: Path) -> Path:
    if fmt == "docx":
        return docx_letter(case, report, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown_letter(case, report), "utf-8")
    return path
