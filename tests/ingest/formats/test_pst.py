"""Outlook PST mailboxes: every item a child under its folder path, counts as Apache Tika's tests document."""

from __future__ import annotations

from pathlib import Path

import pytest

from uncover.errors import ExtractionError
from uncover.ingest.formats import identify, pst
from uncover.ingest.formats.base import ReadContext
from uncover.model import DocumentKind, IssueCategory

pytest.importorskip("pypff")
TIKA = "email-msg-pst-fixtures/tika-microsoft"


def read(path: Path, tmp_path: Path, name: str | None = None):
    scratch = tmp_path / "scratch"
    return identify(path).read(path, ReadContext(scratch=scratch, display_name=name or path.name))


def test_test_pst_messages_folders_and_attachment(corpora: Path, tmp_path: Path) -> None:
    # Tika's OutlookPSTParserTest: seven messages in the French-named top folder; "FW: First email"
    # carries the attached Outlook item "First email"; m6 is from Couchbase.
    result = read(corpora / TIKA / "testPST.pst", tmp_path)
    assert result.kind == DocumentKind.ARCHIVE
    assert len(result.children) == 7
    assert all(c.name.startswith("Début du fichier de données Outlook/") for c in result.children)
    assert "Éléments supprimés: 0 item(s)" in result.pages[0].text
    mails = {}
    for child in result.children:
        mail = identify(child.path).read(child.path, ReadContext(scratch=tmp_path / child.path.stem))
        mails[mail.metadata["subject"]] = mail
    assert mails['[WEBINAR] - "Introducing Couchbase Server 2.5"'].metadata["from"] == "Couchbase <couchbase@couchbase.com>"
    assert mails["Re: Feature Generators"].metadata["from"] == "Jörn Kottmann <kottmann@gmail.com>"
    forwarded = mails["FW: First email"]
    assert [c.name for c in forwarded.children] == ["First email.eml"]
    inner = identify(forwarded.children[0].path).read(forwarded.children[0].path, ReadContext(scratch=tmp_path / "inner"))
    assert inner.metadata["subject"] == "First email" and "Docx file attac" in inner.pages[0].text
    assert "could not be read from the PST" in inner.pages[0].text  # its own attachment.docx is out of libpff's reach


def test_various_body_types_each_message_has_its_body(corpora: Path, tmp_path: Path) -> None:
    # Tika's testOverrideDetector: five objects, the mailbox and its four messages (HTML, RTF, plain bodies)
    for path in (corpora / TIKA / "testPST_variousBodyTypes.pst",):
        result = read(path, tmp_path / path.parent.name)
        assert [c.name.rsplit("/", 1)[0] for c in result.children] == ["Top of Outlook data file/Inbox/tmp"] * 4
        bodies = []
        for child in result.children:
            mail = identify(child.path).read(child.path, ReadContext(scratch=tmp_path / path.parent.name / child.path.stem))
            assert mail.kind == DocumentKind.EMAIL and mail.metadata["from"] == '"Allison, Timothy B." <tallison@mitre.org>'
            bodies.append(mail.pages[0].text)
        assert all("original email" in b.lower() for b in bodies)


def test_damaged_and_absent_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "mailbox.pst"
    broken.write_bytes(pst.PST_MAGIC + b"\0" * 600)
    with pytest.raises(ExtractionError) as caught:
        read(broken, tmp_path, "CUSTODIAN.pst")
    assert caught.value.category == IssueCategory.CORRUPT and "CUSTODIAN.pst" in caught.value.message
    import builtins

    real = builtins.__import__
    monkeypatch.setattr(builtins, "__import__",
                        lambda name, *a, **k: (_ for _ in ()).throw(ImportError(name)) if name == "pypff" else real(name, *a, **k))
    with pytest.raises(ExtractionError) as caught:
        read(broken, tmp_path, "CUSTODIAN.pst")
    assert caught.value.category == IssueCategory.UNSUPPORTED and "uncover[pst]" in caught.value.message


def test_contacts_and_meetings_keep_their_kind(tmp_path: Path) -> None:
    from datetime import datetime

    from uncover.ingest.formats import mapi

    contact = mapi.OutlookItem(message_class="IPM.Contact", subject="Venturella, David",
                               extra_lines=["Company: ICE", "Business phone: 202-555-0100"])
    meeting = mapi.OutlookItem(message_class="IPM.Appointment", subject="Secure Communities briefing",
                               sender="Marc Rapp <marc.rapp@ice.dhs.gov>", date=datetime(2010, 9, 7, 14))
    for item, kind in ((contact, DocumentKind.OTHER), (meeting, DocumentKind.CALENDAR)):
        path = tmp_path / f"{kind}.eml"
        path.write_bytes(mapi.to_rfc822(item))
        result = identify(path).read(path, ReadContext(scratch=tmp_path / str(kind)))
        assert result.kind == kind and result.metadata["subject"] == item.subject
    assert "Business phone: 202-555-0100" in identify(tmp_path / "other.eml").read(
        tmp_path / "other.eml", ReadContext(scratch=tmp_path / "x")).pages[0].text


def test_aleph_copy_of_an_older_test_pst(corpora: Path, tmp_path: Path) -> None:
    # Aleph's fixture is Tika's earlier testPST: the same folder, six messages, no attachment
    result = read(corpora / "email-eml-mbox-fixtures/aleph-ingest-file/testPST.pst", tmp_path)
    assert len(result.children) == 6 and result.metadata["items"] == "6"
    assert result.children[0].name == "Début du fichier de données Outlook/0001 Re_ Feature Generators.eml"
