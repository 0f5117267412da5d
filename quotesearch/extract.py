"""The extraction pipeline: Article -> list[Statement]. (Being written; stub.)"""
from __future__ import annotations

from .records import Article, Statement
from .read import article_from_text


def extract(article: Article) -> list[Statement]:
    """All attributed statements of one article, in reading order."""
    return []


def extract_text(text: str, id: str = "text") -> list[Statement]:
    """Convenience for tests and callers holding a string."""
    return extract(article_from_text(text, id))
