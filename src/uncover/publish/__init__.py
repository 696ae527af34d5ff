"""Publishing: a chosen set of documents and public annotations as a static reading room.

    publication.py  what to publish (stored in the case, migration 0006)
    personal.py     the personal-data policy: what is masked (e-mail, phones, Cc, Bcc, custodians)
    snapshot.py     THE GUARANTEE: only what may be published, copied out of the case
    images.py       each page's text and picture, made in worker processes
    visible.py      what a reader of a PDF page picture can read (no text under paint)
    site.py         the static site, built from the snapshot alone
    produced_pdf.py the PDF a reader downloads, rebuilt from the published pictures
    guide_pdf.py    the briefing guide as a PDF with linked citations
    decode.py       every reading of a site file the leak check must see
    check.py        the leak check over every file of a built site, and accepted findings
"""

from __future__ import annotations

from .build import PublishResult, publish
from .check import Leak, accept_findings, blocking, check_site
from .publication import (
    Citation,
    Publication,
    add_documents,
    citations,
    create_publication,
    delete_publication,
    freeze_search,
    get_publication,
    list_publications,
    personal_data_policy,
    remove_documents,
    set_base_url,
    set_guide,
    set_introduction,
    set_personal_data,
    set_title,
)
from .snapshot import PublishError, Snapshot, Withheld, build_snapshot

__all__ = [
    "Citation", "Leak", "Publication", "PublishError", "PublishResult", "Snapshot", "Withheld", "accept_findings",
    "add_documents", "blocking", "build_snapshot", "check_site", "citations", "create_publication", "delete_publication",
    "freeze_search", "get_publication", "list_publications", "personal_data_policy", "publish", "remove_documents",
    "set_base_url", "set_guide", "set_introduction", "set_personal_data", "set_title",
]
