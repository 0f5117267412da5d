"""The query syntax, parsed once into a small tree that every store compiles.

The syntax is Lucene's (parsed by luqum): words (all must match), ``"exact phrases"``, ``AND``,
``OR``, ``NOT``, ``-word``, parentheses, ``field:value``, ``field:"a phrase"``, ``prefix*`` and
``wild?card``, and ``field:[low TO high]`` (inclusive; ``*`` leaves an end open).

``parse(query)`` returns a tree of the frozen nodes below (or None for a blank query) and raises
``QuerySyntaxError`` with one line that says what is wrong and gives an example. Field names are
canonical (``org`` becomes ``organization``); words are kept as typed: analysis (case, stemming,
stop words) is the store's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Union

from ..errors import QuerySyntaxError

# Field names accepted in ``field:value``, with their aliases.
FIELDS = ("text", "speaker", "mention", "speaker_type", "role", "organization", "given_to", "outlet",
          "kind", "cue", "source", "title", "paragraph", "id", "speaker_key", "quote_group")
ALIASES = {"org": "organization", "type": "speaker_type", "told": "given_to"}
NUMERIC_FIELDS = ("paragraph",)
DEFAULT_FIELD = "text"
MAX_DEPTH = 50  # parentheses nested deeper than this are refused
EXAMPLE = "e.g. 'troops', '\"pressure on the aggressor\"', 'speaker:barros AND russia'"
_OPERATORS = {"AND", "OR"}


@dataclass(frozen=True)
class Word:
    """One word of ``field`` as typed; ``*`` and ``?`` in it make it a wildcard."""

    field: str
    text: str

    @property
    def wildcard(self) -> bool:
        return "*" in self.text or "?" in self.text


@dataclass(frozen=True)
class Phrase:
    """Words of ``field`` that must stand together, in this order."""

    field: str
    text: str


@dataclass(frozen=True)
class Range:
    """Values of ``field`` from ``low`` to ``high``, both included; None leaves that end open."""

    field: str
    low: Optional[str]
    high: Optional[str]


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class Not:
    part: "Node"


Node = Union[Word, Phrase, Range, And, Or, Not]


def shown(query: str, width: int = 80) -> str:
    """The query as error messages quote it: cut short when long, so the message stays one short line."""
    return repr(query if len(query) <= width else query[:width] + "…")


def parse(query: Optional[str]) -> Optional[Node]:
    """The tree of ``query``; None when it is blank. Raises QuerySyntaxError."""
    if not query or not query.strip():
        return None
    _check(query)
    words = query.split()
    if all(_PLAIN_WORD.fullmatch(w) and w not in _RESERVED for w in words):
        # plain words (the most common query) need no parser: this is the tree luqum's gives them
        # (tests/store/test_query.py compares the two), without loading it (a few ms per process)
        nodes = tuple(Word(DEFAULT_FIELD, w) for w in words)
        return nodes[0] if len(nodes) == 1 else And(nodes)
    return _parse(query)


_PLAIN_WORD = re.compile(r"[^\W_]+")  # letters and digits, nothing the syntax reads
_RESERVED = {"AND", "OR", "NOT", "TO"}  # the parser's own words (upper case only)


def _parse(query: str) -> Optional[Node]:
    """The tree of ``query`` (checked) as luqum parses it."""
    from luqum.exceptions import ParseError
    from luqum.parser import parser

    try:
        tree = parser.parse(_single_quotes(query))
    except ParseError:
        raise _bad(query, "it could not be read") from None
    return _convert(tree, DEFAULT_FIELD, query)


def fields(node: Optional[Node]) -> set[str]:
    """Every field a tree asks about."""
    if node is None:
        return set()
    if isinstance(node, (And, Or)):
        return set().union(*(fields(p) for p in node.parts))
    if isinstance(node, Not):
        return fields(node.part)
    return {node.field}


def _bad(query: str, problem: str) -> QuerySyntaxError:
    return QuerySyntaxError(f"bad query {shown(query)}: {problem}; {EXAMPLE}")


_FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(]))([A-Za-z_]\w*):(\S?)")


def _check(query: str) -> None:
    """What a parser would report badly or not at all, said plainly."""
    if query.count('"') % 2:
        raise _bad(query, 'a phrase quote (") is not closed')
    outside = re.sub(r'"[^"]*"', "x", query)
    depth = 0
    for ch in outside:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise _bad(query, "a ')' has no matching '('")
        if depth > MAX_DEPTH:
            raise _bad(query, f"parentheses are nested more than {MAX_DEPTH} deep")
    if depth:
        raise _bad(query, "a '(' is not closed")
    if outside.count("[") + outside.count("{") != outside.count("]") + outside.count("}"):
        raise _bad(query, "a range [a TO b] is not closed")
    for m in _FIELD_PREFIX.finditer(outside):
        if m.group(1) not in FIELDS and m.group(1) not in ALIASES:
            raise _bad(query, f"unknown field {m.group(1)!r} (fields: {', '.join(FIELDS)}, org, type, told)")
        if not m.group(2):
            raise _bad(query, f"field {m.group(1)!r} has no value after ':'")
    tokens = re.findall(r"[()]|[^\s()]+", outside)
    for i, tok in enumerate(tokens):
        if tok not in _OPERATORS | {"NOT"}:
            continue
        before = tokens[i - 1] if i else "("
        after = tokens[i + 1] if i + 1 < len(tokens) else ")"
        if (after == ")" or after in _OPERATORS or (tok == "NOT" and after == "NOT")
                or (tok != "NOT" and (before == "(" or before in _OPERATORS | {"NOT"}))):
            raise _bad(query, f"{tok} needs a word on {'both sides' if tok != 'NOT' else 'its right'}")
    if not re.search(r"[\w*?]", query):  # a wildcard alone asks for words too
        raise QuerySyntaxError(f"query {shown(query)} has no searchable words; {EXAMPLE}")


def _single_quotes(query: str) -> str:
    """Single quote marks around words are not syntax (the parser would refuse them); apostrophes stay."""
    return re.sub(r"(?<!\w)'|'(?!\w)", " ", query)


def _convert(tree, field: str, query: str) -> Optional[Node]:
    from luqum import tree as t

    if isinstance(tree, (t.Group, t.FieldGroup)):
        return _convert(tree.expr, field, query)
    if isinstance(tree, t.SearchField):
        if not tree.name.isidentifier() and isinstance(tree.expr, t.Word):  # '10:30' is a time, not a field
            return Word(field, f"{tree.name}:{tree.expr.value}")
        name = ALIASES.get(tree.name, tree.name)
        if name not in FIELDS:
            raise _bad(query, f"unknown field {tree.name!r} (fields: {', '.join(FIELDS)}, org, type, told)")
        return _convert(tree.expr, name, query)
    if isinstance(tree, (t.Boost, t.Fuzzy, t.Proximity)):  # weights and slop are not ours: the term itself
        return _convert(tree.expr if isinstance(tree, t.Boost) else tree.term, field, query)
    if isinstance(tree, t.Word):
        return Word(field, _number(tree.value, field, query))
    if isinstance(tree, t.Phrase):
        return Phrase(field, tree.value[1:-1])
    if isinstance(tree, t.Regex):
        return Word(field, tree.value.strip("/"))
    if isinstance(tree, t.Range):
        low, high = (None if v.value == "*" else _number(v.value, field, query) for v in (tree.low, tree.high))
        return Range(field, low, high)
    if isinstance(tree, (t.Not, t.Prohibit)):
        part = _convert(tree.a, field, query)
        return Not(part) if part is not None else None
    if isinstance(tree, t.Plus):
        return _convert(tree.a, field, query)
    if isinstance(tree, (t.AndOperation, t.UnknownOperation, t.OrOperation)):
        parts = tuple(p for p in (_convert(c, field, query) for c in tree.children) if p is not None)
        if len(parts) == 1:
            return parts[0]
        return (Or if isinstance(tree, t.OrOperation) else And)(parts) if parts else None
    raise _bad(query, f"{str(tree)!r} is not supported")


def _number(value: str, field: str, query: str) -> str:
    if field in NUMERIC_FIELDS and not value.lstrip("-").isdigit() and value != "*":
        raise _bad(query, f"{value!r} is not a valid number")
    return value


def day_bound(value: Optional[str], option: str, end: bool = False) -> Optional[str]:
    """A --since/--until value as the day (YYYY-MM-DD) every store compares (``end``: the last day
    of a month or year given); None for None. Raises QuerySyntaxError naming ``option``."""
    from ..ingest.dates import parse_bound

    if value is None:
        return None
    try:
        return parse_bound(value, end=end)
    except ValueError as e:
        raise QuerySyntaxError(f"{option}: {e}") from None
