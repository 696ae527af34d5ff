"""A case folder: settings, the system of record, the originals and the derived search index.

    CASE/
      uncover.toml   settings (name, parties, production schedule, backend)
      case.db        SQLite (WAL): the system of record (or a PostgreSQL schema, see [storage])
      originals/     content-addressed by SHA-256, read-only
      derived/       page images, OCR output: rebuildable from originals
      index/         full-text index: rebuildable from case.db
      exports/       reports, letters, published sites
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CaseError
from .store import BlobStore, SqliteStore
from .store.lock import CaseLock

if TYPE_CHECKING:
    from .search.index import SearchIndex

SETTINGS_FILE = "uncover.toml"
_STORAGE_SECTION = re.compile(r"^\[storage\][ \t]*\n(?:(?!\[)[^\n]*\n?)*", re.M)

SETTINGS_TEMPLATE = """\
# uncover case settings
name = "{name}"
caption = ""          # e.g. "National Day Laborer Organizing Network v. ICE, No. 10 Civ. 3488 (S.D.N.Y.)"
requesting_party = ""
producing_party = ""
spec = ""             # the production format ordered or agreed, e.g. "ndlon-2011"

[storage]
backend = "{backend}"    # "postgresql" for a team: `uncover init CASE --database postgresql://...`
dsn = "{dsn}"           # the server (no password here: libpq reads ~/.pgpass or PGPASSWORD)
schema = "{schema}"        # the case's PostgreSQL schema

# Who signs the deficiency letter, and to whom it goes (uncover check --format docx|pdf).
# [letter]
# signer = "Jane Doe"
# signer_title = "Counsel for Plaintiffs"
# firm = "Center for Constitutional Rights"
# address = ["666 Broadway, 7th Floor", "New York, NY 10012"]
# phone = "(212) 614-6464"
# email = "jdoe@example.org"
# addressee = ["John Roe, Assistant United States Attorney", "86 Chambers Street", "New York, NY 10007"]
# cure_days = 14                 # the cure deadline: this many days after the letter's date
# meet_confer = ["2011-03-07", "2011-03-08"]   # proposed dates; default: three weekdays a week out

# The production schedule of a scheduling order: one table per production.
# [[schedule]]
# production = "ICE opt-out"
# due = "2011-01-17"
"""


@dataclass
class CaseSettings:
    name: str
    caption: str = ""
    requesting_party: str = ""
    producing_party: str = ""
    spec: str = ""
    schedule: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def storage(self) -> dict[str, str]:
        """[storage]: backend ("sqlite" or "postgresql"), dsn and schema."""
        section = self.raw.get("storage") or {}
        return {k: str(section.get(k) or "") for k in ("backend", "dsn", "schema")}

    @classmethod
    def load(cls, path: Path) -> CaseSettings:
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise CaseError(f"{path} is not valid TOML ({exc}); fix the line it names.", path=str(path)) from exc
        known = {k: data[k] for k in ("name", "caption", "requesting_party", "producing_party", "spec", "schedule") if k in data}
        known.setdefault("name", path.parent.name)
        return cls(**known, raw=data)


class Case:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.settings = CaseSettings.load(root / SETTINGS_FILE)
        self._lock: CaseLock | None = None
        self._lock_depth = 0

    @classmethod
    def init(cls, root: Path | str, name: str | None = None, database: str | None = None, schema: str | None = None) -> Case:
        """A new case folder. With `database` (a PostgreSQL DSN; default: the UNCOVER_DATABASE
        environment variable, else SQLite) the system of record is a new schema on that server."""
        root = Path(root)
        if (root / SETTINGS_FILE).exists():
            return cls.open(root)
        if root.exists() and any(root.iterdir()):
            raise CaseError(f"{root} already exists and is not an uncover case; choose an empty or new folder.", path=str(root))
        database = os.environ.get("UNCOVER_DATABASE", "") if database is None else database
        name = name or root.resolve().name
        storage = {"backend": "sqlite", "dsn": "", "schema": ""}
        if database:
            if not database.startswith(("postgresql://", "postgres://")) and "dbname=" not in database:
                raise CaseError(f"--database takes a PostgreSQL address such as postgresql://db.example.org/uncover, not {database!r}.")
            from .store.postgres import create_schema, new_schema_name

            storage = {"backend": "postgresql", "dsn": database, "schema": schema or new_schema_name(name)}
            create_schema(database, storage["schema"])
        root.mkdir(parents=True, exist_ok=True)
        for sub in ("originals", "derived", "exports"):
            (root / sub).mkdir(exist_ok=True)
        (root / SETTINGS_FILE).write_text(SETTINGS_TEMPLATE.format(name=_toml(name), **{k: _toml(v) for k, v in storage.items()}), "utf-8")
        case = cls(root)
        case.store.schema_version()  # creates the schema's tables (case.db, or the PostgreSQL schema)
        return case

    @classmethod
    def copy(cls, source: Path | str, root: Path | str, database: str | None = None, schema: str | None = None) -> Case:
        """A new case at `root` holding everything `source` holds: settings, originals, derived files,
        the index and every row, on the backend `database` names (as in `init`). This is how a laptop
        case moves to the team's PostgreSQL server, or comes back."""
        from .store.transfer import copy_rows

        with cls.open(source) as old:
            root = Path(root)
            if root.exists() and any(root.iterdir()):
                raise CaseError(f"{root} already exists; choose a new folder for the copy.", path=str(root))
            new = cls.init(root, old.name, database=database, schema=schema)
            for sub in ("originals", "derived", "index", "exports"):
                if (old.root / sub).is_dir():
                    shutil.copytree(old.root / sub, root / sub, dirs_exist_ok=True)
            text = (old.root / SETTINGS_FILE).read_text("utf-8")
            storage = _STORAGE_SECTION.search((root / SETTINGS_FILE).read_text("utf-8"))
            assert storage is not None
            text = _STORAGE_SECTION.sub(lambda _: storage.group(0), text) if _STORAGE_SECTION.search(text) \
                else text.rstrip("\n") + "\n\n" + storage.group(0)
            (root / SETTINGS_FILE).write_text(text, "utf-8")
            new.close()
            new = cls(root)
            copy_rows(old.store, new.store)
            return new

    @classmethod
    def open(cls, root: Path | str) -> Case:
        root = Path(root)
        if not (root / SETTINGS_FILE).exists():
            raise CaseError(f"{root} is not an uncover case (no {SETTINGS_FILE}); create one with `uncover init {root}`.", path=str(root))
        return cls(root)

    @property
    def name(self) -> str:
        return self.settings.name

    @cached_property
    def store(self) -> SqliteStore:
        storage = self.settings.storage
        if storage["backend"] in ("postgresql", "postgres"):
            from .store.postgres import PostgresStore

            if not storage["dsn"] or not storage["schema"]:
                raise CaseError(f"{self.root / SETTINGS_FILE}: [storage] backend = \"postgresql\" needs dsn and schema.")
            return PostgresStore(storage["dsn"], storage["schema"])
        if storage["backend"] not in ("", "sqlite"):
            raise CaseError(f"{self.root / SETTINGS_FILE}: [storage] backend must be \"sqlite\" or \"postgresql\".")
        # A new database only where the case holds nothing yet: never over existing originals or index.
        return SqliteStore(self.root / "case.db", create=self._holds_nothing())
    def _holds_nothing(self) -> bool:
        for sub in ("originals", "index"):
            folder = self.root / sub
            if folder.is_dir():
                with os.scandir(folder) as entries:
                    if any(not e.name.startswith(".") for e in entries):
                        return False
        return True

    @property
    def readonly(self) -> bool:
        """A case on read-only media: search, show, status and exceptions work; changes do not."""
        return self.store.readonly

    @contextmanager
    def writing(self, command: str, wait: float = 0.0) -> Iterator[Case]:
        """Hold the case lock for a command that changes the case (re-entrant in one process).

        Taken before anything is touched: a second writer waits up to `wait` seconds, then stops
        with a plain CaseBusyError naming the process that holds the case.
        """
        if self._lock_depth == 0:
            if self.readonly:
                raise CaseError(f"{self.root} is read-only: `uncover {command}` changes the case; run it on a "
                                "writable copy.", path=str(self.root))
            if self.backend == "sqlite":  # PostgreSQL serializes a team's writers itself (store/pgconnection.py)
                self._lock = CaseLock(self.root, command, wait).acquire()
        self._lock_depth += 1
        try:
            yield self
        finally:
            self._lock_depth -= 1
            if self._lock_depth == 0 and self._lock is not None:
                self._lock.release()
                self._lock = None

    @property
    def backend(self) -> str:
        return "postgresql" if self.settings.storage["backend"] in ("postgresql", "postgres") else "sqlite"

    @cached_property
    def blobs(self) -> BlobStore:
        return BlobStore(self.root / "originals")

    @cached_property
    def index(self) -> SearchIndex:
        from .search.index import SearchIndex

        if self.readonly:
            return SearchIndex.read_only(self.root / "index")
        return SearchIndex(self.root / "index", shared=self.backend == "postgresql")

    @property
    def derived(self) -> Path:
        path = self.root / "derived"
        path.mkdir(exist_ok=True)
        return path

    @property
    def exports(self) -> Path:
        path = self.root / "exports"
        path.mkdir(exist_ok=True)
        return path

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock, self._lock_depth = None, 0
        if "index" in self.__dict__:
            self.index.close()
        if "store" in self.__dict__:
            self.store.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _toml(value: str) -> str:
    """Text for inside a TOML basic string."""
    return value.replace("\\", "\\\\").replace('"', '\\"')
