"""A small real case for the web tests: four State Department PDFs, a real e-mail from the fixtures
corpus, and two generated e-mails (one with an attachment, one carrying script payloads).
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

STATE_PDFS = ("C05739547", "C05739554", "C05739559", "C05739562")
# Every payload sets window.pwned (or a parent's) and pops a dialog if it ever runs.
HOSTILE_HTML = """<html><head><script>window.pwned = 1; alert('script')</script>
<style>body { background: url(https://tracker.example/bg.png) }</style></head><body>
<p>Quarterly figures attached.</p>
<script>window.pwned = 2; parent.pwned = 2; alert('script2')</script>
<img src="x" onerror="window.pwned = 3; parent.pwned = 3; alert('img')">
<svg onload="window.pwned = 4; parent.pwned = 4; alert('svg')"><circle r="5"/></svg>
<svg><script>window.pwned = 5; alert('svg script')</script></svg>
<a href="javascript:window.pwned=6;parent.pwned=6;alert('js link')" id="jslink">click me</a>
<iframe srcdoc="<script>parent.parent.pwned = 7</script>"></iframe>
<img src="https://tracker.example/pixel.gif" alt="tracking pixel">
<form action="https://evil.example/"><input name="password"></form>
<body onload="window.pwned = 8">
</body></html>"""


def hostile_eml(folder: Path) -> Path:
    msg = EmailMessage()
    msg["From"] = "Mallory <mallory@evil.example>"
    msg["To"] = "Records Officer <records@agency.example>"
    msg["Subject"] = "Quarterly figures zebrafish"
    msg["Date"] = "Tue, 15 Mar 2011 10:00:00 -0500"
    msg["Message-ID"] = "<hostile-1@evil.example>"
    msg.set_content("Quarterly figures attached. zebrafish")
    msg.add_alternative(HOSTILE_HTML, subtype="html")
    path = folder / "hostile.eml"
    path.write_bytes(bytes(msg))
    return path


def family_eml(folder: Path) -> Path:
    msg = EmailMessage()
    msg["From"] = "Jacob Sullivan <sullivanjj@state.example>"
    msg["To"] = "Cheryl Mills <millscd@state.example>"
    msg["Subject"] = "Talking points with attachment"
    msg["Date"] = "Wed, 12 Sep 2012 08:30:00 -0400"
    msg["Message-ID"] = "<family-1@state.example>"
    msg.set_content("Draft talking points attached for review. =SUM(1)")
    msg.add_attachment(b"Talking points: the annex explains the okapi incident.\n", maintype="text", subtype="plain",
                       filename="talking-points.txt")
    path = folder / "family.eml"
    path.write_bytes(bytes(msg))
    return path


@pytest.fixture(scope="session")
def web_case_dir(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from uncover import Case
    from uncover.ingest.pipeline import IngestOptions, ingest

    src = tmp_path_factory.mktemp("web-src")
    paths: list[Path] = [corpora / "foia-clinton-state-pdfs" / f"{name}.pdf" for name in STATE_PDFS]
    real_mail = corpora / "email-eml-mbox-fixtures" / "aleph-ingest-file" / "email_multipart_alternative.eml"
    paths += [real_mail, hostile_eml(src), family_eml(src)]
    root = tmp_path_factory.mktemp("web") / "case"
    with Case.init(root, name="Web test case") as case:
        ingest(case, paths, IngestOptions(ocr="never", workers=1, production="STATE-VOL01"))
    return root


@pytest.fixture
def case_copy(web_case_dir: Path, tmp_path: Path) -> Path:
    """A private copy for tests that change the case (tags, notes, users)."""
    from uncover import Case

    target = tmp_path / "case"
    Case.copy(web_case_dir, target).close()  # on PostgreSQL, a schema of its own
    return target


@pytest.fixture(scope="session")
def analysis_case_dir(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from analysis_case import build

    return build(corpora, tmp_path_factory.mktemp("analysis"))
