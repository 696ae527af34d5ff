"""A psycopg 3 connection that behaves like the `sqlite3.Connection` the rest of uncover uses.

The store, the review tables, the web app and the analysis passes call `conn.execute(sql, args)`
with SQLite SQL and read rows by name or index. `PgConnection` keeps that contract on
PostgreSQL: each statement goes through `dialect.translate`, parameters are adapted the way
sqlite3 adapts them (bool -> 0/1, dates -> ISO text), rows are tuples that also answer
`row["name"]` and `dict(row)`, `lastrowid` comes from `RETURNING`, `rowcount` and
`total_changes` count changed rows, and errors are raised as sqlite3's exception classes so
the existing `except sqlite3.IntegrityError` clauses keep working.

Transactions follow SQLite's: autocommit outside `BEGIN`; `BEGIN IMMEDIATE` takes the case's
write lock (a transaction-scoped advisory lock on the case's schema), so writers are serialized
per case exactly as SQLite serializes them per file, while readers never wait; a plain `BEGIN`
is a REPEATABLE READ snapshot, like a SQLite read transaction in WAL mode.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import psycopg
import psycopg.errors
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus
from psycopg.rows import tuple_row

from .dialect import DialectError, Translated, translate, upsert

# SQL functions uncover registers on SQLite connections (search/filters.py) that exist in every
# case schema as PostgreSQL functions (postgres.py): create_function accepts exactly these.
SQL_FUNCTIONS = {"uncover_fold", "uncover_day", "uncover_glob", "uncover_words", "uncover_int", "uncover_real"}
_MODIFYING = {"INSERT", "UPDATE", "DELETE"}
_DDL = {"CREATE", "ALTER", "DROP"}


class _NumericLoader(Loader):
    """numeric -> int when integral (SUM of integers), float otherwise (AVG): what SQLite returns."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        if "." in text or "e" in text or "N" in text:
            return float(text)
        return int(text)


@lru_cache(maxsize=512)
def row_class(names: tuple[str, ...]) -> type[tuple[Any, ...]]:
    """A tuple type whose items are also reachable by column name, like sqlite3.Row."""
    index = {n: i for i, n in enumerate(names)}
    lower = {n.lower(): i for i, n in reversed(list(enumerate(names)))}

    class Row(tuple):  # type: ignore[type-arg]
        __slots__ = ()

        def __getitem__(self, key: Any) -> Any:
            if isinstance(key, str):
                at = index.get(key)
                if at is None:
                    at = lower.get(key.lower())
                    if at is None:
                        raise IndexError(f"No item with that key: {key}")
                return tuple.__getitem__(self, at)
            return tuple.__getitem__(self, key)

        def keys(self) -> list[str]:
            return list(names)

    return Row


def _row_factory(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], Any]:
    names = tuple(c.name for c in cursor.description or ())
    cls = row_class(names)
    return cls


def _adapt(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        # PostgreSQL text cannot hold NUL; U+FFFD keeps every character offset (marks, snippets) in place
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if kind in (int, float, bytes) or value is None:
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return _adapt(str(value))
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "__index__"):
        return int(value)
    return value


def _params(params: Any) -> Any:
    if params is None:
        return ()
    if isinstance(params, dict):
        return {k: _adapt(v) for k, v in params.items()}
    return tuple(_adapt(v) for v in params)


def sqlite_error(exc: psycopg.Error, sql: str) -> sqlite3.Error:
    """The sqlite3 exception a caller written for SQLite expects, carrying PostgreSQL's message."""
    message = (exc.diag.message_primary or str(exc)).strip()
    detail = f"{message} (PostgreSQL {exc.sqlstate or ''}; in: {' '.join(sql.split())[:300]})"
    if isinstance(exc, psycopg.IntegrityError):
        error: sqlite3.Error = sqlite3.IntegrityError(detail)
    elif isinstance(exc, psycopg.NotSupportedError):
        error = sqlite3.NotSupportedError(detail)
    elif isinstance(exc, (psycopg.OperationalError, psycopg.ProgrammingError, psycopg.DataError)):
        error = sqlite3.OperationalError(detail)
    else:
        error = sqlite3.DatabaseError(detail)
    error.sqlstate = exc.sqlstate  # type: ignore[attr-defined]
    return error


def lock_key(schema: str) -> int:
    """The advisory-lock key of a case: stable, signed 64-bit, from its schema name."""
    return int.from_bytes(hashlib.sha256(f"uncover:{schema}".encode()).digest()[:8], "big", signed=True)


class Catalog:
    """Per connection: each table's identity column and unique keys (primary first), read lazily."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self._identity: dict[str, str] | None = None
        self._keys: dict[str, list[tuple[str, ...]]] = {}

    def invalidate(self) -> None:
        self._identity = None
        self._keys = {}

    def _load(self) -> None:
        with self.conn.cursor(row_factory=tuple_row) as cur:
            cur.execute(
                "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace AND a.attidentity <> '' AND NOT a.attisdropped"
            )
            self._identity = {t: c for t, c in cur.fetchall()}
            cur.execute(
                "SELECT c.relname, ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(n, o) "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o) "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace AND i.indisunique AND i.indpred IS NULL "
                "ORDER BY c.relname, i.indisprimary DESC, i.indexrelid"
            )
            keys: dict[str, list[tuple[str, ...]]] = {}
            for table, columns in cur.fetchall():
                keys.setdefault(table, []).append(tuple(columns))
            self._keys = keys

    def identity(self, table: str) -> str | None:
        if self._identity is None:
            self._load()
        assert self._identity is not None
        return self._identity.get(table)

    def conflict_key(self, table: str, columns: Iterable[str]) -> tuple[str, ...] | None:
        if self._identity is None:
            self._load()
        given = set(columns)
        return next((k for k in self._keys.get(table, []) if set(k) <= given), None)


class PgCursor:
    """The parts of sqlite3.Cursor uncover uses, over a psycopg cursor."""

    def __init__(self, connection: PgConnection) -> None:
        self.connection = connection
        self.row_factory: Any = sqlite3.Row  # any non-None value: rows by name and index
        self._cur: psycopg.Cursor[Any] | None = None
        self._rows: list[Any] | None = None
        self._at = 0
        self.rowcount = -1
        self.lastrowid: int | None = None

    # -- running ------------------------------------------------------------------------------------
    def execute(self, sql: str, params: Any = ()) -> PgCursor:
        conn = self.connection
        try:
            statement = translate(sql)
        except DialectError as exc:
            raise sqlite3.NotSupportedError(f"{exc} (in: {' '.join(sql.split())[:300]})") from exc
        if statement.verb == "PRAGMA":
            assert statement.pragma is not None
            self._rows = conn.pragma(*statement.pragma)
            return self
        if statement.verb == "EMPTY":
            self._rows = []
            return self
        if statement.verb == "BEGIN" and conn.in_transaction:
            raise sqlite3.OperationalError("cannot start a transaction within a transaction")
        query, returning = self._query(statement)
        cur = conn.raw.cursor(row_factory=tuple_row if self.row_factory is None else _row_factory)
        try:
            cur.execute(query, _params(params), prepare=None)
            if statement.lock:
                cur.execute(f"SELECT pg_advisory_xact_lock({conn.lock_key})")
        except psycopg.Error as exc:
            raise sqlite_error(exc, sql) from exc
        self._cur, self._rows, self._at = cur, None, 0
        self.rowcount = cur.rowcount if statement.verb in _MODIFYING else -1
        if statement.verb in _MODIFYING and cur.rowcount > 0:
            conn.total_changes += cur.rowcount
        if returning:
            found = cur.fetchall()
            self.lastrowid = int(found[-1][0]) if found else None
            self._rows = []
        if statement.verb in _DDL:
            conn.catalog.invalidate()
        return self

    def executemany(self, sql: str, seq_of_params: Iterable[Any]) -> PgCursor:
        conn = self.connection
        try:
            statement = translate(sql)
        except DialectError as exc:
            raise sqlite3.NotSupportedError(f"{exc} (in: {' '.join(sql.split())[:300]})") from exc
        query, _ = self._query(statement, returning=False)
        rows = [_params(p) for p in seq_of_params]
        self._rows, self._at, self._cur = [], 0, None
        self.rowcount = 0
        if not rows:
            return self
        cur = conn.raw.cursor(row_factory=tuple_row)
        try:
            cur.executemany(query, rows)
        except psycopg.Error as exc:
            raise sqlite_error(exc, sql) from exc
        self.rowcount = max(cur.rowcount, 0)
        if statement.verb in _MODIFYING:
            conn.total_changes += self.rowcount
        return self

    def _query(self, statement: Translated, returning: bool = True) -> tuple[str, bool]:
        query = statement.sql
        if statement.verb != "INSERT" or statement.table is None:
            return query, False
        catalog = self.connection.catalog
        if statement.replace_columns is not None:
            key = catalog.conflict_key(statement.table, statement.replace_columns)
            if key is not None:
                query = upsert(statement, key)
        if returning and " RETURNING " not in query.upper():
            column = catalog.identity(statement.table)
            if column is not None:
                return f'{query} RETURNING "{column}"', True
        return query, False

    # -- reading --------------------------------------------------------------------------------------
    def _fetch_all(self) -> list[Any]:
        if self._rows is None:
            cur = self._cur
            if cur is None or cur.description is None:
                self._rows = []
            else:
                try:
                    self._rows = cur.fetchall()
                except psycopg.Error as exc:
                    raise sqlite_error(exc, "") from exc
            self._at = 0
        return self._rows

    def fetchone(self) -> Any:
        rows = self._fetch_all()
        if self._at >= len(rows):
            return None
        self._at += 1
        return rows[self._at - 1]

    def fetchall(self) -> list[Any]:
        rows = self._fetch_all()
        rest = rows[self._at:]
        self._at = len(rows)
        return rest

    def fetchmany(self, size: int = 1) -> list[Any]:
        rows = self._fetch_all()
        chunk = rows[self._at:self._at + size]
        self._at += len(chunk)
        return chunk

    def __iter__(self) -> Iterator[Any]:
        while (row := self.fetchone()) is not None:
            yield row

    @property
    def description(self) -> Any:
        if self._cur is None or self._cur.description is None:
            return None
        return tuple((c.name, None, None, None, None, None, None) for c in self._cur.description)

    def close(self) -> None:
        if self._cur is not None:
            self._cur.close()


class PgConnection:
    """What uncover uses of sqlite3.Connection, on one psycopg connection to one case schema."""

    def __init__(self, raw: psycopg.Connection[Any], schema: str) -> None:
        self.raw = raw
        self.schema = schema
        self.lock_key = lock_key(schema)
        self.total_changes = 0
        self.row_factory: Any = sqlite3.Row
        self.catalog = Catalog(raw)
        raw.adapters.register_loader("numeric", _NumericLoader)

    def cursor(self) -> PgCursor:
        return PgCursor(self)

    def execute(self, sql: str, params: Any = ()) -> PgCursor:
        return PgCursor(self).execute(sql, params)

    def executemany(self, sql: str, seq_of_params: Iterable[Any]) -> PgCursor:
        return PgCursor(self).executemany(sql, seq_of_params)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def commit(self) -> None:
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()

    def create_function(self, name: str, narg: int, func: Callable[..., Any], *, deterministic: bool = False) -> None:
        """SQLite's Python functions exist in the case schema as SQL functions; others cannot run here."""
        if name not in SQL_FUNCTIONS:
            raise sqlite3.NotSupportedError(
                f"SQL function {name}() is registered from Python on SQLite only; add a PostgreSQL definition "
                "in store/postgres.py (FUNCTIONS) to use it on a PostgreSQL case."
            )

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()

    # -- PRAGMAs ------------------------------------------------------------------------------------
    def pragma(self, name: str, arg: str | None) -> list[Any]:
        """The answer SQLite would give, where there is one; settings that only tune SQLite do nothing."""
        if name in ("integrity_check", "quick_check"):
            self.raw.execute("SELECT 1")  # the server answers: PostgreSQL keeps its own pages consistent
            return [row_class((name,))(("ok",))]
        if name == "table_info" and arg:
            return self._table_info(arg)
        if name == "foreign_keys":
            return [row_class(("foreign_keys",))((1,))] if arg is None else []
        if name == "journal_mode":
            return [row_class(("journal_mode",))(("wal",))]
        return []

    def _table_info(self, table: str) -> list[Any]:
        cls = row_class(("cid", "name", "type", "notnull", "dflt_value", "pk"))
        # From pg_catalog, not information_schema: the latter's views read every schema of the
        # database, and a team's database holds one schema per case.
        rows = self.raw.execute(
            "SELECT a.attnum - 1, a.attname::text, format_type(a.atttypid, NULL), a.attnotnull::int, "
            "pg_get_expr(d.adbin, d.adrelid), COALESCE((SELECT array_position(k.conkey, a.attnum) FROM pg_constraint k "
            "WHERE k.conrelid = a.attrelid AND k.contype = 'p'), 0) "
            "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident(%s)) "
            "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            (table.strip('"'),),
        ).fetchall()
        names = {"bigint": "INTEGER", "text": "TEXT", "double precision": "REAL", "bytea": "BLOB", "numeric": "NUMERIC"}
        return [cls((cid, name, names.get(kind, kind.upper()), notnull, default, pk))
                for cid, name, kind, notnull, default, pk in rows]
