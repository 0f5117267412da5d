"""Speech cues: speech and writing verbs ("said", "told", "added") and phrases ("according to")."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import compress
from operator import attrgetter

from . import lexicon
from .segment import Token


@dataclass(slots=True)
class Cue:
    first: int      # token index of the cue's first token
    last: int       # token index of its last token (inclusive)
    lemma: str
    phrase: bool    # a multi-word phrase such as "according to"
    report: bool    # may introduce reported speech without quote marks
    mixed_only: bool = False  # "called", "described": only around a quoted fragment

    def text(self, tokens: list[Token], source: str) -> str:
        return source[tokens[self.first].start:tokens[self.last].end]


_ARTICLES = frozenset({"a", "an", "the", "his", "her", "its", "their", "our", "my", "your", "this", "that",
                       "these", "those", "every", "each", "no"})


_PLURAL_VERBS = frozenset({"have", "are", "were"})
_LOWER = attrgetter("lower")
_FIRST = attrgetter("first")


def _is_verb_use(tokens: list[Token], i: int, title_case: bool = False) -> bool:
    """Reject nouns that share a verb's spelling ("the claims", "a report", "United States")."""
    tok = tokens[i]
    if not (tok.text.islower() or title_case and tok.text[:1].isupper() and tok.text[1:].islower()):
        return False
    if i == 0:
        return tok.lower not in lexicon.words("noun_forms")
    prev = tokens[i - 1]
    if prev.lower in _ARTICLES or prev.lower.endswith(("’s", "'s")):
        return False                   # "the claims", "a report", "Trump's remarks" — but "Some said"
    if tok.lower in lexicon.words("noun_forms"):
        # "Capito states", "she reports", "who claims", "will state" — not "a depressed state",
        # "several questions"
        low = prev.lower
        if low in lexicon.determiners():
            return False
        nxt = tokens[i + 1].lower if i + 1 < len(tokens) else ""
        before = tokens[i - 2].lower if i >= 2 else ""
        if nxt == "that" and i + 2 < len(tokens) and tokens[i + 2].lower in _PLURAL_VERBS:
            return False               # "states that have signed": a relative clause on a plural noun
        if tok.lower.endswith("ing") and prev.text[:1].isupper() and before in _ARTICLES and nxt.isalpha() \
                and tokens[i + 1].text.islower() and nxt not in lexicon.prepositions() and nxt != "that":
            return False               # "a Kelso reporting station": a modifier inside a noun phrase
        if nxt == "that" and before in _ARTICLES and not tok.lower.endswith("s") and prev.text.islower() \
                and prev.lower.endswith(("s", "men")):
            return True                # "The fishermen claim that …": a plural subject and its verb
        if nxt in lexicon.titles() or nxt in lexicon.organization_words() or nxt in lexicon.group_nouns():
            return False               # a noun before its head: "Oklahoma state senator", "Pentagon report officials"
        if nxt in lexicon.speech_verbs() and nxt.endswith("s") and nxt not in lexicon.words("noun_forms") \
                and tokens[i + 1].text.islower() and not tok.lower.endswith("s"):
            return False               # a subject before its verb: "the 2019 Harbour report indicates"
        if prev.text == "," and nxt and tokens[i + 1].is_word and nxt not in ("and", "or"):
            return True                # after an appositive: "Yang Shu, a director at the institute, calls …"
        return prev.is_word and (prev.text[0].isupper() or low in lexicon.pronouns() or low in lexicon.auxiliaries()
                                 or low in ("who", "which", "that") or low in lexicon.group_nouns()
                                 or low in lexicon.anonymous_heads() or low in lexicon.organization_words()
                                 or low in lexicon.document_nouns() or low in lexicon.titles()
                                 or low.endswith("ly"))
    return True


@cache
def _by_first_word(kind: str) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """The phrases of one kind ("source" cues such as "according to", or "verb" phrases) by first word."""
    phrases = ({tuple(p.split()): p for p in lexicon.cue_phrases()} if kind == "source"
               else lexicon.speech_phrases())
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, value in phrases.items():
        by_first.setdefault(words[0], []).append((words, value))
    return by_first


@cache
def _opening_words() -> frozenset[str]:
    """Every word a cue can open with: a phrase's first word (either kind) or a speech verb."""
    return frozenset(_by_first_word("source")) | frozenset(_by_first_word("verb")) | frozenset(lexicon.speech_verbs())


def cue_openers(lowers: list[str]) -> list[int]:
    """Indexes of the tokens (by their lowercase forms) that may open a cue of any kind: a C-level
    look-up per token, and few are."""
    return list(compress(range(len(lowers)), map(_opening_words().__contains__, lowers)))


def _phrase_matches(tokens: list[Token], kind: str, lowers: list[str] | None = None, at: list[int] | None = None):
    """(first index, last index, value) for every phrase of that kind in the tokens (``lowers``: the
    tokens' lowercase forms, and ``at``: their ``cue_openers``, when the caller has them)."""
    by_first = _by_first_word(kind)
    if lowers is None:
        lowers = list(map(_LOWER, tokens))
    for i in cue_openers(lowers) if at is None else at:
        for words, value in by_first.get(lowers[i], ()):
            n = len(words)
            if tuple(lowers[i:i + n]) == words:
                yield i, i + n - 1, value


def phrase_cues(tokens: list[Token], lowers: list[str] | None = None, at: list[int] | None = None) -> list[Cue]:
    """Multi-word cues that name the source after them ("according to")."""
    return [Cue(i, j, phrase, True, True) for i, j, phrase in _phrase_matches(tokens, "source", lowers, at)]


def verb_phrase_cues(tokens: list[Token], lowers: list[str] | None = None, at: list[int] | None = None) -> list[Cue]:
    """Speech verbs of several words ("pointed out")."""
    return [Cue(i, j, lemma, False, True) for i, j, lemma in _phrase_matches(tokens, "verb", lowers, at)
            if _is_verb_use(tokens, i)]


def verb_cues(tokens: list[Token], title_case: bool = False, lowers: list[str] | None = None,
              at: list[int] | None = None) -> list[Cue]:
    """Speech verbs used as verbs (capitalized too in a Title Case headline: "Clinton Says …")."""
    verbs = lexicon.speech_verbs()
    reports = lexicon.report_verbs()
    if lowers is None:
        lowers = list(map(_LOWER, tokens))
    out = []
    for i in cue_openers(lowers) if at is None else at:
        lemma = verbs.get(lowers[i])
        if lemma and _is_verb_use(tokens, i, title_case):
            tok = tokens[i]
            out.append(Cue(i, i, lemma, False, tok.lower in reports, tok.lower in lexicon.mixed_verbs()))
    return out


def is_title_case(tokens: list[Token]) -> bool:
    """A Title Case headline: most words of four letters or more are capitalized."""
    long = [t for t in tokens if t.is_word and len(t.text) >= 4]
    return len(long) >= 3 and sum(t.text[0].isupper() for t in long) >= 0.8 * len(long)


def find_cues(tokens: list[Token], headline: bool = False, lowers: list[str] | None = None) -> list[Cue]:
    """All cues in token order; a phrase wins over a verb inside it (``lowers``: the tokens' lowercase
    forms, when the caller has them)."""
    if lowers is None:
        lowers = list(map(_LOWER, tokens))  # read once for the three finders
    at = cue_openers(lowers)                # one pass over the tokens for the three finders
    if not at:
        return []                           # no word any cue opens with
    phrases = phrase_cues(tokens, lowers, at) + verb_phrase_cues(tokens, lowers, at)
    title_case = headline and is_title_case(tokens)
    verbs = verb_cues(tokens, title_case, lowers, at)
    if not phrases:
        return verbs                        # (most paragraphs) in token order already, as ``at`` is
    taken = {i for c in phrases for i in range(c.first, c.last + 1)}
    return sorted(phrases + [c for c in verbs if c.first not in taken], key=_FIRST)
