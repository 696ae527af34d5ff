"""The leak check: every canary planted in a copy of a built site, in every form a site file can
hold it, is found; a run of numbers is nobody's secret; a false alarm can be accepted with a reason."""

from __future__ import annotations

import base64
import gzip
import io
import json
import re
import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from publish_helpers import CANARY_CC, CANARY_NOTE, CANARY_PHONE, CANARY_REDACTED, UNPUBLISHED_SENTENCE

from uncover import Case
from uncover.cli import main
from uncover.publish import Withheld, build_snapshot, get_publication
from uncover.publish.check import scan_file, secret_index
from uncover.publish.site import tokens

NOTE = CANARY_NOTE  # a private note's canary: one distinctive word
SENTENCE = UNPUBLISHED_SENTENCE  # a sentence of an unpublished document, without its canary


@pytest.fixture(scope="module")
def index(built_site, publish_case):  # type: ignore[no-untyped-def]
    with Case.open(publish_case.root) as case:
        pub = get_publication(case, "secure-communities")
        withheld = Withheld()
        snapshot = build_snapshot(case, pub, images_dir=None, withheld=withheld)
        return secret_index(case, pub, snapshot, withheld)


@pytest.fixture
def copy(built_site, tmp_path):  # type: ignore[no-untyped-def]
    """A fresh copy of the built site for each plant, so no plant is found for another's sake."""
    target = tmp_path / "site"
    shutil.copytree(built_site[0], target)
    return target


def _insert_html(site: Path, snippet: str) -> Path:
    path = site / "index.html"
    path.write_text(path.read_text("utf-8").replace("</main>", snippet + "</main>", 1), "utf-8")
    return path


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _with_chunk(png: bytes, chunk: bytes, before: bytes = b"IEND") -> bytes:
    at = png.rindex(before) - 4
    return png[:at] + chunk + png[at:]


def _large_png() -> bytes:
    import numpy as np
    from PIL import Image

    noise = np.random.default_rng(14).integers(0, 256, (900, 900, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(noise, "RGB").save(out, "PNG", compress_level=1)
    return out.getvalue()


def _jpeg(**options: object) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(out, "JPEG", **options)
    return out.getvalue()


def _exif() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010E] = f"Image of the file {NOTE}"  # ImageDescription
    return _jpeg(exif=exif.tobytes())


def _pdf_with(text: str, metadata: str) -> bytes:
    from rawpdf import RawPdf

    pdf = RawPdf()
    info = pdf.add(b"<< /Author (%s) >>" % metadata.encode())
    pdf.page(b"BT /F1 11 Tf 72 700 Td (%s) Tj ET" % text.encode())
    return pdf.bytes().replace(b"trailer\n<< ", b"trailer\n<< /Info %d 0 R " % info)


def _page_png(site: Path) -> Path:
    return site / "pages" / "memo" / "p1.png"


PLANTS: dict[str, Callable[[Path], Path]] = {
    "HTML entities": lambda s: _insert_html(s, "<p>" + "".join(f"&#{ord(c)};" for c in NOTE[:3]) + NOTE[3:] + "</p>"),
    "a word split by tags": lambda s: _insert_html(s, f"<p>{NOTE[:3]}<b></b>{NOTE[3:7]}<span></span>{NOTE[7:]}</p>"),
    "an invisible character inside a word": lambda s: _insert_html(s, f"<p>{NOTE[:4]}\u200b{NOTE[4:]}</p>"),
    "an HTML comment": lambda s: _insert_html(s, f"<!-- {NOTE} -->"),
    "an attribute": lambda s: _insert_html(s, f'<img alt="{SENTENCE}" src="x.png">'),
    "percent-encoding": lambda s: _insert_html(s, '<a href="q?x=' + "".join(f"%{ord(c):02X}" for c in NOTE) + '">x</a>'),
    "CSS": lambda s: _append(s / "static" / "site.css", f'.x::after {{ content: "{NOTE}"; }}'),
    "JSON escapes": lambda s: _append(s / "search" / "docs.js", "".join(f"\\u{ord(c):04x}" for c in NOTE)),
    "base64 in a data: URL": lambda s: _insert_html(
        s, '<a href="data:text/plain;base64,' + base64.b64encode(SENTENCE.encode()).decode() + '">x</a>'),
    "base64 of gzip of UTF-16": lambda s: _append(
        s / "static" / "site.js", "var x='" + base64.b64encode(gzip.compress(SENTENCE.encode("utf-16"))).decode() + "';"),
    "a gzip file": lambda s: _write(s / "search" / "extra.js.gz", gzip.compress(SENTENCE.encode())),
    "UTF-16 with a BOM": lambda s: _write(s / "notes.txt", SENTENCE.encode("utf-16")),
    "UTF-16 without a BOM": lambda s: _write(s / "notes.dat", SENTENCE.encode("utf-16-le")),
    "a ZIP member": lambda s: _write(s / "bundle.zip", _zip({"readme.txt": SENTENCE})),
    "a feed tag": lambda s: _feed(s, f"<{NOTE}/>"),
    "a feed attribute": lambda s: _feed(s, f'<category term="{NOTE}"/>'),
    "escaped HTML in a feed": lambda s: _feed(s, f'<content type="html">&lt;b&gt;{NOTE[:4]}&lt;/b&gt;{NOTE[4:]}</content>'),
    "a file name": lambda s: _write(s / "pages" / f"{NOTE}.png", b""),
    "a percent-encoded file name": lambda s: _write(s / "doc" / ("%7A" + NOTE[1:] + ".html"), b"<p>x</p>"),
    "a PNG tEXt chunk": lambda s: _write(_page_png(s), _with_chunk(_page_png(s).read_bytes(), _png_chunk(b"tEXt", b"Comment\x00" + NOTE.encode()))),
    "a PNG zTXt chunk": lambda s: _write(_page_png(s), _with_chunk(
        _page_png(s).read_bytes(), _png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(SENTENCE.encode())))),
    "a PNG iTXt chunk": lambda s: _write(_page_png(s), _with_chunk(
        _page_png(s).read_bytes(), _png_chunk(b"iTXt", b"Comment\x00\x01\x00en\x00\x00" + zlib.compress(SENTENCE.encode())))),
    "a chunk among the pixels of a large PNG": lambda s: _write(s / "pages" / "big.png", _with_chunk(
        _large_png(), _png_chunk(b"prVt", SENTENCE.encode()), before=b"IDAT")),
    "bytes pasted into the middle of a large PNG": lambda s: _write(s / "pages" / "big2.png", _middle(_large_png(), NOTE.encode())),
    "a JPEG comment": lambda s: _write(s / "pages" / "c.jpg", _jpeg(comment=SENTENCE.encode())),
    "JPEG EXIF": lambda s: _write(s / "pages" / "e.jpg", _exif()),
    "PDF text": lambda s: _write(s / "pdf" / "extra.pdf", _pdf_with(SENTENCE, "Clerk")),
    "PDF metadata": lambda s: _write(s / "pdf" / "meta.pdf", _pdf_with("Nothing here.", NOTE)),
    "a search index term": lambda s: _index_term(s, NOTE),
}
EXPECTED = {"a search index term": "a search term from no published text"}


def _append(path: Path, text: str) -> Path:
    path.write_text(path.read_text("utf-8") + text, "utf-8")
    return path


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, text)
    return out.getvalue()


def _feed(site: Path, snippet: str) -> Path:
    path = site / "feed.atom"
    path.write_text(path.read_text("utf-8").replace("</feed>", snippet + "</feed>"), "utf-8")
    return path


def _middle(data: bytes, payload: bytes) -> bytes:
    half = len(data) // 2
    return data[:half] + payload + data[half:]


def _index_term(site: Path, term: str) -> Path:
    shard = site / "search" / "t-z.js"
    shard.write_text(re.sub(r"\{", '{"' + term + '":[1],', shard.read_text("utf-8"), count=1), "utf-8")
    return shard


@pytest.mark.parametrize("where", list(PLANTS))
def test_a_planted_canary_is_found(index, copy, where) -> None:  # type: ignore[no-untyped-def]
    target = PLANTS[where](copy)
    leaks = scan_file(index, copy, target)
    expected = EXPECTED.get(where, "unpublished document" if SENTENCE in _plain(where) else "private note")
    assert any(expected in leak.source for leak in leaks), (where, leaks)


def _plain(where: str) -> str:
    return SENTENCE if where in {"an attribute", "base64 in a data: URL", "base64 of gzip of UTF-16", "a gzip file",
                                 "UTF-16 with a BOM", "UTF-16 without a BOM", "a ZIP member", "a PNG zTXt chunk",
                                 "a PNG iTXt chunk", "a chunk among the pixels of a large PNG", "a JPEG comment",
                                 "PDF text"} else ""


@pytest.mark.parametrize(("text", "source"), [
    (f"Cc: {CANARY_CC}@ice.example.gov", "personal data (cc) masked"),
    (f"call (202) {CANARY_PHONE} today", "personal data (phones) masked"),
    (f"the witness {CANARY_REDACTED} told investigators", "text hidden under paint"),
])
def test_masked_and_hidden_text_are_secrets(index, text, source) -> None:  # type: ignore[no-untyped-def]
    assert any(source in leak.source for leak in index.scan(tokens(text), "x.html"))


def test_a_run_of_numbers_is_nobodys_secret(index, built_site) -> None:  # type: ignore[no-untyped-def]
    site, result = built_site
    # An unpublished table holds `1 2 3 4 5 6 7 8 9`; the nine-page appendix lists the same run
    # in its page navigation, and the search index is full of such runs.
    nav = re.sub(r"<[^>]+>", " ", (site / "doc" / "appendix.html").read_text("utf-8"))
    assert "1 2 3 4 5 6 7 8 9" in " ".join(nav.split())
    assert index.scan(tokens("1 2 3 4 5 6 7 8 9 10 11 12"), "x.html") == []
    assert result.leaks == []


def test_a_false_alarm_is_accepted_with_a_reason_and_shown_later(publish_case, built_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    shutil.copytree(built_site[0], site)
    _insert_html(site, f"<p>{NOTE}</p>")
    runner = CliRunner()
    case = str(publish_case.root)
    done = runner.invoke(main, ["publish-check", case, "secure-communities", str(site), "--json"])
    assert done.exit_code == 1, done.output
    (leak,) = json.loads(done.output)["leaks"]
    assert "private note" in leak["source"] and leak["accepted"] is None
    done = runner.invoke(main, ["publish-check", case, "secure-communities", str(site), "--accept", leak["id"]])
    assert done.exit_code != 0 and "reason" in done.output  # a reason is required
    done = runner.invoke(main, ["publish-check", case, "secure-communities", str(site), "--accept", leak["id"],
                                "--reason", "The word is our own test marker, not the note.", "--by", "alice"])
    assert done.exit_code == 0, done.output
    done = runner.invoke(main, ["publish-check", case, "secure-communities", str(site)])
    assert done.exit_code == 0 and "accepted" in done.output and "our own test marker" in done.output
    shown = json.loads(runner.invoke(main, ["publication", "show", case, "secure-communities", "--json"]).output)
    assert [a["reason"] for a in shown["accepted_findings"]] == ["The word is our own test marker, not the note."]
    # another finding is not covered by that acceptance
    _insert_html(site, f"<p>{SENTENCE}</p>")
    assert runner.invoke(main, ["publish-check", case, "secure-communities", str(site)]).exit_code == 1


def test_published_runs_side_by_side_are_not_a_leak() -> None:
    """Two false alarms seen publishing all 168 State releases (bench/publish_state.py)."""
    from uncover.publish.check import SecretIndex
    from uncover.publish.decode import text_views

    index = SecretIndex()
    index.add("page 5\nUNCLASSIFIED U.S. Department of State Case No. F-2015-04841 Doc No. C05739694", "unpublished")
    index.add("From: Mills, Cheryl D\nSent: Wednesday, September 12, 2012 11:52 AM\nThe ambassador's last cable asked "
              "for more guards at the compound before the anniversary.", "unpublished")
    index.allow("UNCLASSIFIED U.S. Department of State Case No. F-2015-04841 Doc No. C05739547")
    index.allow("From: Mills, Cheryl D <[e-mail address]>\nSent: Wednesday, September 12, 2012 11:52 AM")
    index.allow("<summary>Text of page {{ page.number }}</summary>", published=False)
    index.finish()
    # a page heading of the site's own beside the letterhead that starts the next page
    assert index.scan(tokens("Text of page 5 UNCLASSIFIED U.S. Department of State Case No. F-2015-04841"), "x") == []
    # the masked address is shown as `<[e-mail address]>`, escaped: it is text, not a tag to drop
    (rendered, *_) = [t for w, t in text_views("<pre>From: Mills, Cheryl D &lt;[e-mail address]&gt;\nSent: Wednesday</pre>")]
    assert "<[e-mail address]>" in rendered
    # while the unpublished page's own words are found, even beside published ones
    assert index.scan(tokens("Sent: Wednesday, September 12, 2012 11:52 AM The ambassador's last cable asked for"), "x") != []
