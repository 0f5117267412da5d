"""What the attribution rules see of one paragraph, and the record they produce."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Callable

from . import lexicon
from .cues import Cue, find_cues
from .mentions import Mention, capital_flags_of, capitalized, text_of
from .quotes import Quote
from .segment import Token, TokenColumns

SENTENCE_END = ".!?"
# "WASHINGTON (Reuters) - ", "PARIS, Aug 31 (AFP) — ", "KYIV, Ukraine – ": not part of the first sentence
_DATELINE = re.compile(r"[A-Z][A-Z.’'/\- ]{2,}(?:,[ A-Za-z0-9.]{1,30})?(?: ?\([^)]{1,40}\))? ?(?:-|–|—|--) ?")
# "LINDI: IT’s around …", "NEW DELHI: Pakistan's …": a place in capitals and a colon opening one of the
# first body paragraphs is a dateline, not a speaker (a transcript's "SMITH: …" comes later)
_COLON_DATELINE = re.compile(r"[A-Z][A-Z.’'/\- ]{2,}(?:, ?[A-Z][A-Za-z. ]{1,30})?(?: ?\([^)]{1,40}\))?: ")
DATELINE_PARAGRAPHS = 3
_LABELLED_LINE = re.compile(r"\n[ \t]*[A-Z][A-Z.’'\- ]{2,}: ")
MIN_CONTENT_WORDS = 3        # a quote or quoted fragment standing on its own
MIN_CLAUSE_WORDS = 2         # a reported clause ("They said she could.")
_IS_WORD = attrgetter("is_word")
_START = attrgetter("start")
_TEXT = attrgetter("text")
_LOWER = attrgetter("lower")


@dataclass(slots=True)
class Attribution:
    """One attributed statement as found: offsets and the speaker mention as written.
    Turning mentions into canonical speakers is ``entities``' job."""

    kind: str                           # direct | indirect | mixed
    spans: list[tuple[int, int]]
    paragraph: int
    cue: str | None = None
    mention: str = ""                   # speaker as written, appositive excluded
    mention_start: int = -1
    name: str = ""                      # proper-name part of the mention
    role_words: str = ""                # role words before the name
    appositive: str = ""                # role phrase after the name
    head: str = ""
    outlet: str | None = None
    inherit: bool = False               # speaker comes from the statement before
    quotes: list[Quote] = field(default_factory=list)
    open_end: bool = False              # an unclosed quote that may continue in the next paragraph


class Sentences:
    """A paragraph's sentences, worked out when a rule first reads them: ``ranges``, each sentence as
    an inclusive token index range, and ``of``, each token's sentence index. The character spans come
    from ``spans`` (a list, or a function returning one: Punkt's for the paragraph, see
    ``segment.Segmentation.sentences``), the first sentence starting after a dateline. A paragraph
    with no tokens has none; one whose spans cover no token is one sentence.

    The rules read sentences only around cues and quote marks: in six paragraphs of ten over the
    PolNeAR texts. The others are never passed to Punkt (its pass over a paragraph was a twelfth of
    extraction time), and an article in which no rule reads a sentence is never trained on."""

    __slots__ = ("ranges", "of", "_spans", "_source", "_paragraph", "_starts")

    def __init__(self, spans, source: str, paragraph: tuple[int, int, int], starts: list[int]):
        self._spans, self._source, self._paragraph, self._starts = spans, source, paragraph, starts

    def __getattr__(self, name: str):
        # called only while ``ranges`` and ``of`` are unset: fill both, once
        if name not in ("ranges", "of"):
            raise AttributeError(name)
        self._read()
        return getattr(self, name)

    def _read(self) -> None:
        spans = self._spans
        if spans is None:                   # another thread filled them in the meantime
            return
        source, (index, start, end), starts = self._source, self._paragraph, self._starts
        if callable(spans):
            spans = spans()
        dateline = _DATELINE.match(source, start, end) or colon_dateline(source, index, start, end)
        if dateline and spans:
            s0, e0 = spans[0]
            spans = [(max(s0, dateline.end()), e0)] + list(spans[1:])
        ranges: list[tuple[int, int]] = []
        for s, e in spans:
            a, b = bisect_left(starts, s), bisect_left(starts, e) - 1
            if b >= a:
                ranges.append((a, b))
        if not ranges and starts:
            ranges = [(0, len(starts) - 1)]
        of = [0] * len(starts)
        for n, (a, b) in enumerate(ranges):
            of[a:b + 1] = [n] * (b + 1 - a)
        self.ranges, self.of = ranges, of
        self._spans = None                  # only now: a reader in another thread may still need it

    def __eq__(self, other) -> bool:
        if not isinstance(other, Sentences):
            return NotImplemented
        return (self.ranges, self.of) == (other.ranges, other.of)

    def __repr__(self) -> str:
        return f"Sentences({self.ranges!r})"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a ``Document``, built once by ``build_paragraph``; the rules only read it."""

    source: str                           # the article text
    index: int
    start: int
    end: int
    tokens: list[Token]
    sentence_index: Sentences             # ``sentences`` and ``sent_of``, read on first use
    quotes: list[Quote]
    quote_of: list[int | None]            # token -> quote index (marks included)
    starts: list[int] = field(default_factory=list)   # token -> its start offset
    cues: list[Cue] = field(default_factory=list)     # speech cues outside quotes, in token order
    cues_at: dict[int, Cue] = field(default_factory=dict)   # first token index -> its cue
    caps: list[bool] = field(default_factory=list)    # token -> ``capitalized(token)``
    quote_spans: list[tuple[int, int]] = field(default_factory=list)   # quote -> ``quote_tokens(quote)``
    is_word: list[bool] = field(default_factory=list)   # token -> its ``is_word``

    def words_between(self, a: int, b: int) -> int:
        """How many of tokens a..b are words (a sum of the flags: no token is read)."""
        return sum(self.is_word[a:b + 1])

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect_left(self.starts, offset)

    @property
    def sentences(self) -> list[tuple[int, int]]:
        """The paragraph's sentences as token index ranges (inclusive), in order."""
        return self.sentence_index.ranges

    @property
    def sent_of(self) -> list[int]:
        """token -> the index of its sentence in ``sentences``."""
        return self.sentence_index.of

    def sentence(self, i: int) -> tuple[int, int]:
        """The token index range (inclusive) of the sentence holding token ``i``."""
        index = self.sentence_index
        return index.ranges[index.of[i]]

    def quote_tokens(self, qi: int) -> tuple[int, int]:
        """First and last token index of quote ``qi``, its marks included (worked out once, in
        ``build_paragraph``: the rules ask 80,000 times over the PolNeAR texts)."""
        return self.quote_spans[qi]


def colon_dateline(source: str, index: int, start: int, end: int) -> re.Match | None:
    """The "CITY:" dateline opening a paragraph near the top of an article, if there is one."""
    if not 1 <= index <= DATELINE_PARAGRAPHS:
        return None
    m = _COLON_DATELINE.match(source, start, end)
    if m is None or _LABELLED_LINE.search(source, end):
        return None      # a transcript's speaker labels open paragraph after paragraph ("JAKE SMITH: …")
    return m


def build_paragraph(source: str, index: int, start: int, end: int, tokens: list[Token],
                    sentence_spans: list[tuple[int, int]] | Callable[[], list[tuple[int, int]]],
                    quotes: list[Quote], columns: TokenColumns | None = None) -> Paragraph:
    """One paragraph as the rules read it: token and sentence indexes, which quote each token is in,
    and the speech cues outside quotes (paragraph 0 is the headline). ``sentence_spans``: the
    paragraph's sentences as character spans, or a function returning them, called only if a rule
    reads the paragraph's sentences (see ``Sentences``). ``columns``: the tokens' columns
    (``Segmentation.columns``), when the caller has them, read instead of the tokens."""
    if columns is None:
        columns = TokenColumns(tokens, list(map(_TEXT, tokens)), list(map(_START, tokens)),
                               list(map(_LOWER, tokens)), list(map(_IS_WORD, tokens)))
    starts = columns.starts
    quote_of: list[int | None] = [None] * len(tokens)
    quote_spans: list[tuple[int, int]] = []
    for qi, q in enumerate(quotes):
        a, b = bisect_left(starts, q.open), bisect_left(starts, q.outer_end)     # token_at of each end
        quote_of[a:b] = [qi] * (b - a)      # a slice of the same length: the list keeps its length
        quote_spans.append((a, b - 1))
    cues = [c for c in find_cues(tokens, index == 0, columns.lowers) if quote_of[c.first] is None]
    sentences = Sentences(sentence_spans, source, (index, start, end), starts)
    return Paragraph(source, index, start, end, tokens, sentences, quotes, quote_of, starts,
                     cues, {c.first: c for c in cues}, capital_flags_of(columns.texts, columns.is_word), quote_spans,
                     columns.is_word)


def trim_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Drop surrounding space and a trailing comma, semicolon or colon (they belong to the frame)."""
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
        e -= 1
    return s, e


def clean_span(p: Paragraph, a: int, b: int) -> tuple[int, int]:
    """Character span of tokens a..b without leading/trailing commas, dashes or a final full stop."""
    toks = p.tokens
    while a <= b and toks[a].text in ",;:—–-":
        a += 1
    while b >= a and toks[b].text in ",;:—–-.":
        b -= 1
    if b < a:
        return (0, 0)
    return toks[a].start, toks[b].end


def tok_range(p: Paragraph, span: tuple[int, int]) -> tuple[int, int]:
    return p.token_at(span[0]), p.token_at(span[1]) - 1


def kind_of(p: Paragraph, spans) -> str:
    for q in p.quotes:
        if any(s <= q.open and q.outer_end <= e + 1 for s, e in spans):
            return "mixed"
    return "indirect"


def _inner_dot(p: Paragraph, k: int) -> bool:
    """A full stop inside a sentence: after an abbreviation before a name ("Gen. Keane"), or before a
    comma ("R-Ky., said")."""
    toks = p.tokens
    if toks[k].text != "." or k == 0 or toks[k - 1].end != toks[k].start or k + 1 >= len(toks):
        return False
    nxt = toks[k + 1]
    if nxt.text in ",)" or nxt.text[:1].islower():
        return True               # "R-Ky., said", "the U.S. attorney": no sentence starts lowercase
    prev = toks[k - 1].text
    return ((prev.lower() in lexicon.abbreviations() or len(prev) == 1 and prev.isupper())
            and capitalized(nxt) and p.quote_of[k + 1] is None)


def frame_end(p: Paragraph, j: int) -> int:
    """Last token index of a frame starting at j: before the next quote or at a sentence-final mark."""
    toks, quote_of, n = p.tokens, p.quote_of, len(p.tokens)
    k = j
    while k < n:
        if quote_of[k] is not None:
            return k - 1
        if toks[k].text in SENTENCE_END and not _inner_dot(p, k):
            return k
        k += 1
    return n - 1


def extend_over_quotes(p: Paragraph, lo: int, hi: int) -> int:
    """A clause holding a quote runs at least to that quote's end, even past a sentence break inside it."""
    if not p.quotes:
        return hi
    inside = set(p.quote_of[lo:hi + 1])     # the quotes of tokens lo..hi, read at C level
    inside.discard(None)
    for qi in inside:
        hi = max(hi, p.quote_spans[qi][1])
    return hi


def make(p: Paragraph, kind: str, spans, cue: Cue | None, m: Mention | None, outlet=None,
         cue_word: str | None = None, **kw) -> Attribution:
    """An attribution of ``spans`` (trimmed, empty ones dropped), its cue as written (``cue`` or else
    ``cue_word``) and its speaker mention ``m`` as written; ``kw`` are further ``Attribution`` fields."""
    if cue is not None:
        cue_word = cue.text(p.tokens, p.source)
    if m is not None:
        t, source = p.tokens, p.source
        kw.update(mention=text_of(t, (m.first, m.last), source), mention_start=t[m.first].start,
                  name=text_of(t, m.name, source), role_words=text_of(t, m.role, source),
                  appositive=text_of(t, m.appositive, source), head=m.head)
    return Attribution(kind=kind, spans=[s for s in (trim_span(p.source, s) for s in spans) if s[1] > s[0]],
                       paragraph=p.index, outlet=outlet, cue=cue_word, **kw)
