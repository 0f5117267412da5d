"""Stores: where statements are kept and searched. ``base`` says what every store answers; ``query`` is the
query syntax parsed once for all of them."""
from __future__ import annotations

import os
import re
from typing import Union

_URL_LIKE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):/")  # scheme:/ (two letters or more: C:/ is a path)


def open_store(location: Union[str, os.PathLike, "object"]):
    """The store at ``location``: a postgresql:// (or postgres://) URL is a PostgreSQL store
    (store/postgres; tables made on the first write), a folder path a whoosh index (made on the
    first write); a store object is returned as it is."""
    if hasattr(location, "writer"):
        return location
    if isinstance(location, str) and "://" in location and _is_url(location):  # a folder loads no postgres code
        try:
            from .postgres.store import PostgresStore
        except ImportError as e:
            if getattr(e, "name", None) not in ("psycopg", "psycopg_binary"):
                raise
            from ..errors import QuotesearchError

            raise QuotesearchError("a postgresql:// index needs psycopg; install it with "
                                   "pip install 'quotesearch[postgres]'") from None
        return PostgresStore(location)
    _refuse_other_urls(os.fspath(location))
    from .whoosh.store import WhooshStore

    return WhooshStore(location)


def _is_url(location: str) -> bool:
    from .postgres import is_url

    return is_url(location)


def _refuse_other_urls(location: str) -> None:
    """A location written as a URL that is not a PostgreSQL one (``postgresq://``, ``postgresql:/``,
    ``http://``) is a mistake: an error, not a folder made under that name (the password in it too)."""
    found = _URL_LIKE.match(location)
    if not found:
        return
    import difflib

    from ..errors import QuotesearchError
    from .postgres import SCHEMES

    scheme = found.group(1)
    close = scheme.lower() in SCHEMES or difflib.get_close_matches(scheme.lower(), SCHEMES, n=1, cutoff=0.6)
    raise QuotesearchError(f"{shown_location(location)} is neither an index folder nor a postgresql:// URL"
                           + ("; did you mean postgresql://USER@HOST:PORT/DB?" if close else
                              "; give a folder, or postgresql://USER@HOST:PORT/DB for a PostgreSQL index"))


def shown_location(location: Union[str, os.PathLike]) -> str:
    """A store's location as messages show it: a URL without its password, a path as it is."""
    from .postgres import is_url, shown

    location = os.fspath(location)
    if _URL_LIKE.match(location) and not is_url(location):  # a URL of another scheme (a typo): no password either
        location = re.sub(r"^([^/]+:/+[^/@:?#]*):[^/@?#]*@", r"\1@", location)
        return re.sub(r"([?&]password=)[^&#]*", r"\1***", location)
    return shown(location)
