"""Route tests: the review workspace over a real case (State PDFs, real and generated e-mails)."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient
from web_helpers import csrf_of, doc_id_by_filename, doc_id_by_subject, make_client

from uncover import Case


def facet_counts(html: str, facet: str) -> dict[str, int]:
    section = re.search(rf'data-facet="{facet}">(.*?)</section>', html, re.S)
    if not section:
        return {}
    pairs = re.findall(r'<li>(?:<a [^>]*>|<span>)([^<]+)</(?:a|span)>\s*<span class="count" data-count="(\d+)"', section.group(1))
    return {label: int(n) for label, n in pairs}


def facets_page(client: TestClient, q: str = "") -> str:
    """The facet panel a search page loads after its hits (the htmx request the page names)."""
    page = client.get("/search", params={"q": q} if q else None)
    url = re.search(r'id="facet-panel" hx-get="([^"]+)" hx-trigger="load"', page.text)
    assert url, "the search page does not load its facet panel"
    panel = client.get(html.unescape(url.group(1)), headers={"HX-Request": "true"})
    assert panel.status_code == 200
    return panel.text


def test_search_shows_hits_snippets_and_exact_facets(web_case_dir: Path) -> None:
    with make_client(web_case_dir) as client:
        page = client.get("/search", params={"q": "benghazi"})
        assert page.status_code == 200
        assert "4 documents match" in page.text  # every State PDF carries the Benghazi production stamp
        assert "<mark>benghazi</mark>" in page.text.lower()
        assert re.search(r'class="pageref" href="/documents/\d+\?q=benghazi[^"]*page=1">p\. 1</a>', page.text)
        everything = facets_page(client)
        kinds = facet_counts(everything, "kind")
        with Case.open(web_case_dir) as case:
            expected = dict(case.store.conn.execute("SELECT kind, COUNT(*) FROM documents GROUP BY kind").fetchall())
        assert kinds == expected
        assert facet_counts(everything, "production") == {"STATE-VOL01": sum(expected.values())}
        # A facet link narrows the query; the narrowed result has the count the facet promised.
        emails = client.get("/search", params={"q": 'kind:"email"'}).text
        assert f"{expected['email']} documents match" in emails


def test_bad_query_is_explained_not_crashed(web_case_dir: Path) -> None:
    with make_client(web_case_dir) as client:
        page = client.get("/search", params={"q": 'custodian:"unclosed'})
        assert page.status_code == 400
        assert 'role="alert"' in page.text and "For example" in page.text


def test_tag_document_updates_tag_facet_and_tag_field(case_copy: Path) -> None:
    doc_id = doc_id_by_subject(case_copy, "Talking points")
    with make_client(case_copy) as client:
        view = client.get(f"/documents/{doc_id}")
        token = csrf_of(view.text)
        refused = client.post(f"/documents/{doc_id}/tags", data={"tag": "hot"})
        assert refused.status_code == 403  # no CSRF token
        assert "hot" not in facet_counts(facets_page(client), "tag")
        done = client.post(f"/documents/{doc_id}/tags", data={"tag": "hot"}, headers={"X-CSRF-Token": token, "HX-Request": "true"})
        assert done.status_code == 200 and 'class="tag tag-hot"' in done.text
        assert facet_counts(facets_page(client), "tag")["hot"] == 1
        tagged = client.get("/search", params={"q": "tag:hot"}).text
        assert "1 document match" in tagged and "Talking points with attachment" in tagged
        client.post(f"/documents/{doc_id}/tags/delete", data={"tag": "hot", "csrf_token": token})
        assert "hot" not in facet_counts(facets_page(client), "tag")


def test_bulk_tag_whole_result_from_web_and_cli(case_copy: Path) -> None:
    from uncover.cli import main

    with make_client(case_copy) as client:
        token = csrf_of(client.get("/search").text)
        done = client.post("/review/bulk-tag", data={"q": "benghazi", "tag": "Responsive", "csrf_token": token})
        assert done.status_code == 303
        assert facet_counts(facets_page(client), "tag")["responsive"] == 4
    result = CliRunner().invoke(main, ["tag", str(case_copy), "kind:email", "needs-review", "--json"])
    assert result.exit_code == 0, result.output
    assert '"matched": 3' in result.output
    with make_client(case_copy) as client:
        tags = facet_counts(facets_page(client), "tag")
        assert tags["needs-review"] == 3 and tags["responsive"] == 4
    with Case.open(case_copy) as case:
        actions = [r[0] for r in case.store.conn.execute("SELECT action FROM review_audit ORDER BY id")]
    assert actions.count("bulk-tag") == 2


def test_document_view_highlights_hits_metadata_family(web_case_dir: Path) -> None:
    parent = doc_id_by_subject(web_case_dir, "Talking points")
    attachment = doc_id_by_filename(web_case_dir, "talking-points.txt")
    with make_client(web_case_dir) as client:
        page = client.get(f"/documents/{attachment}", params={"q": "okapi"})
        assert page.status_code == 200
        assert '<mark class="hit" tabindex="-1">okapi</mark>' in page.text
        assert f'href="/documents/{parent}"' in page.text and "Family" in page.text
        assert "talking-points.txt" in page.text and "sha256" in page.text
        pdf = doc_id_by_filename(web_case_dir, "C05739554.pdf")
        view = client.get(f"/documents/{pdf}", params={"q": "benghazi", "page": 1})
        assert f'src="/documents/{pdf}/pages/1/image"' in view.text
        assert 'alt="Page 1 of' in view.text


def test_page_image_is_rendered_png_and_cached(case_copy: Path) -> None:
    pdf = doc_id_by_filename(case_copy, "C05739554.pdf")
    with make_client(case_copy) as client:
        image = client.get(f"/documents/{pdf}/pages/1/image")
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content[:8] == b"\x89PNG\r\n\x1a\n"
        with Case.open(case_copy) as case:
            sha = case.store.document(pdf).sha256
        assert (case_copy / "derived" / "pages" / sha / "1-110.png").read_bytes() == image.content
        mail = doc_id_by_subject(case_copy, "Talking points")
        assert client.get(f"/documents/{mail}/pages/1/image").status_code == 404  # an e-mail has no page image


def test_email_body_is_sanitized_under_strict_csp(web_case_dir: Path) -> None:
    doc_id = doc_id_by_subject(web_case_dir, "zebrafish")
    with make_client(web_case_dir) as client:
        view = client.get(f"/documents/{doc_id}").text
        assert f'<iframe class="mailbody" sandbox="" src="/documents/{doc_id}/body"' in view
        body = client.get(f"/documents/{doc_id}/body")
        assert body.headers["content-security-policy"].startswith("default-src 'none'; img-src data:; style-src 'unsafe-inline'")
        lowered = body.text.lower()
        assert "quarterly figures attached" in lowered
        for bad in ("<script", "onerror", "onload", "javascript:", "<svg", "<iframe", "<form", "tracker.example", "pwned"):
            assert bad not in lowered, bad


def test_app_pages_carry_strict_csp_and_no_inline_script(web_case_dir: Path) -> None:
    with make_client(web_case_dir) as client:
        for url in ("/search?q=benghazi", "/overview", f"/documents/{doc_id_by_filename(web_case_dir, 'C05739547.pdf')}"):
            page = client.get(url)
            csp = page.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
            assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), url
            assert not re.search(r"\son[a-z]+=", page.text), url  # no inline event handlers


def test_csv_export_holds_the_whole_result_and_defuses_formulas(case_copy: Path) -> None:
    with make_client(case_copy) as client:
        export = client.get("/search.csv", params={"q": "*"})
        assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
        with Case.open(case_copy) as case:
            assert len(rows) == case.store.counts()["documents"]
        assert {r["filename"] for r in rows} >= {"C05739547.pdf", "family.eml", "talking-points.txt"}
        assert all(not r[k].startswith(("=", "+", "@")) for r in rows for k in r)


def test_saved_search_round_trip(case_copy: Path) -> None:
    with make_client(case_copy) as client:
        token = csrf_of(client.get("/search").text)
        assert client.post("/searches", data={"name": "Stamped", "q": "benghazi", "csrf_token": token}).status_code == 303
        page = client.get("/search").text
        assert re.search(r'<a href="/search\?q=benghazi&amp;sort=relevance" title="benghazi">Stamped</a>', page)


def test_notes_and_annotations(case_copy: Path) -> None:
    pdf = doc_id_by_filename(case_copy, "C05739554.pdf")
    with make_client(case_copy) as client:
        token = csrf_of(client.get(f"/documents/{pdf}").text)
        note = client.post(f"/documents/{pdf}/notes", data={"text": "Check the B6 on page 1", "csrf_token": token})
        assert note.status_code == 303
        saved = client.post(f"/documents/{pdf}/annotations", data={
            "page": 1, "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.05, "text": "Name withheld here", "public": "true", "csrf_token": token})
        assert saved.status_code == 303
        empty = client.post(f"/documents/{pdf}/annotations", data={
            "page": 1, "x": 0.1, "y": 0.2, "w": 0, "h": 0, "text": "no box", "csrf_token": token})
        assert empty.status_code == 400 and "Draw a rectangle" in empty.text
        view = client.get(f"/documents/{pdf}", params={"page": 1}).text
        assert "Check the B6 on page 1" in view and "Name withheld here" in view
        assert 'class="box box-annotation" data-x="0.1" data-y="0.2" data-w="0.3" data-h="0.05"' in view


def test_overview_reconciles_and_tells_a_stopped_ingest(case_copy: Path) -> None:
    """A begun, never finished run with no writer holding the case was killed: it is not "in
    progress" (a running one, polled every 2 s, is in test_web_overview_state.py)."""
    with make_client(case_copy) as client:
        page = client.get("/overview").text
        assert "all accounted for" in page and "difference <strong>0</strong>" in page
        assert 'hx-trigger="every 2s"' not in page
        with Case.open(case_copy) as case:
            prod = case.store.production("STATE-VOL02")
            case.store.begin_ingest(prod.id, ["VOL02"], "test", {})
        stopped = client.get("/overview/progress").text
        assert 'hx-trigger="every 2s"' not in stopped and "Ingest in progress" not in stopped
        assert "Ingest stopped before it finished" in stopped


def test_path_traversal_and_unknown_ids_get_404(web_case_dir: Path) -> None:
    with make_client(web_case_dir) as client:
        for url in (
            "/documents/1/pages/..%2F..%2F..%2Fetc%2Fpasswd/image",
            "/documents/..%2F..%2Fcase.db/original",
            "/documents/%2e%2e%2fcase.db/pages/1/image",
            "/documents/1%2F..%2F..%2Fcase.db/original",
            "/documents/1/pages/1%2F..%2F..%2Fcase.db/image",
            "/static/..%2Fcase.db",
            "/static/%2e%2e/%2e%2e/case.db",
            "/documents/99999/original",
            "/documents/1/pages/999/image",
            "/documents/-1/pages/1/image",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert b"SQLite format" not in response.content


def test_team_mode_requires_login_and_viewer_cannot_change(case_copy: Path) -> None:
    from uncover.cli import main

    runner = CliRunner()
    for name, role in (("ada", "reviewer"), ("vic", "viewer")):
        result = runner.invoke(main, ["user", "add", str(case_copy), name, "--role", role, "--password-stdin"],
                               input="correct horse battery\n")
        assert result.exit_code == 0, result.output
    with Case.open(case_copy) as case:
        stored = case.store.conn.execute("SELECT password_hash FROM users WHERE name = 'ada'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    doc_id = doc_id_by_subject(case_copy, "Talking points")
    with make_client(case_copy, team=True) as client:
        first = client.get("/search?q=benghazi")
        assert first.status_code == 303 and first.headers["location"].startswith("/login?next=")
        assert client.get(f"/documents/{doc_id}/original").status_code == 303
        assert client.post(f"/documents/{doc_id}/tags", data={"tag": "hot"}).status_code == 401
        login = client.get("/login")
        token = csrf_of(login.text)
        wrong = client.post("/login", data={"name": "vic", "password": "wrong password", "csrf_token": token})
        assert wrong.status_code == 401 and "do not match" in wrong.text
        ok = client.post("/login", data={"name": "vic", "password": "correct horse battery", "csrf_token": token, "next": "/search"})
        assert ok.status_code == 303 and ok.headers["location"] == "/search"
        view = client.get(f"/documents/{doc_id}")
        assert view.status_code == 200 and "+ hot" not in view.text  # a viewer sees no tag buttons
        token = csrf_of(view.text)
        refused = client.post(f"/documents/{doc_id}/tags", data={"tag": "hot", "csrf_token": token})
        assert refused.status_code == 403 and "viewer" in refused.text
        assert client.post(f"/documents/{doc_id}/notes", data={"text": "x", "csrf_token": token}).status_code == 403
        assert client.post("/review/bulk-tag", data={"q": "*", "tag": "hot", "csrf_token": token}).status_code == 403
    with make_client(case_copy, team=True) as client:
        token = csrf_of(client.get("/login").text)
        client.post("/login", data={"name": "ada", "password": "correct horse battery", "csrf_token": token})
        token = csrf_of(client.get(f"/documents/{doc_id}").text)
        assert client.post(f"/documents/{doc_id}/tags", data={"tag": "hot", "csrf_token": token}).status_code == 303
    with Case.open(case_copy) as case:
        rows = case.store.conn.execute("SELECT actor, action FROM review_audit WHERE action IN ('tag', 'login')").fetchall()
    assert ("ada", "tag") in [tuple(r) for r in rows]


def test_foreign_host_header_is_refused(web_case_dir: Path) -> None:
    with make_client(web_case_dir) as client:
        response = client.get("/search", headers={"Host": "rebind.evil.example"})
        assert response.status_code == 400
