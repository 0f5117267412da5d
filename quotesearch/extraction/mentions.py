"""Speaker mentions: the noun phrase around a cue, read backwards ("Ukrainian army spokesman
Dmytro Lykhoviy said") or forwards ("said retired Gen. Jack Keane, a former …").

A ``Mention`` keeps token ranges for the whole phrase, its proper-name part, the role words
before the name and an appositive after it, so later stages never re-find text by searching.
"""
from __future__ import annotations

import re
from itertools import repeat
from operator import and_, attrgetter, itemgetter
from dataclasses import dataclass, replace

from . import lexicon
from .segment import Token

MAX_NP = 16
MAX_APPOSITIVE = 30
_PARTY_STATE = re.compile(r"^[A-Z]-[A-Z][A-Za-z.]*$")
_PP_EXTEND = frozenset({"of", "for", "with", "at", "from", "in", "to", "on"})
MAX_PP = 2


@dataclass(slots=True)
class Mention:
    first: int                          # token range of the phrase (inclusive)
    last: int
    name: tuple[int, int] | None = None  # the proper-name tokens (inclusive)
    role: tuple[int, int] | None = None  # role words before the name
    appositive: tuple[int, int] | None = None
    head: str = ""                       # lowercased head word

    def span(self, tokens: list[Token]) -> tuple[int, int]:
        return tokens[self.first].start, tokens[self.last].end


def text_of(tokens: list[Token], rng: tuple[int, int] | None, source: str) -> str:
    if rng is None:
        return ""
    return source[tokens[rng[0]].start:tokens[rng[1]].end]


class WordFlags(dict):
    """token text -> ``test(text)``, for a test of a token that reads nothing but its text (its
    ``lower`` and ``is_word`` come from the text too), worked out the first time a word is seen: most
    tokens are words seen before (``WordFlags.of_token`` for a test written for a ``Token``). A plain bounded dict of strings to booleans (untracked by the garbage
    collector), emptied when it reaches ``LIMIT`` words; it holds nothing about any article."""

    LIMIT = 1 << 16

    def __init__(self, test):
        super().__init__()
        self.test = test

    @classmethod
    def of_token(cls, test) -> "WordFlags":
        return cls(lambda text: test(Token(text, 0, len(text))))

    def __missing__(self, text: str) -> bool:
        if len(self) >= self.LIMIT:
            self.clear()
        flag = self[text] = bool(self.test(text))
        return flag


def capitalized(tok: Token) -> bool:
    """A word whose first letter (after an elision mark: "’Manteboheng") is a capital."""
    c = tok.text[0]
    if c == "’":
        c = tok.text[1:2]
    return c.isupper() and tok.is_word


_TEXT = attrgetter("text")
_IS_WORD = attrgetter("is_word")
_FIRST = itemgetter(slice(0, 1))


def capital_flags(tokens: list[Token]) -> list[bool]:
    """``[capitalized(t) for t in tokens]``, by C-level maps: the first character after one elision
    mark is a capital, and the token is a word. (Looking each word up in a table by its text, as this
    once did, was a third slower inside extraction: a table of 65,000 words is out of the processor's
    cache by the time the next paragraph asks.)"""
    return capital_flags_of(map(_TEXT, tokens), map(_IS_WORD, tokens))


def capital_flags_of(texts, is_word) -> list[bool]:
    """``capital_flags`` of the tokens with these texts and ``is_word`` flags (iterables, one entry a
    token: the columns ``segment.token_columns`` gives with the tokens)."""
    firsts = map(_FIRST, map(str.removeprefix, texts, repeat("’")))
    return list(map(and_, map(str.isupper, firsts), is_word))


def opener(tok: Token) -> bool:
    """A capitalized word that only opens a sentence and is never a name ("Yesterday", "However")."""
    return tok.lower in lexicon.words("sentence_openers") or tok.lower in lexicon.time_words()


def before_apostrophe(word: str) -> str:
    """The part of a word before its first apostrophe, curly or straight ("we'll" -> "we", "who’s" ->
    "who"); a word without one stays whole."""
    return word.partition("’")[0].partition("'")[0]


def _pronoun(low: str) -> bool:
    """"he", "she", and contracted forms such as "we'll", "he’s"."""
    if low in lexicon.pronouns():
        return True
    return ("’" in low or "'" in low) and before_apostrophe(low) in lexicon.pronouns()


def is_title(tok: Token) -> bool:
    low = tok.lower.rstrip(".")
    titles = lexicon.titles()
    if low in titles:
        return True
    # "Major-Gen", "Lt-Col": every part a title (checked only for hyphenated words: 226,000 calls
    # over the PolNeAR texts, few of them hyphenated)
    return "-" in low and all(p.rstrip(".") in titles for p in low.split("-"))


def _noun_like(tok: Token) -> bool:
    """Could this word head a speaker phrase?"""
    low = tok.lower
    if capitalized(tok) or _pronoun(low) or low in lexicon.words("numbers") or \
            tok.text == "%" or tok.text.replace(",", "").isdigit():
        return True                        # "47% say", "One in five say", "43 said"
    return (low in lexicon.group_nouns() or low in lexicon.anonymous_heads()
            or low in lexicon.organization_words() or low in lexicon.titles()
            or low.endswith("s") and low[:-1] in lexicon.titles()  # "rivals", "aides"
            or low in lexicon.document_nouns() or low.endswith(("’s", "'s")))


def _plural_speaker_noun(tok: Token) -> bool:
    """"strategists", "officials", "analysts": a plural noun that heads a group of speakers."""
    low = tok.lower
    return (tok.text.islower() and low.endswith("s") and (low in lexicon.group_nouns() or low[:-1] in lexicon.titles()
                                                          or low in lexicon.anonymous_heads()))


def _partitive_of(tokens: list[Token], i: int) -> bool:
    """"half | of voters", "a slew | of RNC leaders": a word for a part of a group before "of"."""
    return (tokens[i].lower in lexicon.words("partitives") and i + 1 < len(tokens)
            and tokens[i + 1].lower in ("of", "for"))


def _connector_between(tokens: list[Token], j: int, lo: int, hi: int) -> bool:
    """Is tokens[j] a lowercase connector inside a capitalized name?"""
    if tokens[j].lower not in lexicon.name_connectors() or capitalized(tokens[j]) and tokens[j].lower != "&":
        return False
    if tokens[j].lower == "the" and not (j - 1 >= lo and tokens[j - 1].lower in ("of", "for", "on", "and")):
        return False
    right = j + 1
    while right <= hi and tokens[right].lower in lexicon.name_connectors():
        right += 1
    left = j - 1
    while left >= lo and tokens[left].lower in lexicon.name_connectors() and not capitalized(tokens[left]):
        left -= 1
    return right <= hi and left >= lo and capitalized(tokens[right]) and capitalized(tokens[left])


def _abbrev_dot(tokens: list[Token], j: int, lo: int) -> bool:
    """A full stop after an abbreviation or an initial ("Gen.", "Kevin D. Williamson")."""
    if tokens[j].text != "." or j - 1 < lo or tokens[j - 1].end != tokens[j].start:
        return False
    prev = tokens[j - 1].text
    return prev.lower() in lexicon.abbreviations() or (len(prev) == 1 and prev.isupper())


def split_name(tokens: list[Token], first: int, last: int) -> tuple[tuple | None, tuple | None]:
    """Split a phrase into (role words, proper name). The name is the capitalized run at the end,
    after the last title ("Ukrainian President | Volodymyr Zelensky")."""
    name_end = last
    while name_end >= first and tokens[name_end].text in ")":
        name_end = _paren_open(tokens, name_end, first) - 1
    if name_end < first or not capitalized(tokens[name_end]) or _pronoun(tokens[name_end].lower):
        return ((first, last) if last >= first else None), None
    if name_end == first:       # one capitalized word (half the calls): what ``_split_run`` finds for it
        if tokens[first].lower in lexicon.determiners() or is_title(tokens[first]):
            return (first, last), None          # "The", "President": a role, no name
        return None, (first, last)
    return _split_run(tokens, first, last, name_end)


def _split_run(tokens: list[Token], first: int, last: int, name_end: int) -> tuple[tuple | None, tuple | None]:
    """``split_name`` of a phrase whose name part ends at ``name_end``, a capitalized word and no pronoun."""
    if all(is_title(t) for t in tokens[first:name_end + 1] if capitalized(t) and t.lower not in lexicon.determiners()) \
            or (tokens[name_end].text.isupper() and is_title(tokens[name_end])):
        return (first, last), None                   # "the Prime Minister", "the Labour MP": a role, no name
    # title region: scan left to right, remembering where the last title (plus "of [the] X") ends
    after_title = first
    j = first
    while j <= name_end:
        tok = tokens[j]
        if is_title(tok) and j < name_end:
            k = j + 1
            if k <= name_end and tokens[k].text == ".":
                k += 1
            if k + 1 <= name_end and tokens[k].lower == "of":
                m = k + 1
                if tokens[m].lower == "the":
                    m += 1
                if m < name_end and capitalized(tokens[m]):
                    k = m + 1
            after_title = k
            j = k
            continue
        j += 1
    start = max(after_title, first)
    # the name must be a capitalized run (connectors allowed inside)
    n = name_end
    while n - 1 >= start and (capitalized(tokens[n - 1]) or _connector_between(tokens, n - 1, start, name_end)
                              or tokens[n - 1].text in "-&" or _abbrev_dot(tokens, n - 1, start)):
        n -= 1
    if not capitalized(tokens[n]):
        n += 1
    if n > name_end:
        return ((first, last) if last >= first else None), None
    # a leading determiner or lowercase modifiers before an untitled name are role words
    if tokens[n].lower in lexicon.determiners():
        n += 1
    if n > name_end:
        return (first, last), None
    role = (first, n - 1) if n - 1 >= first else None
    return role, (n, last)


def _paren_open(tokens: list[Token], j: int, lo: int) -> int:
    k = j
    while k >= lo and tokens[k].text != "(":
        k -= 1
    return k if k >= lo else j


def np_before(tokens: list[Token], k: int, lo: int) -> Mention | None:
    """The noun phrase ending at token ``k`` (inclusive), not reaching before ``lo``."""
    first = _np_before_first(tokens, k, lo)
    # drop PP words or a dangling preposition at the left edge
    while first <= k and tokens[first].lower in lexicon.stop_words() and not capitalized(tokens[first]):
        first += 1
    if first > k or not tokens[k].is_word and tokens[k].text not in ")%" and not _abbrev_dot(tokens, k, first):
        return None
    h = _head_index(tokens, first, k)       # read once: ``_mention`` is given it
    head_tok = tokens[h]
    has_det = tokens[first].lower in lexicon.determiners()
    if not (_noun_like(head_tok) or has_det or head_tok.lower.endswith("s")):
        return None
    if head_tok.lower in lexicon.words("bare_determiners"):
        return None                       # "An | earlier report said": a determiner alone is no speaker
    return _mention(tokens, first, k, h)


def _np_before_first(tokens: list[Token], k: int, lo: int) -> int:
    """Where the phrase ending at ``k`` begins, reading left: the first token index (``k + 1`` when
    there is no phrase)."""
    j = k
    extended = 0
    while j >= lo and k - j < MAX_NP:
        if tokens[j].is_word:
            j, extended, go_on = _word_before(tokens, j, k, lo, extended)
        else:
            j, go_on = _mark_before(tokens, j, k, lo)
        if not go_on:
            break
    return j + 1


def _extends_left(tokens: list[Token], i: int) -> bool:
    """A word before a preposition that the phrase can reach back to: "a doctor | on the scene",
    "people | briefed on the talks", "half | of voters"."""
    return (_noun_like(tokens[i]) or tokens[i].lower in lexicon.words("speaker_modifiers")
            or _partitive_of(tokens, i))


def _word_before(tokens: list[Token], j: int, k: int, lo: int, extended: int) -> tuple[int, int, bool]:
    """One step left over the word at ``j`` of a phrase ending at ``k``: (next index, prepositional
    phrases crossed, whether to go on)."""
    tok = tokens[j]
    low = tok.lower
    if low in lexicon.determiners() and low != "that":
        if (extended < MAX_PP and j - 2 >= lo and tokens[j - 1].lower in _PP_EXTEND
                and tokens[j - 2].is_word and tokens[j - 2].lower not in lexicon.pronouns()
                and _extends_left(tokens, j - 2)):
            return j - 2, extended + 1, True   # "a doctor on the scene", "people briefed on the talks"
        return j - 1, extended, False          # the determiner opens the phrase
    if low in lexicon.auxiliaries() and j != k:
        return j, extended, False
    if capitalized(tok) and opener(tok) and low not in lexicon.determiners() and (
            low in lexicon.time_words() and j != k or j == 0 or not tokens[j - 1].is_word):
        return j, extended, False              # "Sunday", "Yesterday, …", "However, …": not part of a name
    if low in lexicon.stop_words() and (not capitalized(tok) or j == lo or not capitalized(tokens[j - 1])):
        if _connector_between(tokens, j, lo, k):
            return j - 1, extended, True
        if low in ("and", "or") and j - 1 >= lo and (tokens[j - 1].lower in lexicon.words("role_adjectives")
                                                   or is_title(tokens[j - 1])):
            return j - 1, extended, True       # "current and former officials", "researcher and NASA scientist"
        if (low in _PP_EXTEND and extended < MAX_PP and j - 1 >= lo and tokens[j - 1].is_word
                and _extends_left(tokens, j - 1) and tokens[j - 1].lower not in lexicon.pronouns()):
            return j - 1, extended + 1, True
        return j, extended, False
    if low in lexicon.speech_verbs() and tok.text.islower() and j != k:
        return j, extended, False
    return j - 1, extended, True


def _mark_before(tokens: list[Token], j: int, k: int, lo: int) -> tuple[int, bool]:
    """One step left over the punctuation at ``j`` of a phrase ending at ``k``: over a short bracket,
    a final "%", an abbreviation's full stop, a hyphen or ampersand, a plural possessive mark."""
    tok = tokens[j]
    if tok.text == ")":
        o = _paren_open(tokens, j, lo)
        if o == j or j - o > 6:
            return j, False
        return o - 1, True
    if tok.text == "%" and j == k:
        return j - 1, True
    if _abbrev_dot(tokens, j, lo) or (tok.text in "-&" and j > lo and tokens[j - 1].is_word) or (
            tok.text in "’'" and j > lo and tokens[j - 1].lower.endswith("s") and j < k
            and capitalized(tokens[j - 1])):
        return j - 1, True                     # "Colleges Employers’ Association"
    return j, False


def _head_index(tokens: list[Token], first: int, last: int) -> int:
    """The head word: the last word before a preposition that extends the phrase, else the last word."""
    for j in range(first + 1, last):
        low = tokens[j].lower
        after_title = low != "of" and is_title(tokens[j - 1])      # "the Labour MP | for Newcastle Central"
        if low in _PP_EXTEND and (after_title or not _connector_between(tokens, j, first, last)
                                  or _person_of_organization(tokens, first, j, last)):
            h = j - 1
            if h > first and tokens[h].lower in lexicon.words("speaker_modifiers"):
                h -= 1                          # "people close to the campaign": head "people"
            return h
    j = last
    if tokens[j].text == ")":                   # "the Association (UCEA)": the head is before the bracket
        j = _paren_open(tokens, j, first) - 1
    while j > first and not tokens[j].is_word:
        j -= 1
    return max(j, first)


def _person_of_organization(tokens: list[Token], first: int, of: int, last: int) -> bool:
    """"Paul Ridder | of the Harbour Trust": a name of two or more capitalized words before "of" (none an
    organization word or a title) and an organization word after it: a person and where they work, not
    one name such as "Bank of America" or "Royal Bank of Scotland"."""
    if tokens[of].lower != "of":
        return False
    left = [t for t in tokens[first:of]]
    if len(left) < 2 or not all(capitalized(t) and t.lower not in lexicon.organization_words()
                                and not is_title(t) for t in left):
        return False
    return any(t.lower in lexicon.organization_words() for t in tokens[of + 1:last + 1])


def _mention(tokens: list[Token], first: int, last: int, h: int | None = None) -> Mention:
    """A mention with its name and role words. The name is looked for up to the head: in
    "a spokesman for Mayor Frank Jackson" there is none; in "Lauren Nel from Natural Justice in
    Cape Town" it is "Lauren Nel", and the phrase after the head is kept as an appositive. ``h``:
    ``_head_index(tokens, first, last)``, when the caller has read it already."""
    if h is None:
        h = _head_index(tokens, first, last)
    role, name = split_name(tokens, first, h)
    if h < last and name is not None:
        return Mention(first, last, name=name, role=role, appositive=(h + 1, last), head=tokens[h].lower)
    if h < last:
        role = (first, last)
    return Mention(first, last, name=name, role=role, head=tokens[h].lower)


def _role_then_name(tokens: list[Token], k: int, hi: int) -> bool:
    """Lowercase words from ``k`` that hold a title and lead to a name: "Clinton | campaign manager Robby
    Mook", "Montclair State University | political scientist Brigid Harrison"."""
    titled = False
    m = k
    while m <= hi and m - k < 4 and tokens[m].is_word and not capitalized(tokens[m]):
        titled = titled or tokens[m].lower in lexicon.titles()
        m += 1
    return titled and m <= hi and m > k and tokens[m].is_word and capitalized(tokens[m])


def np_after(tokens: list[Token], j: int, hi: int, appositive: bool = True, any_head: bool = False) -> Mention | None:
    """The noun phrase starting at token ``j``, not reaching past ``hi`` (inclusive). With ``any_head``
    the phrase need not look like a speaker (after "according to" anything can be a source)."""
    if j > hi or not tokens[j].is_word:
        return None
    if tokens[j].lower in lexicon.pronouns():
        return Mention(j, j, head=tokens[j].lower)          # "he defended …": the pronoun is the phrase
    if capitalized(tokens[j]) and opener(tokens[j]) and tokens[j].lower not in lexicon.determiners() and (
            j == 0 or not tokens[j - 1].is_word):
        return None
    last = _np_after_last(tokens, j, hi)
    if last is None:
        return None
    # don't end on a dangling preposition
    while last > j and tokens[last].lower in lexicon.stop_words() and not capitalized(tokens[last]):
        last -= 1
    h = _head_index(tokens, j, last)        # read once: ``_mention`` is given it
    head_tok = tokens[h]
    if not (any_head or _noun_like(head_tok) or tokens[j].lower in lexicon.determiners()):
        return None
    if head_tok.lower in lexicon.words("bare_determiners"):
        return None
    m = _mention(tokens, j, last, h)
    if appositive and last + 2 <= hi and tokens[last + 1].text == ",":
        named = _name_after_role(tokens, m, last + 2, hi)
        if named is not None:
            return named
        return replace(m, appositive=appositive_after(tokens, last + 2, hi))
    return m


def _name_after_role(tokens: list[Token], m: Mention, j: int, hi: int) -> Mention | None:
    """"said a spokesman for the party, Derek Quinlan.": an unnamed role, a comma and a bare name that
    ends the clause; the name is the speaker and the role its appositive."""
    if m.name is not None or not tokens[m.first].text.islower() or not (
            m.head in lexicon.anonymous_heads() or m.head in lexicon.titles()):
        return None
    n = np_after(tokens, j, hi, appositive=False)
    if n is None or n.first != j or n.name != (n.first, n.last) or _pronoun(tokens[j].lower):
        return None
    if n.last < hi and tokens[n.last + 1].text not in ",.;!?":
        return None
    return replace(n, appositive=(m.first, m.last))


# what the word at k does to a phrase read forwards (``_word_after``)
_TAKE, _SKIP, _EXTEND, _STOP = range(4)


def _np_after_last(tokens: list[Token], j: int, hi: int) -> int | None:
    """The last token index of the phrase starting at ``j`` (past a determiner), or None."""
    k = j
    if tokens[k].lower in lexicon.determiners() and tokens[k].lower != "that":
        k += 1
    extended = False
    last = None
    while k <= hi and k - j < MAX_NP:
        if tokens[k].is_word:
            step = _word_after(tokens, j, k, hi, last, extended)
            if step == _STOP:
                break
            if step == _TAKE:
                last = k
            elif step == _EXTEND:
                extended = True
            k += 1
            continue
        if last is None:
            break
        k, last = _mark_after(tokens, j, k, hi, last)
        if k is None:
            break
    return last


def _word_after(tokens: list[Token], j: int, k: int, hi: int, last: int | None, extended: bool) -> int:
    """Whether the word at ``k`` belongs to the phrase that starts at ``j`` and so far ends at ``last``:
    ``_TAKE`` it, ``_SKIP`` it (a connector inside a name), ``_EXTEND`` over a preposition, or ``_STOP``."""
    tok = tokens[k]
    low = tok.lower
    if last is None:
        if low in lexicon.stop_words() and not capitalized(tok):
            return _STOP
        if low in lexicon.speech_verbs() and tok.text.islower() and low not in lexicon.words("noun_forms"):
            return _STOP
        return _TAKE
    cap = capitalized(tok)
    if not cap and _connector_between(tokens, k, j, hi):
        return _SKIP
    if not cap and (low in lexicon.auxiliaries() or low in lexicon.determiners() and not extended):
        return _STOP
    if low in lexicon.stop_words() and not cap:
        prev = tokens[last]
        if (low in _PP_EXTEND and not extended
                and (low != "to" or prev.lower in lexicon.words("speaker_modifiers"))
                and not capitalized(prev)
                and (_noun_like(prev) or tokens[j].lower in lexicon.determiners()
                     or prev.lower in lexicon.words("speaker_modifiers"))):
            return _EXTEND
        return _STOP
    if low in lexicon.speech_verbs() and tok.text.islower() and low not in lexicon.words("noun_forms"):
        return _STOP
    return _STOP if _new_clause_after(tokens, j, k, hi, last, extended) else _TAKE


def _new_clause_after(tokens: list[Token], j: int, k: int, hi: int, last: int, extended: bool) -> bool:
    """Whether the word at ``k``, after a phrase ending at ``last``, begins what follows the phrase."""
    tok = tokens[k]
    low = tok.lower
    prev = tokens[last]
    if _pronoun(low):
        return True                            # "voters he’d force …": a new clause begins
    if (low.endswith("ed") and tok.text.islower() and not capitalized(prev)
            and prev.lower not in lexicon.determiners() and not extended):
        return True                            # "his mother refused …": the verb after the noun
    if tok.text.islower() and _plural_speaker_noun(prev) and not (
            _noun_like(tok) or low in lexicon.words("speaker_modifiers") or low in lexicon.words("role_adjectives")):
        return True                            # "Democratic strategists | fear …": a plural head, then its verb
    return (k > j and (tokens[j].lower not in lexicon.determiners() or low.endswith("ed"))
            and capitalized(prev) and not capitalized(tok) and not is_title(tok)
            and not prev.lower.endswith(("’s", "'s")) and not prev.text.isupper()
            and not _role_then_name(tokens, k, hi))   # a name ends where lowercase words begin: "Reid | caucused"


def _mark_after(tokens: list[Token], j: int, k: int, hi: int, last: int) -> tuple[int | None, int]:
    """Over the punctuation at ``k`` inside a phrase that so far ends at ``last``: an abbreviation's
    full stop before a capital, a short bracket (which the phrase then ends with), a hyphen or
    ampersand before a word. Returns (next index or None to stop, the phrase's last token)."""
    tok = tokens[k]
    if tok.text == "." and _abbrev_dot(tokens, k, j) and k < hi and capitalized(tokens[k + 1]):
        return k + 1, last
    if tok.text == "(":
        close = next((m for m in range(k + 1, min(hi, k + 6) + 1) if tokens[m].text == ")"), None)
        if close is not None:
            return close + 1, close
    if tok.text in "-&" and k < hi and tokens[k + 1].is_word:
        return k + 1, last
    return None, last


def appositive_after(tokens: list[Token], j: int, hi: int) -> tuple[int, int] | None:
    """A role phrase after a name: ", a former US Army vice chief of staff," up to a comma or ``hi``."""
    if j > hi or not tokens[j].is_word:
        return None
    low = tokens[j].lower
    lower_role = tokens[j].text.islower() and (
        low in lexicon.words("role_adjectives") or low in ("who", "which", "whose") or low.endswith(("ing", "ed"))
        or is_title(tokens[j]) or low in lexicon.titles())
    starts_role = (low in lexicon.determiners() or lower_role or is_title(tokens[j])
                   or low.endswith(("’s", "'s")) or (tokens[j].text.isdigit() and j + 1 < len(tokens) and tokens[j + 1].text == ",")  # "Ki Hong, 33,"
                   or _PARTY_STATE.match(tokens[j].text) is not None)                # "Rand Paul, R-Ky.,"
    if not starts_role:
        return None
    k = j
    while k <= hi and k - j < MAX_APPOSITIVE:
        t = tokens[k]
        attached_dot = (t.text == "." and k > j and tokens[k - 1].end == t.start
                        and k + 1 < len(tokens) and tokens[k + 1].text == ",")    # "R-Ky.,"
        if t.text in ",;:”\"“(" or (t.text in ".!?" and not _abbrev_dot(tokens, k, j) and not attached_dot):
            break
        if (t.lower in lexicon.speech_verbs() and t.text.islower() and k > j and not t.lower.endswith("ing")
                and low not in ("who", "which", "whose") and t.lower not in lexicon.words("noun_forms")):
            return None
        k += 1
    end = k - 1
    return (j, end) if end >= j else None


def appositive_before(tokens: list[Token], comma: int, lo: int) -> tuple[int, int, int] | None:
    """For "NAME, APPOSITIVE, said": given the comma before the cue, return
    (appositive first, appositive last, index of the comma before it)."""
    k = comma - 1
    while k >= lo and comma - k <= MAX_APPOSITIVE:
        t = tokens[k]
        if t.text == ",":
            app = appositive_after(tokens, k + 1, comma - 1)
            if app and app[1] == comma - 1:
                return app[0], app[1], k
            return None
        if t.text in ";:”\"“" or (t.text in ".!?" and not _abbrev_dot(tokens, k, lo)
                                    and not (t.text == "." and k + 1 == comma and tokens[k - 1].end == t.start)):
            return None
        k -= 1
    return None
