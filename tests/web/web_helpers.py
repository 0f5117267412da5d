"""Helpers of the web tests (a module of its own: `conftest` is the name of two modules)."""
from __future__ import annotations


def error_line(page: str) -> str:
    """The one error line of a page, as the user reads it."""
    import html
    import re

    found = re.findall(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    assert len(found) == 1, page
    assert "Traceback" not in page
    return html.unescape(found[0])
