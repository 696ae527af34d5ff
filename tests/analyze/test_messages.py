"""Recovered metadata goes into the document's columns by rules a user can rely on."""

from __future__ import annotations

from uncover.analyze.messages import apply_reading, read_message
from uncover.model import Document, DocumentKind

PRINTED = """From: Sullivan, Jacob J <SullivanJJ@state.gov>
Sent: Tuesday, March 29, 2011 10:41 PM
To: H
Subject: Fw: Libyan
Fyi
-----Original Message-----
From: Gordon, Philip H
Sent: Tuesday, March 29, 2011 05:36 PM
To: Sullivan, Jacob J
Subject: Re: Libyan
Turkey now says the issue is more complicated.
"""


def pdf_document(**fields) -> Document:
    metadata = {"mime": "application/pdf", "created": "2015-05-14T15:56:16-05:00", "modified": "2015-05-14T15:56:16-05:00"}
    metadata.update(fields.pop("metadata", {}))
    values = {"date": metadata["created"]} | fields
    return Document(id=1, production_id=1, kind=DocumentKind.EDOC, filename="C05739608.pdf", path="C05739608.pdf",
                    sha256="x", md5="y", size=1, metadata=metadata, **values)


def test_printed_header_replaces_the_pdfs_creation_date_and_keeps_it_in_metadata():
    doc = pdf_document()
    reading = read_message([PRINTED])
    assert apply_reading(doc, reading)
    assert (doc.date, doc.sender, doc.recipients, doc.subject) == (
        "2011-03-29T22:41:00", "Sullivan, Jacob J <SullivanJJ@state.gov>", "H", "Fw: Libyan")
    assert doc.metadata["created"] == "2015-05-14T15:56:16-05:00"  # the file's own date, under its own name
    date = next(d for d in reading.derived if d.field == "date")
    assert date.applied and date.source == "printed-header" and date.page == 1
    assert "replaces the file's own creation date" in date.note
    assert doc.heading == "Fw: Libyan" and doc.day == "2011-03-29"


def test_load_file_values_win_and_gaps_are_filled():
    doc = pdf_document(subject="LIBYAN (as produced)", raw_fields={"SUBJECT": "LIBYAN (as produced)"}, date=None)
    reading = read_message([PRINTED])
    apply_reading(doc, reading)
    assert doc.subject == "LIBYAN (as produced)"  # the load file's value stays
    assert doc.date == "2011-03-29T22:41:00" and doc.sender.startswith("Sullivan")  # its empty fields are filled
    subject = next(d for d in reading.derived if d.field == "subject")
    assert not subject.applied and "load file" in subject.note


def test_a_native_emails_header_is_its_own_truth():
    doc = Document(id=2, production_id=1, kind=DocumentKind.EMAIL, filename="m.eml", path="m.eml", sha256="s", md5="m",
                   size=1, subject="Budget", sender="ann@agency.gov", date="2011-01-01T10:00:00+00:00")
    text = "From: ann@agency.gov\nDate: Sat, 1 Jan 2011 10:00:00 +0000\nSubject: Budget\n\nNumbers attached.\n\n" \
           "On Fri, Dec 31, 2010 at 9:00 AM, Bob <bob@agency.gov> wrote:\n> Send the numbers.\n"
    reading = read_message([text], derive=False)
    assert not apply_reading(doc, reading) and reading.derived == []
    assert [s.kind for s in reading.segments] == ["own", "quoted"]
    assert reading.segments[1].sender == "Bob <bob@agency.gov>" and reading.own == "Numbers attached."


def test_an_unreadable_sent_line_leaves_the_record_undated_never_dated_from_the_file():
    doc = pdf_document()
    text = "From: H <hrod17@clintonemail.com>\nSent: nursciay, January ub, 2012 1Z:Zfa PM\nTo: H\nSubject: Re: Plans\nOk.\n"
    reading = read_message([text])
    apply_reading(doc, reading)
    assert doc.date is None
    assert any("left undated" in w for w in doc.warnings)


def test_an_ambiguous_date_is_a_warning_not_a_guess():
    doc = pdf_document()
    text = "Richard Burchfield\n03/04/2011 08:59 AM\nTo: Phillip K Allen/HOU/ECT@ECT\ncc:\nSubject: Positions\nSee below.\n"
    reading = read_message([text])
    apply_reading(doc, reading)
    assert doc.sender == "Richard Burchfield" and doc.date is None
    assert any("could be March 4 or April 3" in w for w in doc.warnings)


def test_reading_again_replaces_or_restores_what_an_earlier_reading_set():
    doc = pdf_document(metadata={"subject": "Scanned by OmniPage"}, subject="Scanned by OmniPage")
    first = read_message([PRINTED])
    apply_reading(doc, first)
    previous = {"subject": doc.subject, "date": doc.date, "sender": doc.sender, "recipients": doc.recipients}
    apply_reading(doc, read_message(["A memo with no header at all.\n"]), previous)
    assert doc.subject == "Scanned by OmniPage" and doc.date == "2015-05-14T15:56:16-05:00"
    assert doc.sender is None and doc.recipients is None


def test_segments_of_a_printed_chain():
    reading = read_message([PRINTED])
    own, quoted = reading.segments
    assert (own.kind, own.page) == ("own", 1) and reading.own == "Fyi"
    assert (quoted.sender, quoted.date, quoted.subject, quoted.style) == (
        "Gordon, Philip H", "2011-03-29T17:36:00", "Re: Libyan", "outlook")
    assert PRINTED[quoted.start:quoted.end].startswith("-----Original Message-----")
