"""The guarantee: nothing that was not chosen is in the built site, in any file, and the check sees it if it is."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from publish_helpers import CANARIES, CANARY_REDACTED, CANARY_UNPUBLISHED, PUBLISHED_PHRASE

from uncover import Case
from uncover.publish import check_site, get_publication
from uncover.publish.check import file_words


def _all_site_text(site: Path) -> str:
    """Every file's words, every PDF's text and every path, lower-cased, for a plain substring test."""
    parts = []
    for path in site.rglob("*"):
        parts.append(path.relative_to(site).as_posix().lower())
        if path.is_file():
            parts.append(" ".join(file_words(path)))
            if path.suffix != ".png":
                parts.append(path.read_bytes().decode("utf-8", "replace").lower())
    return "\n".join(parts)


def test_no_canary_anywhere_in_the_site(built_site) -> None:  # type: ignore[no-untyped-def]
    site, result = built_site
    assert result.leaks == []
    text = _all_site_text(site)
    for canary in CANARIES:
        assert canary not in text, canary
    suffixes = {p.suffix for p in site.rglob("*") if p.is_file()}
    assert {".html", ".js", ".css", ".png", ".xml", ".atom", ".pdf"} <= suffixes


def test_published_text_counts_and_lists_hold_only_the_chosen(built_site, publish_case) -> None:  # type: ignore[no-untyped-def]
    site, result = built_site
    assert result.figures.documents == 5
    index = (site / "index.html").read_text("utf-8")
    assert "5 documents" in index
    assert publish_case.unpublished not in _all_site_text(site).upper()
    assert PUBLISHED_PHRASE in (site / "doc" / f"{publish_case.memo}.html").read_text("utf-8")
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert sitemap.count("<loc>") == 5 + 2
    assert (site / "feed.atom").read_text("utf-8").count("<entry>") == 5
    names = sorted(p.name for p in (site / "doc").iterdir())
    assert names == sorted(f"{label}.html" for label in publish_case.published)


def test_redacted_page_keeps_its_visible_text_and_loses_the_covered_line(built_site, publish_case) -> None:  # type: ignore[no-untyped-def]
    site, result = built_site
    page = (site / "doc" / f"{publish_case.redacted}.html").read_text("utf-8")
    assert "The rest of this briefing remains visible" in page
    assert "night transfer plan" not in page and CANARY_REDACTED not in page
    # that page, and the first page of each of the three State PDFs (State's outlined boxes)
    assert result.text_rebuilt_pages == 4
    # The page image is the page as produced: the box is black where the words were.
    from PIL import Image

    with Image.open(site / "pages" / publish_case.redacted / "p1.png") as img:
        gray = img.convert("L")
        w, h = gray.size
        assert gray.getpixel((int(w * 0.5), int(h * 0.085))) < 40


def test_public_annotation_is_published_private_one_is_not(built_site, publish_case) -> None:  # type: ignore[no-untyped-def]
    site, _ = built_site
    page = (site / "doc" / f"{publish_case.memo}.html").read_text("utf-8")
    assert "The agency knew the program was expanding." in page
    assert "confidential contact" not in page


def test_check_finds_a_canary_copied_into_the_site(built_site, publish_case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site, _ = built_site
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    with Case.open(publish_case.root) as case:
        pub = get_publication(case, "secure-communities")
        assert check_site(case, pub, copy) == []
        # 1. a sentence of the unpublished document pasted into a page
        html = copy / "index.html"
        html.write_text(html.read_text("utf-8").replace(
            "</main>", "<p>The informant met the deputy director near the border crossing on Tuesday night.</p></main>"), "utf-8")
        leaks = check_site(case, pub, copy)
        assert any(leak.file == "index.html" and publish_case.unpublished in leak.source for leak in leaks)
        # 2. a word slipped into the search index: not a word of any published page
        shard = copy / "search" / "t-z.js"
        shard.write_text(re.sub(r"\{", '{"' + CANARY_UNPUBLISHED + '":[1],', shard.read_text("utf-8"), count=1), "utf-8")
        leaks = check_site(case, pub, copy)
        assert any(leak.file == "search/t-z.js" for leak in leaks)
        # 3. a private note in a file name
        (copy / "pages" / "zqxnote5520.png").write_bytes(b"")
        assert any("private note" in leak.source and "file name" in leak.file for leak in check_site(case, pub, copy))


def test_guide_pdf_has_citations_as_links_to_page_permalinks(built_site, publish_case) -> None:  # type: ignore[no-untyped-def]
    from uncover.publish.check import _page_uris

    site, result = built_site
    assert result.pdf
    pdf = pdfium.PdfDocument(site / "guide.pdf")
    import pypdfium2.raw as pdfium_c

    uris = [u for page in pdf for u in _page_uris(page, pdfium_c)]
    pdf.close()
    assert f"https://example.org/room/doc/{publish_case.memo}.html#p2" in uris
    assert f"https://example.org/room/doc/{publish_case.memo}.html#p1" in uris
    assert f"https://example.org/room/doc/{publish_case.redacted}.html#p1" in uris


def test_guide_citing_an_unpublished_document_refuses_to_build(publish_case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from uncover.publish import PublishError, add_documents, create_publication, publish

    with Case.open(publish_case.root) as case:
        pub = create_publication(case, "bad-guide", "Bad", guide=f"See [[{publish_case.unpublished}]].")
        add_documents(case, pub, [publish_case.memo])
        with pytest.raises(PublishError, match="not in the publication"):
            publish(case, pub, tmp_path / "out")
        assert not (tmp_path / "out").exists()
