"""Paragraphs -> sentences -> tokens, every piece with its character span.

Sentences come from NLTK's Punkt, trained on the article itself and seeded with
our abbreviation list, so no NLTK data is ever downloaded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon

# A word: letters/digits, joined by internal apostrophes, hyphens, periods or ampersands
# ("ISW’s", "U.S", "well-known", "AT&T"), with an elision mark in front ("’Manteboheng"). Everything else is a one-character token.
_TOKEN = re.compile(r"(?:(?<!\w)’(?=[^\W\d_]))?[^\W_]+(?:[’'.&\-][^\W_]+)*|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[-1].isalnum()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text``."""
    end = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def sentence_tokenizer(text: str):
    """A Punkt tokenizer trained on ``text`` with our abbreviations added."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer

    try:
        trainer = PunktTrainer()
        trainer.INCLUDE_ALL_COLLOCS = False
        trainer.train(punkt_view(text), finalize=True)
        params = trainer.get_params()
    except Exception:  # Punkt can fail on degenerate text; fall back to our list alone
        params = PunktParameters()
    # One article is too little evidence for abbreviations: Punkt would learn "me" from a single
    # "told me." Keep only learned dotted forms ("e.g", "a.m") and add our own list.
    params.abbrev_types = {a for a in params.abbrev_types if "." in a} | set(lexicon.abbreviations())
    return PunktSentenceTokenizer(params)


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
