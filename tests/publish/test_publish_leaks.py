"""The guarantee: nothing that was not chosen is in the built site, in any file or any reading of
a file, and published text is only what a reader of the page picture can see."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from publish_helpers import (
    CANARIES,
    CANARY_BCC,
    CANARY_CC,
    CANARY_CUSTODIAN,
    CANARY_EMAIL,
    CANARY_PHONE,
    HIDDEN_CANARIES,
    PUBLISHED_PHRASE,
)

from uncover import Case
from uncover.publish.decode import path_views, views

HIDDEN_PAGES = {"failed redaction": ("redacted", 1), "stroked line": ("redacted", 2), "black image": ("redacted", 3),
                "square annotation": ("redacted", 4), "burned-in box on a scan": ("scan", 1)}


def _all_site_text(site: Path) -> str:
    """Every reading of every file (decoded as the leak check decodes), its raw bytes, every path."""
    parts = []
    for path in site.rglob("*"):
        rel = path.relative_to(site).as_posix()
        parts += [t for _, t in path_views(rel)]
        if path.is_file():
            data = path.read_bytes()
            parts += [t for _, t in views(rel, data, path.suffix.lower())]
            parts.append(data.decode("latin-1"))
    return "\n".join(parts).lower()


def _page_text(site: Path, slug: str, page: int) -> str:
    html = (site / "doc" / f"{slug}.html").read_text("utf-8")
    section = html.split(f'id="p{page}"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"<[^>]+>", " ", section)


def test_no_canary_in_any_file_of_the_site(built_site) -> None:  # type: ignore[no-untyped-def]
    site, result = built_site
    assert result.leaks == [] and result.accepted == []
    text = _all_site_text(site)
    found = [c for c in CANARIES if c.lower() in text]
    assert found == []
    suffixes = {p.suffix for p in site.rglob("*") if p.is_file()}
    assert {".html", ".js", ".css", ".png", ".xml", ".atom", ".pdf"} <= suffixes


@pytest.mark.parametrize("case", list(HIDDEN_PAGES))
def test_text_a_reader_cannot_see_is_not_published(built_site, publish_case, case) -> None:  # type: ignore[no-untyped-def]
    site, result = built_site
    slug, page = HIDDEN_PAGES[case]
    text = _page_text(site, slug, page)
    assert HIDDEN_CANARIES[case] not in text
    # what the page shows around the covered line is published
    visible = "The rest of this briefing remains visible" if slug == "redacted" else "The remainder of the scanned report"
    assert visible in text and "█" in text
    shard = (site / "search" / "t-z.js").read_text("utf-8")
    assert HIDDEN_CANARIES[case] not in shard


def test_the_search_index_and_text_files_hold_only_visible_text(built_site) -> None:  # type: ignore[no-untyped-def]
    site, _ = built_site
    texts = " ".join(p.read_text("utf-8") for p in (site / "search").rglob("*.js")).lower()
    assert "remains visible" in texts and '"remains":' in texts  # the covered line's neighbours are indexed...
    for word in ("investigators", "witness", "stroke", "picture", "annotation"):  # ...its own words are not
        assert f'"{word}":' not in texts and word not in texts


def test_printed_cc_and_bcc_addresses_are_masked_and_listed(built_site, publish_case) -> None:  # type: ignore[no-untyped-def]
    site, result = built_site
    text = _page_text(site, "email", 1)
    assert "Cc: [Cc list]" in text and "Bcc: [Bcc list]" in text and "Prepared by [name]" in text
    assert "Subject: Detainer numbers for the counties" in text  # the rest of the header is published
    kinds = {(m["document"], m["kind"]): m["value"] for m in result.masked}
    assert CANARY_CC in kinds[("email.pdf", "cc")] and CANARY_BCC in kinds[("email.pdf", "bcc")]
    assert CANARY_CUSTODIAN in kinds[("email.pdf", "custodians")]
    assert CANARY_EMAIL in kinds[("memo.pdf", "emails")] and CANARY_PHONE in kinds[("memo.pdf", "phones")]
    # the list is for the publisher: a CSV in the case, never in the site
    report = Path(result.masked_report)
    assert site not in report.parents and publish_case.root in report.parents
    with open(report, encoding="utf-8") as fh:
        assert {r["value"] for r in csv.DictReader(fh)} >= {kinds[("email.pdf", "cc")], kinds[("memo.pdf", "phones")]}


def test_masked_data_is_painted_over_on_the_picture(built_site) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    site, _ = built_site
    with Image.open(site / "pages" / "email" / "p1.png") as img:
        grey = img.convert("L")
        w, h = grey.size
        # the Cc line is 4th (y = 680 pt of 792), its address starts after "Cc: " at x = 72 pt
        row = [grey.getpixel((int(w * x / 612), int(h * (792 - 683) / 792))) for x in range(100, 200, 5)]
    assert all(abs(v - 0x99) < 24 for v in row), row


def test_published_text_counts_and_lists_hold_only_the_chosen(built_site, publish_case) -> None:  # type: ignore[no-untyped-def]
    site, result = built_site
    assert result.figures.documents == len(publish_case.published)
    index = (site / "index.html").read_text("utf-8")
    assert f"{len(publish_case.published)} documents" in index
    assert publish_case.unpublished.lower() not in _all_site_text(site)
    assert PUBLISHED_PHRASE in (site / "doc" / "memo.html").read_text("utf-8")
    assert (site / "sitemap.xml").read_text("utf-8").count("<loc>") == len(publish_case.published) + 2
    assert (site / "feed.atom").read_text("utf-8").count("<entry>") == len(publish_case.published)
    assert "DOC-0" not in _all_site_text(site).upper()  # no internal ids: Bates numbers or file names


def test_public_annotation_is_published_private_one_is_not(built_site) -> None:  # type: ignore[no-untyped-def]
    site, _ = built_site
    page = (site / "doc" / "memo.html").read_text("utf-8")
    assert "The agency knew the program was expanding." in page
    assert "confidential contact" not in page


def test_the_pdf_to_download_is_the_published_pictures(built_site) -> None:  # type: ignore[no-untyped-def]
    site, _ = built_site
    pdf = pdfium.PdfDocument(site / "pdf" / "redacted.pdf")
    try:
        assert len(pdf) == 4
        assert all(page.get_textpage().get_text_range().strip() == "" for page in pdf)  # pictures, no text layer
        bitmap = pdf[0].render(scale=100 / 72).to_pil().convert("L")
        with __import__("PIL.Image", fromlist=["Image"]).open(site / "pages" / "redacted" / "p1.png") as png:
            assert bitmap.size == png.size
    finally:
        pdf.close()


def test_guide_pdf_has_citations_as_links_to_page_permalinks(built_site) -> None:  # type: ignore[no-untyped-def]
    import ctypes

    import pypdfium2.raw as pdfium_c

    from uncover.publish.decode import page_uris

    site, result = built_site
    assert result.pdf
    pdf = pdfium.PdfDocument(site / "guide.pdf")
    uris = [u for page in pdf for u in page_uris(page, pdfium_c, ctypes)]
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    pdf.close()
    assert "https://example.org/room/doc/memo.html#p2" in uris
    assert "https://example.org/room/doc/memo.html#p1" in uris
    assert "https://example.org/room/doc/redacted.html#p1" in uris
    assert "detainer pilot program expanded quietly" in " ".join(text.split())  # the cited passage, quoted


def test_guide_quotes_the_cited_passage(built_site) -> None:  # type: ignore[no-untyped-def]
    site, _ = built_site
    guide = (site / "guide.html").read_text("utf-8")
    assert "“Our review shows the detainer pilot program expanded quietly across the region.”" in guide
    assert "Documents cited" in guide and "Detainer memo" in guide


def test_guide_quoting_hidden_text_refuses_to_build(publish_case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from uncover.publish import PublishError, add_documents, create_publication, publish

    with Case.open(publish_case.root) as case:
        pub = create_publication(case, "quotes-hidden", "Bad", guide=f'See [[{publish_case.redacted} p1 "night transfer plan"]].')
        add_documents(case, pub, [publish_case.redacted])
        with pytest.raises(PublishError, match="not in the published text"):
            publish(case, pub, tmp_path / "out", check=False)


def test_guide_citing_an_unpublished_document_refuses_to_build(publish_case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from uncover.publish import PublishError, add_documents, create_publication, publish

    with Case.open(publish_case.root) as case:
        pub = create_publication(case, "bad-guide", "Bad", guide=f"See [[{publish_case.unpublished}]].")
        add_documents(case, pub, [publish_case.memo])
        with pytest.raises(PublishError, match="not in the publication"):
            publish(case, pub, tmp_path / "out")
        assert not (tmp_path / "out").exists()
