"""Printed e-mail headers read back: the styles agencies print, and records that are not e-mail."""

from __future__ import annotations

from uncover.analyze.printed_headers import find_blocks, top_block

OUTLOOK = """UNCLASSIFIED
U.S. Department of State
Case No. F-2015-04841
Doc No. C05739663
Date: 05/13/2015
RELEASE IN PART
B5
From: Sullivan, Jacob J <SullivanJJ@state.gov>
Sent: Wednesday, October 10, 2012 7:55 PM
To: B6
Cc: Abedin, Huma; Hanley, Monica R;
Reines, Philippe I
Subject: FW: Speech draft for Friday at CSIS
Attachments: HRC @ CSIS - v4.docx
Sorry we were a couple hours late!
-----Original Message-----
From: Schwerin, Daniel B [mailto:SchwerinDB@state.gov]
Sent: Wednesday, October 10, 2012 7:51 PM
To: Sullivan, Jacob J
Subject: Speech draft for Friday at CSIS
Madam Secretary, here is our latest draft.
"""


def test_outlook_header_fields_and_withheld_values():
    top = top_block(OUTLOOK)
    assert top is not None and top.style == "outlook"
    assert top.sender == "Sullivan, Jacob J <SullivanJJ@state.gov>"
    assert top.date.iso == "2012-10-10T19:55:00"
    assert top.subject == "FW: Speech draft for Friday at CSIS"
    assert top.names("cc") == "Abedin, Huma; Hanley, Monica R; Reines, Philippe I"  # a wrapped Cc line
    assert top.fields["attachments"] == "HRC @ CSIS - v4.docx"
    assert top.withheld == {"to": "B6"} and top.names("to") is None  # a redaction code is not a recipient
    quoted = find_blocks(OUTLOOK)[1]
    assert quoted.separator and quoted.sender == "Schwerin, Daniel B <SchwerinDB@state.gov>"  # [mailto:] read


# Outlook's printed table as a PDF text layer returns it: labels, then values, the empty To: left out
COLUMNS = """RELEASE IN PART B6
From:
Sent:
To:
Subject:
Attachments:
Pls print.
H <hrod17@clintonemail.com>
Friday, March 11, 2011 1:36 PM
Fw: H: Latest: How Syria is aiding Qaddafi and more... Sid
hrc memo syria aiding libya 030311.docx
More to follow.
"""


def test_column_values_are_placed_by_their_look():
    top = top_block(COLUMNS)
    assert top is not None and top.style == "columns"
    assert top.sender == "H <hrod17@clintonemail.com>"
    assert top.date.iso == "2011-03-11T13:36:00"
    assert top.names("to") is None  # no recipient line printed: nothing shifts into To
    assert top.subject == "Fw: H: Latest: How Syria is aiding Qaddafi and more... Sid"
    assert top.fields["attachments"] == "hrc memo syria aiding libya 030311.docx"


def test_ocr_damaged_labels_inside_a_block():
    text = ("From Marshall, Capricia P <MarshallCP@state.gov>\nSant: Friday, September 14, 2012 5:18 PM\n"
            "Tut: Mills, Cheryl D\nSubjoct Re: You do great work\nGreat teamwork -- great leadership!\n")
    top = top_block(text)
    assert top is not None
    assert top.sender == "Marshall, Capricia P <MarshallCP@state.gov>"
    assert top.date.iso == "2012-09-14T17:18:00"
    assert top.subject == "Re: You do great work"


def test_blackberry_block_and_wrapped_subject():
    text = ("From: H <hrod17@clintonemail.com>\nSent: Wednesday, September 23, 2009 10:02 AM\nTo: 'millscd@state.gov'\n"
            "Subject: Re: Here is the draft agenda per our discussion\nWhere is Steinberg?\n    Original Message\n"
            "From: Mills, Cheryl D <MillsCD@state.gov>\nTo: H\nCc: Abedin, Huma <AbedinH@state.gov>\n"
            "Sent: Wed Sep 23 09:59:07 2009\nSubject: Here is the draft agenda per our discussion\nTake a look\n")
    blocks = find_blocks(text)
    assert [b.date.iso for b in blocks] == ["2009-09-23T10:02:00", "2009-09-23T09:59:07"]
    assert blocks[1].labels == ["from", "to", "cc", "sent", "subject"] and blocks[1].separator


def test_lotus_notes_headers_without_from():
    text = """Please see below.
---------------------- Forwarded by Robert Cotten/HOU/ECT on 10/13/2000 01:15 PM ---------------------------
Aimee Lannou   10/13/2000 11:26 AM

To: Daren J Farmer/HOU/ECT@ECT
cc: Robert Cotten/HOU/ECT@ECT
Subject: Re: Meter 9707

Vance, did you find out anything?

"George Richards" <cbpres@austin.rr.com> on 10/03/2000 06:35:56 AM
Please respond to cbpres@austin.rr.com
To: "Phillip Allen" <pallen@enron.com>
cc: "Larry Lewter" <retwell@mail.sanmarcos.net>
Subject: Westgate

Richard Burchfield
10/06/2000 08:59 AM
To: Phillip K Allen/HOU/ECT@ECT
cc: Beth Perlman/HOU/ECT@ECT
Subject: Consolidated positions
"""
    blocks = find_blocks(text)
    assert [b.style for b in blocks] == ["lotus", "lotus", "lotus"]
    assert [b.sender for b in blocks] == ["Aimee Lannou", "George Richards <cbpres@austin.rr.com>", "Richard Burchfield"]
    # 10/13/2000 settles the document's order (month first), so 10/03 and 10/06 are read too
    assert [b.date.iso for b in blocks] == ["2000-10-13T11:26:00", "2000-10-03T06:35:56", "2000-10-06T08:59:00"]
    assert blocks[0].names("to") == "Daren J Farmer/HOU/ECT@ECT" and blocks[0].subject == "Re: Meter 9707"


def test_lotus_date_without_a_cue_stays_undated():
    text = "Richard Burchfield\n10/06/2000 08:59 AM\nTo: Phillip K Allen/HOU/ECT@ECT\ncc:\nSubject: Positions\n"
    (block,) = find_blocks(text)
    assert block.sender == "Richard Burchfield" and block.date.iso is None and block.date.ambiguous


def test_cover_memo_at_the_top():
    text = """U.S. Department of Justice
Federal Bureau of Investigation

MEMORANDUM

TO:      Chief, Records Management Division
FROM:    Assistant Director, Office of Public Affairs
DATE:    April 2, 2009
RE:      Release of records to the requester
The enclosed records are released in part.
"""
    top = top_block(text)
    assert top is not None and top.style == "memo"
    assert top.sender == "Assistant Director, Office of Public Affairs"
    assert top.date.iso == "2009-04-02" and top.subject == "Release of records to the requester"


def test_body_text_and_forms_are_not_headers():
    prose = ("From the start we asked for the records.\nTo be clear, nothing was sent.\n"
             "Subject to the court's order, the agency will produce them.\nDate of birth: unknown\n")
    assert find_blocks(prose) == []
    form = "Travel request\nFrom: Washington\nTo: Paris\nPurpose: conference\n"
    assert top_block(form) is None  # no date, no subject: a form, not a header
    letter = ("Dear Ms. Smith:\nThis responds to your request of March 3.\nRE: FOIA Request No. 2019-0042\n"
              "Date: 04/05/2019\nSincerely,\n")
    assert find_blocks(letter) == []


def test_a_quoted_header_is_never_the_documents_own():
    body = "Thanks, will do.\n\n-----Original Message-----\nFrom: Ann\nSent: Monday, May 4, 2009 2:38 PM\nTo: Bob\nSubject: Hi\n"
    assert top_block(body) is None
    text_first = ("From: Mills, Cheryl D [mailto:MillsCD@state.gov]\nSent: Friday, November 23, 2012 06:24 PM\nTo: H\n"
                  "Subject: Re: Monday\nRELEASE IN PART B5\nFrom: H <hrod17@clintonemail.com>\n"
                  "Sent: Friday, November 23, 2012 7:35 PM\nTo: 'millscd@state.gov'\nSubject: Re: Monday\nCopying Lana.\n")
    top = top_block(text_first)  # a text layer out of reading order: the quoted header came first
    assert top is not None and top.sender == "H <hrod17@clintonemail.com>" and top.date.iso == "2012-11-23T19:35:00"
