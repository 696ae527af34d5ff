"""The team backend: one PostgreSQL schema per case, through psycopg 3 (`pip install 'uncover[team]'`).

`PostgresStore` is `SqliteStore` on another connection: every method, migration and query is the
same SQLite-dialect SQL, translated at one seam (`PgConnection`, `dialect.translate`). What
SQLite gets from Python functions registered on each connection (search/filters.py) exists here
as SQL functions created in the case's schema, with the same results, and a `sqlite_master` view
answers the code that asks which tables exist.

The schema is the case: `uncover init CASE --database postgresql://...` creates it (a name from
the case's, made unique), uncover.toml records the DSN and the schema, and every process that
opens the case folder (web workers, ingests, cluster drivers) connects to it. Passwords do not
belong in uncover.toml: libpq reads them from ~/.pgpass (or PGPASSFILE) or PGPASSWORD.
"""

from __future__ import annotations

import os
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from ..errors import CaseError
from .sqlite import SqliteStore

SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
COMPAT_VERSION = 1


def _functions(icu: bool) -> list[str]:
    """SQL definitions of the functions SQLite gets from Python (search/filters.py and dialect.py)."""
    col = ' COLLATE "und-x-icu"' if icu else ""
    return [
        # fold(): trimmed, Unicode lower-case, NULL when empty.
        "CREATE OR REPLACE FUNCTION uncover_fold(v text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        f"$$ SELECT NULLIF(lower(regexp_replace(v{col}, '^[[:space:]]+|[[:space:]]+$', '', 'g')), '') $$",
        # day_of(): the calendar day of an ISO 8601 date's first ten characters.
        "CREATE OR REPLACE FUNCTION uncover_day(v text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ "
        "BEGIN IF v IS NULL OR substr(v, 1, 10) !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN RETURN NULL; END IF; "
        "RETURN to_char(CAST(substr(v, 1, 10) AS date), 'YYYY-MM-DD'); "
        "EXCEPTION WHEN others THEN RETURN NULL; END $$",
        # a Python regular expression from glob_regex(), matched in full.
        "CREATE OR REPLACE FUNCTION uncover_glob(v text, rx text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        "$$ SELECT v IS NOT NULL AND v ~ ('(?s)^(?:' || CASE WHEN left(rx, 4) = '(?s)' THEN substr(rx, 5) ELSE rx END || ')$') $$",
        # tokens_match(): the words (Tantivy's simple tokenizer: alphanumeric runs under 40 bytes,
        # lower-cased) contain `toks` consecutively, the last as a prefix when asked.
        "CREATE OR REPLACE FUNCTION uncover_words(t text, toks text, prefix bigint) RETURNS boolean LANGUAGE plpgsql "
        "IMMUTABLE PARALLEL SAFE AS $$ DECLARE have text[]; want text[]; n int; m int; ok boolean; BEGIN "
        "IF t IS NULL OR toks IS NULL OR toks = '' THEN RETURN false; END IF; "
        "want := string_to_array(toks, ' '); "
        f"have := ARRAY(SELECT lower(w) FROM regexp_split_to_table(t{col}, '[^[:alnum:]]+') WITH ORDINALITY AS s(w, o) "
        "WHERE w <> '' AND octet_length(w) < 40 ORDER BY o); "
        "n := array_length(want, 1); m := COALESCE(array_length(have, 1), 0); "
        "FOR i IN 1 .. m - n + 1 LOOP ok := true; "
        "FOR j IN 1 .. n LOOP "
        "IF j = n AND prefix <> 0 THEN IF NOT starts_with(have[i + j - 1], want[j]) THEN ok := false; EXIT; END IF; "
        "ELSIF have[i + j - 1] <> want[j] THEN ok := false; EXIT; END IF; END LOOP; "
        "IF ok THEN RETURN true; END IF; END LOOP; RETURN false; END $$",
        # CAST(.. AS INTEGER/REAL) as SQLite does it: the leading number of a text, 0 when none.
        "CREATE OR REPLACE FUNCTION uncover_int(v text) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        "$$ SELECT CASE WHEN v IS NULL THEN NULL ELSE COALESCE(CAST(substring(v FROM '^[[:space:]]*([+-]?[0-9]{1,18})') "
        "AS bigint), 0) END $$",
        "CREATE OR REPLACE FUNCTION uncover_int(v double precision) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        "$$ SELECT CAST(trunc(v) AS bigint) $$",
        "CREATE OR REPLACE FUNCTION uncover_int(v numeric) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        "$$ SELECT CAST(trunc(v) AS bigint) $$",
        "CREATE OR REPLACE FUNCTION uncover_int(v bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT v $$",
        "CREATE OR REPLACE FUNCTION uncover_real(v text) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        "$$ SELECT CASE WHEN v IS NULL THEN NULL ELSE COALESCE(CAST(substring(v FROM "
        "'^[[:space:]]*([+-]?(?:[0-9]+[.]?[0-9]*|[.][0-9]+)(?:[eE][+-]?[0-9]+)?)') AS double precision), 0.0) END $$",
        "CREATE OR REPLACE FUNCTION uncover_real(v double precision) RETURNS double precision LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE AS $$ SELECT v $$",
        "CREATE OR REPLACE FUNCTION uncover_real(v numeric) RETURNS double precision LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE AS $$ SELECT CAST(v AS double precision) $$",
        "CREATE OR REPLACE FUNCTION uncover_real(v bigint) RETURNS double precision LANGUAGE sql IMMUTABLE "
        "PARALLEL SAFE AS $$ SELECT CAST(v AS double precision) $$",
        # Which tables and indexes exist, where code asks SQLite's catalog.
        "CREATE OR REPLACE VIEW sqlite_master AS "
        "SELECT CAST(CASE c.relkind WHEN 'i' THEN 'index' WHEN 'v' THEN 'view' ELSE 'table' END AS text) AS type, "
        "CAST(c.relname AS text) COLLATE \"C\" AS name, CAST(COALESCE(t.relname, c.relname) AS text) AS tbl_name, "
        "0 AS rootpage, CAST(NULL AS text) AS sql FROM pg_class c "
        "LEFT JOIN pg_index x ON x.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'i', 'v') "
        "AND c.relname NOT IN ('sqlite_master', 'uncover_compat')",
        "CREATE TABLE IF NOT EXISTS uncover_compat (version integer NOT NULL)",
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
    ]


def connect(dsn: str, schema: str) -> Any:
    """A PgConnection to the case's schema. Raises CaseError with the remedy when it cannot."""
    try:
        import psycopg
    except ImportError as exc:
        raise CaseError(
            "This case lives on PostgreSQL, which needs the team extra: pip install 'uncover[team]' "
            "(psycopg 3, LGPL-3.0)."
        ) from exc
    from .pgconnection import PgConnection

    if not SCHEMA_RE.match(schema):
        raise CaseError(f"{schema!r} is not a usable schema name: lower-case letters, digits and _ only.")
    try:
        # the process id tells an administrator which uncover process holds a connection (or the case's lock)
        raw = psycopg.connect(dsn, autocommit=True, application_name=f"uncover {os.getpid()}")
    except psycopg.Error as exc:
        raise CaseError(f"Cannot connect to the case's PostgreSQL server {describe(dsn)}: {exc}".strip()) from exc
    raw.execute(f'SET search_path TO "{schema}"')
    return PgConnection(raw, schema)


def describe(dsn: str) -> str:
    """The server and database of a DSN, without a password, for messages."""
    if "://" in dsn:
        parts = urlsplit(dsn)
        return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or '/'}"
    return re.sub(r"password\s*=\s*\S+", "password=...", dsn)


def new_schema_name(case_name: str) -> str:
    """A schema for a new case: the case's name as an identifier, made unique by a random suffix."""
    slug = re.sub(r"[^a-z0-9]+", "_", case_name.lower()).strip("_")[:40] or "case"
    if slug[0].isdigit():
        slug = "c_" + slug
    return f"{slug}_{secrets.token_hex(3)}"


def create_schema(dsn: str, schema: str) -> None:
    """Create an empty schema for a new case; refuse one that already holds tables."""
    conn = connect(dsn, schema)
    try:
        raw = conn.raw
        tables = raw.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = %s", (schema,)).fetchone()[0]
        if tables:
            raise CaseError(f"The schema {schema} on {describe(dsn)} already holds tables; choose another with --schema.")
        raw.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    finally:
        conn.close()


def drop_schema(dsn: str, schema: str) -> None:
    conn = connect(dsn, schema)
    try:
        conn.raw.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        conn.close()


class PostgresStore(SqliteStore):
    """The case's system of record on PostgreSQL: SqliteStore's methods over a PgConnection."""

    def __init__(self, dsn: str, schema: str) -> None:
        self.dsn = dsn
        self.schema = schema
        self.readonly = False  # a read-only case is a SQLite file on read-only media; a server grants or refuses
        self.path = f"PostgreSQL schema {schema} on {describe(dsn)}"  # type: ignore[assignment]
        self.conn = connect(dsn, schema)  # type: ignore[assignment]
        exists = self.conn.raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
        if not exists:
            self.conn.close()
            raise CaseError(
                f"The case's schema {schema} does not exist on {describe(dsn)}: it was dropped, or uncover.toml "
                "points at another server. Restore it from a backup, or fix [storage] in uncover.toml."
            )
        install_compat(self.conn)
        self.migrate()


def install_compat(conn: Any) -> None:
    """Create (or bring up to date) the SQL functions and the catalog view of a case schema."""
    raw = conn.raw
    found = raw.execute("SELECT to_regclass('uncover_compat') IS NOT NULL").fetchone()[0]
    if found and raw.execute("SELECT COALESCE(MAX(version), 0) FROM uncover_compat").fetchone()[0] >= COMPAT_VERSION:
        return
    icu = raw.execute("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'").fetchone() is not None
    with raw.transaction():
        raw.execute(f"SELECT pg_advisory_xact_lock({conn.lock_key})")
        for statement in _functions(icu):
            raw.execute(statement)
        raw.execute("DELETE FROM uncover_compat")
        raw.execute("INSERT INTO uncover_compat (version) VALUES (%s)", (COMPAT_VERSION,))
    conn.catalog.invalidate()
