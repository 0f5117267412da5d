"""Stores: where statements are kept and searched. ``base`` says what every store answers; ``query`` is the
query syntax parsed once for all of them."""
from __future__ import annotations

import os
from typing import Union


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
    from .whoosh.store import WhooshStore

    return WhooshStore(location)


def _is_url(location: str) -> bool:
    from .postgres import is_url

    return is_url(location)


def shown_location(location: Union[str, os.PathLike]) -> str:
    """A store's location as messages show it: a URL without its password, a path as it is."""
    from .postgres import shown

    return shown(os.fspath(location))
