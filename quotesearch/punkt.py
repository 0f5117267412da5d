"""Punkt sentence boundaries (Kiss & Strunk 2006), trained on one article at a time.

A lean port of NLTK's ``PunktTrainer`` and ``PunktSentenceTokenizer.span_tokenize`` (nltk 3.10):
the same algorithm, regular expressions and thresholds, so the same parameters and the same
sentence spans (``tests/test_segment.py`` checks this against NLTK). NLTK builds one object per
word and runs every regular expression under a timeout guard, which made training on each
article about half of the extraction time. Here the facts about a word (type, initial, number …)
are computed once per distinct word and the passes run over plain lists.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

# -- NLTK's English language variables (PunktLanguageVars) --------------------------

SENT_END_CHARS = (".", "?", "!")
INTERNAL_PUNCTUATION = ",:;"
PUNCTUATION = tuple(";:,.!?")  # a sentence does not start with these

_NON_WORD = r"(?:[)\";}\]\*:@\'\({\[\u2018\u2019\u201c\u201d\xab\xbb?!])"
_MULTI_CHAR = r"(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)"
_WORD_START = r"[^\(\"\`{\[:;&\#\*@\)}\]\-,]"
WORD_TOKENIZE_FMT = r"""(
        %(MultiChar)s
        |
        (?=%(WordStart)s)\S+?  # Accept word characters until end is found
        (?= # Sequences marking a word's end
            \s|                                 # White-space
            $|                                  # End-of-string
            %(NonWord)s|%(MultiChar)s|          # Punctuation
            ,(?=$|\s|%(NonWord)s|%(MultiChar)s) # Comma if at end of word
        )
        |
        \S
    )"""
PERIOD_CONTEXT_FMT = r"""
        %(SentEndChars)s             # a potential sentence ending
        (?=(?P<after_tok>
            %(NonWord)s              # either other punctuation
            |
            \s+(?P<next_tok>\S+)     # or whitespace and some other token
        ))"""
BOUNDARY_REALIGNMENT = r'["\')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:\s+|(?=--)|$)'

_WORD_RE_NLTK = re.compile(WORD_TOKENIZE_FMT % {"NonWord": _NON_WORD, "MultiChar": _MULTI_CHAR,
                                                "WordStart": _WORD_START}, re.UNICODE | re.VERBOSE)
# The same tokens, a third faster: the word alternative's lazy \S+? tests the end lookahead after
# every character; here only '-', '.' and ',' (which may start an end sequence) are tested.
_NON_WORD_CHARS = _NON_WORD[4:-2]
_WORD_RE = re.compile(
    r"(%(MultiChar)s|(?=%(WordStart)s)\S(?:[^\s%(NonWordChars)s,.\-]+|-(?!-)|\.(?!\.|\s\.\s\.)"
    r"|,(?!$|\s|%(NonWord)s|%(MultiChar)s))*|\S)"
    % {"NonWord": _NON_WORD, "NonWordChars": _NON_WORD_CHARS, "MultiChar": _MULTI_CHAR, "WordStart": _WORD_START},
    re.UNICODE)
_PERIOD_CONTEXT_RE = re.compile(PERIOD_CONTEXT_FMT % {"NonWord": _NON_WORD, "SentEndChars": r"[\.\?!]"},
                                re.UNICODE | re.VERBOSE)
_REALIGN_RE = re.compile(BOUNDARY_REALIGNMENT, re.MULTILINE)
_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
_ELLIPSIS = re.compile(r"\.\.+$")
_INITIAL = re.compile(r"[^\W\d]\.$", re.UNICODE)
_ALPHA = re.compile(r"[^\W\d]+$", re.UNICODE)
_NON_PUNCT = re.compile(r"[^\W\d]", re.UNICODE)

# -- orthographic contexts (BEG = sentence-initial, MID = internal, UNK = unknown) ----

BEG_UC, MID_UC, UNK_UC, BEG_LC, MID_LC, UNK_LC = 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6
ORTHO_UC = BEG_UC + MID_UC + UNK_UC
ORTHO_LC = BEG_LC + MID_LC + UNK_LC
INITIAL, INTERNAL, UNKNOWN = 0, 1, 2
UPPER, LOWER, NOCASE = 0, 1, 2
_ORTHO_FLAG = {(INITIAL, UPPER): BEG_UC, (INTERNAL, UPPER): MID_UC, (UNKNOWN, UPPER): UNK_UC,
               (INITIAL, LOWER): BEG_LC, (INTERNAL, LOWER): MID_LC, (UNKNOWN, LOWER): UNK_LC}

# first-pass annotation of a word
PLAIN, SENTBREAK, ABBR, ELLIPSIS = 0, 1, 2, 3

# PunktTrainer's settings (INCLUDE_ALL_COLLOCS and INCLUDE_ABBREV_COLLOCS off)
ABBREV = 0.3
ABBREV_BACKOFF = 5
COLLOCATION = 7.88
SENT_STARTER = 30
MIN_COLLOC_FREQ = 1


@dataclass
class Params:
    """What Punkt learned: the fields of NLTK's PunktParameters."""

    abbrev_types: set = field(default_factory=set)
    collocations: set = field(default_factory=set)
    sent_starters: set = field(default_factory=set)
    ortho_context: dict = field(default_factory=dict)


class Word:
    """The facts Punkt uses about one distinct word string (NLTK's PunktToken, minus annotation)."""

    __slots__ = ("tok", "type", "type_no_period", "period_final", "case", "is_number", "is_initial",
                 "is_alpha", "is_non_punct", "is_ellipsis", "note", "after_break")

    def __init__(self, tok: str):
        self.tok = tok
        low = tok.lower()
        typ = self.type = "##number##" if _NUMERIC.match(low) else low
        self.type_no_period = typ[:-1] if len(typ) > 1 and typ[-1] == "." else typ
        self.period_final = tok.endswith(".")
        first = tok[0]
        self.case = LOWER if first.islower() else UPPER if first.isupper() else NOCASE
        self.is_number = typ.startswith("##number##")
        self.is_initial = _INITIAL.match(tok) is not None
        self.is_alpha = _ALPHA.match(tok) is not None
        self.is_non_punct = _NON_PUNCT.search(typ) is not None
        self.is_ellipsis = _ELLIPSIS.match(tok) is not None
        # the first-pass annotation when it does not depend on the abbreviations (None when it does)
        depends = self.period_final and tok not in SENT_END_CHARS and not self.is_ellipsis and not tok.endswith("..")
        self.note = None if depends else first_pass(self, ())
        # the context of the next word when this one ends a sentence
        self.after_break = UNKNOWN if self.is_number or self.is_initial else INITIAL


_WORDS: dict[str, Word] = {}
MAX_WORDS = 50_000  # distinct words remembered across articles (about 10 MB)


def word(tok: str) -> Word:
    w = _WORDS.get(tok)
    if w is None:
        if len(_WORDS) > MAX_WORDS:  # bounded: a long run over many articles
            _WORDS.clear()
        w = _WORDS[tok] = Word(tok)
    return w


def first_pass(w: Word, abbrev_types) -> int:
    """PunktBaseClass._first_pass_annotation: the annotation a word gets from its type alone."""
    tok = w.tok
    if tok in SENT_END_CHARS:
        return SENTBREAK
    if w.is_ellipsis:
        return ELLIPSIS
    if w.period_final and not tok.endswith(".."):
        low = tok[:-1].lower()
        if low in abbrev_types or low.split("-")[-1] in abbrev_types:
            return ABBR
        return SENTBREAK
    return PLAIN


def words_of(text: str) -> tuple[list[str], dict[int, int]]:
    """PunktBaseClass._tokenize_words: the word strings, and {index: 1 (starts a line) or
    3 (starts a line after a blank line: a paragraph)} for the words that start a line."""
    toks: list[str] = []
    starts: dict[int, int] = {}
    parastart = False
    for line in text.split("\n"):
        if line.strip():
            found = _WORD_RE.findall(line)
            if not found:
                continue
            starts[len(toks)] = 3 if parastart else 1
            toks += found
            parastart = False
        else:
            parastart = True
    return toks, starts


# -- training -----------------------------------------------------------------------

def _dunning_log_likelihood(count_a, count_b, count_ab, n):
    p1 = count_b / n
    p2 = 0.99
    null_hypo = count_ab * math.log(p1 + 1e-8) + (count_a - count_ab) * math.log(1.0 - p1 + 1e-8)
    alt_hypo = count_ab * math.log(p2) + (count_a - count_ab) * math.log(1.0 - p2)
    return -2.0 * (null_hypo - alt_hypo)


def _col_log_likelihood(count_a, count_b, count_ab, n):
    p = count_b / n
    p1 = count_ab / count_a
    try:
        p2 = (count_b - count_ab) / (n - count_a)
    except ZeroDivisionError:
        p2 = 1
    try:
        summand1 = count_ab * math.log(p) + (count_a - count_ab) * math.log(1.0 - p)
    except ValueError:
        summand1 = 0
    try:
        summand2 = (count_b - count_ab) * math.log(p) + (n - count_a - count_b + count_ab) * math.log(1.0 - p)
    except ValueError:
        summand2 = 0
    if count_a == count_ab or p1 <= 0 or p1 >= 1:
        summand3 = 0
    else:
        summand3 = count_ab * math.log(p1) + (count_a - count_ab) * math.log(1.0 - p1)
    if count_b == count_ab or p2 <= 0 or p2 >= 1:
        summand4 = 0
    else:
        summand4 = (count_b - count_ab) * math.log(p2) + (n - count_a - count_b + count_ab) * math.log(1.0 - p2)
    return -2.0 * (summand1 + summand2 - summand3 - summand4)


def _abbreviations(fdist: dict, num_period_toks: int, n: int) -> set:
    """PunktTrainer._reclassify_abbrev_types for a fresh trainer: period-final types that score."""
    found: set = set()
    for typ in fdist:
        if not typ.endswith(".") or typ == "##number##" or not _NON_PUNCT.search(typ) or typ in found:
            continue
        cand = typ[:-1]
        num_periods = cand.count(".") + 1
        num_nonperiods = len(cand) - num_periods + 1
        with_period, without_period = fdist.get(cand + ".", 0), fdist.get(cand, 0)
        log_likelihood = _dunning_log_likelihood(with_period + without_period, num_period_toks, with_period, n)
        score = log_likelihood * math.exp(-num_nonperiods) * num_periods \
            * math.pow(num_nonperiods, -without_period)
        if score >= ABBREV:
            found.add(cand)
    return found


def train(text: str) -> Params:
    """PunktTrainer().train(text, finalize=True).get_params()."""
    toks, starts = words_of(text)
    n = len(toks)
    counts = Counter(toks)
    if len(_WORDS) > MAX_WORDS:
        _WORDS.clear()
    info: dict[str, Word] = {}
    fdist: dict[str, int] = {}
    num_period_toks = 0
    for t, c in counts.items():
        w = info[t] = _WORDS.get(t) or word(t)
        fdist[w.type] = fdist.get(w.type, 0) + c
        if w.period_final:
            num_period_toks += c
    params = Params()
    abbrevs = params.abbrev_types = _abbreviations(fdist, num_period_toks, n)

    # First pass. Only words ending in '.', '?' or '!' can be anything but PLAIN.
    ends = [i for i, t in enumerate(toks) if t[-1] in ".?!"]
    note: dict[str, int] = {}
    for i in ends:
        t = toks[i]
        if t not in note:
            w = info[t]
            note[t] = first_pass(w, abbrevs) if w.note is None else w.note
    sentbreak_count = sum(1 for i in ends if note[toks[i]] == SENTBREAK)

    def row(t: str, w: Word) -> str:  # the type as the orthographic table knows it
        return w.type_no_period if w.period_final and note[t] == SENTBREAK else w.type

    # Orthographic contexts. A word is sentence-internal unless it starts a line or follows a
    # sentence break, abbreviation or ellipsis: look at those few positions one by one, and
    # give every other word its internal flag once.
    special = dict(starts)
    for i in ends:
        if i + 1 < n and note[toks[i]] != PLAIN:
            special.setdefault(i + 1, 0)
    at_special = Counter(toks[i] for i in special)
    ortho = params.ortho_context
    for t, c in counts.items():
        if c > at_special.get(t, 0):
            w = info[t]
            if w.case != NOCASE:
                typ = row(t, w)
                ortho[typ] = ortho.get(typ, 0) | (MID_UC if w.case == UPPER else MID_LC)
    for i, f in special.items():
        t = toks[i]
        w = info[t]
        if w.case == NOCASE:
            continue
        if i == 0:
            context = INTERNAL
        else:
            prev = toks[i - 1]
            a = note.get(prev, PLAIN)
            if a == SENTBREAK:
                context = info[prev].after_break
            else:
                context = INTERNAL if a == PLAIN else UNKNOWN
        if f:
            if f & 2 and context != UNKNOWN:
                context = INITIAL
            if context == INTERNAL:
                context = UNKNOWN
        typ = row(t, w)
        ortho[typ] = ortho.get(typ, 0) | _ORTHO_FLAG[context, w.case]

    # pairs whose first word ends in a period: rare abbreviations, sentence starters, collocations
    starters: Counter = Counter()
    collocs: Counter = Counter()
    for i in ends:
        t1 = toks[i]
        if i + 1 >= n or note[t1] != SENTBREAK or t1[-1] != ".":
            continue  # rare abbreviations, sentence starters and collocations all follow a sentence break
        t2 = toks[i + 1]
        w1, w2 = info[t1], info[t2]
        typ = w1.type_no_period
        if typ not in abbrevs and fdist.get(typ, 0) + fdist.get(typ[:-1], 0) < ABBREV_BACKOFF:
            if t2[:1] in INTERNAL_PUNCTUATION:
                abbrevs.add(typ)
            elif w2.case == LOWER:
                ctx = ortho.get(row(t2, w2), 0)
                if ctx & BEG_UC and not ctx & MID_UC:
                    abbrevs.add(typ)
        if not (w1.is_number or w1.is_initial):
            if w2.is_alpha:
                starters[w2.type] += 1
        elif w1.is_non_punct and w2.is_non_punct:
            collocs[w1.type_no_period, row(t2, w2)] += 1

    # finalize: frequent sentence starters, then collocations
    for typ, at_break in starters.items():
        if not typ:
            continue
        typ_count = fdist.get(typ, 0) + fdist.get(typ + ".", 0)
        if typ_count < at_break:
            continue
        ll = _col_log_likelihood(sentbreak_count, typ_count, at_break, n)
        if ll >= SENT_STARTER and n / sentbreak_count > typ_count / at_break:
            params.sent_starters.add(typ)
    for (typ1, typ2), col_count in collocs.items():
        if typ2 in params.sent_starters:
            continue
        count1 = fdist.get(typ1, 0) + fdist.get(typ1 + ".", 0)
        count2 = fdist.get(typ2, 0) + fdist.get(typ2 + ".", 0)
        if count1 > 1 and count2 > 1 and MIN_COLLOC_FREQ < col_count <= min(count1, count2):
            ll = _col_log_likelihood(count1, count2, col_count, n)
            if ll >= COLLOCATION and n / count1 > count2 / col_count:
                params.collocations.add((typ1, typ2))
    return params


# -- sentence boundaries ------------------------------------------------------------

class SentenceTokenizer:
    """PunktSentenceTokenizer's ``span_tokenize`` (with boundary realignment) for ``params``."""

    def __init__(self, params: Params):
        self.params = params

    def span_tokenize(self, text: str):
        starts = self._slices(text)
        return self._realign(text, starts)

    def _ortho_heuristic(self, w: Word, note: int):
        """True: w starts a sentence; False: it does not; 'unknown'."""
        if w.tok in PUNCTUATION:
            return False
        ctx = self.params.ortho_context.get(w.type_no_period if note == SENTBREAK else w.type, 0)
        if w.case == UPPER and ctx & ORTHO_LC and not ctx & MID_UC:
            return True
        if w.case == LOWER and (ctx & ORTHO_UC or not ctx & BEG_LC):
            return False
        return "unknown"

    def _second_pass(self, w1: Word, note1: int, w2: Word, note2: int) -> int:
        """The annotation of w1 given the word after it (PunktSentenceTokenizer._second_pass_annotation)."""
        p = self.params
        typ = w1.type_no_period
        next_typ = w2.type_no_period if note2 == SENTBREAK else w2.type
        if (typ, next_typ) in p.collocations:
            return ABBR
        if note1 in (ABBR, ELLIPSIS) and not w1.is_initial:
            h = self._ortho_heuristic(w2, note2)
            if h is True:
                return SENTBREAK if note1 == ABBR else -1  # -1: an ellipsis that is also a sentence break
            if w2.case == UPPER and next_typ in p.sent_starters:
                return SENTBREAK if note1 == ABBR else -1
        if w1.is_initial or typ == "##number##":
            h = self._ortho_heuristic(w2, note2)
            if h is False:
                return ABBR
            if h == "unknown" and w1.is_initial and w2.case == UPPER \
                    and not p.ortho_context.get(next_typ, 0) & ORTHO_LC:
                return ABBR
        return note1

    def contains_sentbreak(self, text: str) -> bool:
        """A sentence break after some word that is not the last (text_contains_sentbreak)."""
        toks, _ = words_of(text)
        abbrevs = self.params.abbrev_types
        ws = [word(t) for t in toks]
        notes = [first_pass(w, abbrevs) for w in ws]
        for i in range(len(ws) - 1):
            note = notes[i]
            if ws[i].period_final:
                note = self._second_pass(ws[i], note, ws[i + 1], notes[i + 1])
            if note == SENTBREAK or note == -1:
                return True
        return False

    def _contexts(self, text: str):
        """(match, context) for every potential sentence end (_match_potential_end_contexts)."""
        prev_start = prev_stop = 0
        prev_match = None
        for match in _PERIOD_CONTEXT_RE.finditer(text):
            before = text[prev_stop:match.start()]
            last_space = max(before.rfind(c) for c in " \t\n\r\x0b\x0c")
            if last_space > 0:
                word_start = last_space + prev_stop + 1
            else:
                word_start = prev_start
            if prev_match is not None and prev_stop <= word_start:
                yield prev_match, text[prev_start:prev_stop] + prev_match.group() + prev_match.group("after_tok")
            prev_match = match
            prev_start, prev_stop = word_start, match.start()
        if prev_match is not None:
            yield prev_match, text[prev_start:prev_stop] + prev_match.group() + prev_match.group("after_tok")

    def _slices(self, text: str) -> list[tuple[int, int]]:
        out = []
        last_break = 0
        for match, context in self._contexts(text):
            if self.contains_sentbreak(context):
                out.append((last_break, match.end()))
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()
        out.append((last_break, len(text.rstrip())))
        return out

    def _realign(self, text: str, slices: list[tuple[int, int]]) -> list[tuple[int, int]]:
        out = []
        realign = 0
        for k, (start1, stop1) in enumerate(slices):
            start1 += realign
            if k + 1 == len(slices):
                if text[start1:stop1]:
                    out.append((start1, stop1))
                continue
            start2, stop2 = slices[k + 1]
            m = _REALIGN_RE.match(text[start2:stop2])
            if m:
                out.append((start1, start2 + len(m.group(0).rstrip())))
                realign = m.end()
            else:
                realign = 0
                if text[start1:stop1]:
                    out.append((start1, stop1))
        return out
