"""The document view shows what was read from the page and the messages a document quotes."""

from __future__ import annotations

from pathlib import Path

from web_helpers import doc_id_by_filename, make_client


def test_document_view_shows_recovered_fields_and_segments(web_case_dir: Path) -> None:
    client = make_client(web_case_dir)
    doc_id = doc_id_by_filename(web_case_dir, "C05739547.pdf")  # Mills replies to Slaughter, quoting her
    html = client.get(f"/documents/{doc_id}").text
    assert "Re: Chris Stevens" in html  # the title is the printed subject, not the file name
    assert "Read from the page" in html and "printed header, p. 1" in html
    assert "Messages in this document" in html and "own text" in html
    assert "quoted: Anne-Marie Slaughter · 2012-09-12 07:46 · Chris Stevens" in html
