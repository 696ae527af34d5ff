"""SQLite's SQL dialect, as this project writes it, translated to PostgreSQL's: the one seam.

Every query in uncover is written once, for SQLite, with `?` placeholders. The PostgreSQL
backend does not keep a second copy of them: it hands each statement to `translate`, which
rewrites the SQLite-only parts on a token stream (never inside string literals) and caches
the result per statement text:

- `?` (and `:name`) placeholders become psycopg's `%s` (`%(name)s`); a literal `%` is doubled;
- `INSERT OR IGNORE` becomes `ON CONFLICT DO NOTHING`; `INSERT OR REPLACE`/`REPLACE` an upsert on
  the table's primary key or unique key (the connection supplies it from the catalog);
- `strftime/datetime/date/time(..., 'now')`, `CURRENT_TIMESTAMP` give the same text as SQLite;
- `json_extract`, `json_array_length`, `group_concat`, `char`, `instr`, `unicode`, `ifnull`,
  `iif`, `total`, `round`, scalar `max/min`, `CAST(.. AS INTEGER/REAL)` keep SQLite's results;
- `GLOB` becomes an anchored regular expression (case-sensitive, as in SQLite), `LIKE` becomes
  `ILIKE .. ESCAPE ''` (SQLite's LIKE ignores case and has no escape character by default);
- `IS`/`IS NOT` between values become `IS [NOT] DISTINCT FROM`, `==` `=`, `IN ()` `IN (NULL)`,
  `rowid` (for ORDER BY: insertion order) PostgreSQL's `ctid`;
- in DDL: `INTEGER PRIMARY KEY` becomes an identity column, INTEGER `BIGINT` (SQLite integers
  are 64-bit), REAL `DOUBLE PRECISION`, BLOB `BYTEA`, and text columns get the "C" collation
  (SQLite compares and sorts text by code point); `WITHOUT ROWID`, `AUTOINCREMENT` and
  `STRICT` go; PRAGMAs are answered by the connection, not sent.

What cannot be translated without knowing column types (a bare integer column used as a
boolean, `SUM(a >= b)`, a non-aggregated column in a grouped query) is written portably at its
call site instead; `translate` raises `DialectError` for SQLite features with no equivalent
(virtual tables, triggers, ATTACH) so they fail loudly in the PostgreSQL test run.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>--[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
  | (?P<param>\?\d*|:[A-Za-z_]\w*|@[A-Za-z_]\w*|\$[A-Za-z_]\w*)
  | (?P<number>\d+\.\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?|0[xX][0-9a-fA-F]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<op>\|\||==|!=|<>|<=|>=|<<|>>|->>|->|::|[-+*/%<>=~&|(),;.])
    """,
    re.X | re.S,
)

NOW = "(statement_timestamp() AT TIME ZONE 'UTC')"
TEXT_TYPE = 'TEXT COLLATE "C"'
_STRFTIME = {
    "Y": "YYYY", "m": "MM", "d": "DD", "H": "HH24", "M": "MI", "S": "SS", "f": "SS.MS", "j": "DDD",
    "W": "WW", "w": "D", "%": "%",
}
_COLUMN_STOP = {"PRIMARY", "NOT", "NULL", "DEFAULT", "UNIQUE", "CHECK", "REFERENCES", "COLLATE", "CONSTRAINT",
                "GENERATED", "AS"}
_TABLE_CONSTRAINTS = {"PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT"}
_EXPR_END = {"AND", "OR", "THEN", "ELSE", "END", "WHEN", "ORDER", "GROUP", "LIMIT", "HAVING", "UNION", "EXCEPT",
             "INTERSECT", "ESCAPE", "ON", "WHERE", "FROM", "OFFSET", "RETURNING", "COLLATE", "NOT", "IS", "IN",
             "LIKE", "GLOB", "BETWEEN", "ASC", "DESC", "JOIN", "LEFT", "INNER", "CROSS", "WINDOW", "DO", "SET"}


_NOT_ALIAS = {"WHERE", "GROUP", "ORDER", "LIMIT", "JOIN", "LEFT", "INNER", "CROSS", "ON", "UNION", "EXCEPT",
              "INTERSECT", "HAVING", "WINDOW", "OFFSET", "NATURAL", "USING", "RETURNING"}


class DialectError(sqlite3.NotSupportedError):
    """A SQLite construct with no PostgreSQL translation: write it portably at the call site."""


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str

    @property
    def up(self) -> str:
        return self.text.upper() if self.kind == "word" else self.text


@dataclass(frozen=True)
class Translated:
    """A statement in PostgreSQL's dialect, and what the connection must do around it."""

    sql: str
    verb: str  # SELECT, INSERT, UPDATE, DELETE, CREATE, ..., BEGIN, COMMIT, PRAGMA
    table: str | None = None  # the INSERT's target table
    replace_columns: tuple[str, ...] | None = None  # INSERT OR REPLACE: the columns given, for the upsert
    lock: bool = False  # BEGIN IMMEDIATE/EXCLUSIVE: take the case's write lock
    pragma: tuple[str, str | None] | None = None  # (name, argument)
    named: bool = False  # uses :name placeholders


def tokenize(sql: str) -> list[Tok]:
    out: list[Tok] = []
    pos = 0
    for m in TOKEN_RE.finditer(sql):
        if m.start() != pos:
            raise DialectError(f"cannot read SQL near {sql[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup or "op"
        if kind == "comment":
            continue
        out.append(Tok(kind, m.group()))
    if pos != len(sql):
        raise DialectError(f"cannot read SQL near {sql[pos:pos + 20]!r}")
    return out


def _join(toks: list[Tok]) -> str:
    return "".join(t.text for t in toks)


def _ident(tok: Tok) -> str:
    text = tok.text
    if tok.kind == "quoted":
        return text[1:-1].replace('""', '"') if text[0] == '"' else text[1:-1]
    return text.lower()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _unquote(tok: Tok) -> str | None:
    return tok.text[1:-1].replace("''", "'") if tok.kind == "string" else None


def _strip_ws(toks: list[Tok]) -> list[Tok]:
    start, end = 0, len(toks)
    while start < end and toks[start].kind == "ws":
        start += 1
    while end > start and toks[end - 1].kind == "ws":
        end -= 1
    return toks[start:end]


def _words(toks: list[Tok]) -> list[Tok]:
    return [t for t in toks if t.kind != "ws"]


def _close(toks: list[Tok], open_at: int) -> int:
    """Index of the parenthesis closing the one at open_at."""
    depth = 0
    for i in range(open_at, len(toks)):
        if toks[i].text == "(":
            depth += 1
        elif toks[i].text == ")":
            depth -= 1
            if depth == 0:
                return i
    raise DialectError("unbalanced parentheses")


def _split_args(toks: list[Tok]) -> list[list[Tok]]:
    args: list[list[Tok]] = [[]]
    depth = 0
    for t in toks:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        if t.text == "," and depth == 0:
            args.append([])
        else:
            args[-1].append(t)
    return [_strip_ws(a) for a in args] if any(_words(a) for a in args) else []


# -- expressions ----------------------------------------------------------------------------------
def _time_value(args: list[str]) -> str:
    """SQLite's time-value and modifiers as a PostgreSQL timestamp (UTC, no zone)."""
    if not args:
        return NOW
    first, mods = args[0], args[1:]
    if first.lower() == "'now'":
        value = NOW
    elif "'unixepoch'" in (m.lower() for m in mods):
        value = f"(to_timestamp(CAST({first} AS double precision)) AT TIME ZONE 'UTC')"
        mods = [m for m in mods if m.lower() != "'unixepoch'"]
    else:
        value = f"CAST({first} AS timestamp)"
    for mod in mods:
        text = mod[1:-1].strip().lower() if mod.startswith("'") else None
        if text == "start of day":
            value = f"date_trunc('day', {value})"
        elif text == "start of month":
            value = f"date_trunc('month', {value})"
        elif text == "start of year":
            value = f"date_trunc('year', {value})"
        elif text in ("utc", "localtime"):
            continue
        elif text is not None:
            value = f"({value} + interval {_literal(text)})"
        else:
            value = f"({value} + CAST({mod} AS interval))"
    return value


def _to_char(fmt: str) -> str:
    out, literal = [], []
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%" and i + 1 < len(fmt) and fmt[i + 1] in _STRFTIME:
            if literal:
                out.append('"' + "".join(literal) + '"')
                literal = []
            out.append(_STRFTIME[fmt[i + 1]])
            i += 2
            continue
        if c == "%" and i + 1 < len(fmt) and fmt[i + 1] == "s":
            raise DialectError("strftime('%s'): use CAST(extract(epoch ...)) portably at the call site")
        literal.append(c)
        i += 1
    if literal:
        out.append('"' + "".join(literal) + '"')
    return "".join(out)


def _json_path(path: str) -> str | None:
    """'$.a."b c"[0]' -> ARRAY['a','b c','0'] for #>>; None when it cannot be read statically."""
    if not path.startswith("$"):
        return None
    parts: list[str] = []
    rest = path[1:]
    while rest:
        m = re.match(r'\.(?:"((?:[^"])*)"|([^.\[]+))|\[(\d+)\]', rest)
        if not m:
            return None
        parts.append(m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(3))
        rest = rest[m.end():]
    return "ARRAY[" + ", ".join(_literal(p) for p in parts) + "]::text[]"


def _raw(literal: str) -> str:
    """The text of a translated string literal (quotes removed, '' and %% undone)."""
    return literal[1:-1].replace("''", "'").replace("%%", "%")


def _function(name: str, args: list[str], distinct: bool) -> str | None:
    """The PostgreSQL form of a SQLite function call, or None to keep it as it is."""
    n = len(args)
    if name == "strftime" and n >= 2:
        fmt = args[0]
        if not fmt.startswith("'"):
            raise DialectError("strftime with a format that is not a literal")
        return f"to_char({_time_value(args[1:])}, {_literal(_to_char(_raw(fmt)))})"
    if name in ("datetime", "date", "time") and n >= 1:
        pattern = {"datetime": "YYYY-MM-DD HH24:MI:SS", "date": "YYYY-MM-DD", "time": "HH24:MI:SS"}[name]
        return f"to_char({_time_value(args)}, '{pattern}')"
    if name == "julianday":
        raise DialectError("julianday(): compare ISO 8601 text instead")
    if name == "json_extract" and n == 2:
        path = args[1]
        static = _json_path(_raw(path)) if path.startswith("'") else None
        if static:
            return f"(CAST({args[0]} AS jsonb) #>> {static})"
        return f"(jsonb_path_query_first(CAST({args[0]} AS jsonb), CAST({path} AS jsonpath)) #>> '{{}}')"
    if name == "json_array_length":
        if n == 1:
            return f"jsonb_array_length(CAST({args[0]} AS jsonb))"
        static = _json_path(_raw(args[1])) if args[1].startswith("'") else None
        if static:
            return f"jsonb_array_length(CAST({args[0]} AS jsonb) #> {static})"
    if name == "group_concat" and n in (1, 2):
        sep = args[1] if n == 2 else "','"
        return f"string_agg({'DISTINCT ' if distinct else ''}CAST({args[0]} AS text), {sep})"
    if name == "char":
        return "(" + " || ".join(f"chr(CAST({a} AS integer))" for a in args) + ")" if args else "''"
    if name == "instr" and n == 2:
        return f"strpos({args[0]}, {args[1]})"
    if name == "unicode" and n == 1:
        return f"ascii({args[0]})"
    if name == "ifnull" and n == 2:
        return f"COALESCE({args[0]}, {args[1]})"
    if name == "iif" and n == 3:
        return f"(CASE WHEN {args[0]} THEN {args[1]} ELSE {args[2]} END)"
    if name == "total" and n == 1:
        return f"COALESCE(CAST(SUM({args[0]}) AS double precision), 0.0)"
    if name == "round" and n in (1, 2):
        return f"CAST(round(CAST({args[0]} AS numeric){', ' + args[1] if n == 2 else ''}) AS double precision)"
    if name in ("max", "min") and n >= 2 and not distinct:
        call = f"{'GREATEST' if name == 'max' else 'LEAST'}({', '.join(args)})"
        if any("%s" in a or "%(" in a for a in args):
            return call  # a placeholder cannot be written twice; GREATEST/LEAST skip NULLs where SQLite gives NULL
        return f"(CASE WHEN {' OR '.join(f'({a}) IS NULL' for a in args)} THEN NULL ELSE {call} END)"
    if name in ("printf", "format", "json_each", "json_tree", "typeof", "zeroblob", "randomblob", "last_insert_rowid",
                "changes", "total_changes", "sqlite_version"):
        raise DialectError(f"{name}() has no PostgreSQL translation; write the query portably")
    return None


def _glob_regex(pattern: str) -> str:
    out = ["^"]
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1:i + 2] in ("^", "]") else i + 1)
            if end < 0:
                out.append(r"\[")
            else:
                body = pattern[i + 1:end]
                out.append("[" + ("^" + body[1:] if body.startswith("^") else body) + "]")
                i = end
        elif c in "\\.+()|{}$^]":
            out.append("\\" + c)
        else:
            out.append(c)
        i += 1
    return "".join(out) + "$"


def _operand_end(toks: list[Tok], start: int) -> int:
    """Index just past the expression that begins at start (the right side of LIKE/GLOB)."""
    depth = 0
    i = start
    seen = False
    while i < len(toks):
        t = toks[i]
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (t.text in (",", ";") or (t.kind == "word" and t.up in _EXPR_END and seen)):
            break
        if t.kind != "ws":
            seen = True
        i += 1
    while i > start and toks[i - 1].kind == "ws":
        i -= 1
    return i


def _expr(toks: list[Tok]) -> list[Tok]:
    """Translate the expressions in a token list (functions, operators, placeholders)."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        up = t.up
        nxt = next((j for j in range(i + 1, len(toks)) if toks[j].kind != "ws"), None)
        # a function call
        if t.kind == "word" and nxt is not None and toks[nxt].text == "(":
            end = _close(toks, nxt)
            inner = toks[nxt + 1:end]
            name = t.text.lower()
            if up == "CAST":
                out.extend(_cast(inner))
                i = end + 1
                continue
            distinct = bool(_words(inner)) and _words(inner)[0].up == "DISTINCT"
            if distinct:
                first = next(k for k, x in enumerate(inner) if x.kind != "ws")
                inner = inner[first + 1:]
            args = [_join(_expr(a)) for a in _split_args(inner)]
            replaced = _function(name, args, distinct)
            if replaced is not None:
                out.append(Tok("expr", replaced))
            elif up == "IN" and not args:
                out.extend([t, Tok("ws", " "), Tok("expr", "(NULL)")])
            else:
                out.extend([t, *toks[i + 1:nxt], Tok("op", "("), Tok("expr", ("DISTINCT " if distinct else "")
                                                                     + ", ".join(args)), Tok("op", ")")])
                if up in ("FROM", "JOIN") and _words(inner)[:1] and _words(inner)[0].up in ("SELECT", "WITH", "VALUES"):
                    follow = next((x for x in toks[end + 1:] if x.kind != "ws"), None)
                    if follow is None or follow.text in (")", ",", ";") or follow.up in _NOT_ALIAS:
                        out.append(Tok("word", f" AS _subquery{end}"))  # PostgreSQL needs a name for it
            i = end + 1
            continue
        if t.kind == "param":
            if t.text.startswith("?") and len(t.text) > 1:
                raise DialectError("numbered ?NNN placeholders: use plain ?")
            out.append(Tok("param", "%s" if t.text == "?" else f"%({t.text[1:]})s"))
        elif t.kind in ("string", "quoted") and "%" in t.text:
            out.append(Tok(t.kind, t.text.replace("%", "%%")))
        elif t.kind == "op" and t.text == "%":
            out.append(Tok("op", "%%"))
        elif t.kind == "op" and t.text == "==":
            out.append(Tok("op", "="))
        elif up in ("CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"):
            pattern = {"CURRENT_TIMESTAMP": "YYYY-MM-DD HH24:MI:SS", "CURRENT_DATE": "YYYY-MM-DD", "CURRENT_TIME": "HH24:MI:SS"}[up]
            out.append(Tok("expr", f"(to_char({NOW}, '{pattern}'))"))
        elif up in ("ROWID", "_ROWID_", "OID") and t.kind == "word" and not (out and out[-1].text == "."):
            out.append(Tok("word", "ctid"))  # ORDER BY rowid: insertion order, as PostgreSQL's ctid keeps it for new rows
        elif up in ("TRUE", "FALSE") and t.kind == "word":
            out.append(Tok("number", "1" if up == "TRUE" else "0"))
        elif up in ("LIKE", "GLOB") and t.kind == "word":
            start = (nxt if nxt is not None else i + 1)
            end = _operand_end(toks, start)
            operand = _join(_expr(toks[start:end]))
            has_escape = any(x.up == "ESCAPE" for x in _words(toks[end:end + 3]))
            if up == "LIKE":
                out.append(Tok("expr", f"ILIKE ({operand})" + ("" if has_escape else " ESCAPE ''")))
            else:
                negated = bool(_words(out)) and _words(out)[-1].up == "NOT"
                if negated:
                    k = max(k for k, x in enumerate(out) if x.up == "NOT")
                    del out[k:]
                    out.append(Tok("ws", " "))
                lit = _unquote(toks[start]) if end == start + 1 else None
                if lit is None:
                    raise DialectError("GLOB with a pattern that is not a literal: use uncover_glob(value, regex)")
                regex = _literal(_glob_regex(lit)).replace("%", "%%")
                out.append(Tok("expr", f"{'!~' if negated else '~'} {regex}"))
            i = end
            continue
        elif up == "IS" and t.kind == "word" and nxt is not None:
            follow = toks[nxt].up
            after = next((toks[j].up for j in range(nxt + 1, len(toks)) if toks[j].kind != "ws"), "")
            if follow == "NOT" and after not in ("NULL", "DISTINCT"):
                out.append(Tok("word", "IS DISTINCT FROM"))
                i = nxt + 1
                continue
            if follow not in ("NULL", "NOT", "DISTINCT"):
                out.append(Tok("word", "IS NOT DISTINCT FROM"))
                i += 1
                continue
            out.append(t)
        elif up == "LIMIT" and t.kind == "word" and nxt is not None and toks[nxt].text == "-":
            out.append(Tok("word", "LIMIT ALL"))
            i = nxt + 2
            continue
        else:
            out.append(t)
        i += 1
    return out


def _cast(inner: list[Tok]) -> list[Tok]:
    as_at = max((k for k, t in enumerate(inner) if t.up == "AS"), default=None)
    if as_at is None:
        raise DialectError("CAST without AS")
    expr = _join(_expr(_strip_ws(inner[:as_at])))
    target = " ".join(t.up for t in _words(inner[as_at + 1:]))
    base = target.split("(")[0].strip()
    if base in ("INTEGER", "INT", "BIGINT", "SMALLINT", "TINYINT"):
        return [Tok("expr", f"uncover_int({expr})")]
    if base in ("REAL", "FLOAT", "DOUBLE", "DOUBLE PRECISION", "NUMERIC", "DECIMAL"):
        return [Tok("expr", f"uncover_real({expr})")]
    if base in ("TEXT", "VARCHAR", "CHAR", "CLOB"):
        return [Tok("expr", f"CAST({expr} AS text)")]
    if base == "BLOB":
        return [Tok("expr", f"CAST({expr} AS bytea)")]
    return [Tok("expr", f"CAST({expr} AS {target})")]


# -- DDL ------------------------------------------------------------------------------------------
def _column_type(words: list[str]) -> str:
    """SQLite's type-affinity rules, mapped to the PostgreSQL type that stores the same values."""
    name = " ".join(words).upper()
    if "INT" in name:
        return "BIGINT"
    if any(k in name for k in ("CHAR", "CLOB", "TEXT")):
        return TEXT_TYPE
    if "BLOB" in name:
        return "BYTEA"
    if any(k in name for k in ("REAL", "FLOA", "DOUB")):
        return "DOUBLE PRECISION"
    if not name:
        return TEXT_TYPE
    if any(k in name for k in ("DATE", "TIME", "JSON", "BOOL")):
        return "BIGINT" if "BOOL" in name else TEXT_TYPE
    return "NUMERIC"


def _column_def(element: list[Tok], single_pk: bool) -> str:
    words = _words(element)
    name = words[0]
    type_words: list[str] = []
    k = 1
    while k < len(words) and not (words[k].kind == "word" and words[k].up in _COLUMN_STOP):
        if words[k].text == "(":  # VARCHAR(20), DECIMAL(10, 2)
            while k < len(words) and words[k].text != ")":
                k += 1
            k += 1
            continue
        type_words.append(words[k].text)
        k += 1
    rest = words[k:]
    rest_up = [w.up for w in rest]
    rest = [w for w in rest if w.up != "AUTOINCREMENT"]
    pg_type = _column_type(type_words)
    is_pk = "PRIMARY" in rest_up
    if pg_type == "BIGINT" and is_pk and single_pk and "REFERENCES" not in rest_up and " ".join(type_words).upper() == "INTEGER":
        pg_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY"
    if "COLLATE" in rest_up and pg_type == TEXT_TYPE:
        pg_type = "TEXT"
    tail = _join(_expr(_spaced(rest)))
    return f"{name.text} {pg_type}" + (f" {tail}" if tail else "")


def _spaced(words: list[Tok]) -> list[Tok]:
    out: list[Tok] = []
    for w in words:
        if out and not (w.text in (",", ")", ".") or out[-1].text in ("(", ".")):
            out.append(Tok("ws", " "))
        out.append(w)
    return out


def _create_table(toks: list[Tok]) -> str:
    open_at = next(k for k, t in enumerate(toks) if t.text == "(")
    close_at = _close(toks, open_at)
    head = _join(toks[:open_at])
    elements = _split_args(toks[open_at + 1:close_at])
    table_pk = any(_words(e)[0].up == "PRIMARY" for e in elements if _words(e))
    defs = []
    for element in elements:
        words = _words(element)
        if words[0].up in _TABLE_CONSTRAINTS:
            defs.append(_join(_expr(element)))
        else:
            defs.append(_column_def(element, single_pk=not table_pk))
    options = [t for t in _words(toks[close_at + 1:]) if t.up not in ("WITHOUT", "ROWID", "STRICT", ",", ";")]
    if options:
        raise DialectError(f"table options {_join(options)!r} have no PostgreSQL translation")
    return head + "(\n    " + ",\n    ".join(defs) + "\n)"


def _alter_table(toks: list[Tok]) -> str:
    words = _words(toks)
    ups = [w.up for w in words]
    if "ADD" in ups:
        at = ups.index("ADD") + 1
        if at < len(words) and words[at].up == "COLUMN":
            at += 1
        return " ".join(w.text for w in words[:at]) + " " + _column_def(words[at:], single_pk=False)
    return _join(_expr(toks))


# -- statements -----------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def translate(sql: str) -> Translated:
    """One SQLite statement as PostgreSQL (cached per statement text)."""
    toks = _strip_ws(tokenize(sql))
    while toks and toks[-1].text == ";":
        toks = _strip_ws(toks[:-1])
    words = _words(toks)
    if not words:
        return Translated("", "EMPTY")
    verb = words[0].up
    named = any(t.kind == "param" and t.text[0] in ":@$" for t in toks)
    if verb == "PRAGMA":
        m = re.match(r"\s*PRAGMA\s+(?:\w+\.)?(\w+)\s*(?:=\s*(.+?)|\((.*)\))?\s*;?\s*$", sql, re.I | re.S)
        if not m:
            raise DialectError(f"cannot read {sql!r}")
        arg = m.group(2) if m.group(2) is not None else m.group(3)
        return Translated("", "PRAGMA", pragma=(m.group(1).lower(), arg.strip().strip("'\"") if arg else None))
    if verb in ("BEGIN", "END", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"):
        ups = [w.up for w in words]
        if verb == "BEGIN":
            lock = any(u in ("IMMEDIATE", "EXCLUSIVE") for u in ups)
            return Translated("BEGIN" if lock else "BEGIN ISOLATION LEVEL REPEATABLE READ", "BEGIN", lock=lock)
        if verb in ("END", "COMMIT"):
            return Translated("COMMIT", "COMMIT")
        return Translated(" ".join(w.text for w in words), verb)
    if verb in ("ATTACH", "DETACH", "VACUUM") or (verb == "CREATE" and any(w.up in ("VIRTUAL", "TRIGGER") for w in words[:4])):
        raise DialectError(f"{' '.join(w.text for w in words[:3])} has no PostgreSQL translation")
    if verb == "CREATE" and any(w.up == "TABLE" for w in words[:4]) and not any(w.up == "AS" for w in words[:8]):
        return Translated(_create_table(toks), "CREATE")
    if verb == "ALTER":
        return Translated(_alter_table(toks), "ALTER")
    table = None
    replace_columns: tuple[str, ...] | None = None
    conflict = ""
    if verb in ("INSERT", "REPLACE"):
        ups = [w.up for w in words[:4]]
        if verb == "REPLACE" or ups[1:3] == ["OR", "REPLACE"]:
            conflict = "replace"
        elif ups[1:3] == ["OR", "IGNORE"]:
            conflict = "ignore"
        into = next(k for k, t in enumerate(toks) if t.up == "INTO")
        toks = [Tok("word", "INSERT "), *toks[into:]]
        words = _words(toks)
        table = _ident(words[2])
        if conflict == "replace":
            rest = words[3:]
            if not rest or rest[0].text != "(":
                raise DialectError("INSERT OR REPLACE without a column list")
            close = _close(rest, 0)
            replace_columns = tuple(_ident(w) for w in rest[1:close] if w.text != ",")
    if verb == "UPDATE" and len(words) > 2 and words[1].up == "OR":
        drop = {id(words[1]), id(words[2])}
        toks = [t for t in toks if id(t) not in drop]
        verb = "UPDATE"
    body = _join(_expr(toks))
    if conflict == "ignore":
        body = _before_returning(body, " ON CONFLICT DO NOTHING")
    return Translated(body, "INSERT" if verb == "REPLACE" else verb, table=table, replace_columns=replace_columns,
                      named=named)


def _before_returning(body: str, clause: str) -> str:
    m = re.search(r"\sRETURNING\s", body, re.I)
    return body[:m.start()] + clause + body[m.start():] if m else body + clause


def upsert(statement: Translated, key: tuple[str, ...]) -> str:
    """INSERT OR REPLACE as an upsert on `key` (the table's primary or unique key)."""
    assert statement.replace_columns is not None
    updates = [c for c in statement.replace_columns if c not in key]
    action = ("DO UPDATE SET " + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in updates)) if updates else "DO NOTHING"
    return _before_returning(statement.sql, f" ON CONFLICT ({', '.join(chr(34) + c + chr(34) for c in key)}) {action}")
