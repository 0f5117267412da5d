"""Paragraphs -> sentences -> tokens, every piece with its character span.

Sentences come from Punkt (``punkt.py``, a lean port of NLTK's), trained on the article
itself and seeded with our abbreviation list, so no NLTK data is ever downloaded.
"""
from __future__ import annotations

import re
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple

from . import lexicon

# A word: letters/digits, joined by internal apostrophes, hyphens, periods or ampersands
# ("ISW’s", "U.S", "well-known", "AT&T"), with an elision mark in front ("’Manteboheng"). Everything else is a one-character token.
_TOKEN = re.compile(r"(?:(?<!\w)’(?=[^\W\d_]))?[^\W_]+(?:[’'.&\-][^\W_]+)*|[^\w\s]", re.UNICODE)


class _TokenFields(NamedTuple):
    text: str
    start: int
    end: int
    lower: str      # text.lower()
    is_word: bool   # ends in a letter or digit


class Token(_TokenFields):
    """One token with its offsets; immutable. ``lower`` and ``is_word`` are computed once, here:
    the rules read them millions of times."""

    __slots__ = ()

    def __new__(cls, text: str, start: int, end: int, lower=None, is_word=None):
        return tuple.__new__(cls, (text, start, end, text.lower(), text[-1].isalnum()))

    def __repr__(self) -> str:
        return f"Token(text={self.text!r}, start={self.start!r}, end={self.end!r})"


_new = tuple.__new__
_Match = re.Match
_last = itemgetter(-1)
# The tokens of the last article's paragraphs: extraction asks for each paragraph twice
# (attribution, then name collection). Keyed on the text object itself, which it keeps alive.
_memo: list = [None, {}]


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text``."""
    end = len(text) if end is None else end
    if _memo[0] is not text:
        _memo[0], _memo[1] = text, {}
    cached = _memo[1].get((start, end))
    if cached is None:
        # C-level maps, no Python loop per token: tokenizing is a tenth of extraction time
        found = list(_TOKEN.finditer(text, start, end))
        words = list(map(_Match.group, found))
        cached = _memo[1][start, end] = list(map(_new, repeat(Token), zip(
            words, map(_Match.start, found), map(_Match.end, found), map(str.lower, words),
            map(str.isalnum, map(_last, words)))))
    return list(cached)


def sentence_tokenizer(text: str):
    """A Punkt tokenizer trained on ``text`` with our abbreviations added."""
    from .punkt import Params, SentenceTokenizer, train

    try:
        params = train(punkt_view(text))
    except Exception:  # Punkt can fail on degenerate text; fall back to our list alone
        params = Params()
    # One article is too little evidence for abbreviations: Punkt would learn "me" from a single
    # "told me." Keep only learned dotted forms ("e.g", "a.m") and add our own list.
    params.abbrev_types = {a for a in params.abbrev_types if "." in a} | lexicon.abbreviations()
    return SentenceTokenizer(params)


_ASCII_OPEN = re.compile(r"(?:''|``)(?=\w)")
_ASCII_CLOSE = re.compile(r"''")


def punkt_view(text: str) -> str:
    """The text as Punkt should see it, same length: ASCII '' and `` quote marks become a straight
    double quote and a space, so "….'' The" splits like "….\" The"."""
    if "''" not in text and "``" not in text:
        return text
    text = _ASCII_OPEN.sub(' "', text)
    return _ASCII_CLOSE.sub('" ', text)


def sentence_spans(tokenizer, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``, as offsets into ``text``."""
    spans = [[start + s, start + e] for s, e in tokenizer.span_tokenize(punkt_view(text[start:end]))]
    for prev, cur in zip(spans, spans[1:]):
        # give back the first half of an ASCII '' opening mark that Punkt saw as a space
        while cur[0] > prev[0] and text[cur[0] - 1] in "'`":
            cur[0] -= 1
        prev[1] = min(prev[1], cur[0])
    return [(s, e) for s, e in spans]
