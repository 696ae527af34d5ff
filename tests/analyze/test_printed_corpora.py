"""Printed headers and own text measured on real records (the figures bench/ prints, held to targets).

State's own index of its release (search_data.json) is the reference for the State PDFs; the
own-text labels are hand-made (bench/labels/segments/README.md says how).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def bench(name: str):
    """A bench module: the tests score exactly the way the bench prints its figures."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_state_pdfs_agree_with_states_own_index(corpora):
    score = bench("printed_headers").score_state(corpora / "foia-clinton-state-pdfs")
    assert score.documents == 168
    assert score.share("date") >= 0.97, score.disagreements
    assert score.share("subject") >= 0.95, score.disagreements
    assert score.share("from") >= 0.95, score.disagreements
    assert score.dated_from_file == []  # never the PDF's creation date where a Sent line is printed


def test_state_ocr_texts_read_in_another_layout(corpora):
    from uncover.analyze.messages import read_message

    files = sorted((corpora / "foia-clinton-state-text").rglob("*.txt"))
    assert len(files) > 2000
    headers = dated = undated_without_warning = 0
    for path in files:
        reading = read_message(path.read_text("utf-8", errors="replace").split("\f"))
        if reading.header:
            headers += 1
            dated += any(d.field == "date" and d.value for d in reading.derived)
            if reading.sent_printed and not any(d.field == "date" for d in reading.derived) and not reading.warnings:
                undated_without_warning += 1
    assert headers / len(files) >= 0.95  # the rest are attachments printed on their own (speeches, papers)
    assert dated / headers >= 0.99
    assert undated_without_warning == 0  # an unreadable Sent line always says so


def test_records_that_are_not_email_get_no_invented_sender_or_date(corpora):
    counts, found = bench("printed_headers").not_email_findings(corpora)
    assert counts["documents"] > 700
    with_metadata = {name for name, _, fields in found if "sender" in fields or "date" in fields}
    # the one hit is a real e-mail printed to PDF (a police department's released e-mails)
    assert with_metadata <= {"foia-muckrock-responsive-docs/Cobwebs/Boston_PD_Cobwebs_Emails__Redacted_.pdf"}


def test_own_text_against_hand_labels(corpora):
    sets = bench("segments").score_all(corpora)
    total = bench("segments").Tally()
    for tally in sets.values():
        total.add(tally)
    assert total.messages >= 100
    assert total.precision >= 0.95 and total.recall >= 0.95, total.errors
    for name, tally in sets.items():
        assert tally.precision >= 0.9 and tally.recall >= 0.9, (name, tally.errors)
