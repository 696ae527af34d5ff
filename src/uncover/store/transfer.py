"""Copy a case's system of record between stores: a laptop's SQLite case onto the team's
PostgreSQL server (`uncover init NEW --from OLD --database ...`), or back, or a private copy.

Every table is copied row for row with its ids, in an order where each table follows the ones its
foreign keys name, in one transaction on the target; the identity counters then continue after
the highest id copied, so the search index (keyed by document id) stays valid as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import CaseError
from .sqlite import SqliteStore

BATCH = 1000


def table_references(store: SqliteStore) -> dict[str, set[str]]:
    """Each table of the case and the tables its foreign keys reference."""
    if getattr(store, "schema", None) is not None:  # PostgreSQL
        rows = store.conn.raw.execute(  # type: ignore[attr-defined]
            "SELECT c.relname::text, COALESCE(r.relname::text, '') FROM pg_class c "
            "LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f' LEFT JOIN pg_class r ON r.oid = k.confrelid "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname <> 'uncover_compat'"
        ).fetchall()
        refs: dict[str, set[str]] = {}
        for table, other in rows:
            refs.setdefault(table, set()).update([other] if other else [])
        return refs
    tables = [r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: {r[2] for r in store.conn.execute(f'PRAGMA foreign_key_list("{t}")')} for t in tables}


def after_copy(store: SqliteStore) -> None:
    """PostgreSQL: identity counters continue after the highest id copied (SQLite does this itself)."""
    if getattr(store, "schema", None) is None:
        return
    raw = store.conn.raw  # type: ignore[attr-defined]
    identities = raw.execute(
        "SELECT c.relname::text, a.attname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "WHERE c.relnamespace = current_schema()::regnamespace AND a.attidentity <> '' AND NOT a.attisdropped"
    ).fetchall()
    for table, column in identities:
        raw.execute(f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table}"',
                    (f'"{store.schema}"."{table}"', column))  # type: ignore[attr-defined]


def table_order(store: SqliteStore) -> list[str]:
    """The case's tables, each after the tables it references."""
    refs = table_references(store)
    order: list[str] = []
    seen: set[str] = set()

    def visit(table: str, path: tuple[str, ...] = ()) -> None:
        if table in seen or table in path:
            return
        for other in sorted(refs.get(table, ())):
            if other != table and other in refs:
                visit(other, (*path, table))
        seen.add(table)
        order.append(table)

    for table in sorted(refs):
        visit(table)
    return order


def copy_rows(source: SqliteStore, target: SqliteStore, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row of `source` into the empty `target` (same schema version); rows per table."""
    if source.schema_version() != target.schema_version():
        raise CaseError(
            f"The two cases are at different schema versions ({source.schema_version()} and {target.schema_version()}); "
            "open the older one with this uncover first so it is upgraded."
        )
    copied: dict[str, int] = {}
    with target.transaction():
        tables = [t for t in table_order(target) if t != "schema_migrations"]
        for table in reversed(tables):
            target.conn.execute(f'DELETE FROM "{table}"')  # rows a migration seeded (the built-in tags)
        for table in tables:
            columns = [r[1] for r in source.conn.execute(f'PRAGMA table_info("{table}")')]
            names = ", ".join(f'"{c}"' for c in columns)
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
            cur = source.conn.execute(f'SELECT {names} FROM "{table}"')
            count = 0
            while rows := cur.fetchmany(BATCH):
                target.conn.executemany(insert, [tuple(r) for r in rows])
                count += len(rows)
            copied[table] = count
            if progress:
                progress(table, count)
        after_copy(target)
    return copied
