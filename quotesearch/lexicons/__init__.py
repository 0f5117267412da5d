"""Word lists as data files, one entry per line (``#`` starts a comment): speech verbs, titles,
months … A new word is one line in one of these files."""
from __future__ import annotations

from importlib import resources


def lines(name: str) -> list[str]:
    """The non-blank lines of ``NAME`` in this folder, without comments."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return [line for line in (raw.split("#", 1)[0].strip() for raw in text.splitlines()) if line]
