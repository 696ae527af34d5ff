"""The papers a lawyer signs or files, rendered to PDF and read back page by page: no internal id,
rule name, placeholder or shortened list anywhere; the Bates numbers and exemptions expected there."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from state_volgen import seed

from uncover.check.checker import check_production
from uncover.check.letter import write_letter
from uncover.ingest.volume import ingest_volume

SETTINGS = '''name = "leopold"
caption = "Leopold v. U.S. Department of State, No. 15-cv-123 (D.D.C.)"
requesting_party = "Jason Leopold"
producing_party = "U.S. Department of State"

[letter]
signer = "Jane Doe"
signer_title = "Counsel for Plaintiff"
firm = "Example Law LLP"
address = ["1 Main Street", "Washington, DC 20001"]
email = "jdoe@example.org"
addressee = ["John Roe, Assistant United States Attorney", "601 D Street NW", "Washington, DC 20530"]
'''
INTERNAL_ID = re.compile(r"\bDOC-\d+")
PLACEHOLDER = re.compile(r"\[[^\]]{0,60}\]|\bTODO\b|\bNone\b|\$[a-z_]+|\{[a-z_]+\}|\(s\)")
RULE_ID = re.compile(r"\b(?:bates|fields|images|text|natives|families|dates|loadfile|merged|withholdings)\.[a-z][a-z-]+")
TRUNCATION = re.compile(r"\.\.\.|…|\band \d+ more\b|\bmore not listed\b")


def pdf_pages(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        # pdfium marks a hyphen where a line broke inside a word with U+FFFE
        return [pdf[i].get_textpage().get_text_range().replace("\ufffe", "-") for i in range(len(pdf))]
    finally:
        pdf.close()


def assert_clean(pages: list[str], rule_ids: set[str]) -> None:
    for number, text in enumerate(pages, 1):
        assert not INTERNAL_ID.search(text), (number, INTERNAL_ID.search(text))
        assert not PLACEHOLDER.search(text), (number, PLACEHOLDER.search(text))
        assert not TRUNCATION.search(text), (number, TRUNCATION.search(text))
        assert not RULE_ID.search(text), (number, RULE_ID.search(text))
        for rule in rule_ids:
            assert rule not in text, (number, rule)


def test_letter_pdf_reads_clean(case, corpora: Path, tmp_path: Path) -> None:
    from uncover import Case

    (case.root / "uncover.toml").write_text(SETTINGS, "utf-8")
    opened = Case.open(case.root)
    seed(corpora, tmp_path / "VOL001", "stale-textpath")
    ingest_volume(opened, tmp_path / "VOL001", production="STATE001", ocr="never")
    with opened.store.transaction():
        opened.store.set_received("STATE001", "2015-05-22")
    report = check_production(opened, "ndlon-2011", "STATE001")
    (path,) = write_letter(opened, report, "pdf", tmp_path / "letter.pdf", today=date(2015, 6, 1))
    pages = pdf_pages(path)
    assert len(pages) >= 2
    assert_clean(pages, {f.rule for f in report.findings})
    flat = re.sub(r"\s+", "", "".join(pages))
    for bates in ("STATE-SCB0045651", "STATE-SCB0045652-STATE-SCB0045653", "STATE-SCB0045654"):
        assert bates in flat
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert "received on May 22, 2015" in text and "withdrew both orders on June 17, 2011" in text
    assert "by June 15, 2015" in text and "Jane Doe" in text and "reserves all rights" in text
    opened.close()


def test_vaughn_index_pdf_reads_clean(case, corpora: Path, tmp_path: Path) -> None:
    from uncover.ingest.pipeline import IngestOptions, ingest
    from uncover.report.vaughn import collect, write_index

    drop = tmp_path / "drop"
    drop.mkdir()
    for name in ("C05739634", "C05739783", "C05739808"):
        shutil.copy(corpora / "foia-clinton-state-pdfs" / f"{name}.pdf", drop)
    ingest(case, [drop], IngestOptions(production="F-2015-04841", ocr="never", workers=1, index=False))
    (path,) = write_index(case, "pdf", tmp_path / "vaughn.pdf")
    pages = pdf_pages(path)
    assert_clean(pages, set())
    text = re.sub(r"\s+", " ", " ".join(pages))
    for bates in ("C05739634", "C05739783", "C05739808"):
        assert bates in text
    for exemption in ("(b)(3) CIA PERS/ORG", "(b)(3) INA", "(b)(6)", "(b)(5)", "(b)(7)(E)"):
        assert exemption in text, exemption
    assert "Segregability" in text and "5 U.S.C. § 552(b)(6)" in text
    assert len(collect(case)) == len(re.findall(r"See the justification for", text))
