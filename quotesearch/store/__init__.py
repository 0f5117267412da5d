"""Stores: where statements are kept and searched. ``base`` says what every store answers; ``query`` is the
query syntax parsed once for all of them."""
from __future__ import annotations

import os
from typing import Union


def open_store(location: Union[str, os.PathLike, "object"]):
    """The store at ``location``: a folder path is a whoosh index (made on the first write); a store
    object is returned as it is."""
    if hasattr(location, "writer"):
        return location
    from .whoosh.store import WhooshStore

    return WhooshStore(location)
