"""Saved web pages (.html, .htm) -> Article, through trafilatura (the optional html extra).

trafilatura finds the main text (menus, cookie banners, bylines, share buttons, related
links, comments and footers are left out) and the page's metadata. Each block of the main
text (paragraph, heading, list item) becomes a paragraph of the article, separated by blank
lines; the title is the first paragraph, as the extractor expects.
"""
from __future__ import annotations

import codecs
import os
import re
from pathlib import Path
from typing import Optional

from . import read
from .dates import date_only, parse_date
from ..models import Article

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_WESTERN = {"ascii", "latin-1", "iso8859-1", "cp1252", "utf-8"}  # a cp1252 reading is right for these
_SETTINGS = dict(
    include_comments=False,  # reader comments are not the article
    include_tables=False,  # tables are mostly link lists and data, never running text
    include_images=False, include_links=False, include_formatting=False,
    favor_precision=True,  # prune more boilerplate (bylines, share and related-link blocks)
    with_metadata=True,
    # dates only from the page's markup (meta tags, <time>, JSON-LD) and its URL: the extensive
    # search guesses from free text, e.g. "© 2023" in the footer becomes 2023-01-01
    date_extraction_params={"extensive_search": False, "original_date": True},
)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Our decoder (UTF-8, then cp1252 ...); a declared non-Western charset (windows-1251,
    Shift_JIS ...) wins over an 8-bit guess, which would read such a page as Latin mojibake."""
    text, encoding = read.decode_with_encoding(data, name)
    m = _META_CHARSET.search(data[:4096])
    if m is None or encoding.startswith("utf"):
        return text, encoding
    try:
        declared = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return text, encoding
    if declared in _WESTERN or declared == codecs.lookup(encoding).name:
        return text, encoding
    return data.decode(declared, errors="replace"), declared


def _outlet(sitename: Optional[str], url: Optional[str]) -> Optional[str]:
    if sitename and sitename.strip():
        return sitename.strip()
    return read.url_host(url) if url else None


NEEDS_HTML_EXTRA = "needs-html-extra"  # the reason code of pages skipped without trafilatura


def read_html(path: str | os.PathLike, id: Optional[str] = None) -> Article:
    """Read one saved web page (source id ``id``, else the file name without extension); raises
    read.ReadError with a one-line reason when it cannot."""
    path = Path(path)
    try:
        import trafilatura
    except ImportError as e:
        missing = " (lxml_html_clean is missing)" if "lxml.html.clean" in str(e) else ""
        raise read.ReadError(f"{path}: reading web pages needs the html extra{missing}: "
                             "pip install 'quotesearch[html]'", NEEDS_HTML_EXTRA) from None
    text, encoding = _decode(read.read_bytes(path), str(path))
    doc = trafilatura.bare_extraction(text, **_SETTINGS)
    lines = [" ".join(line.split()) for line in (doc.text or "").splitlines()] if doc else []
    body = "\n\n".join(line for line in lines if line)
    if not body:
        raise read.ReadError(f"{path}: no article text found in this web page")
    url = doc.url or None
    return read.article_from_parts(body, id or read.article_id(path), path=str(path), title=doc.title or "",
                                   date=date_only(parse_date(doc.date)), url=url, outlet=_outlet(doc.sitename, url),
                                   encoding=encoding)
