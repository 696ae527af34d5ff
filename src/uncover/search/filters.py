"""Field filters (`custodian:`, `date:`, ...) and the registry later features add fields to.

Every field has an SQL definition over the system of record: the set of document ids whose
stored values match. That definition is the contract. The built-in fields are also indexed in
Tantivy for speed, and the tests hold the index to the SQL answer; a field registered later
(`bates:`, `exemption:`, `dupe:`) needs only its SQL, and the engine folds the ids it returns
into the index query, so it combines with words, phrases, AND/OR/NOT like any other field:

    register_field("exemption", lambda f: SqlFilter(
        "SELECT document_id FROM exemption_marks WHERE code = ?", (f.value.lower(),)),
        description="documents with an exemption code", example="exemption:b6")

The text rules that SQL cannot express (tokenization, case folding beyond ASCII, day parsing)
are Python functions registered on the connection under the names used below, the same
functions the indexer applies, so both sides read the stored values identically.
"""

from __future__ import annotations

import importlib
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..errors import QueryError
from ..model import DocumentKind
from .query import DateRange, Field, words

# The text a field is matched against, as SQL over `documents`; index.py indexes the same values
# (see `field_values`), so a change here must be mirrored there.
TEXT_FIELDS_SQL = {
    "subject": "COALESCE(NULLIF(subject, ''), title)",
    "from": "COALESCE(NULLIF(sender, ''), author)",
    "to": "COALESCE(recipients, '') || char(10) || COALESCE(cc, '') || char(10) || COALESCE(bcc, '')",
    "cc": "COALESCE(cc, '') || char(10) || COALESCE(bcc, '')",
}
RAW_FIELDS_SQL = {
    "custodian": "custodian",
    "kind": "kind",
    "filename": "filename",
    "production": "(SELECT name FROM productions p WHERE p.id = documents.production_id)",
}


@dataclass(frozen=True)
class SqlFilter:
    """A SELECT returning document ids (one column), with its parameters."""

    sql: str
    params: tuple[object, ...] = ()


@dataclass(frozen=True)
class FieldSpec:
    name: str
    sql: Callable[[Field], SqlFilter]
    description: str
    example: str
    indexed: bool = False  # answered by the Tantivy index (built-in fields)


_REGISTRY: dict[str, FieldSpec] = {}


def register_field(name: str, sql: Callable[[Field], SqlFilter], *, description: str, example: str, indexed: bool = False) -> None:
    """Add a `name:` field to the query language, answered by the SQL `sql(field)` returns.

    The function may raise QueryError for a malformed value; its message should give an example.
    """
    _REGISTRY[name.lower()] = FieldSpec(name.lower(), sql, description, example, indexed)


def field_spec(name: str) -> FieldSpec | None:
    load_field_modules()
    return _REGISTRY.get(name.lower())


# Modules that register fields when imported (the features that own those tables); loaded
# before the first parse so a script calling search() sees the same fields as the CLI.
FIELD_MODULES = (
    "uncover.store.withholdings", "uncover.store.duplicates", "uncover.ingest.loadfiles_search", "uncover.review",
    "uncover.store.messages", "uncover.store.tables",
)
_loaded = False


def load_field_modules() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in FIELD_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a feature not built (yet)
            if exc.name != name:
                raise


def field_names() -> set[str]:
    load_field_modules()
    return set(_REGISTRY) | {"date"}


def fields_help() -> list[FieldSpec]:
    load_field_modules()
    return sorted(_REGISTRY.values(), key=lambda s: s.name)


# -- shared value rules (the indexer uses these too) --------------------------------------------
def fold(value: str | None) -> str | None:
    """How raw fields compare: whitespace-trimmed, case-insensitive (Unicode lower-casing)."""
    if value is None:
        return None
    value = value.strip().lower()
    return value or None


def day_of(value: str | None) -> date | None:
    """The calendar day of a stored ISO 8601 date (its first ten characters), or None."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def glob_regex(pattern: str) -> str:
    """A `*` glob as a regular expression in the syntax both Python and Tantivy (Rust) accept."""
    out = ["(?s)"]
    for c in pattern:
        if c == "*":
            out.append(".*")
        elif c in "\\.+?()|[]{}^$":
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def tokens_match(text: str | None, tokens: tuple[str, ...] | list[str], prefix: bool = False) -> bool:
    """True when `tokens` occur consecutively among text's words (the last as a prefix if asked)."""
    if not text or not tokens:
        return False
    have = words(text)
    n = len(tokens)
    head, last = list(tokens[:-1]), tokens[-1]
    for i in range(len(have) - n + 1):
        if have[i : i + n - 1] == head and (have[i + n - 1].startswith(last) if prefix else have[i + n - 1] == last):
            return True
    return False


def install_sql_functions(conn: sqlite3.Connection) -> None:
    """Register the Python value rules on a connection (idempotent, cheap)."""
    conn.create_function("uncover_fold", 1, fold, deterministic=True)
    conn.create_function("uncover_day", 1, lambda v: (d.isoformat() if (d := day_of(v)) else None), deterministic=True)
    conn.create_function(
        "uncover_glob", 2, lambda v, rx: bool(v is not None and re.fullmatch(rx, v, re.S)), deterministic=True
    )
    conn.create_function(
        "uncover_words", 3,
        lambda text, toks, prefix: tokens_match(text, toks.split(" ") if toks else [], bool(prefix)),
        deterministic=True,
    )


# -- the built-in fields -----------------------------------------------------------------------
def value_tokens(f: Field) -> tuple[tuple[str, ...], bool]:
    """The words of a text-field value and whether the last is a prefix (`subject:bengh*`)."""
    prefix = f.wildcard and f.value.endswith("*") and "*" not in f.value.rstrip("*")
    if f.wildcard and not prefix:
        raise QueryError(f"{f.name}:{f.value}: in a {f.name}: value a * may only end a word. For example: {f.name}:bengh*")
    toks = tuple(words(f.value.rstrip("*")))
    if not toks:
        raise QueryError(f"{f.name}:{f.value} has no letters or digits to search for. For example: {f.name}:benghazi")
    return toks, prefix


def _text_sql(column_sql: str) -> Callable[[Field], SqlFilter]:
    def sql(f: Field) -> SqlFilter:
        toks, prefix = value_tokens(f)
        return SqlFilter(f"SELECT id FROM documents WHERE uncover_words({column_sql}, ?, ?)", (" ".join(toks), int(prefix)))

    return sql


def raw_value(f: Field) -> str:
    value = fold(f.value)
    if value is None:
        raise QueryError(f"{f.name}: needs a value. For example: {f.name}:\"Marc Rapp\"")
    if f.name == "kind" and not f.wildcard and value not in DocumentKind._value2member_map_:
        kinds = ", ".join(k.value for k in DocumentKind)
        raise QueryError(f"kind:{f.value} is not a kind of document (one of: {kinds}). For example: kind:email")
    return value


def _raw_sql(column_sql: str) -> Callable[[Field], SqlFilter]:
    def sql(f: Field) -> SqlFilter:
        value = raw_value(f)
        if f.wildcard:
            return SqlFilter(f"SELECT id FROM documents WHERE uncover_glob(uncover_fold({column_sql}), ?)", (glob_regex(value),))
        return SqlFilter(f"SELECT id FROM documents WHERE uncover_fold({column_sql}) = ?", (value,))

    return sql


def _filename_sql(f: Field) -> SqlFilter:
    """The whole name (case-insensitive, `*` globs), or without a `*` also its words as a phrase."""
    raw = _raw_sql("filename")(f)
    if f.wildcard:
        return raw
    toks = words(f.value)
    if not toks:
        return raw
    return SqlFilter(f"{raw.sql} UNION SELECT id FROM documents WHERE uncover_words(filename, ?, 0)", (*raw.params, " ".join(toks)))


def date_sql(r: DateRange) -> SqlFilter:
    clauses, params = ["uncover_day(date) IS NOT NULL"], []
    if r.start:
        clauses.append("uncover_day(date) >= ?")
        params.append(r.start.isoformat())
    if r.end:
        clauses.append("uncover_day(date) <= ?")
        params.append(r.end.isoformat())
    return SqlFilter(f"SELECT id FROM documents WHERE {' AND '.join(clauses)}", tuple(params))


def sql_ids(conn: sqlite3.Connection, node: Field | DateRange) -> set[int]:
    """The ids SQL says match one field filter: the reference answer for that field."""
    install_sql_functions(conn)
    if isinstance(node, DateRange):
        q = date_sql(node)
    else:
        spec = field_spec(node.name)
        if spec is None:
            raise QueryError(f"Unknown field {node.name}:. For example: custodian:\"Marc Rapp\"")
        q = spec.sql(node)
    return {int(r[0]) for r in conn.execute(q.sql, q.params)}


for _name, _col in TEXT_FIELDS_SQL.items():
    register_field(_name, _text_sql(_col), description=f"words or a phrase in {_name}", example=f"{_name}:benghazi", indexed=True)
for _name in ("custodian", "kind", "production"):
    register_field(_name, _raw_sql(RAW_FIELDS_SQL[_name]), description=f"the whole {_name} (case-insensitive; * globs)",
                   example=f'{_name}:"Marc Rapp"' if _name == "custodian" else f"{_name}:email", indexed=True)
register_field("filename", _filename_sql, description="the file name, or words in it; * globs", example="filename:*.pdf", indexed=True)

__all__ = ["FieldSpec", "SqlFilter", "day_of", "field_names", "field_spec", "fields_help", "fold", "register_field", "sql_ids"]
