"""A case holding every analysis the workspace shows, for the analysis pages' tests.

Real State Department PDFs (redaction boxes and b6 codes found by `uncover analyze`), one of them
produced again in a second production (an exact duplicate and a version), and generated records
for the rest: an earlier and a later release of one e-mail (the later reveals three passages and
withholds one more), a memo with a box drawn over text that is still in the text layer (a failed
redaction), two drafts of a memo (near-duplicates), a reply and its original (a thread), and a
schedule with a late production and an overdue one.
"""

from __future__ import annotations

import textwrap
from email.message import EmailMessage
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

SECRET_A = "Ambassador Stevens"
SECRET_B = "call 202-555-0147 after six"
SECRET_C = "the safe house on Fourth Street"
NEW_WITHHOLD = "pending the Libya review"
HEADER = "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05990045 Date: {date}"
BODY = ("I spoke with {a} this morning about the evacuation. Please {b} if the line is down. "
        "The team will move to {c} tonight and report back. We will brief the Hill {w} on Friday. "
        "Thanks for all of your help.")
LEAKED = "The informant zqxleak4410 met the deputy director near the border crossing."
DRAFT = ("The detainer pilot program expanded to nine counties in the first quarter. Field offices reported that "
         "sheriffs asked whether participation was voluntary, and headquarters answered that the state agreement "
         "governs. The regional counsel recommended a written policy before any public statement is made about "
         "opting out of the program, and asked that the talking points be reviewed by the legal division. "
         "The budget office estimated the cost of the expansion at four million dollars for the fiscal year, most of "
         "it for fingerprint transmission and staff overtime in the receiving field offices, and noted that the "
         "figures would be revisited after the second quarter once the county data had been reconciled.")


def _pdf(path: Path, lines: list[str], box: tuple[float, float, float, float] | None = None) -> Path:
    c = canvas.Canvas(str(path), pagesize=letter)
    title = lines[0] if not lines[0].startswith("UNCLASSIFIED") else "Evacuation call"
    c.setTitle(title)
    c.setSubject(title)
    y = 740.0
    for line in lines:
        for part in textwrap.wrap(line, 95):
            c.drawString(54, y, part)
            y -= 16
    if box is not None:  # drawn after the text: the words stay in the text layer beneath it
        c.setFillColorRGB(0, 0, 0)
        c.rect(*box, stroke=0, fill=1)
    c.showPage()
    c.save()
    return path


def _mail(path: Path, subject: str, sender: str, to: str, date: str, msgid: str, body: str, reply_to: str | None = None) -> Path:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Date"], msg["Message-ID"] = sender, to, subject, date, msgid
    if reply_to:
        msg["In-Reply-To"] = reply_to
        msg["References"] = reply_to
    msg.set_content(body)
    path.write_bytes(bytes(msg))
    return path


def build(corpora: Path, work: Path) -> Path:
    from uncover import Case
    from uncover.analyze.casepasses import run_duplicate_passes
    from uncover.analyze.messages import analyze_messages
    from uncover.analyze.withholdings import analyze_documents
    from uncover.ingest.pipeline import IngestOptions, ingest

    state = corpora / "foia-clinton-state-pdfs"
    first, second = work / "vol1", work / "vol2"
    first.mkdir()
    second.mkdir()
    _pdf(first / "release-may.pdf", [HEADER.format(date="05/14/2015"), "RELEASE IN PART B6,B7(C)",
                                      BODY.format(a="[REDACTED]", b="(b)(6)", c="B7(C)", w=NEW_WITHHOLD)])
    _pdf(second / "release-august.pdf", [HEADER.format(date="08/31/2015"), "RELEASE IN PART B5",
                                         BODY.format(a=SECRET_A, b=SECRET_B, c=SECRET_C, w="B5")])
    _pdf(first / "informant-memo.pdf", ["MEMORANDUM", LEAKED, "Nothing else of note."], box=(140, 716, 120, 16))
    _pdf(first / "pilot-draft-1.pdf", ["DRAFT MEMORANDUM", DRAFT])
    _pdf(first / "pilot-draft-2.pdf", ["DRAFT MEMORANDUM", DRAFT.replace("nine counties", "eleven counties")])
    _mail(first / "question.eml", "Opt out question from Arlington", "Alice Ramos <alice@agency.example>",
          "Ben Ortiz <ben@agency.example>", "Wed, 05 Jan 2011 09:12:00 -0500", "<q-1@agency.example>",
          "Ben,\n\nArlington asked again whether they may opt out.\n\nAlice")
    _mail(first / "answer.eml", "RE: Opt out question from Arlington", "Ben Ortiz <ben@agency.example>",
          "Alice Ramos <alice@agency.example>", "Wed, 05 Jan 2011 11:40:00 -0500", "<q-2@agency.example>",
          "Alice,\n\nPlease do not put opt out in writing until the memo is final.\n\nBen", reply_to="<q-1@agency.example>")
    root = work / "case"
    with Case.init(root, name="Analysis test case") as case:
        ingest(case, [state / f"{n}.pdf" for n in ("C05739547", "C05739554", "C05739559")] + sorted(first.iterdir()),
               IngestOptions(ocr="never", workers=1, production="STATE-VOL01", received="2011-01-20"))
        ingest(case, [state / "C05739554.pdf", second / "release-august.pdf"],
               IngestOptions(ocr="never", workers=1, production="STATE-VOL02", received="2011-03-01"))
        analyze_documents(case)
        analyze_messages(case)
        run_duplicate_passes(case)
    settings = root / "uncover.toml"
    text = settings.read_text().replace('requesting_party = ""', 'requesting_party = "Jason Leopold"')
    settings.write_text(text + '\n[[schedule]]\nproduction = "STATE-VOL01"\ndue = 2011-01-17\n\n'
                        '[[schedule]]\nproduction = "STATE-VOL03"\ndue = 2011-02-25\n\n'
                        '[letter]\nsigner = "Jane Doe"\nfirm = "Example Law LLP"\n')
    return root
