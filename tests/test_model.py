"""The data model's user-facing names: what every list shows for a document."""

from __future__ import annotations

from uncover.model import Document, DocumentKind


def _doc(**fields) -> Document:
    base = dict(id=7, production_id=1, kind=DocumentKind.EMAIL, filename="memo.eml", path="memo.eml",
                sha256="0" * 64, md5="0" * 32, size=1)
    return Document(**{**base, **fields})


def test_listing_names_bates_subject_and_day():
    doc = _doc(bates_begin="ICE0000100", bates_end="ICE0000102", subject="Re: opt out", date="2011-01-17T10:34:00-05:00")
    assert doc.listing == "ICE0000100-ICE0000102 · Re: opt out · 2011-01-17"


def test_listing_without_bates_uses_the_file_name_not_an_internal_id():
    doc = _doc(subject=None, title=None)
    assert doc.listing == "memo.eml"
    assert "DOC-" not in _doc(subject="Budget").listing
