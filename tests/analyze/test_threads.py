"""Threads from Enron headers and printed State e-mails; reply splitting on talon's fixtures."""

from __future__ import annotations

import email
import email.policy
from email.utils import parsedate_to_datetime

import pytest

from uncover.analyze.casepasses import run_duplicate_passes
from uncover.analyze.printed_headers import top_block
from uncover.analyze.threads import Message, build_threads, message_ids, normalize_subject, split_reply
from uncover.model import Document, DocumentKind, Page, TextSource
from uncover.store import duplicates as dstore


def add_mail(case, production: str, name: str, text: str, **fields) -> int:
    prod = case.store.production(production)
    doc = Document(id=0, production_id=prod.id, kind=fields.pop("kind", DocumentKind.EMAIL), filename=name, path=name,
                   sha256=fields.pop("sha256", name), md5="", size=len(text), **fields)
    with case.store.transaction():
        return case.store.insert_document(doc, None, [Page(document_id=0, number=1, text=text, text_source=TextSource.NATIVE)])


def plain_body(msg) -> str:
    part = msg.get_body(("plain",))
    if part is None:
        return ""
    try:
        return part.get_content()
    except (LookupError, UnicodeError):
        return part.get_payload(decode=True).decode("latin-1")


def talon_cases(corpora):
    folder = corpora / "email-eml-mbox-fixtures" / "talon" / "standard_replies"
    for path in sorted(folder.glob("*.eml")):
        expected_file = path.with_name(path.stem + "_reply_text")
        # talon's test: the reply is "Hello" unless a <name>_reply_text file says otherwise
        expected = expected_file.read_text("utf-8").strip() if expected_file.exists() else "Hello"
        yield path, expected


def test_talon_standard_replies_split_as_expected(corpora):
    cases = list(talon_cases(corpora))
    assert len(cases) == 12
    for path, expected in cases:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        new, quoted = split_reply(plain_body(msg))
        assert new == expected, path.name
        assert quoted, path.name


def test_talon_share_block_quotation_is_cut(corpora):
    path = corpora / "email-eml-mbox-fixtures" / "talon" / "reply-quotations-share-block.eml"
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    new, quoted = split_reply(plain_body(msg))
    assert new.startswith("Hi Katharine.") and "From" not in new
    assert "New Booking Inquiry" in quoted


def test_enron_threads_agree_with_message_id_and_references(case, corpora):
    natives = sorted((corpora / "email-enron-edrm-freeeed-production" / "native").glob("*.eml"))
    assert len(natives) > 2000
    by_mid: dict[str, int] = {}
    links: list[tuple[int, str]] = []
    for path in natives:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
        try:
            date = parsedate_to_datetime(msg["Date"]).isoformat() if msg["Date"] else None
        except (TypeError, ValueError):
            date = None
        body = msg.get_payload(decode=True) if not msg.is_multipart() else b""
        doc_id = add_mail(
            case, "Enron", path.name, (body or b"").decode("latin-1"), message_id=msg["Message-ID"],
            in_reply_to=msg["In-Reply-To"], references=msg["References"], subject=str(msg["Subject"] or ""),
            sender=str(msg["From"] or ""), recipients=str(msg["To"] or ""), date=date,
        )
        for mid in message_ids(msg["Message-ID"])[:1]:
            by_mid[mid] = doc_id
        for ref in message_ids(msg["References"]) + message_ids(msg["In-Reply-To"]):
            links.append((doc_id, ref))
    run_duplicate_passes(case)
    thread_of = {m["document_id"]: t["id"] for t in dstore.threads(case.store) for m in t["members"]}
    resolved = [(doc, by_mid[ref]) for doc, ref in links if ref in by_mid]
    assert resolved, "the Enron volume holds replies whose parents it also holds"
    for doc, parent in resolved:
        assert thread_of[doc] == thread_of[parent]
    for t in dstore.threads(case.store):
        assert sum(m["inclusive"] for m in t["members"]) >= 1  # the last message is always inclusive
        assert t["members"][-1]["inclusive"]


def test_printed_state_emails_thread_by_subject_and_participants(case, corpora):
    folder = corpora / "foia-clinton-state-text" / "HRCEmail_JuneWeb"
    texts = {p.name: p.read_text("utf-8", "replace") for p in sorted(folder.glob("*.txt"))[:400]}
    ids = {name: add_mail(case, "State", name, text, kind=DocumentKind.SCAN) for name, text in texts.items()}
    run_duplicate_passes(case)
    threads = dstore.threads(case.store)
    assert threads
    name_of = {v: k for k, v in ids.items()}
    for t in threads:
        assert t["basis"] in ("text", "quoted")
        subjects = set()
        for m in t["members"]:
            block = top_block(texts[name_of[m["document_id"]]])
            subjects.add(normalize_subject(block.subject) if block else None)
        assert len(subjects) == 1 and None not in subjects  # one conversation per thread
        assert any(m["inclusive"] for m in t["members"])


def test_inclusive_marks_messages_a_later_reply_contains():
    first = Message(1, message_id="<a@x>", subject="Budget", sender="ann@x.gov", date="2011-01-01",
                    body="Please send the budget figures by Friday.")
    reply = Message(2, message_id="<b@x>", in_reply_to="<a@x>", subject="RE: Budget", sender="bob@x.gov",
                    date="2011-01-02", body="Attached.\n\n-----Original Message-----\nFrom: Ann\nSent: Jan 1\nTo: Bob\n"
                    "Subject: Budget\n\nPlease send the budget figures by Friday.", attachments=frozenset({"sha-x"}))
    side = Message(3, message_id="<c@x>", in_reply_to="<a@x>", subject="RE: Budget", sender="cy@x.gov",
                   date="2011-01-03", body="I have them too.")
    (thread,) = build_threads([first, reply, side])
    assert thread.members == [1, 2, 3] and thread.key == "mid:<a@x>"
    assert thread.parents == {2: 1, 3: 1}
    assert thread.inclusive == {2, 3}


@pytest.mark.parametrize("subject,expected", [("RE: Fwd: Re[2]: Budget ", "budget"), ("FW: re: TEST", "test"), (None, "")])
def test_normalize_subject(subject, expected):
    assert normalize_subject(subject) == expected


def test_quoted_messages_link_a_reply_to_its_parent_and_nothing_else():
    from uncover.analyze.threads import QuotedMessage

    parent = Message(1, subject="Fw: Libyan", sender="Sullivan, Jacobi", date="2011-03-29T22:41:00", body="Fyi")
    other = Message(2, subject="Budget for Kabul", sender="Sullivan, Jacob J", date="2011-03-29T22:41:00", body="Numbers")
    reply = Message(3, subject="Re. Libyan", sender="H <hrod17@clintonemail.com>", date="2011-03-30T06:49:00",
                    body="Pls let me know.", quoted=(QuotedMessage("Sullivan, Jacob J <SullivanJJ@state.gov>",
                                                                   "2011-03-29T22:41:00", "Fw: Ubyan"),))
    (thread,) = build_threads([parent, other, reply])
    assert thread.members == [1, 3] and thread.parents == {3: 1} and thread.basis == "quoted"
    # a header printed five hours off (another time zone) names the same message
    shifted = Message(4, subject="Re: Libyan", sender="Mills, Cheryl", date="2011-03-30T09:00:00", body="Seen.",
                      quoted=(QuotedMessage("Sullivan, Jacob", "2011-03-30T03:41:00", "Fw: Libyan"),))
    (thread,) = build_threads([parent, shifted])
    assert thread.parents == {4: 1}
