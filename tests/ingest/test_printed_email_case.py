"""State e-mails printed to PDF, ingested as a user would: recovered metadata in every consumer,
provenance beside it, search on recovered values and on the author's own words, threads."""

from __future__ import annotations

import json
import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from uncover.cli import main
from uncover.ingest.pipeline import IngestOptions, ingest
from uncover.search import search
from uncover.store import duplicates as dstore
from uncover.store import messages as mstore

# Sullivan forwards "Libyan" (C05739608); H replies to that forward (C05739617, which quotes it);
# Mills replies with Abedin in Cc (C05739547); Sullivan forwards a speech draft (C05739663)
PDFS = ("C05739608", "C05739617", "C05739547", "C05739663")


@pytest.fixture
def state_case(case, corpora, tmp_path):
    folder = tmp_path / "release"
    folder.mkdir()
    for name in PDFS:
        shutil.copy(corpora / "foia-clinton-state-pdfs" / f"{name}.pdf", folder)
    ingest(case, [folder], IngestOptions(production="State", ocr="never", workers=1))
    return case


def print_pdf(path: Path, lines: list[str]) -> None:
    """An e-mail printed to PDF: its header and body as text on the page, nothing in the file's metadata."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=letter)
    y = 720
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 16
    pdf.save()


def by_file(case, stem: str):
    return next(d for d in case.store.iter_documents() if d.filename == f"{stem}.pdf")


def hits(case, query: str) -> set[str]:
    return {h.label for h in search(case, query, limit=50).hits}


def test_recovered_metadata_is_the_documents_own(state_case):
    doc = by_file(state_case, "C05739608")
    assert doc.date == "2011-03-29T22:41:00"  # not the PDF's creation date (2015-05-14)
    assert doc.metadata["created"].startswith("2015-05-14")
    assert doc.sender.startswith("Sullivan, Jacob") and doc.subject == "Fw: Libyan"
    assert doc.listing == "C05739608 · Fw: Libyan · 2011-03-29"
    fields = {d["field"]: d for d in mstore.derived_fields(state_case.store.conn, doc.id)}
    assert fields["date"]["source"] == "printed-header" and fields["date"]["applied"] and fields["date"]["page"] == 1
    assert "Tuesday, March 29, 2011 10:41 PM" in fields["date"]["note"]


def test_search_reads_recovered_values(state_case):
    assert hits(state_case, "from:sullivan AND date:2011-03-29") == {"C05739608"}
    assert hits(state_case, "subject:libyan") == {"C05739608", "C05739617"}
    assert hits(state_case, "date:2012-10-01..2012-10-31") == {"C05739663"}
    assert hits(state_case, "cc:abedin") == {"C05739547"}  # its printed Cc: line
    assert "C05739663" not in hits(state_case, "from:schwerin")  # the sender of the message it quotes


def test_own_finds_only_what_the_author_wrote(state_case):
    assert "C05739617" in hits(state_case, "gordon")  # in the message it quotes
    assert "C05739617" not in hits(state_case, "own:gordon")
    assert "C05739617" in hits(state_case, "own:phil")  # "Pis [sic, OCR] let me know what Phil finds out asap"
    assert hits(state_case, "own:phil") <= hits(state_case, "phil")


def test_a_printed_reply_threads_with_the_message_it_quotes(state_case):
    reply, forward = by_file(state_case, "C05739617"), by_file(state_case, "C05739608")
    (thread,) = [t for t in dstore.threads(state_case.store) if reply.id in {m["document_id"] for m in t["members"]}]
    members = {m["document_id"]: m for m in thread["members"]}
    assert forward.id in members and members[reply.id]["parent"] == forward.id
    assert thread["basis"] == "quoted"


def test_show_prints_provenance_and_segments(state_case):
    runner = CliRunner()
    result = runner.invoke(main, ["show", str(state_case.root), "C05739617", "--segments"])
    assert result.exit_code == 0, result.output
    assert "printed-header, page 1" in result.output
    assert "own text" in result.output and "quoted message 1 · Sullivan, Jacob J" in result.output
    result = runner.invoke(main, ["show", str(state_case.root), "C05739617", "--segments", "--json"])
    view = json.loads(result.output)
    assert [s["kind"] for s in view["segments"]][:2] == ["own", "quoted"]
    assert view["segments"][0]["text"].strip().startswith("Pis let me know")


def test_analyze_reads_a_case_ingested_before(case, corpora, tmp_path):
    folder = tmp_path / "release"
    folder.mkdir()
    shutil.copy(corpora / "foia-clinton-state-pdfs" / "C05739608.pdf", folder)
    ingest(case, [folder], IngestOptions(production="State", ocr="never", workers=1, analyze=False))
    case.index.close()  # the command below is another writer of the index
    created = case.store.document(1).metadata["created"]
    with case.store.transaction() as conn:  # as an uncover without this reading left it: dated from the PDF
        conn.execute("DELETE FROM message_reading")
        conn.execute("DELETE FROM derived_fields")
        conn.execute("UPDATE documents SET subject = NULL, sender = NULL, recipients = NULL, date = ?", (created,))
    result = CliRunner().invoke(main, ["analyze", str(case.root), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["messages"]["headers"] == 1
    doc = case.store.document(1)
    assert doc.date == "2011-03-29T22:41:00" and doc.subject == "Fw: Libyan"
    assert hits(case, "subject:libyan AND date:2011-03-29") == {"C05739608"}


def test_a_native_reply_and_its_printed_copy_line_up(case, tmp_path):
    """A native e-mail in one production; in another, the printed reply that quotes it."""
    folder = tmp_path / "natives"
    folder.mkdir()
    msg = EmailMessage()
    msg["From"] = "Ann Lee <ann.lee@agency.gov>"
    msg["To"] = "Bob Ray <bob.ray@agency.gov>"
    msg["Subject"] = "Detainer numbers"
    msg["Date"] = "Mon, 17 Jan 2011 09:15:00 -0500"
    msg["Message-ID"] = "<detainers-1@agency.gov>"
    msg.set_content("Please send the detainer numbers for December.")
    (folder / "ann.eml").write_bytes(bytes(msg))
    printed = tmp_path / "printed"
    printed.mkdir()
    print_pdf(printed / "ICE0000042.pdf", [
        "From: Ray, Bob <bob.ray@agency.gov>", "Sent: Monday, January 17, 2011 11:02 AM", "To: Lee, Ann",
        "Subject: RE: Detainer numbers", "Attached are the December figures.", "-----Original Message-----",
        "From: Ann Lee [mailto:ann.lee@agency.gov]", "Sent: Monday, January 17, 2011 9:15 AM", "To: Ray, Bob",
        "Subject: Detainer numbers", "Please send the detainer numbers for December."])
    ingest(case, [folder], IngestOptions(production="natives", ocr="never", workers=1))
    ingest(case, [printed], IngestOptions(production="printed", ocr="never", workers=1))
    docs = {d.filename: d for d in case.store.iter_documents()}
    reply = docs["ICE0000042.pdf"]
    assert reply.sender == "Ray, Bob <bob.ray@agency.gov>" and reply.date == "2011-01-17T11:02:00"
    (thread,) = dstore.threads(case.store)
    members = {m["document_id"]: m for m in thread["members"]}
    assert members[reply.id]["parent"] == docs["ann.eml"].id
