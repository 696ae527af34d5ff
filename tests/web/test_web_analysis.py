"""The analysis pages on a case holding every analysis (analysis_case.py): what a reviewer reads
on each page, checked against what the case holds."""

from __future__ import annotations

import re
from pathlib import Path

from analysis_case import LEAKED, NEW_WITHHOLD, SECRET_A, SECRET_C
from test_web_browser import browser  # noqa: F401  (the Chromium fixture)
from web_helpers import doc_id_by_filename, make_client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_duplicates_list_groups_and_compare_side_by_side(analysis_case_dir: Path) -> None:
    client = make_client(analysis_case_dir)
    exact = client.get("/duplicates").text
    assert "identical files (same SHA-256)" in exact and "STATE-VOL01" in exact and "STATE-VOL02" in exact
    assert "C05739554" in exact and "Fw: H: Latest: How Syria is aiding Qaddafi" in exact  # Bates, subject...
    assert "2011-03-11" in exact  # ...and date
    near = client.get("/duplicates", params={"view": "near"}).text
    first, second = (doc_id_by_filename(analysis_case_dir, f"pilot-draft-{n}.pdf") for n in (1, 2))
    assert "pilot-draft-1.pdf" in near and "pilot-draft-2.pdf" in near
    pivot, other = (first, second) if f"/compare?left={first}&amp;right={second}" in near else (second, first)
    assert f"/compare?left={pivot}&amp;right={other}" in near
    compared = client.get("/compare", params={"left": first, "right": second}).text
    assert "<del>nine</del>" in compared and "<ins>eleven</ins>" in compared
    assert "1 passage differ" in _text(compared)


def test_threads_read_as_a_conversation(analysis_case_dir: Path) -> None:
    client = make_client(analysis_case_dir)
    listing = client.get("/threads").text
    match = re.search(r'<a href="/threads/(\d+)">Opt out question from Arlington</a>', listing)
    assert match, "the thread is listed by its subject"
    page = client.get(f"/threads/{match[1]}").text
    answer = page.index("answer.eml")
    assert page.index("question.eml") < answer  # the question first, the reply under it
    reply = page[page.rindex('<li class="message', 0, answer):]
    assert "depth-1" in reply.split(">", 1)[0]
    assert "Please do not put opt out in writing" in reply and "replies to question.eml" in _text(reply)


def test_versions_show_what_the_later_copy_reveals(analysis_case_dir: Path) -> None:
    client = make_client(analysis_case_dir)
    page = client.get("/versions").text
    assert "Versions: records produced more than once (2)" in page
    for passage in (SECRET_A, SECRET_C):
        assert f"<ins>{passage}</ins>" in page
    assert f"<del>{NEW_WITHHOLD}</del>" in page and "same agency document number" in page
    assert "The two copies say the same." in page  # the re-produced State PDF
    only = client.get("/versions", params={"revealing": "true"}).text
    assert "(1)" in only and "The two copies say the same." not in only


def test_withholdings_per_production_and_exemption_with_boxes(analysis_case_dir: Path) -> None:
    client = make_client(analysis_case_dir)
    page = client.get("/withholdings").text
    row = page[page.index('<th scope="row">STATE-VOL01</th>'):]
    row = row[: row.index("</tr>")]
    header = page[page.index("<thead><tr><th scope=\"col\">Production</th>"):]
    codes = re.findall(r'<th scope="col">(b\d\w*)</th>', header[: header.index("</tr>")])
    assert "b6" in codes
    b6 = re.findall(r"<td>(.*?)</td>", row)[codes.index("b6")]
    # three State e-mails and the May release ("RELEASE IN PART B6,B7(C)") claim (b)(6) in the first production
    assert re.sub(r"<[^>]+>", "", b6) == "4"
    assert page.count('class="page-figure small"') >= 3 and 'class="box box-redaction"' in page
    narrowed = client.get("/withholdings", params={"production": "STATE-VOL02", "code": "b6"}).text
    assert "Pages with redactions (1)" in narrowed  # the re-produced C05739554


def test_failed_redactions_count_but_never_show_the_text(analysis_case_dir: Path) -> None:
    page = make_client(analysis_case_dir).get("/redactions").text
    assert "informant-memo.pdf" in page and 'class="box box-failed-redaction"' in page
    assert re.search(r"1 box over \d+ readable characters", _text(page))
    for word in LEAKED.split():
        if word.startswith("zqx"):
            assert word not in page


def test_check_page_previews_and_downloads_the_letter(analysis_case_dir: Path) -> None:
    client = make_client(analysis_case_dir)
    page = client.get("/check", params={"production": "STATE-VOL01", "spec": "generic-esi"}).text
    assert "STATE-VOL01 against" in page and "No load file" in page
    assert 'class="letter-preview"' in page and "<script" not in page.split('class="letter-preview"')[1]
    md = client.get("/check/letter.md", params={"production": "STATE-VOL01", "spec": "generic-esi"})
    assert md.status_code == 200 and "No load file" in md.text and "attachment" in md.headers["content-disposition"]
    docx = client.get("/check/letter.docx", params={"production": "STATE-VOL01", "spec": "generic-esi"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert client.get("/check", params={"spec": "no-such-spec"}).status_code == 404


def test_schedule_shows_late_and_overdue(analysis_case_dir: Path) -> None:
    text = _text(make_client(analysis_case_dir).get("/schedule").text)
    assert "STATE-VOL01 2011-01-17 2011-01-20 received 3 days late" in text  # from the recorded day of receipt
    assert re.search(r"STATE-VOL03 2011-02-25 — overdue by \d+ days", text)
    assert "Received without a scheduled date: STATE-VOL02." in text


def test_long_documents_are_compared_in_part_and_the_page_says_so(tmp_path: Path) -> None:
    from uncover import Case
    from uncover.ingest.pipeline import IngestOptions, ingest
    from uncover.web.analysis import MAX_COMPARED_WORDS

    src = tmp_path / "src"
    src.mkdir()
    body = " ".join(f"word{i % 997}" for i in range(MAX_COMPARED_WORDS + 500))
    (src / "long-a.txt").write_text("Opening sentence about the detainer program. " + body)
    (src / "long-b.txt").write_text("Opening sentence about the pilot program. " + body)
    root = tmp_path / "case"
    with Case.init(root, name="Long") as case:
        ingest(case, [src], IngestOptions(ocr="never", workers=1, production="LONG"))
    a, b = doc_id_by_filename(root, "long-a.txt"), doc_id_by_filename(root, "long-b.txt")
    page = make_client(root).get("/compare", params={"left": a, "right": b}).text
    assert f"compares the first {MAX_COMPARED_WORDS:,} words of each" in page
    assert "<del>detainer</del>" in page and "<ins>pilot</ins>" in page


def test_a_large_production_is_checked_while_the_page_waits(analysis_case_dir: Path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Above CHECK_INLINE documents the check runs in a thread; the page polls until the findings show."""
    from web_helpers import live_server

    from uncover.web.routes import check

    limit = check.CHECK_INLINE
    check.CHECK_INLINE = 1  # every production of this small case counts as large
    try:
        with live_server(analysis_case_dir) as base:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            first = page.goto(f"{base}/check?production=STATE-VOL02&spec=generic-esi&run=true")
            assert first is not None and 'id="checking"' in first.text()  # answered at once, checked behind
            page.locator("#check-state .letter-preview").wait_for(timeout=60_000)
            assert "STATE-VOL02 against" in page.inner_text("#check-state")
            assert page.locator("#checking").count() == 0
            context.close()
    finally:
        check.CHECK_INLINE = limit
