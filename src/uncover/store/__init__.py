"""Storage: the system of record (SQLite by default) and the blob store of originals.

The pipeline talks to `Store` only through the methods of `SqliteStore`; a PostgreSQL store
implements the same methods over the same schema (store/migrations).
"""

from __future__ import annotations

from .blobs import BlobStore, Fingerprint, fingerprint
from .sqlite import InputRecord, SqliteStore

Store = SqliteStore

__all__ = ["BlobStore", "Fingerprint", "InputRecord", "SqliteStore", "Store", "fingerprint"]
