"""Review at volume: coding the ticked documents (tag, untag, note) or a whole result, the From/To/
Cc facets, and the CSV export's withholding columns."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from web_helpers import csrf_of, doc_id_by_filename, make_client

from uncover import Case


def _copy(analysis_case_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "case"
    Case.copy(analysis_case_dir, target).close()
    return target


def test_ticked_documents_are_tagged_untagged_and_noted(analysis_case_dir: Path, tmp_path: Path) -> None:
    root = _copy(analysis_case_dir, tmp_path)
    a, b = doc_id_by_filename(root, "C05739547.pdf"), doc_id_by_filename(root, "C05739559.pdf")
    with make_client(root) as client:
        page = client.get("/search", params={"q": "benghazi"}).text
        assert f'name="doc" value="{a}" form="bulk-form"' in page
        token = csrf_of(page)
        form = {"csrf_token": token, "q": "benghazi", "action": "tag", "value": "Hot", "doc": [a, b]}
        done = client.post("/review/bulk-code", data=form)
        assert done.status_code == 303 and "changed=2&selected=2" in done.headers["location"]
        assert "Tagged 2 of 2 chosen documents" in client.get(done.headers["location"]).text
        client.post("/review/bulk-code", data={**form, "action": "untag", "value": "hot", "doc": [b]})
        client.post("/review/bulk-code", data={**form, "action": "note", "value": "Ask about the b6 on page 1", "doc": [a, b]})
        # without the token nothing happens
        assert client.post("/review/bulk-code", data={**form, "csrf_token": "x", "doc": [b]}).status_code == 403
    with Case.open(root) as case:
        conn = case.store.conn
        tagged = {r[0] for r in conn.execute("SELECT document_id FROM document_tags dt JOIN tags t ON t.id = dt.tag_id "
                                             "WHERE t.name = 'hot'")}
        assert tagged == {a}
        notes = conn.execute("SELECT document_id, text FROM notes ORDER BY document_id").fetchall()
        assert [tuple(n) for n in notes] == [(a, "Ask about the b6 on page 1"), (b, "Ask about the b6 on page 1")]
        audit = [r[0] for r in conn.execute("SELECT action FROM review_audit ORDER BY id")]
        assert audit == ["bulk-tag", "untag", "note", "note"]


def test_whole_result_coding(analysis_case_dir: Path, tmp_path: Path) -> None:
    root = _copy(analysis_case_dir, tmp_path)
    with make_client(root) as client:
        token = csrf_of(client.get("/search").text)
        done = client.post("/review/bulk-code", data={"csrf_token": token, "q": "exemption:b6", "scope": "all",
                                                      "action": "tag", "value": "privileged"})
        assert done.status_code == 303
        total = re.search(r"([\d,]+) documents? match", client.get("/search", params={"q": "exemption:b6"}).text)[1]
        tagged = re.search(r"([\d,]+) documents? match", client.get("/search", params={"q": "tag:privileged"}).text)[1]
        assert total == tagged and int(total) >= 4
        bad = client.post("/review/bulk-code", data={"csrf_token": token, "action": "tag", "value": "hot"})
        assert bad.status_code == 400 and "Choose at least one document" in bad.text


def test_people_facets_count_what_their_link_finds(analysis_case_dir: Path) -> None:
    client = make_client(analysis_case_dir)
    panel = client.get("/search/facets", params={"q": "*"}).text
    checked = 0
    for name in ("people-from", "people-to", "people-cc"):
        section = panel[panel.index(f'data-facet="{name}"'):]
        section = section[: section.index("</section>")]
        for href, count in re.findall(r'<a href="(/search\?q=[^"]+)">[^<]*</a>\s*<span class="count" data-count="(\d+)"', section):
            page = client.get(href.replace("&amp;", "&")).text
            found = re.search(r"([\d,]+) documents? match", page)
            assert found and int(found[1].replace(",", "")) == int(count), href
            checked += 1
    assert checked >= 6
    assert "alice@agency.example" in panel and "Mills, Cheryl D &lt;MillsCD@state.gov&gt;" in panel


def test_csv_export_carries_the_withholding_columns(analysis_case_dir: Path) -> None:
    text = make_client(analysis_case_dir).get("/search.csv", params={"q": "*"}).text.lstrip("\ufeff")
    rows = {r["filename"]: r for r in csv.DictReader(io.StringIO(text))}
    state = rows["C05739547.pdf"]
    assert (state["release"], state["exemptions"]) == ("part", "b6") and int(state["redaction_boxes"]) >= 1
    memo = rows["informant-memo.pdf"]
    assert memo["failed_redactions"] == "1" and memo["redaction_boxes"] == "1"
    assert rows["question.eml"]["redaction_boxes"] in ("0", "")
