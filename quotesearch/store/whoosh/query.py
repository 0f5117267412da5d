"""The neutral query tree (``store.query``) as a whoosh query, analysed as each field is indexed."""
from __future__ import annotations

from typing import Optional

from ...errors import QuerySyntaxError
from ..query import And, Node, Not, Or, Phrase, Range, Word
from .index import quiet_whoosh

with quiet_whoosh():
    from whoosh import query as wq


def compile_query(node: Optional[Node], schema):
    """The whoosh query for ``node`` (None for None, and for parts whose words are all stop words)."""
    if node is None:
        return None
    if isinstance(node, (And, Or)):
        given = node.parts
        if isinstance(node, And) and any(not _every_statement(p) for p in given):
            # whoosh's normalize turns an AND holding an unfielded Every into Every: `* AND x` is x
            given = [p for p in given if not _every_statement(p)]
        parts = [q for q in (compile_query(p, schema) for p in given) if q is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else (wq.And if isinstance(node, And) else wq.DefaultOr)(parts)
    if isinstance(node, Not):
        part = compile_query(node.part, schema)
        return wq.Not(part) if part is not None else None
    field = schema[node.field]
    if isinstance(node, Range):
        if field.self_parsing():
            return field.parse_range(node.field, node.low, node.high, False, False)
        return wq.TermRange(node.field, node.low and node.low.lower(), node.high and node.high.lower())
    if _every_statement(node):
        return wq.Every()  # a statement of stop words alone has no word in `text`, and is one too
    if isinstance(node, Word) and node.wildcard:
        return wq.Wildcard(node.field, node.text.lower())
    if field.self_parsing():
        try:
            return field.parse_query(node.field, node.text)
        except ValueError as e:
            raise QuerySyntaxError(f"{node.field}:{node.text}: {e}") from None
    words = list(field.process_text(node.text, mode="query"))
    if not words:
        return None
    if len(words) == 1:
        return wq.Term(node.field, words[0])
    if isinstance(node, Phrase):
        return wq.Phrase(node.field, words)
    return wq.And([wq.Term(node.field, w) for w in words])


def _every_statement(node: Node) -> bool:
    """`*` (or `text:*`): every statement."""
    return isinstance(node, Word) and node.field == "text" and node.wildcard and not node.text.strip("*")
