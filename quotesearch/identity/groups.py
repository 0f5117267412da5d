"""Wire copies: the same quote carried by several sources shares a ``quote_group``.

Two statements of one speaker key belong together when their words agree once quote
marks, case, diacritics and punctuation are folded: the whole text, or (for texts of
``EDGE`` words or more) the first ``EDGE`` words, the last ``EDGE``, or the first and last
``EDGE // 2`` together, so that a copy cut short at either end, or with a word changed
anywhere, still joins its group. Short texts join only on the whole text.

Groups are assigned by the single index writer, in input order, so they do not depend on
the number of jobs. A group's id comes from its first member and never changes.
"""
from __future__ import annotations

import hashlib
from typing import Callable, Iterable, Optional

from .speakers import fold

EDGE = 8  # words at each end that identify a quote of at least this many words

Existing = Callable[[str], Iterable[tuple[str, str]]]  # speaker key -> (text, quote_group) already indexed


def words(text: str) -> list[str]:
    return fold(text).split()


def _keys(speaker_key: str, tokens: list[str]) -> list[int]:
    """Hashes of the whole text and of its ends (hashes, not words: a run may see millions)."""
    keys = [hash((speaker_key, "all", tuple(tokens)))]
    if len(tokens) >= EDGE:
        half = EDGE // 2
        keys += [hash((speaker_key, "head", tuple(tokens[:EDGE]))), hash((speaker_key, "tail", tuple(tokens[-EDGE:]))),
                 hash((speaker_key, "ends", tuple(tokens[:half] + tokens[-half:])))]
    return keys


def group_id(speaker_key: str, tokens: list[str], where: str = "") -> str:
    """A short stable id for a group founded by this text (``where``: for a group of one statement)."""
    seed = f"{speaker_key}\0{' '.join(tokens)}\0{where}"
    return "g" + hashlib.sha1(seed.encode("utf-8", "surrogatepass")).hexdigest()[:11]


class QuoteGroups:
    """Assigns groups; knows the groups of earlier runs through ``existing`` (asked once per key)."""

    def __init__(self, existing: Optional[Existing] = None):
        self.existing = existing
        self.known: dict[int, str] = {}
        self.loaded: set[str] = set()

    def _load(self, speaker_key: str) -> None:
        self.loaded.add(speaker_key)
        if self.existing is None:
            return
        for text, group in self.existing(speaker_key):
            if group:
                for key in _keys(speaker_key, words(text)):
                    self.known.setdefault(key, group)

    def assign(self, speaker_key: str, text: str, source: str) -> str:
        """The group of a new statement (founding one if no earlier statement matches)."""
        tokens = words(text)
        if not speaker_key or not tokens:  # nobody, or no words: a group of its own
            return group_id(speaker_key, tokens, f"{source}\0{text}")
        if speaker_key not in self.loaded:
            self._load(speaker_key)
        keys = _keys(speaker_key, tokens)
        group = next((self.known[k] for k in keys if k in self.known), None) or group_id(speaker_key, tokens)
        for key in keys:
            self.known.setdefault(key, group)
        return group


def regroup(speaker_key: str, members: Iterable[tuple[str, str]]) -> list[str]:
    """The groups of one speaker key's statements ``(text, quote_group)`` as one run reading them in
    this order assigns them, each group keeping its id: a statement joins the group of the first
    earlier statement it matches, else keeps its own. Two groups founded by runs that did not see
    each other's statements become one; groups that one run made come out as they were."""
    known: dict[int, str] = {}
    out = []
    for text, group in members:
        tokens = words(text)
        if not speaker_key or not tokens:
            out.append(group)
            continue
        keys = _keys(speaker_key, tokens)
        group = next((known[k] for k in keys if k in known), None) or group or group_id(speaker_key, tokens)
        for key in keys:
            known.setdefault(key, group)
        out.append(group)
    return out
