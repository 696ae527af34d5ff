"""Publishing: a chosen set of documents and public annotations as a static reading room.

    publication.py  what to publish (stored in the case, migration 0006)
    snapshot.py     THE GUARANTEE: only what may be published, copied out of the case
    site.py         the static site, built from the snapshot alone
    guide_pdf.py    the briefing guide as a PDF with linked citations
    check.py        the leak check over every file of a built site
"""

from __future__ import annotations

from .build import PublishResult, publish
from .check import Leak, check_site
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
    remove_documents,
    set_base_url,
    set_guide,
    set_introduction,
    set_title,
)
from .snapshot import PublishError, Snapshot, build_snapshot

__all__ = [
    "Citation", "Leak", "Publication", "PublishError", "PublishResult", "Snapshot", "add_documents", "build_snapshot",
    "check_site", "citations", "create_publication", "delete_publication", "freeze_search", "get_publication",
    "list_publications", "publish", "remove_documents", "set_base_url", "set_guide", "set_introduction", "set_title",
]
