"""Paragraphs -> sentences -> tokens, every piece with its character span.

Sentences come from NLTK's Punkt (``nltk.tokenize.punkt``), trained on the article itself and
seeded with our abbreviation list, so no NLTK data is ever downloaded. An article's tokens and its
trained sentence splitter live in one ``Segmentation`` per article, made by the caller and passed
along; nothing is kept between articles.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple

from nltk.probability import FreqDist
from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer, PunktToken, PunktTrainer

from . import lexicon

# A word: letters/digits, joined by internal apostrophes, hyphens, periods or ampersands
# ("ISW’s", "U.S", "well-known", "AT&T"), with an elision mark in front ("’Manteboheng"). Everything else is a one-character token.
# The word without the mark is the first alternative: it was first written with the mark as an optional
# group in front, whose lookbehind re tried at every character (same matches: tests/extraction/test_segment.py).
# Every alternative opens with a character set or the mark itself (the mark's "no word character before"
# is checked after it), so ``re`` skips what no token starts with (spaces) without trying each one; and no
# repeat is ever given back (nothing follows it inside its alternative), so none keeps a way back (``++``).
_WORD = r"[^\W_]++(?:[’'.&\-][^\W_]++)*+"
_TOKEN = re.compile(_WORD + r"|’(?<!\w’)(?=[^\W\d_])" + _WORD + r"|[^\w\s]", re.UNICODE)


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


class TokenColumns(NamedTuple):
    """A stretch's tokens, and the columns they were built from, one entry per token: what the
    paragraph's readers (its token starts, cues, capital flags) would otherwise read back out of the
    tokens, each by a pass of its own."""

    tokens: list[Token]
    texts: list[str]
    starts: list[int]
    lowers: list[str]
    is_word: list[bool]


def token_columns(text: str, start: int = 0, end: int | None = None) -> TokenColumns:
    """Tokens of ``text[start:end]`` with offsets into ``text``, and their columns (new lists)."""
    end = len(text) if end is None else end
    # C-level maps, no Python loop per token: tokenizing is a tenth of extraction time
    found = list(_TOKEN.finditer(text, start, end))
    words = list(map(_Match.group, found))
    starts = list(map(_Match.start, found))
    lowers = list(map(str.lower, words))
    is_word = list(map(str.isalnum, map(_last, words)))
    tokens = list(map(_new, repeat(Token), zip(words, starts, map(_Match.end, found), lowers, is_word)))
    return TokenColumns(tokens, words, starts, lowers, is_word)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text`` (a new list on every call)."""
    return token_columns(text, start, end).tokens


# -- Punkt, through NLTK's extension points -------------------------------------------
# NLTK 3.10 runs Punkt's regular expressions through a wall-clock timeout guard (its ``redos``
# wrapper around the ``regex`` module), at least twice per word: with it, Punkt was about 70 % of
# extraction time, without it under half. Punkt's own patterns, taken from NLTK at import and
# compiled with the standard library's ``re``, give the same matches (tests/test_segment.py).

_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE


def _stdlib_re(pattern) -> re.Pattern:
    """NLTK's compiled pattern (timeout-guarded or not) as a plain ``re`` pattern."""
    return re.compile(pattern.pattern, pattern.flags & _FLAGS)


class LanguageVars(PunktLanguageVars):
    """NLTK's English Punkt variables, with its word and period-context patterns run by ``re``.

    NLTK's word pattern (``_word_tokenize_fmt``) takes a word's characters one at a time, asking after
    each whether the word ends there (whitespace, the end, a non-word character, a dash or ellipsis,
    a final comma); its own pieces (``_re_non_word_chars``, ``_re_multi_char_punct``,
    ``_re_word_start``) are put here in a form ``re`` runs faster: after the first character, a run of
    characters at which none of those ends can start (not whitespace, not a non-word character, not
    "-", "." or ",") is taken at once, and only at the others is the end asked. The word ends at the
    same character, so the words are NLTK's (tests/extraction/test_segment.py compares them with
    plain NLTK's on the corpus and random lines): 0.33 -> 0.23 s over the PolNeAR texts, a quarter
    of training. Should NLTK's pieces ever take another shape, NLTK's own pattern is used."""

    re_boundary_realignment = _stdlib_re(PunktLanguageVars.re_boundary_realignment)

    def _word_pattern(self) -> str | None:
        """NLTK's word pattern with a word's plain characters taken as a run, or None when NLTK's
        non-word characters are not the one character set this form needs."""
        non_word, multi = self._re_non_word_chars, self._re_multi_char_punct
        one_set = non_word.startswith("(?:[") and non_word.endswith("])")
        if not one_set or "]" in non_word[4:-2].replace("\\]", ""):
            return None
        ends = rf"\s|$|{non_word}|{multi}|,(?=$|\s|{non_word}|{multi})"     # NLTK's "sequences marking a word's end"
        plain = rf"[^\s{non_word[4:-2]}\-.,]"                                 # no end can start at one of these
        return rf"({multi}|(?={self._re_word_start})\S(?:{plain}++|(?!{ends})\S)*+|\S)"

    def _word_tokenizer_re(self):
        if not isinstance(getattr(self, "_re_word_tokenizer", None), re.Pattern):
            pattern = self._word_pattern()
            self._re_word_tokenizer = (re.compile(pattern, re.UNICODE) if pattern is not None
                                       else _stdlib_re(super()._word_tokenizer_re()))
        return self._re_word_tokenizer

    def period_context_re(self):
        if not isinstance(getattr(self, "_re_period_context", None), re.Pattern):
            self._re_period_context = _stdlib_re(super().period_context_re())
        return self._re_period_context


class _WordShape(PunktToken):
    """NLTK's Punkt token, with its word-shape patterns (ellipsis, number, initial, alphabetic)
    run by ``re``: it reads one distinct word's shape for ``PunktWord``."""

    __slots__ = ()
    _RE_ELLIPSIS = _stdlib_re(PunktToken._RE_ELLIPSIS)
    _RE_NUMERIC = _stdlib_re(PunktToken._RE_NUMERIC)
    _RE_INITIAL = _stdlib_re(PunktToken._RE_INITIAL)
    _RE_ALPHA = _stdlib_re(PunktToken._RE_ALPHA)
    _RE_NON_PUNCT = re.compile(r"[^\W\d]", re.UNICODE)   # NLTK's module-level ``_re_non_punct``

    @property
    def is_non_punct(self):
        return self._RE_NON_PUNCT.search(self.type)


_SHAPE_FIELDS = ("type", "period_final", "first_upper", "first_lower", "first_case", "is_ellipsis", "is_number",
                 "is_initial", "is_alpha", "is_non_punct")


def _read_shape(word: str) -> tuple:
    """What NLTK's Punkt token says of ``word`` from its text alone, as read by NLTK's own
    ``PunktToken`` properties (match objects as booleans)."""
    t = _WordShape(word)
    return (t.type, t.period_final, t.first_upper, t.first_lower, t.first_case, t.is_ellipsis is not None,
            t.is_number, t.is_initial is not None, t.is_alpha is not None, t.is_non_punct is not None)


class _Shapes(dict):
    """word -> ``_read_shape(word)``, read on first use; emptied when it reaches ``LIMIT`` words. A
    plain dict of strings to tuples of strings and booleans: the garbage collector stops looking
    into those tuples after its first pass (an ``lru_cache`` keeps a tracked node per entry that
    every full collection walks)."""

    LIMIT = 1 << 16

    def __missing__(self, word: str) -> tuple:
        if len(self) >= self.LIMIT:
            self.clear()
        shape = self[word] = _read_shape(word)
        return shape


_shape = _Shapes()


class PunktWord(PunktToken):
    """The token class handed to NLTK's Punkt trainer and tokenizer (their ``token_cls``). A word's
    shape -- its type, final period, case, and whether it is an ellipsis, number, initial or
    alphabetic -- depends on its text alone, and Punkt reads it for every occurrence, several times:
    here NLTK's own ``PunktToken`` reads it once per distinct word (``_shape``, a bounded cache of a
    pure function, holding nothing about any article), and each occurrence only carries its
    annotations. Training read each shape afresh, through regular expressions, on every
    occurrence; with this it takes about a fifth less time (tests/test_segment.py compares shapes,
    parameters and sentences with plain NLTK's)."""

    __slots__ = _SHAPE_FIELDS[2:]   # NLTK's properties, as attributes filled from the cache

    def __init__(self, tok, parastart=None, linestart=None, sentbreak=None, abbr=None, ellipsis=None):
        self.tok = tok
        (self.type, self.period_final, self.first_upper, self.first_lower, self.first_case, self.is_ellipsis,
         self.is_number, self.is_initial, self.is_alpha, self.is_non_punct) = _shape[tok]
        self.parastart = parastart
        self.linestart = linestart
        self.sentbreak = sentbreak
        self.abbr = abbr
        self.ellipsis = ellipsis


class _TypeCounts(FreqDist):
    """NLTK's ``FreqDist`` for the trainer's word-type counts, counted by the plain dict store:
    ``FreqDist``'s own store is a Python method that forgets the cached total ``N()`` at every
    count (one call per word of the article, a tenth of training). Here the total is summed when
    first asked and then kept, which holds because the trainer counts every word before it asks
    (``Trainer._train_tokens`` forgets it at the start of each training).

    A type not counted yet counts 0, as in ``Counter``, by a C-level function (its count in an empty
    tuple) instead of ``Counter.__missing__``, a Python call at the first occurrence of every type of
    the article and at most of the trainer's look-ups of types without or with a final period."""

    __setitem__ = dict.__setitem__
    __missing__ = staticmethod(().count)


class Trainer(PunktTrainer):
    """NLTK's Punkt trainer, handing its abbreviation check only the word types that check can
    change: those ending in a period, and known abbreviations. NLTK passes every distinct type and
    skips the others after a regular-expression search each (about a fifth of its time). Word
    types are counted in a ``_TypeCounts``.

    Within one training, each distinct word -- with its paragraph-start and line-start flags -- is
    one token object, made on its first occurrence and handed out again for the others (a fresh
    ``lru_cache`` of the token class per training, a C-level look-up). It can be: in training, all a
    token holds is read from those three things, and the one pass that writes to tokens (NLTK's
    first-pass annotation) writes what the word type and the abbreviations of that moment decide,
    the same for every occurrence. An article's words are half repeats: training takes about a
    tenth less time. The parameters stay those of plain NLTK: tests/test_segment.py compares them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._type_fdist = _TypeCounts()
        self._token_cls = self._Token

    def _train_tokens(self, tokens, verbose):
        self._type_fdist._N = None      # the counts are about to change: the total is summed afresh
        # ``train`` and ``train_tokens`` hand over a generator that makes its tokens through
        # ``self._Token`` as it is read, which the call below does first thing
        self._Token = lru_cache(maxsize=None)(self._token_cls)
        try:
            super()._train_tokens(tokens, verbose)
        finally:
            self._Token = self._token_cls

    def _unique_types(self, tokens):
        abbrevs = self._params.abbrev_types
        return {tok.type for tok in tokens if tok.period_final or tok.type in abbrevs}


_LANG = LanguageVars()  # holds nothing but its two compiled patterns, compiled here: shared by every article
_LANG._word_tokenizer_re()
_LANG.period_context_re()


def punkt_parameters(text: str) -> PunktParameters:
    """Punkt's parameters trained on ``text`` (by NLTK's ``PunktTrainer``), with our abbreviations."""
    trainer = Trainer(lang_vars=_LANG, token_cls=PunktWord)
    try:
        trainer.train(punkt_view(text), finalize=True)
        params = trainer.get_params()
    except Exception:  # Punkt can fail on degenerate text; fall back to our list alone
        params = PunktParameters()
    # One article is too little evidence for abbreviations: Punkt would learn "me" from a single
    # "told me." Keep only learned dotted forms ("e.g", "a.m") and add our own list.
    params.abbrev_types = {a for a in params.abbrev_types if "." in a} | lexicon.abbreviations()
    return params


def sentence_tokenizer(text: str) -> PunktSentenceTokenizer:
    """NLTK's Punkt sentence tokenizer trained on ``text`` with our abbreviations added."""
    return PunktSentenceTokenizer(punkt_parameters(text), lang_vars=_LANG, token_cls=PunktWord)


_ASCII_OPEN = re.compile(r"(?:''|``)(?=\w)")
_ASCII_CLOSE = re.compile(r"''")


def punkt_view(text: str) -> str:
    """The text as Punkt should see it, same length: ASCII '' and `` quote marks become a straight
    double quote and a space, so "….'' The" splits like "….\" The"."""
    if "''" not in text and "``" not in text:
        return text
    text = _ASCII_OPEN.sub(' "', text)
    return _ASCII_CLOSE.sub('" ', text)


def sentence_spans(tokenizer: PunktSentenceTokenizer, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``, as ``(start, end)`` offsets into ``text``."""
    spans = [[start + s, start + e] for s, e in tokenizer.span_tokenize(punkt_view(text[start:end]))]
    for prev, cur in zip(spans, spans[1:]):
        # give back the first half of an ASCII '' opening mark that Punkt saw as a space
        while cur[0] > prev[0] and text[cur[0] - 1] in "'`":
            cur[0] -= 1
        prev[1] = min(prev[1], cur[0])
    return [(s, e) for s, e in spans]


class Segmentation:
    """One article's segmentation, computed on first use and kept only as long as this object:
    the Punkt tokenizer trained on the article, and each paragraph's tokens (extraction asks for
    a paragraph's tokens twice, in attribution and in name collection). Make one per article and
    pass it to the steps that need it; it holds nothing about any other article."""

    def __init__(self, text: str):
        self.text = text
        self._tokens: dict[tuple[int, int], TokenColumns] = {}
        self._sentence_tokenizer: PunktSentenceTokenizer | None = None

    def columns(self, start: int = 0, end: int | None = None) -> TokenColumns:
        """``token_columns(text, start, end)``, computed once (the same lists on every call: read them,
        never change them)."""
        key = (start, len(self.text) if end is None else end)
        found = self._tokens.get(key)
        if found is None:
            found = self._tokens[key] = token_columns(self.text, *key)
        return found

    def tokens(self, start: int = 0, end: int | None = None) -> list[Token]:
        """``tokenize(text, start, end)``, computed once; a new list on every call."""
        return list(self.columns(start, end).tokens)

    def sentences(self, start: int, end: int) -> list[tuple[int, int]]:
        """Sentence spans inside ``text[start:end]`` (see ``sentence_spans``)."""
        if self._sentence_tokenizer is None:
            self._sentence_tokenizer = sentence_tokenizer(self.text)
        return sentence_spans(self._sentence_tokenizer, self.text, start, end)
