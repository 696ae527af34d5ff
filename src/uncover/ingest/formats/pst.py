"""Outlook PST/OST mailboxes: recognised, not read yet.

A PST is a whole mailbox (folders of messages, calendars, contacts). Until uncover reads them the
file lands in the exception report as UNSUPPORTED with the conversion that makes it readable:
readpst (libpst) writes each folder as an mbox, which the MBOX reader takes apart.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ExtractionError
from ...model import IssueCategory
from .base import Extraction, ReadContext, display

PST_MAGIC = b"!BDN"


class PstReader:
    name = "pst"
    extensions = (".pst", ".ost")

    def sniff(self, head: bytes, filename: str) -> float:
        if head.startswith(PST_MAGIC):
            return 0.95
        return 0.6 if filename.lower().endswith(self.extensions) else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        raise ExtractionError(
            f"{display(path, ctx)}: Outlook PST/OST mailboxes are not supported yet; convert it to mbox "
            "files with readpst (package pst-utils: `readpst -r -o OUTDIR FILE.pst`) and ingest OUTDIR",
            IssueCategory.UNSUPPORTED)


READER = PstReader()
