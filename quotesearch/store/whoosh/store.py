"""The whoosh index as a ``Store`` (store/base.py): an index folder on this machine."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union


class WhooshStore:
    def __init__(self, path: Union[str, os.PathLike]):
        self.path = Path(path)
        self.location = str(path)

    def writer(self, rebuild: bool = False, lock_timeout: Optional[float] = None):
        from .writer import open_writer

        return open_writer(self.path, rebuild, lock_timeout)

    def setting(self, name: str) -> Optional[bytes]:
        """The file ``name`` kept in the index folder (None when there is none). Raises OSError."""
        path = self.path / name
        return path.read_bytes() if path.is_file() else None
