"""Exact duplicates on real productions: FreeEed's Enron volume and MuckRock's FOIA responses."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pypdfium2 as pdfium

from uncover.analyze.casepasses import run_duplicate_passes
from uncover.analyze.duplicates import DupCandidate, exact_duplicate_groups
from uncover.model import Document, DocumentKind, Page, TextSource
from uncover.store import duplicates as dstore


def add_doc(case, production: str, filename: str, sha256: str, text: str = "", **fields) -> int:
    prod = case.store.production(production)
    doc = Document(id=0, production_id=prod.id, kind=fields.pop("kind", DocumentKind.EDOC), filename=filename,
                   path=filename, sha256=sha256, md5="", size=fields.pop("size", 1000), **fields)
    with case.store.transaction():
        return case.store.insert_document(doc, None, [Page(document_id=0, number=1, text=text, text_source=TextSource.NATIVE)])


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_freeeed_master_duplicates_are_found(case, corpora):
    root = corpora / "email-enron-edrm-freeeed-production"
    with open(root / "load-no-text.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="|"))
    assert "master_duplicate" in rows[0] and "Hash" in rows[0]
    # natives FreeEed's copy left out are listed with their real SHA-256 in NOT_COPIED_natives.tsv
    not_copied = {}
    for line in (root / "NOT_COPIED_natives.tsv").read_text("utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 3 and len(cols[2]) == 64:
            not_copied[cols[0]] = cols[2]
    ids: dict[str, int] = {}
    md5: dict[int, str] = {}
    for row in rows:
        link = row["native_link"]
        if not link:
            continue
        native = root / link
        sha = sha256_of(native) if native.is_file() else not_copied.get(link)
        if sha is None:
            continue  # a native the source repository itself lacks
        doc_id = add_doc(case, "Enron", row["File Name"], sha, custodian=row["Custodian"] or None)
        ids[row["UPI"]] = doc_id
        md5[doc_id] = row["Hash"]
    marked = [(ids[r["master_duplicate"]], ids[r["UPI"]]) for r in rows if r["master_duplicate"]]
    assert len(marked) == 7

    run_duplicate_passes(case)
    groups = dstore.duplicate_groups(case.store, basis="sha256")
    group_of = {m.document_id: g for g in groups for m in g.members}
    for master, dupe in marked:
        assert group_of[dupe] is group_of[master]
        assert group_of[master].primary_id == master  # the earlier item is kept
    # every reported group agrees with the producer's own MD5 column
    for g in groups:
        assert len({md5[m.document_id] for m in g.members}) == 1
    hidden = dstore.dupe_ids(case.store, "yes") - dstore.dupe_ids(case.store, "no")
    assert {dupe for _, dupe in marked} <= hidden
    assert not {master for master, _ in marked} & hidden


def test_muckrock_copies_found_by_bytes_and_by_text(case, corpora):
    folder = corpora / "foia-muckrock-responsive-docs" / "Jon Burge" / "Email"
    names = ["File_01.PDF", "File_01 2.PDF", "File_01 3.PDF",
             "9th_Interim_Release_Letter_-_4022000.pdf", "9th_Interim_Release_Letter_-_4022000 2.pdf",
             "8th_Interim_Release_Letter_-_4000590.pdf"]
    ids = {}
    for name in names:
        path = folder / name
        pdf = pdfium.PdfDocument(path)
        try:
            text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        finally:
            pdf.close()
        ids[name] = add_doc(case, "MuckRock", name, sha256_of(path), text, custodian="Jon Burge")
    run_duplicate_passes(case)
    by_sha = dstore.duplicate_groups(case.store, basis="sha256")
    assert [sorted(m.document_id for m in g.members) for g in by_sha] == [sorted([ids["File_01.PDF"], ids["File_01 2.PDF"]])]
    # the two copies of the 9th interim letter differ by one byte but carry the same text
    by_text = dstore.duplicate_groups(case.store, basis="text")
    letter = {ids["9th_Interim_Release_Letter_-_4022000.pdf"], ids["9th_Interim_Release_Letter_-_4022000 2.pdf"]}
    assert any({m.document_id for m in g.members} == letter for g in by_text)
    assert not any(ids["8th_Interim_Release_Letter_-_4000590.pdf"] in {m.document_id for m in g.members} for g in by_text)
    assert by_sha[0].custodians == ["Jon Burge"] and by_sha[0].productions == ["MuckRock"]


def test_attachment_copy_in_another_family_is_reported_not_hidden(case):
    mail1 = add_doc(case, "P1", "a.eml", "m1", "first mail", kind=DocumentKind.EMAIL, custodian="Smith")
    att1 = add_doc(case, "P1", "memo.pdf", "same", "memo text", parent_id=mail1, family_id=mail1, custodian="Smith")
    mail2 = add_doc(case, "P2", "b.eml", "m2", "second mail", kind=DocumentKind.EMAIL, custodian="Jones")
    att2 = add_doc(case, "P2", "memo.pdf", "same", "memo text", parent_id=mail2, family_id=mail2, custodian="Jones")
    loose = add_doc(case, "P2", "memo copy.pdf", "same", "memo text", custodian="Jones")
    run_duplicate_passes(case)
    (group,) = dstore.duplicate_groups(case.store, basis="sha256")
    assert group.primary_id == loose  # a top-level copy is the one kept
    assert group.custodians == ["Jones", "Smith"] and group.productions == ["P1", "P2"]
    kept = dstore.dupe_ids(case.store, "no")
    assert {mail1, att1, mail2, att2, loose} <= kept  # families stay whole
    assert all(m.other_family for m in group.members if m.document_id in (att1, att2))


def test_exact_groups_hide_later_top_level_copies():
    docs = [DupCandidate(1, "a", "t1"), DupCandidate(2, "a", "t1"), DupCandidate(3, "b", "t1"), DupCandidate(4, "c", None)]
    groups = exact_duplicate_groups(docs)
    assert [(g.basis, g.primary, g.ids) for g in groups] == [("sha256", 1, [1, 2]), ("text", 1, [1, 2, 3])]
    assert [m.collapsed for m in groups[1].members] == [False, True, True]


# --- the rules, one by one ------------------------------------------------------------------------
FOOTER = ("EDRM Enron Email Data Set has been produced in EML, PST and NSF format by ZL Technologies, Inc. "
          "This Data Set is licensed under a Creative Commons Attribution 3.0 United States License.")
MEMO = "The county asked whether it may opt out of Secure Communities before the activation date in March."


def mail(case, name: str, sha: str, body: str, **headers) -> int:
    fields = {"sender": "Marc Rapp <marc.rapp@ice.dhs.gov>", "recipients": "david.venturella@ice.dhs.gov",
              "subject": "Opt out", "date": "2010-09-07T14:02:00-04:00", **headers}
    return add_doc(case, "P", name, sha, body, kind=DocumentKind.EMAIL, **fields)


def members(case, basis: str) -> list[set[int]]:
    return [{m.document_id for m in g.members} for g in dstore.duplicate_groups(case.store, basis=basis)]


def test_emails_group_by_headers_body_and_attachments_never_by_body_alone(case):
    a = mail(case, "inbox.eml", "x1", MEMO)
    b = mail(case, "sent.eml", "x2", MEMO, recipients="DAVID.VENTURELLA@ice.dhs.gov",  # case and offset differ only
             date="2010-09-07T18:02:30+00:00")
    other_recipient = mail(case, "c.eml", "x3", MEMO, recipients="sheriff@arlingtonva.us")
    other_day = mail(case, "d.eml", "x4", MEMO, date="2010-09-08T14:02:00-04:00")
    with_attachment = mail(case, "e.eml", "x5", MEMO)
    add_doc(case, "P", "memo.pdf", "att", "attached memo text here", parent_id=with_attachment, family_id=with_attachment)
    footer_only = [mail(case, f"f{i}.eml", f"y{i}", FOOTER, subject=f"Lunch {i}") for i in range(3)]
    run_duplicate_passes(case)
    assert members(case, "email") == [{a, b}]
    grouped = {d for g in members(case, "email") + members(case, "text") + members(case, "sha256") for d in g}
    assert not grouped & {other_recipient, other_day, with_attachment, *footer_only}
    (group,) = dstore.duplicate_groups(case.store, basis="email")
    assert group.members[0].listing == "inbox.eml · Opt out · 2010-09-07"


def test_undated_mail_groups_by_bytes_only(case):
    a = mail(case, "a.eml", "same-bytes", FOOTER, date=None, subject=None)
    b = mail(case, "b.eml", "same-bytes", FOOTER, date=None, subject=None)
    c = mail(case, "c.eml", "other-bytes", FOOTER, date=None, subject=None)
    run_duplicate_passes(case)
    assert members(case, "sha256") == [{a, b}] and not members(case, "email")
    assert c not in {d for g in members(case, "text") for d in g}


def test_text_groups_only_loose_substantive_documents(case):
    loose = [add_doc(case, "P", f"memo{i}.pdf", f"s{i}", MEMO) for i in range(2)]
    slips = [add_doc(case, "P", f"slip{i}.pdf", f"t{i}", "Document withheld in full\nSYM-0001") for i in range(3)]
    short = [add_doc(case, "P", f"short{i}.pdf", f"u{i}", "see attached") for i in range(2)]
    parent = add_doc(case, "P", "cover.pdf", "cover", "cover letter with some words in it for the reader")
    attached = add_doc(case, "P", "memo-att.pdf", "v", MEMO, parent_id=parent, family_id=parent)
    run_duplicate_passes(case)
    assert members(case, "text") == [set(loose)]
    assert attached not in members(case, "text")[0]
    assert not {d for g in members(case, "text") for d in g} & {*slips, *short}


def test_files_without_content_group_with_nothing(case):
    empty = [add_doc(case, "P", f"e{i}.txt", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "",
                     size=0) for i in range(2)]
    no_native = [add_doc(case, "P", f"ABC{i}", "same-text-file", "", metadata={"_loadfile": {"original": "text"}})
                 for i in range(2)]
    run_duplicate_passes(case)
    grouped = {d for g in members(case, "sha256") for d in g}
    assert not grouped & {*empty, *no_native}


def test_dupes_command_states_the_basis_and_summarises_long_groups(case):
    from click.testing import CliRunner

    from uncover.cli import main

    ids = [mail(case, f"copy{i:02d}.eml", f"z{i}", MEMO) for i in range(12)]
    case.store.conn.commit()
    result = CliRunner().invoke(main, ["dupes", str(case.root)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "same sender, recipients, subject, sent time, body and attachments" in result.output
    assert "copy01.eml · Opt out · 2010-09-07" in result.output
    assert "... and 6 more (uncover dupes CASE --group 1)" in result.output
    assert "DOC-0000" not in result.output
    full = CliRunner().invoke(main, ["dupes", str(case.root), "--group", "1"], env={"COLUMNS": "200"})
    assert all(f"copy{i:02d}.eml" in full.output for i in range(len(ids)))


def test_the_boilerplate_word_check_never_changes_which_lines_are_boilerplate() -> None:
    import re

    from uncover.analyze import duplicates

    lines = ["This page intentionally left blank", "PAGE 3 OF 12", "Page 3 of 12 of the memo", "non-responsive",
             "Privileged & Confidential", "The agency's response is due on Friday.", "ſlip ſheet",
             "Thiſ message may be privileged", "x" * 700 + " placeholder", "", "Withheld in its entirety (b)(5)",
             "Pages 3 to 12", "SLIPSHEET"]
    for line in lines:
        expected = len(line) < 600 and duplicates._BOILERPLATE.search(line) is not None
        assert duplicates.is_boilerplate(line) == expected, line
    assert re.search(duplicates._BOILERPLATE, "ſlip ſheet")  # a non-ASCII line still reaches the search
