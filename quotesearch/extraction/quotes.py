"""Pairing quote marks inside a paragraph.

Double quotes (straight or curly) are the main style; British single quotes
(‘…’ or '…') are used in paragraphs without double quotes when the article
quotes that way. An apostrophe inside or at the end of a word (Conservatives’,
’Manteboheng, don't) is never taken as a quote mark.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
DOUBLE_ANY = '"“”„«»'
SINGLE_OPEN = "‘'"
SINGLE_CLOSE = "’'"
_OPEN_CONTEXT = " \t\n\r([{—–-:/…"
_CLOSER_PUNCT = ".,!?;:…—–-"
QUOTE_CHARS = DOUBLE_ANY + "‘’"


@dataclass(slots=True)
class Quote:
    """A quotation inside one paragraph. ``start``/``end`` bound the text inside the marks."""

    open: int               # offset of the opening mark
    close: int | None       # offset of the closing mark, None when unclosed
    start: int
    end: int
    mark: str               # the opening mark
    close_width: int = 1    # 2 for an ASCII '' mark

    @property
    def outer_end(self) -> int:
        return self.close + self.close_width if self.close is not None else self.end

    @property
    def closed(self) -> bool:
        return self.close is not None


def _trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _opens_here(text: str, i: int) -> bool:
    """Is the character before ``i`` one after which a quote may open (space, bracket, format mark)?"""
    prev = text[i - 1]
    return prev in _OPEN_CONTEXT or prev.isspace() or unicodedata.category(prev) == "Cf"


def _make(text: str, open_: int, close: int | None, end: int, mark: str, close_width: int = 1) -> Quote:
    s, e = _trimmed(text, open_ + len(mark), close if close is not None else end)
    return Quote(open_, close, s, e, mark, close_width)


# Double marks, with ASCII typists' two apostrophes '' or two backticks `` (Penn Treebank style);
# three apostrophes are a double and a single mark together (… 'a special case,''' he said).
# Every alternative opens with a literal, so ``re`` skips to the next possible mark instead of trying
# each alternative at every character ([\"“”„«»] as a set cost twice the time over the PolNeAR texts).
_DOUBLE_MARK = re.compile(r"'''|''|``|\"|“|”|„|«|»")


def has_double_marks(text: str, start: int = 0, end: int | None = None) -> bool:
    return _DOUBLE_MARK.search(text, start, len(text) if end is None else end) is not None


def double_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Double-quoted spans in ``text[start:end]``; a quote still open at ``end`` is unclosed."""
    quotes: list[Quote] = []
    open_at: int | None = None
    open_mark = ""
    for m in _DOUBLE_MARK.finditer(text, start, end):
        i, mark = m.start(), m.group()
        if len(mark) == 3:  # the double mark is the outer one: the first two when opening, the last two closing
            i, mark = (i, "''") if open_at is None else (i + 1, "''")
        if open_at is None:
            if mark in DOUBLE_CLOSE and i > start and not _opens_here(text, i):
                continue  # a stray closing mark (e.g. after an unmarked continuation)
            open_at, open_mark = i, mark
        elif mark in DOUBLE_OPEN or mark == "``":
            # a new opening mark while one is open: the first was never closed
            quotes.append(_make(text, open_at, None, i, open_mark))
            open_at, open_mark = i, mark
        else:
            quotes.append(_make(text, open_at, i, i, open_mark, len(mark)))
            open_at = None
    if open_at is not None:
        quotes.append(_make(text, open_at, None, end, open_mark))
    return [q for q in quotes if q.end > q.start]


def _is_single_opener(text: str, i: int, start: int, end: int) -> bool:
    if text[i] not in SINGLE_OPEN or i + 1 >= end:
        return False
    nxt = text[i + 1]
    if nxt.isspace() or (text[i] == "'" and nxt.isdigit()):
        return False
    return i == start or text[i - 1] in _OPEN_CONTEXT or text[i - 1] in DOUBLE_ANY


def _is_single_closer(text: str, j: int, end: int) -> bool:
    if text[j] not in SINGLE_CLOSE or text[j - 1].isspace():
        return False
    return j + 1 >= end or not text[j + 1].isalnum()


def _closer_is_strong(text: str, j: int, end: int) -> bool:
    """A closing mark next to punctuation or at the end is almost surely a quote's end."""
    if text[j - 1] in _CLOSER_PUNCT or j + 1 >= end:
        return True
    return text[j + 1] in _CLOSER_PUNCT + ")"


_SINGLE_MARK = re.compile("[‘’']")     # the characters a single opener or closer can be


def single_quotes(text: str, start: int, end: int) -> list[Quote]:
    """British-style single-quoted spans in ``text[start:end]``."""
    quotes: list[Quote] = []
    marks = [m.start() for m in _SINGLE_MARK.finditer(text, start, end)]    # no other offset opens or closes
    n = 0                                   # marks[n:] are the marks at or after i
    i = start
    while i < end:
        while n < len(marks) and marks[n] < i:
            n += 1
        if n == len(marks):
            break                           # no mark left: nothing more opens
        i = marks[n]
        if not _is_single_opener(text, i, start, end):
            i += 1
            continue
        later = marks[n + 1:]
        nxt_open = next((k for k in later if text[k] == "‘" and _is_single_opener(text, k, start, end)), end)
        closers = [j for j in later if i + 2 <= j < nxt_open and _is_single_closer(text, j, end)]
        strong = [j for j in closers if _closer_is_strong(text, j, end)]
        if strong or closers:
            j = (strong or closers)[0] if strong else closers[-1]
            quotes.append(_make(text, i, j, j, text[i]))
            i = j + 1
        elif i == start or text[i - 1] in ":,":
            quotes.append(_make(text, i, None, nxt_open, text[i]))
            i = nxt_open
        else:
            i += 1
    return [q for q in quotes if q.end - q.start >= 2]


# A single-quoted stretch: an opening ‘ or ' after a space, bracket, dash or colon, a letter next, and a
# closing ’ or ' before a space or punctuation within the same line (possessive "s' " excluded). The
# pattern opens with the mark itself (what comes before it is checked after), so ``re`` skips to the
# next mark instead of trying the context at every character: a sixth of the time on news text.
_SINGLE_PAIR = re.compile(r"[‘'](?<![^\s(“\"—–:][‘'])(?=[^\W\d_])[^\n‘]{1,400}?(?<![\s])(?<!s)[’'](?=[\s.,;:!?)—–]|$)")


def uses_single_quotes(text: str) -> bool:
    """Whether an article quotes with single marks (British style, curly or straight): more
    single-quoted stretches than half its double marks."""
    singles = len(_SINGLE_PAIR.findall(text))
    return singles > 0 and singles * 2 > len(_DOUBLE_MARK.findall(text))    # (no need to count doubles without singles)


def find_quotes(text: str, start: int, end: int, single_style: bool) -> list[Quote]:
    """Quotes in one paragraph: double marks when it has any (unless every double-quoted stretch lies
    inside a single-quoted one: single marks outside, double inside), else single marks if the article
    uses them."""
    if has_double_marks(text, start, end):
        doubles = double_quotes(text, start, end)
        if single_style or "‘" in text[start:end]:
            singles = single_quotes(text, start, end)
            if singles and doubles and all(any(s.start <= d.open and d.outer_end <= s.end for s in singles)
                                           for d in doubles):
                return singles  # ‘He told me “never again”,’ she said: the double marks are the inner ones
        return doubles
    if single_style or "‘" in text[start:end]:
        return single_quotes(text, start, end)
    return []


def starts_with_quote(text: str, start: int, end: int) -> bool:
    """Whether a paragraph opens with a quote mark (a multi-paragraph quote's continuation)."""
    return start < end and (text[start] in DOUBLE_OPEN + '"‘\'' or text.startswith("``", start))
