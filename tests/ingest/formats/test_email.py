"""The e-mail readers (EML/EMLX, MBOX, MSG, PST) on the real fixtures in ../shared/corpora.

Expected values come from the source projects' own tests (Apache POI, Tika, imap_tools,
msg-extractor) or from the producer's load file (FreeEed's Enron production), and were checked
against the files before being pinned here.
"""

from __future__ import annotations

import base64
import csv
import email.utils
import hashlib
import multiprocessing
import re
import traceback
from datetime import UTC, datetime
from pathlib import Path

import pytest

from uncover.errors import ExtractionError
from uncover.ingest.formats import eml, mbox, msg, pst
from uncover.ingest.formats.base import Extraction, ReadContext
from uncover.model import DocumentKind, IssueCategory

EMAIL_READERS = (eml.READER, mbox.READER, msg.READER, pst.READER)
EMAIL_EXTENSIONS = (".eml", ".emlx", ".mbox", ".msg", ".pst")
FIXTURE_SETS = ("email-eml-mbox-fixtures", "email-msg-pst-fixtures")
MBOX_FOLDERS = ("tika-mail", "mail-parser", "mbox")  # where extensionless files are whole messages
PER_FILE_TIMEOUT_S = 60


def pick_reader(path: Path):
    """The e-mail reader that claims the file, as `formats.identify` would choose among these."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    scores = [(reader.sniff(head, path.name), reader) for reader in EMAIL_READERS]
    score, reader = max(scores, key=lambda pair: pair[0])
    return reader if score > 0 else None


def read(path: Path, tmp_path: Path) -> Extraction:
    reader = pick_reader(path)
    assert reader is not None, f"no e-mail reader claims {path}"
    return reader.read(path, ReadContext(scratch=tmp_path / "scratch", display_name=path.name))


def read_in_worker(args: tuple[str, str]) -> tuple[str, str, str]:
    """Runs in a child process: ('ok', kind, detail) / ('error', category, message) / ('crash', ...)."""
    path, scratch = Path(args[0]), Path(args[1])
    try:
        reader = pick_reader(path)
        if reader is None:
            return "unclaimed", "", ""
        ex = reader.read(path, ReadContext(scratch=scratch))
        return "ok", str(ex.kind), f"{len(ex.children)} children"
    except ExtractionError as exc:
        return "error", str(exc.category), exc.message
    except BaseException:
        return "crash", "", traceback.format_exc()


def email_fixtures(corpora: Path) -> list[Path]:
    found = []
    for name in FIXTURE_SETS:
        for path in sorted((corpora / name).rglob("*")):
            if not path.is_file():
                continue
            if path.suffix.lower() in EMAIL_EXTENSIONS:
                found.append(path)
            elif not path.suffix and any(part in MBOX_FOLDERS for part in path.parts):
                found.append(path)
    return found


def run_isolated(paths: list[Path], tmp_path: Path) -> dict[Path, tuple[str, str, str]]:
    """Each file in a child process with a timeout, as the pipeline runs readers."""
    results: dict[Path, tuple[str, str, str]] = {}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2, maxtasksperchild=50) as pool:
        pending = [(p, pool.apply_async(read_in_worker, ((str(p), str(tmp_path / f"s{i}")),)))
                   for i, p in enumerate(paths)]
        for path, job in pending:
            try:
                results[path] = job.get(timeout=PER_FILE_TIMEOUT_S)
            except multiprocessing.TimeoutError:
                results[path] = ("timeout", "", "")
        pool.terminate()
    return results


# --- Every fixture: read, or a categorised error; nothing else, no hang ---------------------------


@pytest.mark.slow
def test_every_email_fixture_reads_or_fails_with_a_category(corpora: Path, tmp_path: Path) -> None:
    paths = email_fixtures(corpora)
    assert len(paths) > 200
    results = run_isolated(paths, tmp_path)
    bad = {str(p.relative_to(corpora)): r for p, r in results.items() if r[0] not in ("ok", "error")}
    assert not bad, bad
    errors = {p.name: r[1] for p, r in results.items() if r[0] == "error"}
    # Nothing fails: every broken e-mail in these sets is still readable by a person (PST: tests/ingest/formats/test_pst.py)
    assert errors == {}
    ok = [r for r in results.values() if r[0] == "ok"]
    assert len(ok) == len(paths)
    assert {r[1] for r in ok} == {"email", "archive", "calendar", "other"}


def test_talon_fixtures_read(corpora: Path, tmp_path: Path) -> None:
    talon = corpora / "email-eml-mbox-fixtures" / "talon"
    emails = sorted(talon.rglob("*.eml"))
    assert len(emails) == 13
    for i, path in enumerate(emails):
        ex = eml.READER.read(path, ReadContext(scratch=tmp_path / str(i)))
        assert ex.kind == DocumentKind.EMAIL
        assert ex.metadata["subject"] and ex.metadata["from"], path.name
        assert "\n\n" in ex.pages[0].text


# --- Sniffing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("relative", "reader"), [
    ("email-eml-mbox-fixtures/imap_tools/simple.eml", "eml"),
    ("email-eml-mbox-fixtures/tika-mail/testRFC822", "eml"),  # no extension: header lines
    ("email-eml-mbox-fixtures/aleph-ingest-file/fnf.msg", "eml"),  # an RFC 822 message named .msg
    ("email-eml-mbox-fixtures/aleph-ingest-file/plaintext.emlx", "eml"),
    ("email-eml-mbox-fixtures/imap_tools/attachment_emails/attachment_pdf.eml", "eml"),  # starts "From "
    ("email-eml-mbox-fixtures/tika-mail/simple.mbox", "mbox"),
    ("email-eml-mbox-fixtures/aleph-ingest-file/plan.mbox", "mbox"),
    ("email-msg-pst-fixtures/poi-hsmf/quick.msg", "msg"),
    ("email-eml-mbox-fixtures/mail-parser/mail_outlook_1", "msg"),  # OLE, no extension, MSG streams
    ("email-msg-pst-fixtures/tika-microsoft/testPST.pst", "pst"),
])
def test_sniff_picks_the_right_reader(corpora: Path, relative: str, reader: str) -> None:
    assert pick_reader(corpora / relative).name == reader


def test_office_ole_files_are_not_claimed(corpora: Path) -> None:
    doc = corpora / "email-enron-edrm-freeeed-production/native/00034_2-CA(new dominion).doc"
    assert pick_reader(doc) is None
    assert msg.READER.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "report.xls") == 0


def test_plain_text_starting_with_from_is_not_an_mbox() -> None:
    assert mbox.READER.sniff(b"From the desk of the Director\n\nPlease see below.", "memo.txt") < 0.8
    assert eml.READER.sniff(b"Subject: hi\n\nnot really mail", "note.txt") == 0


# --- MSG: what Apache POI, Tika and msg-extractor assert --------------------------------------------


def test_poi_quick_msg(corpora: Path, tmp_path: Path) -> None:
    ex = read(corpora / "email-msg-pst-fixtures/poi-hsmf/quick.msg", tmp_path)
    assert ex.kind == DocumentKind.EMAIL
    assert ex.metadata["subject"] == "Test the content transformer"
    assert ex.metadata["from"] == "Kevin Roast"  # POI: getDisplayFrom(); the address is an Exchange DN
    assert ex.metadata["to"] == "Kevin Roast <kevin.roast@alfresco.org>"
    assert ex.metadata["date"] == "2007-06-14T09:42:53+00:00"
    assert ex.metadata["message_id"] == "<B17B1CFF4282214AB8BAADDDC20711220E0C025E@THHS2EXBE1X.hostedservice2.net>"
    assert ex.metadata["thread_index"] == "AceuaGFB4uJvfrD9STamisSEgD/gGg=="
    assert ex.pages[0].text.endswith("The quick brown fox jumps over the lazy dog")


def test_poi_7bit_code_pages(corpora: Path, tmp_path: Path) -> None:
    """POI's Test7BitCodepage: files with no PR_MESSAGE_CODEPAGE, strings in the locale's code page."""
    hsmf = corpora / "email-msg-pst-fixtures/poi-hsmf"
    cp1251 = read(hsmf / "ASCII_CP1251_LCID1049.msg", tmp_path / "a")
    assert cp1251.metadata["subject"] == "Subject автоматически Subject"
    assert cp1251.pages[0].text.endswith("Body автоматически Body")
    assert "HTML автоматически" in (cp1251.html_body or "")
    german = read(hsmf / "ASCII_UTF-8_CP1252_LCID1031_HTML.msg", tmp_path / "b")
    assert german.metadata["subject"] == "Subject öäü Subject"
    assert german.pages[0].text.endswith("Body öäü Body")
    assert "HTML öäü" in (german.html_body or "")
    html_only = read(hsmf / "HTMLBodyBinary_CP1251.msg", tmp_path / "c")
    assert html_only.metadata["subject"] == "Subject öäü Subject"
    assert "HTML автоматически" in (html_only.html_body or "")
    assert html_only.pages[0].text.endswith("HTML автоматически")  # body text from the HTML


def test_msg_non_latin_strings(corpora: Path, tmp_path: Path) -> None:
    chinese = read(corpora / "email-msg-pst-fixtures/tika-microsoft/testMSG_chinese.msg", tmp_path / "a")
    assert chinese.metadata["subject"] == "Alfresco MSG format testing ( MSG 格式測試 )"
    assert "張毓倫" in chinese.metadata["from"]
    cyrillic = read(corpora / "email-msg-pst-fixtures/poi-hsmf/cyrillic_message.msg", tmp_path / "b")
    assert cyrillic.metadata["subject"] == 'Автоматический ответ подсистемы обмена данными ФГУП "Почта России".'


def test_msg_extractor_unicode_attachments_match_expected_outputs(corpora: Path, tmp_path: Path) -> None:
    folder = corpora / "email-msg-pst-fixtures/msg-extractor"
    ex = read(folder / "unicode.msg", tmp_path)
    assert ex.metadata["subject"] == "Test for TIF files"
    assert ex.metadata["from"] == "Brian Zhou <brizhou@gmail.com>"
    assert ex.metadata["to"] == "brianzhou@me.com"
    assert "This is a test email to experiment with the MS Outlook MSG Extractor" in ex.pages[0].text
    expected = folder / "expected-outputs" / "2013-11-18_0026 Test for TIF files"
    assert sorted(c.name for c in ex.children) == ["import OleFileIO.tif", "raised value error.tif"]
    for child in ex.children:
        assert child.path.read_bytes() == (expected / child.name).read_bytes()


def test_msg_attachments_and_embedded_message(corpora: Path, tmp_path: Path) -> None:
    ex = read(corpora / "email-msg-pst-fixtures/tika-microsoft/testMSG_att_msg.msg", tmp_path)
    assert ex.metadata["subject"] == "test email"
    names = [c.name for c in ex.children]
    assert names == ["Test Attachment.eml", "smbprn.00009008.KdcPjl.pdf"]
    assert ex.children[1].path.read_bytes().startswith(b"%PDF")
    assert "Attachments: Test Attachment.eml; smbprn.00009008.KdcPjl.pdf" in ex.pages[0].text
    # the attached Outlook item is written out as an .eml child: the EML reader reads it in turn
    inner = read(ex.children[0].path, tmp_path / "inner")
    assert inner.kind == DocumentKind.EMAIL
    assert inner.metadata["subject"] == "Test Attachment"
    assert inner.metadata["from"] == "Nick Booth <nick.booth@pof.com.au>"

    doc = read(corpora / "email-msg-pst-fixtures/tika-microsoft/testMSG_att_doc.msg", tmp_path / "doc")
    assert doc.metadata["subject"] == "test pièce jointe 1"
    assert [c.name for c in doc.children] == ["test-unicode.doc", "pj1.txt"]


def test_msg_item_classes(corpora: Path, tmp_path: Path) -> None:
    hsmf = corpora / "email-msg-pst-fixtures/poi-hsmf"
    kinds = {name: read(hsmf / f"msgClass{name}.msg", tmp_path / name) for name in
             ("Appointment", "Contact", "Post", "StickyNote", "Task")}
    assert kinds["Appointment"].kind == DocumentKind.CALENDAR
    assert kinds["Appointment"].metadata["subject"] == "Quick brown fox"
    assert kinds["Post"].kind == DocumentKind.EMAIL
    assert {kinds[n].kind for n in ("Contact", "StickyNote", "Task")} == {DocumentKind.OTHER}
    assert kinds["Task"].metadata["subject"] == "Must jump over the lazy dog"


# Apache POI's hsmf tests (TestFileWithAttachmentsRead, TestBasics, TestExtractorFactory) and Tika's
# OutlookParserTest: attachments (name and size where stated) and recipients
@pytest.mark.parametrize(("relative", "attachments", "recipients"), [
    ("poi-hsmf/attachment_test_msg.msg", [("test-unicode.doc", 24064), ("pj1.txt", 89)], 1),
    ("poi-hsmf/attachment_msg_pdf.msg", 2, None),
    ("poi-hsmf/quick.msg", [], 1),
    ("poi-hsmf/simple_test_msg.msg", [], 1),
    ("poi-hsmf/outlook_30_msg.msg", [], 18),
    ("poi-hsmf/cyrillic_message.msg", 0, 2),
    ("tika-microsoft/testMSG_att_doc.msg", [("test-unicode.doc", 24064), ("pj1.txt", 89)], None),
    ("tika-microsoft/testMSG_att_msg.msg", 2, None),
])
def test_msg_attachment_and_recipient_counts(corpora: Path, tmp_path: Path, relative: str,
                                             attachments: list[tuple[str, int]] | int, recipients: int | None) -> None:
    ex = read(corpora / "email-msg-pst-fixtures" / relative, tmp_path)
    if isinstance(attachments, int):
        assert len(ex.children) + len(ex.lost) == attachments
    else:
        assert [(c.name, c.path.stat().st_size) for c in ex.children] == attachments
    if recipients is not None:
        listed = ", ".join(ex.metadata.get(k, "") for k in ("to", "cc") if ex.metadata.get(k))
        assert len(email.utils.getaddresses([listed])) == recipients


def test_msg_senders_from_exchange_headers_and_sent_items(corpora: Path, tmp_path: Path) -> None:
    hsmf = corpora / "email-msg-pst-fixtures/poi-hsmf"
    # internet headers that open with "Microsoft Mail Internet Headers Version 2.0" (POI's outlook_30_msg)
    old = read(hsmf / "outlook_30_msg.msg", tmp_path / "a")
    assert old.metadata["from"] == '"Cramer, Nick" <nick.cramer@pnl.gov>'
    assert old.metadata["subject"] == "IN-SPIRE servers going down for a bit, back up around 8am"
    # a sent item has no internet headers: the sender's SMTP address property names the sender
    sent = read(hsmf / "example_sent_regular.msg", tmp_path / "b")
    assert sent.metadata["from"] == "Mike Farman <mike.farman@alfresco.com>"
    # a contact's page lists its fields
    contact = read(hsmf / "msgClassContact.msg", tmp_path / "c")
    assert contact.kind == DocumentKind.OTHER and "Company: Fence" in contact.pages[0].text


def test_msg_signed_is_not_encrypted(corpora: Path, tmp_path: Path) -> None:
    ex = read(corpora / "email-msg-pst-fixtures/poi-hsmf/logsat.com_signatures_valid.msg", tmp_path)
    assert ex.metadata["message_class"] == "IPM.Note.SMIME.MultipartSigned"
    assert "encrypted" not in ex.metadata
    assert [c.name for c in ex.children] == ["smime.p7s"]


def test_msg_errors(corpora: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.msg"
    empty.write_bytes(b"")
    with pytest.raises(ExtractionError) as caught:
        msg.READER.read(empty, ReadContext(scratch=tmp_path / "s"))
    assert caught.value.category == IssueCategory.EMPTY
    broken = tmp_path / "broken.msg"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600)
    with pytest.raises(ExtractionError) as caught:
        msg.READER.read(broken, ReadContext(scratch=tmp_path / "s", display_name="PROD0001.msg"))
    assert caught.value.category == IssueCategory.CORRUPT
    assert "PROD0001.msg" in caught.value.message


# --- EML ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("relative", "names"), [
    ("attachment_emails/attachment_with_quoted_filename.eml", ["Eelanalüüsi päring.jpg"]),
    ("attachment_emails/attachment_with_base64_encoded_name.eml", ["This is a test.pdf"]),
    ("attachment_emails/attachment_with_unquoted_name.eml", ["This is a test.txt"]),
    ("attachment_emails/attachment_nonascii_filename.eml", ["ciële.txt"]),
    ("attachment_emails/attachment_content_disposition.eml", ["api.rb"]),
    ("attachment_emails/attachment_only_email.eml", ["blah.gz"]),
    ("multi_charset/japanese_attachment.eml", ["てすと.txt"]),
    ("multi_charset/japanese_attachment_long_name.eml", ["かきくけこ" * 5 + ".txt"]),
    ("att_name_in_content_type.eml", ["D09.ZPH.txt"]),
    ("attachment_emails/attachment_content_location.eml", ["Photo25.jpg"]),  # named by Content-Location
    ("mime_emails/raw_email7.eml", ["test.rb", "test.pdf", "smime.p7s"]),
])
def test_imap_tools_attachment_names(corpora: Path, tmp_path: Path, relative: str, names: list[str]) -> None:
    ex = read(corpora / "email-eml-mbox-fixtures/imap_tools" / relative, tmp_path)
    assert [c.name for c in ex.children] == names
    assert [c.path.name for c in ex.children] == names  # safe names are kept as they are
    assert all(c.path.parent == tmp_path / "scratch" for c in ex.children)


def test_imap_tools_attachment_payloads(corpora: Path, tmp_path: Path) -> None:
    ex = read(corpora / "email-eml-mbox-fixtures/imap_tools/attachment_emails/attachment_nonascii_filename.eml",
              tmp_path / "a")
    assert ex.children[0].path.read_bytes() == b"Hi there.\r\n"
    encoded = read(corpora / "email-eml-mbox-fixtures/imap_tools/attachment_emails/attachment_with_encoded_name.eml",
                   tmp_path / "b")
    (child,) = encoded.children  # RFC 2231 name in iso-2022-jp with a byte that is not: best effort
    assert child.name.startswith("01 Quien Te Dij") and child.name.endswith("at. Pitbull.mp3")


def test_eml_headers_and_dates(corpora: Path, tmp_path: Path) -> None:
    imap = corpora / "email-eml-mbox-fixtures/imap_tools"
    ex = read(imap / "attachment_emails/attachment_with_encoded_name.eml", tmp_path / "a")
    assert ex.metadata["from"] == "xxxxxxxxx xxxxxxx <xxxxxxxxx.xxxxxxx@gmail.com>"
    assert ex.metadata["to"] == "xxxxx xxxx <xxxxx@xxxxxxxxx.com>"
    assert ex.metadata["subject"] == "Fwd: Signed email causes file attachments"
    assert ex.metadata["date_raw"] == "Sun, 8 May 2005 14:09:11 -0500"
    assert ex.metadata["date"] == "2005-05-08T14:09:11-05:00"
    assert ex.metadata["in_reply_to"] == "<F6E2D0B4-CC35-4A91-BA4C-C7C712B10C13@mac.com>"
    text = ex.pages[0].text
    assert text.startswith("From: xxxxxxxxx xxxxxxx <xxxxxxxxx.xxxxxxx@gmail.com>\nTo: xxxxx xxxx")
    assert "Subject: Fwd: Signed email causes file attachments\nAttachments: 01 Quien" in text
    assert "We should not include these files or vcards as attachments." in text

    double = read(imap / "double_fields.eml", tmp_path / "b")  # repeated To/Cc/Bcc headers all count
    assert double.metadata["to"] == "aa@aa.ru, bb@aa.ru"
    assert double.metadata["cc"] == "cc@aa.ru, dd@aa.ru"
    assert double.metadata["bcc"] == "zz1@aa.ru, zz2@aa.ru"
    assert double.metadata["from"] == "Каукин Владимир <kaukinvk@yandex.ru>"

    refs = read(corpora / "email-eml-mbox-fixtures/freeeed/eml/test_references.eml", tmp_path / "c")
    assert refs.metadata["references"] == "<473FF3B8.9020707@xxx.org> <348F04F142D69C21-291E56D292BC@xxxx.net>"

    tika = read(corpora / "email-eml-mbox-fixtures/tika-mail/testRFC822-CC-BCC", tmp_path / "d")
    assert tika.metadata["cc"].split(", ")[0] == "sally.beck@enron.com"
    assert tika.metadata["bcc"].split(", ")[-1] == "brent.price@enron.com"
    assert "Bcc: sally.beck@enron.com" in tika.pages[0].text


def test_eml_repairs_broken_header_blocks(corpora: Path, tmp_path: Path) -> None:
    imap = corpora / "email-eml-mbox-fixtures/imap_tools"
    # a stray line inside the headers would otherwise push Date, From, To and Subject into the body
    ex = read(imap / "plain_emails/raw_email_incorrect_header.eml", tmp_path / "a")
    assert ex.metadata["subject"] == "Stop adware/spyware once and for all."
    assert ex.metadata["from"] == "xxx xxx <xxx@xxx.xxx>"
    assert any("quite Delivered-To" in w for w in ex.warnings)
    # RFC 822's obsolete syntax: spaces before the colon, comments inside the date
    old = read(imap / "rfc2822/example13.eml", tmp_path / "b")
    assert old.metadata["subject"] == "Saying Hello"
    assert old.metadata["date"] == "1997-11-21T09:55:06-06:00"


def test_eml_tolerates_bad_dates_and_charsets(corpora: Path, tmp_path: Path) -> None:
    imap = corpora / "email-eml-mbox-fixtures/imap_tools"
    bad_date = read(imap / "plain_emails/raw_email_with_bad_date.eml", tmp_path / "a")
    assert "date" not in bad_date.metadata
    assert bad_date.metadata["date_raw"] == "Pn, 29 paX 2007 21:13:00 +0100"
    assert any("Date header" in w for w in bad_date.warnings)
    unknown = read(imap / "plain_emails/raw_email10.eml", tmp_path / "b")
    assert any("unknown charset 'x-unknown'" in w for w in unknown.warnings)
    korean = read(imap / "multi_charset/ks_c_5601-1987.eml", tmp_path / "c")
    assert not korean.warnings and "\ufffd" not in korean.pages[0].text
    sjis = read(imap / "multi_charset/japanese_shift_jis.eml", tmp_path / "d")
    assert not sjis.warnings and "\ufffd" not in sjis.pages[0].text
    raw_utf8 = read(imap / "error_emails/trademark_character_in_subject.eml", tmp_path / "e")
    assert raw_utf8.metadata["subject"] == "GA.comô has a lead for you"  # 8-bit header read as UTF-8


def test_eml_html_only_body(corpora: Path, tmp_path: Path) -> None:
    ex = read(corpora / "email-eml-mbox-fixtures/aleph-ingest-file/email_strip_markup.eml", tmp_path)
    assert ex.html_body and "<" in ex.html_body
    body = ex.pages[0].text.split("\n\n", 1)[1]
    assert body.strip() and "<" not in body


def test_every_mime_text_part_is_searchable(corpora: Path, tmp_path: Path) -> None:
    aleph = corpora / "email-eml-mbox-fixtures/aleph-ingest-file"
    mixed = read(aleph / "email_multipart_mixed.eml", tmp_path / "a")  # plain, HTML, plain, HTML: four texts
    for n in ("first part (plaintext)", "second part (HTML)", "third part (plaintext)", "fourth part (HTML)"):
        assert f"This is the {n}" in mixed.pages[0].text
    alternative = read(aleph / "email_multipart_alternative.eml", tmp_path / "b")  # one body in two versions
    text = alternative.pages[0].text
    assert text.count("multipart/alternative") == 1 and "<strong>" in (alternative.html_body or "")


def test_two_attachments_of_one_name_are_two_children(corpora: Path, tmp_path: Path) -> None:
    ex = read(corpora / "email-eml-mbox-fixtures/imap_tools/attachment_2_base64.eml", tmp_path)
    assert [c.name for c in ex.children] == ["yandex_email.eml", "yandex_email-2.eml"]
    assert ex.children[0].path != ex.children[1].path


def test_eml_attached_message_becomes_an_eml_child(corpora: Path, tmp_path: Path) -> None:
    ex = read(corpora / "email-eml-mbox-fixtures/imap_tools/attachment_emails/attachment_message_rfc822.eml",
              tmp_path / "a")
    (child,) = ex.children
    assert child.name == "ForwardedMessage.eml"
    inner = read(child.path, tmp_path / "b")
    assert inner.metadata["subject"] == "Another PDF"
    assert [c.name for c in inner.children] == ["broken.pdf"]
    assert inner.children[0].path.read_bytes().startswith(b"%PDF")


def test_eml_base64_encoded_attached_message(tmp_path: Path) -> None:
    inner = b"From: a@example.org\r\nSubject: inner\r\n\r\nhello inner\r\n"
    encoded = base64.encodebytes(inner).replace(b"\n", b"\r\n")
    raw = (b"From: x@example.org\r\nSubject: outer\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nouter\r\n"
           b"--B\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" + encoded + b"--B--\r\n")
    path = tmp_path / "outer.eml"
    path.write_bytes(raw)
    ex = eml.READER.read(path, ReadContext(scratch=tmp_path / "s"))
    assert [c.path.read_bytes() for c in ex.children] == [inner]


def test_emlx(corpora: Path, tmp_path: Path) -> None:
    ex = read(corpora / "email-eml-mbox-fixtures/aleph-ingest-file/plaintext.emlx", tmp_path)
    assert ex.metadata["subject"] == "Re: Emlx library"
    assert ex.metadata["from"] == "Michael <michael@example.com>"
    assert "plist" not in ex.pages[0].text  # Apple's property list after the message is not body text


def test_eml_child_names_are_safe_and_unique(tmp_path: Path) -> None:
    parts = []
    for name in ("../../etc/passwd", "..\\..\\boot.ini", "report.pdf", "REPORT.pdf", "con.txt", "a\x00b.txt", ""):
        parts.append(f'--B\r\nContent-Type: application/octet-stream\r\n'
                     f'Content-Disposition: attachment; filename="{name}"\r\n\r\ndata\r\n')
    raw = ("From: a@example.org\r\nTo: b@example.org\r\nSubject: names\r\nMIME-Version: 1.0\r\n"
           'Content-Type: multipart/mixed; boundary="B"\r\n\r\n' + "".join(parts) + "--B--\r\n")
    path = tmp_path / "names.eml"
    path.write_bytes(raw.encode())
    scratch = tmp_path / "scratch"
    ex = eml.READER.read(path, ReadContext(scratch=scratch))
    written = [c.path.name for c in ex.children]
    assert written == ["passwd", "boot.ini", "report.pdf", "REPORT-2.pdf", "_con.txt", "ab.txt",
                       "attachment-007.bin"]
    assert all(c.path.parent == scratch for c in ex.children)
    assert sorted(p.name for p in scratch.iterdir()) == sorted(written)


def test_eml_encrypted_body_is_a_document_with_a_warning(tmp_path: Path) -> None:
    raw = (b"From: sender@agency.gov\r\nTo: counsel@agency.gov\r\nSubject: privileged\r\n"
           b"Date: Tue, 1 Feb 2011 10:00:00 -0500\r\nMIME-Version: 1.0\r\n"
           b'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n'
           b"Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggFA\r\n")
    path = tmp_path / "secret.eml"
    path.write_bytes(raw)
    ex = eml.READER.read(path, ReadContext(scratch=tmp_path / "s"))
    assert ex.kind == DocumentKind.EMAIL
    assert ex.metadata["subject"] == "privileged" and ex.metadata["encrypted"] == "S/MIME"
    assert any("body is encrypted" in w for w in ex.warnings)
    assert [c.name for c in ex.children] == ["smime.p7m"]  # kept, for a decrypted copy later


def test_eml_errors(tmp_path: Path) -> None:
    for name, data, category in [
        ("empty.eml", b"", IssueCategory.EMPTY),
        ("blank.eml", b"\r\n  \r\n", IssueCategory.EMPTY),
        ("binary.eml", bytes(range(256)) * 20, IssueCategory.CORRUPT),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ExtractionError) as caught:
            eml.READER.read(path, ReadContext(scratch=tmp_path / "s"))
        assert caught.value.category == category
        assert name in caught.value.message


# --- MBOX ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("relative", "count"), [
    ("freeeed/mbox/simple.mbox", 2),
    ("freeeed/mbox/single_mail.mbox", 1),
    ("aleph-ingest-file/plan.mbox", 1),
    ("tika-mail/complex.mbox", 3),  # forwarded messages inside do not split it
    ("tika-mail/testMBOX_lengthy_x-headers.mbox", 1),
])
def test_mbox_message_counts(corpora: Path, tmp_path: Path, relative: str, count: int) -> None:
    ex = read(corpora / "email-eml-mbox-fixtures" / relative, tmp_path)
    assert ex.kind == DocumentKind.ARCHIVE
    assert [c.name for c in ex.children] == [f"message-{n:05d}.eml" for n in range(1, count + 1)]
    assert ex.metadata["messages"] == str(count)
    for i, child in enumerate(ex.children):
        assert pick_reader(child.path) is eml.READER
        assert read(child.path, tmp_path / f"m{i}").kind == DocumentKind.EMAIL


def test_mbox_listing_and_children(corpora: Path, tmp_path: Path) -> None:
    ex = read(corpora / "email-eml-mbox-fixtures/tika-mail/complex.mbox", tmp_path)
    lines = ex.pages[0].text.splitlines()
    assert lines[0] == "Mailbox complex.mbox: 3 messages"
    assert lines[2].startswith("00001  Mon, 01 Jun 2009 09:56:31 +0530  |  Jothi Padmanabhan")
    assert all("Re: question about when shuffle/sort start working" in line for line in lines[2:])
    first = read(ex.children[0].path, tmp_path / "first")
    assert first.metadata["from"] == "Jothi Padmanabhan <jothipn@yahoo-inc.com>"


def test_mbox_separators_and_quoting(tmp_path: Path) -> None:
    path = tmp_path / "box.mbox"
    path.write_bytes(
        b"From alice@example.org Mon Jan  3 10:00:00 2011\n"
        b"From: alice@example.org\nSubject: one\n\n"
        b"From the desk of Alice: not a separator (no date)\n>From here on, quoted\n\n"
        b"From bob@example.org Tue Jan  4 11:00:00 2011\n"
        b"From: bob@example.org\nSubject: two\n\nbody\n")
    ex = mbox.READER.read(path, ReadContext(scratch=tmp_path / "s"))
    assert len(ex.children) == 2
    one = ex.children[0].path.read_bytes()
    assert one.startswith(b"From: alice@example.org\n")  # the envelope line is not part of the message
    assert b"From the desk of Alice" in one and b"\nFrom here on, quoted" in one


def test_mbox_empty(tmp_path: Path) -> None:
    for data in (b"", b"\n\n"):
        path = tmp_path / "empty.mbox"
        path.write_bytes(data)
        with pytest.raises(ExtractionError) as caught:
            mbox.READER.read(path, ReadContext(scratch=tmp_path / "s"))
        assert caught.value.category == IssueCategory.EMPTY


# --- FreeEed's Enron production: every native .eml against the producer's load file ---------------


def enron_rows(corpora: Path) -> list[dict[str, str]]:
    root = corpora / "email-enron-edrm-freeeed-production"
    with open(root / "load-no-text.csv", encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="|"))
    return [r for r in rows if r["native_link"].endswith(".eml") and (root / r["native_link"]).exists()]


def check_enron_row(root: Path, row: dict[str, str], scratch: Path) -> Extraction:
    ex = eml.READER.read(root / row["native_link"], ReadContext(scratch=scratch))
    assert ex.kind == DocumentKind.EMAIL
    meta = ex.metadata
    assert meta.get("message_id", "") == row["message_id"].strip()
    # FreeEed writes double quotes in subjects as spaces
    assert " ".join(meta.get("subject", "").replace('"', " ").split()) == " ".join(row["Subject"].split())
    if row["Date Sent"]:
        sent = datetime.fromisoformat(meta["date"]).astimezone(UTC)
        assert (sent.strftime("%Y%m%d"), sent.strftime("%H:%M")) == (row["Date Sent"], row["Time Sent"])
    return ex


def test_enron_sample_matches_load_file(corpora: Path, tmp_path: Path) -> None:
    root = corpora / "email-enron-edrm-freeeed-production"
    rows = enron_rows(corpora)
    assert len(rows) == 2183
    for i, row in enumerate(rows[::11]):  # 199 messages across all custodians and folders
        check_enron_row(root, row, tmp_path / str(i))


@pytest.mark.slow
def test_enron_all_natives(corpora: Path, tmp_path: Path) -> None:
    """All 2,183 e-mails read (about 8 s on one core); 2 still carry their attachments, whose MD5s
    are the Hash values FreeEed's load file gives the family's attachment rows."""
    root = corpora / "email-enron-edrm-freeeed-production"
    rows = enron_rows(corpora)
    hashes = {r["Hash"] for r in csv.DictReader(
        open(root / "load-no-text.csv", encoding="utf-8", errors="replace", newline=""), delimiter="|")}
    with_attachments = {}
    for i, row in enumerate(rows):
        ex = check_enron_row(root, row, tmp_path / str(i))
        if ex.children:
            with_attachments[row["UPI"]] = [c.name for c in ex.children]
            for child in ex.children:
                assert hashlib.md5(child.path.read_bytes()).hexdigest() in hashes
    names = ["Select Energy.xls", "Virginia Electric.xls", "TXUEnergyTrading.xls", "nevadapower.xls",
             "PugetSoundEnergy.xls"]
    assert with_attachments == {"00530": names, "00531": names}


def test_enron_thread_index(corpora: Path, tmp_path: Path) -> None:
    path = corpora / "email-enron-edrm-freeeed-production/native/00002_153.eml"
    ex = eml.READER.read(path, ReadContext(scratch=tmp_path))
    assert ex.metadata["thread_index"] == "AcGjkZT9UgzKb6P7QNKYXtVhwq04cgAkFIyw"
    assert ex.metadata["from"] == "Hlopak Ed <Ed_Hlopak@ENRON.net>"
    assert re.search(r"^Date: Wed, 23 Jan 2002 07:23:50 -0800 \(PST\)$", ex.pages[0].text, re.MULTILINE)
