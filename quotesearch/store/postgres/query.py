"""The neutral query tree (``store.query``) as a SQL condition on ``st`` (a row of qs_statements).

Words and phrases of a text field are analysed by PostgreSQL itself (``plainto_tsquery`` and
``phraseto_tsquery``, the configuration the field is indexed with), all of a query's in one round
trip, and matched with ``@@`` against the field's ``tsvector`` (an index for text, role,
organization and speaker). A word that analyses to nothing is left out, as the whoosh store does.
Wildcards match the indexed words (stems, for stemmed fields), as in the whoosh store: ``pric*`` is
a prefix query (``'pric':*``), other patterns a regular expression over the row's words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ...errors import QuerySyntaxError
from ..query import And, Node, Not, Or, Phrase, Range, Word
from .schema import Names

# field -> (SQL of its tsvector, configuration: 'english' means the store's qs_english)
_TSV = {
    "text": ("st.tsv", "english"),
    "role": ("to_tsvector({en}, coalesce(st.role, ''))", "english"),
    "organization": ("to_tsvector({en}, coalesce(st.organization, ''))", "english"),
    "speaker": ("to_tsvector('simple', coalesce(st.speaker, ''))", "simple"),
    "mention": ("to_tsvector('simple', coalesce(st.mention, ''))", "simple"),
    "given_to": ("to_tsvector('simple', coalesce(st.given_to, ''))", "simple"),
}
_SOURCE_TSV = {  # the article's, on its source row
    "outlet": ("to_tsvector('simple', coalesce(so.outlet, ''))", "simple"),
    "title": ("to_tsvector('simple', coalesce(so.title, ''))", "simple"),
}
_LOWER = ("speaker_type", "kind", "cue")  # compared lowercased (whoosh: a lowercased ID); other ID fields as they are


@dataclass
class Compiled:
    sql: str
    params: list
    ranking: list = field(default_factory=list)  # tsqueries (text) of the words of ``text`` asked for


def tsquery_literal(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _like(pattern: str) -> str:
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


def _regex(pattern: str) -> str:
    return "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + "$"


class Compiler:
    """Compiles trees against one store's names; ``analyse`` is done with the cursor given."""

    def __init__(self, cur, names: Names):
        self.cur, self.names = cur, names

    def compile(self, node: Optional[Node]) -> Optional[Compiled]:
        """The condition of ``node`` (None for None, and when every word of it analyses to nothing)."""
        if node is None:
            return None
        leaves: list = []
        self._collect(node, leaves)
        self._analysed = dict(zip(leaves, self.analyse(leaves)))
        return self._node(node, positive=True)

    def analyse(self, leaves: list) -> list[str]:
        """The tsquery (as text; '' for none) of each (field, Word|Phrase) leaf."""
        if not leaves:
            return []
        configs = [self.config(_TSV.get(n.field) or _SOURCE_TSV[n.field]) for n in leaves]
        kinds = ["phrase" if isinstance(n, Phrase) else "plain" for n in leaves]
        rows = self.cur.execute(
            "SELECT CASE WHEN k = 'phrase' THEN phraseto_tsquery(c::regconfig, t) "
            "ELSE plainto_tsquery(c::regconfig, t) END::text "
            "FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY AS x(c, k, t, n) ORDER BY n",
            (configs, kinds, [n.text for n in leaves])).fetchall()
        return [r[0] for r in rows]

    def config(self, spec: tuple) -> str:
        return self.names.config if spec[1] == "english" else "simple"

    def _collect(self, node, leaves: list) -> None:
        if isinstance(node, (And, Or)):
            for p in node.parts:
                self._collect(p, leaves)
        elif isinstance(node, Not):
            self._collect(node.part, leaves)
        elif isinstance(node, (Word, Phrase)) and not (isinstance(node, Word) and node.wildcard) and (
                node.field in _TSV or node.field in _SOURCE_TSV):
            leaves.append(node)

    def _node(self, node, positive: bool) -> Optional[Compiled]:
        if isinstance(node, (And, Or)):
            parts = [c for c in (self._node(p, positive) for p in node.parts) if c is not None]
            if not parts:
                return None
            if len(parts) == 1:
                return parts[0]
            glue = " AND " if isinstance(node, And) else " OR "
            return Compiled("(" + glue.join(p.sql for p in parts) + ")", [x for p in parts for x in p.params],
                            [x for p in parts for x in p.ranking])
        if isinstance(node, Not):
            part = self._node(node.part, not positive)
            return None if part is None else Compiled(f"NOT {part.sql}", part.params, [])
        if isinstance(node, Range):
            return self._range(node)
        return self._leaf(node, positive)

    def _tsv(self, name: str) -> Optional[tuple[str, bool]]:
        """(SQL of the field's tsvector, whether it is the source's) or None for a field without words."""
        if name in _TSV:
            return _TSV[name][0].format(en=self.names.english), False
        if name in _SOURCE_TSV:
            return _SOURCE_TSV[name][0], True
        return None

    def _on_source(self, condition: str, params: list) -> Compiled:
        return Compiled(f"st.source IN (SELECT so.source FROM {self.names.sources} so WHERE {condition})", params)

    def _leaf(self, node, positive: bool) -> Optional[Compiled]:
        name = node.field
        tsv = self._tsv(name)
        wildcard = isinstance(node, Word) and node.wildcard
        if tsv is not None:
            expr, on_source = tsv
            if wildcard:
                condition, params, query = self._wildcard(expr, node.text.lower())
            else:
                query = self._analysed[node]
                if not query:
                    return None
                condition, params = f"{expr} @@ %s::tsquery", [query]
            compiled = self._on_source(condition, params) if on_source else Compiled(f"({condition})", params)
            if name == "text" and positive and query:
                compiled.ranking = [query]
            return compiled
        if name == "paragraph":
            if not node.text.lstrip("-").isdigit():
                raise QuerySyntaxError(f"paragraph:{node.text}: {node.text!r} is not a valid number")
            return Compiled("st.paragraph = %s", [int(node.text)])
        column = f"lower(st.{name})" if name in _LOWER else f"st.{name}"
        value = node.text.lower() if name in _LOWER else node.text
        if wildcard:
            return Compiled(f"(st.{name} IS NOT NULL AND {column} LIKE %s)", [_like(value)])
        return Compiled(f"(st.{name} IS NOT NULL AND {column} = %s)", [value])

    def _wildcard(self, expr: str, pattern: str) -> tuple[str, list, Optional[str]]:
        """(condition, params, a tsquery for ranking or None) of a wildcard over a tsvector's words."""
        literal = re.match(r"[^*?]*", pattern).group()
        if pattern == literal + "*" and literal:
            query = tsquery_literal(literal) + ":*"
            return f"{expr} @@ %s::tsquery", [query], query
        condition = f"EXISTS (SELECT 1 FROM unnest({expr}) w WHERE w.lexeme ~ %s)"
        params = [_regex(pattern)]
        if literal:  # the words starting so, through the index first
            condition = f"{expr} @@ %s::tsquery AND " + condition
            params.insert(0, tsquery_literal(literal) + ":*")
        return condition, params, None

    def _range(self, node: Range) -> Compiled:
        name = node.field
        if name == "paragraph":
            low, high = (None if v is None else int(v) for v in (node.low, node.high))
            column = "st.paragraph"
        else:
            low, high = (None if v is None else v.lower() for v in (node.low, node.high))
            column = f"lower(st.{name})" if name in _LOWER or name in _TSV else f"st.{name}"
            if name in _SOURCE_TSV:
                column = f"lower(so.{name})"
        parts, params = [f"{column} IS NOT NULL"], []
        if low is not None:
            parts.append(f"{column} >= %s")
            params.append(low)
        if high is not None:
            parts.append(f"{column} <= %s")
            params.append(high)
        condition = " AND ".join(parts)
        if name in _SOURCE_TSV:
            return self._on_source(condition, params)
        return Compiled(f"({condition})", params)
