"""The query language: a query string becomes a small tree of dataclasses.

    "opt out" AND custodian:"Marc Rapp" -draft (memo* OR letter) date:2011-01-01..2011-01-31

Bare terms are joined by AND; OR binds looser than AND; NOT (or a leading `-`) binds tightest.
Operators are upper case only, so a lower-case `and`, `or` or `not` is a word like any other.
The tree is the one thing the index compiler, the SQL filters and the snippet highlighter all
read, so the three can never disagree about what the user asked for.

Words are split with the exact analyzer the index uses (Tantivy's default tokenizer: split on
anything not alphanumeric, drop tokens of 40 bytes or more, lower-case), so `e-mail` is the
phrase "e mail" here exactly as it is in the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import tantivy

from ..errors import QueryError

EXAMPLE = '"release in part" AND custodian:"Marc Rapp" -draft date:2011-01-01..2011-01-31'
MAX_NESTING = 64  # parentheses and NOTs inside one another: deeper is an attack, not a question
MAX_TOKEN_BYTES = 40  # Tantivy's default tokenizer drops tokens this long or longer


# -- tokenization shared with the index --------------------------------------------------------
@dataclass(frozen=True)
class Token:
    start: int  # character offsets into the analysed text
    end: int
    text: str  # lower-cased


@lru_cache(maxsize=1)
def analyzer() -> tantivy.TextAnalyzer:
    """Tantivy's `default` analyzer, rebuilt from its parts so Python sees the same tokens."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def tokenize(text: str) -> list[Token]:
    return [Token(t.char_offset_from, t.char_offset_to, t.text) for t in analyzer().pre_tokenize(text).tokens]


def words(text: str) -> list[str]:
    return analyzer().analyze(text)


# -- the tree ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """A bare word. One that splits into several tokens (`e-mail`, `U.S.`) behaves as a phrase."""

    text: str
    tokens: tuple[str, ...]

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        return {"type": "term", "text": self.text, "tokens": list(self.tokens)}


@dataclass(frozen=True)
class Phrase:
    text: str
    tokens: tuple[str, ...]

    def __str__(self) -> str:
        return f'"{self.text}"'

    def to_dict(self) -> dict[str, Any]:
        return {"type": "phrase", "text": self.text, "tokens": list(self.tokens)}


@dataclass(frozen=True)
class Prefix:
    """`memo*`: any word starting with the last token (after any complete leading tokens)."""

    text: str
    tokens: tuple[str, ...]  # the last one is the prefix

    def __str__(self) -> str:
        return f"{self.text}*"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "prefix", "text": self.text, "tokens": list(self.tokens)}


@dataclass(frozen=True)
class Field:
    """`name:value`. `wildcard` when an unquoted value holds `*` (a glob over the whole value)."""

    name: str
    value: str
    quoted: bool = False
    wildcard: bool = False

    def __str__(self) -> str:
        if self.quoted or (not self.wildcard and re.search(r"[\s()\"]", self.value)):
            return f'{self.name}:"{self.value}"'
        return f"{self.name}:{self.value}"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "field", "field": self.name, "value": self.value, "quoted": self.quoted, "wildcard": self.wildcard}


@dataclass(frozen=True)
class DateRange:
    """`date:START..END`, either side open; both ends inclusive."""

    start: date | None
    end: date | None

    def __str__(self) -> str:
        if self.start == self.end and self.start is not None:
            return f"date:{self.start.isoformat()}"
        return f"date:{self.start.isoformat() if self.start else ''}..{self.end.isoformat() if self.end else ''}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "date",
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True)
class MatchAll:
    def __str__(self) -> str:
        return "*"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "all"}


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " AND ".join(_wrap(c) for c in self.children)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "and", "children": [c.to_dict() for c in self.children]}


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " OR ".join(_wrap(c) for c in self.children)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "or", "children": [c.to_dict() for c in self.children]}


@dataclass(frozen=True)
class Not:
    child: Node

    def __str__(self) -> str:
        return f"NOT {_wrap(self.child)}"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "not", "child": self.child.to_dict()}


Node = Term | Phrase | Prefix | Field | DateRange | MatchAll | And | Or | Not


def _wrap(node: Node) -> str:
    return f"({node})" if isinstance(node, (And, Or)) else str(node)


def positive_leaves(node: Node, negated: bool = False) -> list[Node]:
    """The leaves a matching document must (or may) contain: those under no NOT."""
    if isinstance(node, Not):
        return positive_leaves(node.child, not negated)
    if isinstance(node, (And, Or)):
        return [leaf for c in node.children for leaf in positive_leaves(c, negated)]
    return [] if negated else [node]


# -- lexing ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Lexeme:
    kind: str  # "(" ")" "AND" "OR" "NOT" "ATOM"
    pos: int
    node: Node | None = None


_FIELD_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(.*)$", re.S)
_STOP = set(' \t\r\n\f\v()"')


def _fail(message: str, example: str = EXAMPLE) -> QueryError:
    return QueryError(f"{message}. For example: {example}")


class _Lexer:
    def __init__(self, text: str, fields: set[str]) -> None:
        self.text = text
        self.fields = fields
        self.i = 0

    def lex(self) -> list[_Lexeme]:
        out: list[_Lexeme] = []
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c.isspace():
                self.i += 1
            elif c in "()":
                out.append(_Lexeme(c, self.i))
                self.i += 1
            elif c == "-" and self.i + 1 < len(text) and text[self.i + 1] not in _STOP - set('("'):
                out.append(_Lexeme("NOT", self.i))
                self.i += 1
            elif c == '"':
                start = self.i
                out.append(_Lexeme("ATOM", start, _phrase(self._quoted(), start)))
                if self.i < len(text) and text[self.i] == "*":
                    raise _fail(f'A "*" after a quoted phrase (position {self.i + 1}) is not supported; put it on a word instead', "memo*")
            else:
                start = self.i
                word = self._word()
                if word in ("AND", "OR", "NOT"):
                    out.append(_Lexeme(word, start))
                else:
                    out.append(_Lexeme("ATOM", start, self._atom(word, start)))
        return out

    def _quoted(self) -> str:
        start = self.i
        end = self.text.find('"', start + 1)
        if end < 0:
            raise _fail(f"The quote at position {start + 1} is never closed; add a closing \"", '"release in part"')
        self.i = end + 1
        return self.text[start + 1 : end]

    def _word(self) -> str:
        start = self.i
        while self.i < len(self.text) and self.text[self.i] not in _STOP:
            self.i += 1
        return self.text[start : self.i]

    def _atom(self, word: str, start: int) -> Node:
        match = _FIELD_RE.match(word)
        if match:
            name, value = match[1].lower(), match[2]
            if name in self.fields:
                return self._field(name, value, start)
            if value:
                known = ", ".join(f"{f}:" for f in sorted(self.fields))
                raise _fail(
                    f"Unknown field {match[1]}: (known fields: {known}); to search for the text itself, quote it",
                    f'"{word}"',
                )
        return _term(word, start)

    def _field(self, name: str, value: str, start: int) -> Node:
        quoted = False
        if not value and self.i < len(self.text) and self.text[self.i] == '"':
            value, quoted = self._quoted(), True
        if not value.strip():
            raise _fail(f"{name}: at position {start + 1} needs a value right after the colon", _FIELD_EXAMPLES.get(name, f"{name}:value"))
        if name == "date":
            return parse_date_range(value)
        return Field(name, value.strip(), quoted=quoted, wildcard=not quoted and "*" in value)


_FIELD_EXAMPLES = {
    "custodian": 'custodian:"Marc Rapp"',
    "from": "from:sullivan",
    "to": 'to:"Mills, Cheryl"',
    "cc": "cc:abedin",
    "own": 'own:"arm the rebels"',
    "subject": "subject:benghazi",
    "kind": "kind:email",
    "production": 'production:"ICE opt-out, Jan 17 2011"',
    "filename": "filename:*.pdf",
    "date": "date:2011-01-01..2011-01-31",
}


def _term(word: str, start: int) -> Node:
    if word == "*":
        return MatchAll()
    if "*" in word.rstrip("*"):
        raise _fail(f"{word!r} (position {start + 1}): a * may only end a word", "memo*")
    if word.endswith("*"):
        stem = word.rstrip("*")
        tokens = tuple(words(stem))
        if not tokens or not stem[-1].isalnum():
            raise _fail(f"{word!r} (position {start + 1}): a * must follow at least one letter or digit", "memo*")
        return Prefix(stem, tokens)
    tokens = tuple(words(word))
    if not tokens:
        raise _fail(_no_words(word, start), "memo")
    return Term(word, tokens)


def _phrase(text: str, start: int) -> Node:
    tokens = tuple(words(text))
    if not tokens:
        raise _fail(f'The phrase "{text}" at position {start + 1} has no searchable words', '"release in part"')
    return Phrase(text, tokens)


def _no_words(word: str, start: int) -> str:
    if any(c.isalnum() for c in word):
        return f"{word!r} (position {start + 1}) is a word of {MAX_TOKEN_BYTES} bytes or more, which the index does not keep"
    return f"{word!r} (position {start + 1}) has no letters or digits to search for"


# -- dates ---------------------------------------------------------------------------------------
_DAY_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _parse_day(text: str, end: bool) -> date:
    """YYYY-MM-DD; YYYY-MM or YYYY stand for the first (or, as an end, the last) day."""
    match = _DAY_RE.match(text)
    example = "date:2011-01-01..2011-01-31"
    if not match:
        raise _fail(f"date:{text} is not a date; write dates as YYYY-MM-DD", example)
    year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    try:
        if not match[2]:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if not match[3]:
            first = date(year, month, 1)
            return (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)) if end else first
        return date(year, month, day)
    except ValueError as exc:
        raise _fail(f"date:{text} is not a real date ({exc}); write dates as YYYY-MM-DD", example) from None


def parse_date_range(value: str) -> DateRange:
    value = value.strip()
    if ".." in value:
        left, _, right = value.partition("..")
        if not left and not right:
            raise _fail("date:.. needs at least one end", "date:..2011-01-31")
        start = _parse_day(left, end=False) if left else None
        end = _parse_day(right, end=True) if right else None
    else:
        start, end = _parse_day(value, end=False), _parse_day(value, end=True)
    if start and end and start > end:
        raise _fail(f"date:{value} ends before it starts", "date:2011-01-01..2011-01-31")
    return DateRange(start, end)


# -- parsing -------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, lexemes: list[_Lexeme]) -> None:
        self.lx = lexemes
        self.i = 0
        self.depth = 0

    def deeper(self, at: _Lexeme) -> None:
        """Recursive descent recurses once per '(' or NOT: bound it, or 300 parentheses overflow the stack."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _fail(f"The query nests parentheses or NOTs more than {MAX_NESTING} deep (at position {at.pos + 1}); "
                        "write it flatter", "(memo OR letter) AND NOT draft")

    def peek(self) -> _Lexeme | None:
        return self.lx[self.i] if self.i < len(self.lx) else None

    def take(self) -> _Lexeme:
        lexeme = self.lx[self.i]
        self.i += 1
        return lexeme

    def parse(self) -> Node:
        node = self.or_expr()
        rest = self.peek()
        if rest is not None:  # only a stray ")" can stop or_expr early
            raise _fail(f"The ')' at position {rest.pos + 1} has no matching '('", "(memo OR letter) AND draft")
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while (p := self.peek()) is not None and p.kind == "OR":
            self.take()
            items.append(self.and_expr(after=p))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self, after: _Lexeme | None = None) -> Node:
        items = [self.unary(after)]
        while (p := self.peek()) is not None and p.kind in ("AND", "NOT", "ATOM", "("):
            if p.kind == "AND":
                self.take()
                items.append(self.unary(after=p))
            else:
                items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self, after: _Lexeme | None = None) -> Node:
        p = self.peek()
        if p is not None and p.kind == "NOT":
            self.take()
            self.deeper(p)
            node = Not(self.unary(after=p))
            self.depth -= 1
            return node
        return self.primary(after)

    def primary(self, after: _Lexeme | None) -> Node:
        p = self.peek()
        if p is None or p.kind in ("AND", "OR", ")"):
            if after is not None:
                raise _fail(f"{after.kind} at position {after.pos + 1} needs a term after it", "memo OR letter")
            if p is None:
                raise _fail("The query is empty", EXAMPLE)
            if p.kind == ")":
                raise _fail(f"The ')' at position {p.pos + 1} has no matching '('", "(memo OR letter) AND draft")
            raise _fail(f"{p.kind} at position {p.pos + 1} needs a term before it", "memo OR letter")
        self.take()
        if p.kind == "(":
            if (q := self.peek()) is not None and q.kind == ")":
                raise _fail(f"The parentheses at position {p.pos + 1} are empty", "(memo OR letter)")
            self.deeper(p)
            node = self.or_expr()
            self.depth -= 1
            close = self.peek()
            if close is None or close.kind != ")":
                raise _fail(f"The '(' at position {p.pos + 1} is never closed; add a ')'", "(memo OR letter) AND draft")
            self.take()
            return node
        assert p.node is not None
        return p.node


def parse(text: str, fields: set[str] | None = None) -> Node:
    """Parse a query string; raises QueryError with a plain message and an example."""
    if fields is None:
        from .filters import field_names

        fields = field_names()
    if not text or not text.strip():
        raise _fail("The query is empty", EXAMPLE)
    return _Parser(_Lexer(text, fields).lex()).parse()
