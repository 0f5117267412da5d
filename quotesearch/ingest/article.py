"""One article file, text or web page, read into an Article: the one place that chooses between
``read`` (text and Markdown) and ``html`` (web pages), so that neither imports the other's caller."""
from __future__ import annotations

import os
from pathlib import Path

from ..models import Article
from .html import read_html
from .read import (HTML_SUFFIXES, ArticleFile, article_from_text, article_id, decode_with_encoding, read_bytes,
                   with_metadata)


def read_article(path: str | os.PathLike) -> Article:
    """Read one file (text, Markdown or a web page), or an ArticleFile with its id and metadata.
    Raises ReadError with a one-line reason when it cannot."""
    given = path if isinstance(path, ArticleFile) else ArticleFile(Path(path), article_id(Path(path)))
    path = given.path
    if path.suffix.lower() in HTML_SUFFIXES:
        article = read_html(path, given.id)
    else:
        text, encoding = decode_with_encoding(read_bytes(path), str(path))
        article = article_from_text(text, given.id, str(path), encoding=encoding)
    return with_metadata(article, given.meta)
