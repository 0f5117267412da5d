"""From mentions to speakers: name chains ("George Barros" <- "Barros" <- "he"),
speaker types, roles carried across statements, organizations and acronyms."""
from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import compress
from operator import attrgetter

from . import lexicon
from .paragraph import Attribution
from .mentions import (WordFlags, appositive_after, before_apostrophe, capitalized as _cap, is_title, split_name,
                       text_of)
from ..models import Article, Statement
from .document import Document
from .segment import Token
from ..identity.speakers import speaker_key

# An acronym's definition, "Institute for the Study of War (ISW)", is found in two linear steps: a run of
# capitalized words (``_NAME_RUN``, tried only where a word starts, from its first capital), then the
# bracketed acronym right after it (``_ACRONYM``). One pattern doing both retried the run from each of its
# words, quadratic in a long run of capitalized words ("John Smith. John Smith. …").
_NAME_RUN = re.compile(
    r"(?<![\w’'\-])(?:(?![A-Z])[\w’'\-])*"
    r"((?:[A-Z][\w’'\-]*\.?\s+(?:(?:of|for|the|and|on|&)\s+)*)+[A-Z][\w’'\-]*)")
_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z&.\-]{1,11})\)")
_ANY_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&.\-]{1,11})\)")   # found somewhere iff _ACRONYM is; opens with "("
# A character that neither a run of names nor a bracketed acronym can hold (a comma, a quote mark, a colon …):
# reading runs from the start of the text or from just after one of these finds the same runs after it.
_RUN_BREAK = re.compile(r"[^\w’'\-.&()\s]")
_LOWER = attrgetter("lower")
_TEXT = attrgetter("text")
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "i"})
_MAX_SKIPPED = 8        # people of the other gender a pronoun looks past before giving up
_PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}


_POSSESSIVE = re.compile(r"[’']s?$")
_POSSESSIVE_WORD = re.compile(r"\w[’']s$")     # "Khan’s Pakistan Tehreek-e-Insaaf": two names
_POSSESSIVE_WORDS = WordFlags(_POSSESSIVE_WORD.search)   # by token text, for runs of capitalized words


def _strip_possessive(s: str) -> str:
    if s[-1:] not in "’'s\n":
        return s        # no possessive can end here (most names): no pattern to run
    return _POSSESSIVE.sub("", s)


def _key(s: str) -> str:
    """``_strip_possessive(s).lower()`` (without a call of its own: asked for most words of a name)."""
    return (s if s[-1:] not in "’'s\n" else _POSSESSIVE.sub("", s)).lower()


@dataclass
class ArticleNames:
    """What the article tells about names: full person names by surname, organizations by acronym."""

    acronyms: dict[str, str] = field(default_factory=dict)      # ISW -> Institute for the Study of War
    persons_at: list[tuple[int, str]] = field(default_factory=list)  # (offset, full name) in order
    roles: dict[str, str] = field(default_factory=dict)         # full name -> title seen before it
    gender: dict[str, str] = field(default_factory=dict)        # full name -> "m"/"f" from "Mr", "Mrs" …
    by_first: dict[str, str] = field(default_factory=dict)      # first name -> full name ("Sir Keir")
    all_by_surname: dict[str, list[str]] = field(default_factory=dict)   # surname key -> full names in order
    others_at: list[tuple[int, str]] = field(default_factory=list)  # names outside subject position
    learned: dict[str, str] = field(default_factory=dict)       # full name -> gender told by a resolved pronoun
    orgs: set = field(default_factory=set)                      # names written before a role: organisations
    orgs_at: list[tuple[int, str]] = field(default_factory=list)   # (offset, name) of named organisations
    sole_at: list[tuple[int, str]] = field(default_factory=list)   # "Queen Ingrid" named as a subject
    works_for: dict[str, str] = field(default_factory=dict)    # person -> "ORG" of "who works with ORG as ROLE"
    # look-up tables built once from the fields above, so that resolving stays linear in the article
    _seen: set = field(default_factory=set, repr=False, compare=False)
    _latest: dict = field(default_factory=dict, repr=False, compare=False)
    _by_gender: dict = field(default_factory=dict, repr=False, compare=False)

    def full_name(self, surname_key: str) -> str | None:
        """The first full name the article gives for a surname."""
        names = self.all_by_surname.get(surname_key)
        return names[0] if names else None

    def add_full_name(self, surname_key: str, full: str) -> None:
        if (surname_key, full) not in self._seen:
            self._seen.add((surname_key, full))
            self.all_by_surname.setdefault(surname_key, []).append(full)

    def learn_gender(self, name: str, gender: str) -> None:
        """A pronoun resolved to ``name`` tells its gender ("she said" -> "f"), unless known already."""
        if name not in self.gender:
            self.learned.setdefault(name, gender)

    def gender_of(self, name: str) -> str | None:
        return self.gender.get(name) or self.learned.get(name)

    def full_name_of_gender(self, surname_key: str, gender: str | None) -> str | None:
        """The first full name for a surname whose title tells ``gender`` ("Mrs Simons"), else None."""
        if not gender:
            return None
        table = self._by_gender.get("table")
        if table is None:
            table = self._by_gender["table"] = {}
            for key, fulls in self.all_by_surname.items():
                for n in fulls:
                    if self.gender.get(n):
                        table.setdefault((key, self.gender[n]), n)
        found = table.get((surname_key, gender))
        if found is None and any(self.gender.get(n) for n in self.all_by_surname.get(surname_key, ())):
            # "Mr Simons" when only his wife's gender is known: the one whose gender is not known
            found = next((n for n in self.all_by_surname.get(surname_key, ()) if not self.gender.get(n)), None)
        return found

    def latest(self, where: str, before: int, gender: str | None, unknown_ok: bool) -> tuple[int, str] | None:
        """The last (offset, name) of ``persons_at`` or ``others_at`` (``where``) named before offset
        ``before``, of the given gender (or of no known gender, with ``unknown_ok``), in one look-up."""
        key = (where, gender, unknown_ok)
        table = self._latest.get(key)
        if table is None:
            pairs = sorted((off, n) for off, n in getattr(self, where)
                           if gender is None or self.gender.get(n, gender if unknown_ok else None) == gender)
            table = self._latest[key] = ([off for off, _ in pairs], pairs)
        k = bisect_left(table[0], before)
        for _ in range(_MAX_SKIPPED):       # past people whose pronouns told another gender
            if not k:
                return None
            found = table[1][k - 1]
            if gender is None or self.learned.get(found[1], gender) == gender:
                return found
            k -= 1
        return None


def _acronym_definitions(text: str):
    """(full name, acronym) for each "Full Name (FN)" in the text, in order; linear in the text. Runs of
    names are read only in the stretches between two ``_RUN_BREAK`` characters that hold a bracketed
    acronym (no run or acronym crosses such a character, so a stretch reads as it does in the whole
    text): the rest of the text cannot define one."""
    acronyms = [m.start() for m in _ANY_ACRONYM.finditer(text)]
    if not acronyms:
        return          # no bracketed acronym at all (most articles): no run of names needs reading
    # The break before an acronym is the first one after it in the reversed text (a break is one
    # character): found by one search, instead of listing every break of the text (a comma, a quote …).
    n = len(text)
    backwards = text[::-1]
    read_to = 0
    for at in acronyms:
        before, after = _RUN_BREAK.search(backwards, n - at), _RUN_BREAK.search(text, at)
        lo, hi = (n - before.start() if before else 0), (after.start() if after else n)
        if lo < read_to:
            continue    # the stretch of an acronym before, read already
        read_to = hi
        pos = lo
        while (m := _NAME_RUN.search(text, pos, hi)) is not None:
            acr = _ACRONYM.match(text, m.end(), hi)
            pos = acr.end() if acr else m.end()
            if acr:
                yield " ".join(m.group(1).split()), acr.group(1)


class _Spans:
    """Character spans that tell in one look-up whether an offset falls inside one of them."""

    def __init__(self, spans):
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach = []             # the furthest end among the spans starting up to here
        for _, e in spans:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)

    def __contains__(self, offset: int) -> bool:
        k = bisect_right(self.starts, offset)
        return k > 0 and offset < self.reach[k - 1]


def collect_names(doc: Document) -> ArticleNames:
    names = ArticleNames()
    article = doc.article
    text = article.text
    for full, acr in _acronym_definitions(text):
        words = [w for w in full.split() if w[0].isupper() and w.lower() not in lexicon.determiners()]
        while words and words[0].lower() in lexicon.titles():
            words.pop(0)
        if words and acr[0].upper() == words[0][0].upper():
            start = full.find(words[0])
            names.acronyms.setdefault(acr, full[start:])
    subjects: list[tuple[int, list[Token]]] = []
    # the word lists asked about in the loop below, once (it runs for every capitalized word)
    abbreviations, titles, stop_words = lexicon.abbreviations(), lexicon.titles(), lexicon.stop_words()
    clause_links, role_adjectives = lexicon.words("clause_links"), lexicon.words("role_adjectives")
    not_names = _not_names()
    for p, quotes in list(zip(doc.paragraphs, doc.name_quotes))[1:] or zip(doc.paragraphs, doc.name_quotes):
        ps, toks = p.start, p.tokens
        n = len(toks)
        quoted = _Spans((q.open, q.outer_end) for q in quotes) if quotes else ()
        caps = p.caps
        after = 0                           # where the last run of capitalized words ended
        subject_at = -1                     # a run in subject position after "ORG role-words"
        for i in compress(range(len(caps)), caps):
            if i < after:
                continue
            j = i
            while j + 1 < n and (
                    caps[j + 1] or toks[j + 1].text == "." and (
                    toks[j].lower in abbreviations or len(toks[j].text) == 1 and toks[j].text.isupper()
                    and j > i and j + 2 < n and caps[j + 2])) and not _POSSESSIVE_WORDS[toks[j].text]:
                j += 1      # (the possessive asked last: most capitalized words stand alone)
            if i == j and toks[i].lower in not_names:
                continue                    # "The", "He", "President" alone: no name, wherever it stands
            subject = _is_subject_position(text, ps, toks[i].start) or i == subject_at or _introduced(toks, i)
            while i < j and (toks[i].lower in clause_links or toks[i].lower in stop_words):
                i += 1                      # "But Murray struck": the name after a sentence-opening conjunction
            if i == j and not subject:
                continue                    # a lone capitalized word mid-sentence names no one new
            if (all(caps[i:j + 1]) and not_names.isdisjoint(map(_LOWER, toks[i:j + 1]))
                    and _NAME_MARKS.search(text, toks[i].start, toks[j].end) is None):
                role, name = None, (i, j)   # plain capitalized words (most runs): all of them the name
            elif s := _after_title(toks, caps, text, i, j, not_names):
                role, name = (i, s - 1), (s, j)     # "President Joe Biden", "Mr. Barros"
            else:
                role, name = split_name(toks, i, j)
            if name is None:
                after = j + 1               # no name in the run (a title, "The" opening a sentence): nothing to note
                continue
            free = toks[i].start not in quoted      # a name outside quotes: the article's own words
            k = j + 1                       # "Norbridge Analytics chief economist Lotte Brink": an organisation
            while k < n and toks[k].text.islower() and (toks[k].lower in titles or toks[k].lower in role_adjectives):
                k += 1
            if not role and k > j + 1 and k < n and caps[k] and free:
                names.orgs.add(_strip_possessive(text_of(toks, name, text)))
                subject_at = k if subject else -1      # the person after the role is the subject
                after = j + 1
                continue
            if free:
                end = j                     # "Bureau of Fisheries and Aquatic Resources": over connectors
                while end + 2 < n and toks[end + 1].lower in ("of", "for", "and", "&") and caps[end + 2]:
                    end += 2
                    while end + 1 < n and caps[end + 1]:
                        end += 1
                if not lexicon.organization_words().isdisjoint(map(_LOWER, toks[name[0]:end + 1])):
                    names.orgs_at.append((toks[name[0]].start,
                                          _strip_possessive(text[toks[name[0]].start:toks[end].end])))
            if (role and name[0] == name[1] and toks[name[0] - 1].lower.rstrip(".") in
                    lexicon.words("sole_titles") and free):
                full = text[toks[name[0] - 1].start:toks[name[1]].end]     # "Queen Ingrid", "Pope Leo"
                names.add_full_name(_key(toks[name[0]].text), full)
                names.by_first.setdefault(_key(toks[name[0]].text), full)
                names.roles.setdefault(full, toks[name[0] - 1].text)
                g = title_gender(toks[name[0] - 1:name[0]])
                if g:
                    names.gender.setdefault(full, g)
                if subject:
                    names.sole_at.append((toks[name[0]].start, full))
            if free:
                words = [t for t in toks[name[0]:name[1] + 1] if t.is_word]
                if subject:
                    subjects.append((toks[name[0]].start, words))
                elif len(words) >= 2:
                    names.others_at.append((toks[name[0]].start, _strip_possessive(text_of(toks, name, text))))
                the_thing = not role and i >= 1 and toks[i - 1].text == "the"   # "at the Kell Bus Stand"
                # (a role word glued on and a name of two words after it: three words at least to read)
                glued = _glued_role(" ".join(w.text for w in words))[0] if len(words) >= 3 else ""
                if glued:                   # "Frenchman Corentin Moutet": the nationality is no part of the name
                    words = words[len(glued.split()):]
                if len(words) >= 2 and _looks_like_person(words) and not the_thing:
                    full = _strip_possessive(text[words[0].start:words[-1].end])
                    names.by_first.setdefault(_key(words[0].text), full)
                    names.add_full_name(_key(words[-1].text), full)
                    g = title_gender(toks[role[0]:role[1] + 1]) if role else None
                    if not g and i >= 1 and toks[i - 1].text.islower():     # "her husband Paul Simons"
                        g = title_gender(toks[i - 1:i]) or _person_nouns().get(toks[i - 1].lower) or None
                    if g:
                        names.gender.setdefault(full, g)
                    works = _WORKS_AS.match(text, toks[j].end)
                    if works:                   # "NAME, who is working with ORG as ROLE,"
                        names.roles.setdefault(full, sane_role(works.group("role")))
                        names.works_for.setdefault(full, " ".join(works.group("org").split()))
                    if full not in names.roles:     # (a role stated before stands: nothing to read)
                        stated = _stated_role(toks, i, j, role, text) or glued
                        if stated:
                            names.roles[full] = stated
            after = j + 1
    names.persons_at.extend(names.sole_at)
    names.persons_at.sort()
    for offset, words in subjects:
        if len(words) >= 2 and _looks_like_person(words):
            names.persons_at.append((offset, names.full_name(_key(words[-1].text))))
        elif len(words) == 1 and names.full_name(_key(words[0].text)):
            names.persons_at.append((offset, names.full_name(_key(words[0].text))))
    return names


_COPULAS = frozenset({"is", "was"})
_WORKS_AS = re.compile(
    r"[’']?s?,?\s+who\s+(?:is|was|has\s+been|had\s+been)\s+(?:working|employed|serving)\s+(?:with|at|for|in)\s+"
    r"(?:the\s+)?(?P<org>[A-Z][^,.;:]{1,120}?)\s+as\s+(?P<role>(?:(?:an?|the)\s+)?[^,.;:“”\"]{2,80})")
_ROLE_MAX = 8          # words a role written before or after a name may have


def _role_word(tok: Token) -> bool:
    return is_title(tok) or tok.lower in lexicon.titles()


def _stated_role(toks: list[Token], i: int, j: int, role: tuple | None, text: str) -> str:
    """The role the article states for the person named by the capitalized run ``toks[i..j]`` (its
    role words ``role``), wherever it is stated: words before the name ("Hawks head Major-Gen NAME",
    "her advocate NAME", "ousted PM NAME"), "ROLE, NAME", "NAME, ROLE," or "NAME is a ROLE". A leading
    article or possessive is kept: it is part of what the article says the person is ("her advocate")."""
    first = role[0] if role else i
    if role and not any(_ROLE_WORD[t.text] for t in toks[role[0]:role[1] + 1]):
        role, first = None, i               # capitalized words before an untitled name: no role
    k = first - 1                           # lowercase role words (and the organisation) before the run
    while (k >= 0 and first - k <= _ROLE_MAX and toks[k].is_word and toks[k].start != toks[k + 1].start
           and (_ROLE_WORD[toks[k].text] or toks[k].lower in lexicon.words("role_adjectives")
                or toks[k].lower in lexicon.words("speaker_modifiers")
                or _cap(toks[k]) and k + 1 < first and toks[k].lower not in lexicon.stop_words()
                or toks[k].text.islower() and toks[k].lower.endswith("ed") and _ROLE_WORD[toks[k + 1].text]
                or toks[k].lower in ("of", "for") and k >= 1 and _ROLE_WORD[toks[k - 1].text] and _cap(toks[k + 1])
                or _NOUN_MODIFIER[toks[k].text] and toks[k + 1].text.islower() and _ROLE_WORD[toks[k + 1].text])):
        k -= 1
    lead = k + 1
    words_before = toks[lead:first]
    if any(_ROLE_WORD[t.text] and t.text.islower() for t in words_before) or role:
        while lead < first and _cap(toks[lead]) and not _ROLE_WORD[toks[lead].text] and toks[lead].lower in \
                lexicon.stop_words():
            lead += 1
        if lead - 1 >= 0 and toks[lead - 1].lower in lexicon.determiners() and toks[lead - 1].lower not in \
                lexicon.words("numbers"):
            lead -= 1                       # "her advocate", "the Municipal's economist"
        end = role[1] if role else i - 1
        if end >= lead:
            found = sane_role(_clean_role(text[toks[lead].start:toks[end].end]))
            if found:
                return found
    if i >= 2 and toks[i - 1].text == ",":   # "the Lindi Municipal Director, NAME says"
        k = i - 2
        while k >= 0 and toks[k].text not in ",.;:!?“”\"()" and i - k <= _ROLE_MAX + 2:
            k -= 1
        phrase = toks[k + 1:i - 1]
        if phrase and (k < 0 or toks[k].text in ",.;:!?") and _headed_by_role(phrase):
            found = sane_role(_clean_role(text[phrase[0].start:phrase[-1].end]))
            if found:
                return found
    if j + 2 < len(toks) and toks[j + 1].text == ",":          # "NAME, a union steward,"
        app = appositive_after(toks, j + 2, len(toks) - 1)
        if app:
            found = sane_role(text[toks[app[0]].start:toks[app[1]].end])
            if found:
                return found
    if j + 3 < len(toks) and toks[j + 1].lower in _COPULAS and toks[j + 2].lower in ("a", "an"):
        k = j + 3                                               # "NAME is a mother of two."
        while k < len(toks) and toks[k].is_word and k - j <= _ROLE_MAX + 2:
            k += 1
        return sane_role(text[toks[j + 2].start:toks[k - 1].end])
    return ""


def _noun_modifier(tok: Token) -> bool:
    """A lowercase word that may modify a role noun ("state advocate", "union steward"): not a function
    word, a participle or an inflected verb (a speech verb's base form, "state", is also a noun)."""
    low = tok.lower
    if not tok.is_word or not tok.text.islower() or low.endswith(("ed", "ing", "ly")):
        return False
    if low in lexicon.stop_words() or low in lexicon.prepositions() or low in lexicon.determiners() \
            or low in lexicon.auxiliaries() or low in lexicon.pronouns() or low in lexicon.words("clause_links"):
        return False
    verb = lexicon.speech_verbs().get(low)
    return verb is None or verb == low


# by word: ``_stated_role`` asks them of the words around every name
_ROLE_WORD = WordFlags.of_token(_role_word)
_NOUN_MODIFIER = WordFlags.of_token(_noun_modifier)


def _headed_by_role(phrase: list[Token]) -> bool:
    """"the Lindi Municipal Director", "Regional Commissioner of Lindi": a role word heads the phrase
    (last, or before "of"/"for" and a capitalized name)."""
    words = [t for t in phrase if t.is_word]
    if not words or words[0].lower in lexicon.prepositions() or words[0].lower.endswith("ing"):
        return False
    for n, t in enumerate(words):
        if t.lower in ("of", "for"):
            return n > 0 and _role_word(words[n - 1]) and all(_cap(w) or w.lower in ("the", "of", "and")
                                                              for w in words[n + 1:])
    return _role_word(words[-1])


def _role_lead(tok: Token) -> bool:
    """A lowercase word of the role words before a name: a role, a role adjective or a noun modifier."""
    return tok.is_word and tok.text.islower() and (
        _role_word(tok) or tok.lower in lexicon.words("role_adjectives") or _noun_modifier(tok))


_ROLE_LEAD = WordFlags.of_token(_role_lead)     # by word: asked for the words before each capitalized word


@cache
def _not_names() -> frozenset[str]:
    """Words that ``split_name`` never takes for a name: determiners, titles and pronouns.

    A run of capitalized words none of which is one of these, with no hyphen or apostrophe in it, is a
    name, all of it, with no role words: ``split_name`` finds no title to end a role at ("Lt-Col" is one),
    no determiner to skip, no full stop or connector to look across (they are no capitalized words), and
    no pronoun last ("He’s" is one) (tests/extraction/test_name_shortcuts.py). One of these words alone
    is no name."""
    return lexicon.determiners() | lexicon.titles() | frozenset(lexicon.pronouns())


def _after_title(toks: list[Token], caps: list[bool], text: str, i: int, j: int, not_names: frozenset[str]) -> int:
    """Where the name starts in a run ``toks[i..j]`` of one title (with its full stop: "Sen.") and plain
    capitalized words after it ("Sen. Ted Cruz"), as ``split_name`` finds it; 0 for any other run (and
    for a name that would open with "of": "Secretary Of State …" reads on past "of")."""
    s = i + 2 if i + 1 <= j and toks[i + 1].text == "." else i + 1
    if (s <= j and toks[i].lower in lexicon.titles() and "-" not in toks[i].lower and toks[s].lower != "of"
            and all(caps[s:j + 1]) and not_names.isdisjoint(map(_LOWER, toks[s:j + 1]))
            and _NAME_MARKS.search(text, toks[s].start, toks[j].end) is None):
        return s
    return 0


_NAME_MARKS = re.compile(r"[\-’']")      # what split_name reads inside a word: "Lt-Col", "He’s"


def _introduced(toks: list[Token], i: int) -> bool:
    """A name after lowercase role words that open the sentence ("Council engineer Samuel Otieno stood up")
    or after a copula ("The first witness was Hawks head Major-Gen Gopaul Govender"): where an article
    introduces the person a later "he" or "she" stands for."""
    k = i - 1
    while k >= 0 and toks[k].text.islower() and _ROLE_LEAD[toks[k].text]:   # (lowercase asked first: a
        k -= 1                              # role lead is lowercase, and punctuation before names is common)
    if k < i - 1:                           # after role words (most names are not)
        while k >= 0 and toks[k].is_word and _cap(toks[k]):
            k -= 1                          # the organisation before the role words ("Hawks head")
        if k < 0 or toks[k].text in ".!?”\"“":
            return True
    return k >= 0 and toks[k].lower in _COPULAS and k >= 1 and toks[k - 1].is_word


def _is_subject_position(text: str, para_start: int, offset: int) -> bool:
    """A name that opens a sentence, or follows a closing quote ("…,” Barros said): where the
    person a later "he" or "she" stands for is usually named."""
    k = offset - 1
    while k >= para_start and text[k] in " \t":
        k -= 1
    return k < para_start or text[k] in ".!?”\"’'"


def title_gender(tokens) -> str | None:
    """"m" or "f" when a title among the tokens tells ("Mrs", "Sir", "spokeswoman")."""
    return next((lexicon.gendered_titles()[t.lower.rstrip(".")] for t in tokens
                 if t.lower.rstrip(".") in lexicon.gendered_titles()), None)


def _looks_like_person(words: list[Token]) -> bool:
    return _PERSON_LIKE[tuple(map(_TEXT, words))]


def _person_like(texts: tuple[str, ...]) -> bool:
    """Whether words with these texts can be a person's name: no organisation word, place, acronym,
    speech verb, nor a determiner or stop word first."""
    lows = [_key(w) for w in texts]
    if any(w in lexicon.organization_words() or w in lexicon.places() for w in lows):
        return False
    if any(w.isupper() and len(w) > 1 for w in texts):
        return False
    if lows[0] in lexicon.determiners() or lows[0] in lexicon.stop_words():
        return False
    return not any(w in lexicon.speech_verbs() for w in lows)


# by the words' texts: it reads nothing else, and most names come again (in the article and in others)
_PERSON_LIKE = WordFlags(_person_like)


def speaker_type_of_name(name: str, names: ArticleNames, has_honorific: bool,
                         gender: str | None = None) -> tuple[str, str]:
    """(canonical name, type) for a proper-name mention; ``gender`` from its title picks between
    people who share a surname ("Mr Simons" and "Mrs Simons")."""
    name = _without_time(re.sub(r"\s*\([^)]*\)$", "", name))
    words = name.split()
    lows = [_key(w) for w in words]
    if name in names.acronyms:
        return names.acronyms[name], "organization"
    if _strip_possessive(name) in names.orgs:
        return _strip_possessive(name), "organization"
    if len(words) == 1:
        w = lows[0]
        if names.full_name(w):
            return (names.full_name_of_gender(w, gender) or names.full_name(w)), "person"
        if w in names.by_first and w not in lexicon.places() and w not in lexicon.organization_words():
            return names.by_first[w], "person"          # "Sir Keir said" -> "Keir Starmer"
        if not has_honorific and (w in lexicon.group_nouns() or w.endswith("s") and w[:-1] in lexicon.anonymous_heads()
                                  or w.endswith(("ers", "ists", "ians", "ants", "ents", "ors"))):
            return name, "group"                      # "Analysts", "Prosecutors", "Teachers"
        if has_honorific:
            return _strip_possessive(name), "person"
        if w in lexicon.places() or w in lexicon.organization_words() or name.isupper():
            return _strip_possessive(name), "organization"
        return _strip_possessive(name), "person"
    if any(w in lexicon.organization_words() or w in lexicon.places() for w in lows) or \
            any(w in ("of", "for", "&") for w in lows):
        return _strip_possessive(name), "organization"
    full = _strip_possessive(name)
    known = names.full_name(lows[-1])
    if len(words) == 2 and known and known.split()[0] == words[0]:
        return known, "person"
    if known and len(known.split()) > len(words) and known.split()[-len(words):] == [_strip_possessive(w) for w in words]:
        return known, "person"          # "Holm Vik" for "Anders Holm Vik"
    return full, "person"


def _glued_role(name: str) -> tuple[str, str]:
    """("Browns DL", "Sheldon Rich") for "Browns DL Sheldon Rich": an abbreviation (DL, MP) or a place
    inside a run of capitalized words is a role word; the person is the two or more words after it."""
    words = name.split()
    cut = 0
    for k, w in enumerate(words[:-2]):
        bare = _key(w).strip(".")
        if (w.isupper() and 2 <= len(w.strip(".")) <= 4) or bare in lexicon.places() or \
                bare.rstrip(".") in lexicon.titles() or bare in lexicon.words("nationalities"):
            cut = k + 1
    rest = words[cut:]
    if cut and len(rest) >= 2 and all(w[:1].isupper() and not w.isupper() for w in rest):
        return " ".join(words[:cut]), " ".join(rest)
    return "", name


def _without_time(name: str) -> str:
    """A name without a time phrase glued on ("Jane Doe on Monday" -> "Jane Doe")."""
    words = name.split()
    months = lexicon.words("months")
    n = len(words)
    while n > 1 and (words[n - 1].lower().strip(".,") in lexicon.time_words() or
                     words[n - 1].lower().strip(".,") in months or words[n - 1].isdigit()):
        n -= 1
        if n > 1 and words[n - 1].lower() in ("on", "in", "at", "last", "this", "next", "since"):
            n -= 1
    return " ".join(words[:n]) if n < len(words) else name


def _clean_role(words_text: str) -> str:
    """Role words without leading honorifics or conjunctions ("But Mr." -> ""). A leading article or
    possessive stays when role words follow it: it is part of what the article says the person is
    ("her advocate" is not "an advocate"; "the Lindi director" is the only one), and is lowercased."""
    words = words_text.split()
    while words and (words[0].lower().rstrip(".") in lexicon.honorifics()
                     or words[0].lower() in lexicon.stop_words() - _KEPT_DETERMINERS
                     or words[0].lower() in lexicon.determiners() - _KEPT_DETERMINERS):
        words.pop(0)
    if len(words) >= 2 and words[0].lower() in _KEPT_DETERMINERS:
        if words[1].lower().rstrip(".") in lexicon.honorifics() or words[1].lower() in lexicon.stop_words():
            words.pop(0)                    # "the Mr." is no role
            return _clean_role(" ".join(words))
        words[0] = words[0].lower()
    elif words and words[0].lower() in _KEPT_DETERMINERS:
        words.pop(0)
    return " ".join(words)


_KEPT_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our"})


def title_gender_of(words_text: str) -> str | None:
    return next((lexicon.gendered_titles()[w.lower().rstrip(".")] for w in words_text.split()
                 if w.lower().rstrip(".") in lexicon.gendered_titles()), None)


def _role_text(a: Attribution) -> str:
    parts = [_clean_role(a.role_words), a.appositive.strip()]
    return ", ".join(p for p in parts if p)


_COPULA_CLAUSE = re.compile(r"^(?:who|which)\s+(?:is|was|are|were|has\s+been|had\s+been)\s+"
                            r"(?:also\s+|now\s+|still\s+)?((?:a|an|the)\s+.+)$", re.I)
_YEARISH = re.compile(r"^(?:\d+(?:-year-old)?|'\d\d|\d{4}s?)$")


def _is_time_or_number(part: str) -> bool:
    """"34", "in 2017", "on Monday", "last year": an age, a date or a time, never a role."""
    words = [w.strip(".,’'").lower() for w in part.split()]
    months = lexicon.words("months")
    return bool(words) and all(_YEARISH.match(w) or w in lexicon.time_words() or w in months
                               or w in lexicon.prepositions() or w in ("last", "next", "this", "ago", "aged")
                               or w in _KEPT_DETERMINERS
                               for w in words if w)


def _bare(word: str) -> str:
    """"who’s" -> "who": a word without a contracted verb."""
    return before_apostrophe(word.lower())


_AFFILIATION = frozenset({"from", "with", "at"})      # "from Natural Justice in Cape Town" is where one works
_CLAUSE_OBJECT = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "this", "these"})


def _role_shaped(words: list[str]) -> bool:
    """Whether a comma part reads as a role, not a clause or a fragment: it does not open or end with a
    preposition ("on short-term contracts", "even within"), is not a bare possessive ("Ukraine’s") or a lone
    verb ("see"), and has no verb with an object ("the province strengthened its …", "sections
    unjustifiably limit the …")."""
    lows = [w.lower().strip(".,") for w in words]
    if (lows[0] in lexicon.prepositions() and lows[0] not in _AFFILIATION) or lows[-1] in lexicon.prepositions() \
            or lows[0] in ("even", "also", "only"):
        return False
    if len(words) == 1 and (_POSSESSIVE_WORD.search(words[0]) or lows[0] in lexicon.speech_verbs()
                            or lows[0] in lexicon.stop_words()):
        return False
    for k in range(1, len(words) - 1):
        if words[k].islower() and lows[k + 1] in _CLAUSE_OBJECT and (
                lows[k].endswith("ed") or lows[k - 1].endswith("ly")):
            return False
    return True


@lru_cache(maxsize=1 << 14)
def sane_role(role: str) -> str:
    """A role as a user reads it: the role words of each comma part, never a clause ("who joined the
    council in 2019", "noting that …": cut there, but "who is a trader" keeps "a trader"), an age, a year,
    a date or a quote. (Kept by text for the last roles asked: a name's role words come again, and
    half of the roles asked over the PolNeAR texts were asked before.)"""
    if not role or re.search("[“”\"]", role):
        return ""
    kept: list[str] = []
    for part in (p.strip() for p in role.split(",")):
        if not part:
            continue
        m = _COPULA_CLAUSE.match(part)
        last = m is not None            # "who is a trader": the role after the copula, then nothing more
        part = m.group(1) if m else part
        words = part.split()
        first = words[0].lower()
        if _bare(first) in lexicon.words("role_stops") or first == "that" or part[0].islower() and (
                first.endswith("ing") or first.endswith("ed") and len(words) > 1
                and first not in lexicon.words("role_adjectives") and words[1][:1].islower()
                and words[1].lower().rstrip(".") not in lexicon.titles()):
            break               # a clause or a participle ("noting …", "joined by …"): the role has ended
        cut = next((i for i, w in enumerate(words) if i and (_bare(w) in lexicon.words("role_stops")
                                                            or w.lower() in lexicon.auxiliaries())), None)
        if cut is not None:
            if words[cut - 1].lower() in ("and", "but", "or"):
                kept.append(" ".join(words[:cut - 1]))  # "a director at Kell and was CEO …": up to "and"
            elif words[cut].lower() not in lexicon.auxiliaries():
                kept.append(" ".join(words[:cut]))      # "a carpenter who …"
            break                                       # "the plan has been delayed": a clause, no role
        if _is_time_or_number(part) or not _role_shaped(words):
            continue
        while len(words) > 1 and (words[-1].lower() in lexicon.time_words() or words[-1].lower() == "last"):
            words = words[:-1]          # "Israel’s parliament last" (week): the time is no role
        part = " ".join(words)
        kept.append(part)
        if last:
            break
    return ", ".join(kept)


def organization_in(role: str, names: ArticleNames) -> str | None:
    """The organization a role names: an article-defined acronym or full name, else the longest
    organisation the article wrote before a role that the role holds, else a capitalized phrase with
    an organization word."""
    if not role:
        return None
    for acr, full in names.acronyms.items():
        if re.search(rf"\b{re.escape(acr)}\b", role) or full in role:
            return f"{full} ({acr})"
    named = [org for org in names.orgs if org in role]
    if named:           # the longest written ("Acme Bank", not "Acme"), then the first: never the set's order
        return max(named, key=lambda org: (len(org), -role.find(org)))
    best = None
    for m in re.finditer(r"(?:[A-Z][\w’'&\-]*\s+(?:(?:of|for|the|and|on)\s+)*)*[A-Z][\w’'&\-]*", role):
        # the organisation is the part between titles that holds an organisation word:
        # "Pakistan's Chief of Army Staff General" -> "Army Staff", not the whole role
        parts: list[list[str]] = [[]]
        for w in _strip_possessive(m.group()).split():
            if w.lower().rstrip(".") in lexicon.titles() and w.lower() not in lexicon.organization_words():
                parts.append([])
            else:
                parts[-1].append(w)
        for part in parts:
            while part and part[0].lower() in ("of", "for", "the", "and", "on"):
                part.pop(0)
            if any(x.lower() in lexicon.organization_words() for x in part):
                best = _strip_possessive(" ".join(part))
    return best


_AUTHOR = re.compile(r"\b(?:from|by)\s+(?:the\s+)?(.+)$")


def _document_author(a: Attribution) -> str:
    """The author named in a document phrase: "a statement from the city council" -> "city council"."""
    if a.head not in lexicon.document_nouns():
        return ""
    m = _AUTHOR.search(a.mention)
    return _strip_possessive(m.group(1).strip()) if m else ""


def _group_or_anonymous(a: Attribution) -> str:
    first = a.mention.split()[0].lower() if a.mention else ""
    if first in ("a", "an", "one", "another") or (a.head in lexicon.anonymous_heads() and not a.head.endswith("s")):
        return "anonymous"
    if a.head in lexicon.group_nouns() or a.head.endswith("s"):
        return "group"
    if a.head in lexicon.organization_words():
        return "organization"
    return "anonymous"


@dataclass(slots=True)
class _Said:
    """What a statement after this one may borrow: where it was and who said it."""
    paragraph: int
    speaker: str
    speaker_type: str
    mention: str


def resolve(doc: Document, attributions: list[Attribution]) -> list[Statement]:
    """Turn attributions into Statements with canonical speakers, roles and organizations, each
    Statement built once, in order (a speaker resolved here may carry on to the statements after)."""
    article = doc.article
    names = collect_names(doc)
    roles = _Roles(names)
    orgs: dict[str, str] = {}
    last: dict[str, tuple[str, int]] = {}   # speaker type -> (last speaker of that type, where named)
    prev: _Said | None = None
    said: list[tuple] = []
    described: dict[str, str] = {}          # person -> the description standing for them ("mother of four")
    for a in attributions:
        speaker, stype, mention, role = _speaker(a, prev, last, names, roles)
        said_by = _PRONOUN_GENDER.get(_pronoun_key(a.mention.lower())) if not a.inherit else None
        if said_by and stype == "person" and speaker:
            names.learn_gender(speaker, said_by)
        if stype == "person" and speaker and not a.inherit and _is_description(a) and a.head in _person_nouns():
            desc = sane_role(" ".join(a.mention.split()[1:]))
            if len(desc.split()) > 1:       # "the mother of four", not a bare "the woman"
                described.setdefault(speaker, desc)
        if speaker:
            where = a.mention_start if a.mention_start >= 0 else a.spans[0][0]
            last[stype] = (speaker, where)
            if stype == "anonymous" and a.head in lexicon.anonymous_heads() and a.head not in lexicon.document_nouns():
                last["person"] = (speaker, where)   # "a spokesperson … said. … he said"
        prev = _Said(a.paragraph, speaker, stype, mention)
        said.append((a, speaker, stype, mention, role))
    out: list[Statement] = []
    keys: dict[tuple[str, str], str] = {}   # (speaker, type) -> speaker key: most speakers say several things
    named_in: dict[str, str | None] = {}    # role -> the organization it names: a speaker's role comes again
    for a, speaker, stype, mention, role in said:   # a described person's role reaches all their statements
        role = role or (described.get(speaker, "") if stype == "person" else "")
        org = _organization(speaker, stype, role, names, orgs, named_in)
        out.append(_statement(article, a, speaker, stype, mention, role, org, keys))
    return out


def _speaker(a: Attribution, prev: "_Said | None", last: dict[str, tuple[str, int]], names: ArticleNames,
             roles: _Roles) -> tuple[str, str, str, str]:
    """(speaker, type, mention, role) of one attribution: the statement before's speaker for a quote
    that borrows one, else the person a pronoun or a description stands for, a name made canonical,
    or the phrase as written. Records a role given here in ``roles``."""
    speaker, stype, role = "", "unknown", ""
    mention = a.mention
    low = mention.lower()
    if a.inherit:
        if prev is not None and a.paragraph - prev.paragraph <= 2:
            speaker, stype = prev.speaker, prev.speaker_type
            mention = prev.mention
        else:   # a quote-only paragraph after the person was introduced without a cue
            speaker, stype = _resolve_pronoun("he", replace(a, mention_start=a.spans[0][0]), last, names)
            if stype != "person":
                speaker, stype = "", "unknown"
    elif _pronoun_key(low) in lexicon.pronouns():
        speaker, stype = _resolve_pronoun(_pronoun_key(low), a, last, names)
    elif _is_org_description(a):
        speaker, stype = _resolve_org_description(a, last, names)
    elif _is_description(a):
        speaker, stype = _resolve_description(a, last, names, roles)
    elif a.name:
        honor = any(w.lower().rstrip(".") in lexicon.honorifics() or w.lower().rstrip(".") in lexicon.titles()
                    for w in a.role_words.split())
        glued, person = _glued_role(a.name)
        speaker, stype = speaker_type_of_name(person, names, honor, title_gender_of(a.role_words))
        role = _role_text(a)
        if glued and stype == "person":
            role = ", ".join(r for r in (" ".join(filter(None, (_clean_role(a.role_words), glued))),
                                         a.appositive.strip()) if r)
    elif mention:
        speaker, stype = mention, _group_or_anonymous(a)
        author = _document_author(a)
        if author:   # "A statement from the council said": the council speaks
            speaker, stype = speaker_type_of_name(author, names, False) if author[:1].isupper() else (author, "organization")
        if a.appositive:
            role = a.appositive
    raw, role = role, sane_role(role)
    if speaker and stype == "person" and raw != role:   # "of Lakeside University": where one works, no role
        org = organization_in(raw, names)
        if org and org not in role:
            names.works_for.setdefault(speaker, org)
    stated = names.roles.get(speaker) if speaker else None
    if role and stated and len(stated) > len(role) and stated.lower().endswith(" " + role.lower()):
        role = stated           # "advocate" read in the speech sentence, "state advocate" in the article
    if stype in ("person", "organization") and speaker:
        if role:
            roles[speaker] = role
        role = role or roles.get(speaker, "") or names.roles.get(speaker, "")
    return speaker, stype, mention, role


def _organization(speaker: str, stype: str, role: str, names: ArticleNames, orgs: dict[str, str],
                  named_in: dict[str, str | None]) -> str | None:
    """The organization a speaker belongs to: named in the role, the organization itself (with its
    acronym), or the one given for the speaker earlier in the article (``orgs``, updated here).
    ``named_in``: ``organization_in`` of the roles asked before, by role (it reads the names that
    ``collect_names`` found, which no statement changes)."""
    if role not in named_in:
        named_in[role] = organization_in(role, names)
    org = named_in[role] or names.works_for.get(speaker)
    if stype == "organization" and speaker:
        acr = next((k for k, v in names.acronyms.items() if v == speaker), None)
        org = org or (f"{speaker} ({acr})" if acr else speaker)
    if speaker and org:
        orgs[speaker] = org
    return org or orgs.get(speaker)


def _statement(article: Article, a: Attribution, speaker: str, stype: str, mention: str, role: str,
               org: str | None, keys: dict[tuple[str, str], str]) -> Statement:
    """The final record of one attribution, with its resolved speaker (``keys``: the speaker keys of
    the article's statements so far, by speaker and type)."""
    spans = [list(s) for s in a.spans]
    text = article.text
    if not speaker.strip() or _pronoun_key(speaker.lower()) in lexicon.pronouns():
        speaker = ""            # no one the article names: the mention is kept, the speaker is unknown
    if not speaker:
        speaker, stype, role, org = UNKNOWN_SPEAKER, "unknown", "", None
    key = keys.get((speaker, stype))
    if key is None:
        key = keys[speaker, stype] = speaker_key(speaker, stype, article.id)
    return Statement(
        id=Statement.make_id(article.id, spans[0][0]),
        source=article.id,
        text=" … ".join(" ".join(text[s:e].split()) for s, e in spans),
        kind=a.kind,
        speaker=speaker,
        mention=mention,
        speaker_type=stype,
        role=role or None,
        organization=org,
        given_to=a.outlet,
        cue=a.cue,
        paragraph=a.paragraph,
        spans=spans,
        context=_context(article, a, spans),
        title=article.title,
        date=article.date,
        url=article.url,
        outlet=article.outlet,
        speaker_key=key,
    )


_AGE = re.compile(r"\d+-year-old$")
UNKNOWN_SPEAKER = "unknown"     # the speaker of a statement whose mention names no one ("he" with no antecedent)


def _pronoun_key(low: str) -> str:
    """"we'll" -> "we"; other words unchanged."""
    if low in lexicon.possessive_pronouns():
        return lexicon.possessive_pronouns()[low]          # "His remarks that “…”": the possessor
    head = before_apostrophe(low)
    return head if head != low and head in lexicon.pronouns() else low


def _is_description(a: Attribution) -> bool:
    """"the prime minister", "the 56-year-old", "the Conservative MP": a definite description of a person."""
    words = a.mention.lower().split()
    return len(words) >= 2 and words[0] == "the" and (a.head in lexicon.titles() or bool(_AGE.match(a.head))
                                                      or a.head in _person_nouns())


def _person_nouns() -> dict[str, str]:
    """"woman" -> "f", "resident" -> "" (lexicons/person_nouns.txt)."""
    global _PERSON_NOUNS
    if _PERSON_NOUNS is None:
        from ..lexicons import lines
        _PERSON_NOUNS = {ln.split()[0].lower(): (ln.split()[1] if len(ln.split()) > 1 and ln.split()[1] in "mf" else "")
                         for ln in lines("person_nouns.txt")}
    return _PERSON_NOUNS


_PERSON_NOUNS = None


def _is_org_description(a: Attribution) -> bool:
    """"the company", "the utility", "the bureau": an organisation named by its kind."""
    words = a.mention.split()
    return (len(words) == 2 and words[0].lower() == "the" and words[1].islower()
            and a.head in lexicon.organization_words() and not a.name)


def _resolve_org_description(a: Attribution, last: dict, names: ArticleNames) -> tuple[str, str]:
    """The organisation named before whose name holds the head ("the bureau" -> "Bureau of Fisheries"),
    else the last organisation that spoke, else the description as written."""
    before = a.mention_start if a.mention_start >= 0 else a.spans[0][0]
    named = [(off, n) for off, n in names.orgs_at if off < before]
    for off, n in reversed(named):
        if a.head in (w.lower() for w in n.split()):
            return _canonical_org(n, names), "organization"
    if "organization" in last and last["organization"][0][:1].isupper():
        return last["organization"][0], "organization"
    return a.mention, "organization"


def _canonical_org(name: str, names: ArticleNames) -> str:
    for full in names.acronyms.values():
        if name in full or full in name:
            return full
    return re.sub(r"^(?:The|the)\s+", "", name)


class _Roles(dict):
    """Speaker -> role as the statements give it, over the roles seen in the article (``names.roles``),
    able to tell whose role holds a word ("minister") without going through every role each time: for
    each word asked about, a heap of the people whose role held it, the latest named first."""

    def __init__(self, names: ArticleNames):
        super().__init__()
        self.names = names
        self.order = {n: i for i, n in enumerate(names.roles)}    # ties go to the first role known
        self.people = {n for full in names.all_by_surname.values() for n in full}
        self.named = {}                                           # person -> offset where last named
        for off, n in names.persons_at:
            self.named[n] = max(off, self.named.get(n, -1))
        self.heaps: dict[str, list] = {}

    def role_of(self, name: str) -> str | None:
        return self.get(name, self.names.roles.get(name))

    def _holds(self, name: str, word: str) -> bool:
        role = self.role_of(name)
        return role is not None and re.search(rf"\b{re.escape(word)}\b", role.lower()) is not None

    def _push(self, heap: list, name: str) -> None:
        heapq.heappush(heap, (-self.named.get(name, -1), self.order[name], name))

    def __setitem__(self, name: str, role: str) -> None:
        super().__setitem__(name, role)
        self.order.setdefault(name, len(self.order))
        if name in self.people:
            for word, heap in self.heaps.items():
                if self._holds(name, word):
                    self._push(heap, name)

    def holder(self, word: str) -> str | None:
        """The person whose role holds ``word``, the latest named (then the first known) of them."""
        heap = self.heaps.get(word)
        if heap is None:
            heap = self.heaps[word] = []
            for name in {**self.names.roles, **self}:
                if name in self.people and self._holds(name, word):
                    self._push(heap, name)
        while heap and not self._holds(heap[0][2], word):
            heapq.heappop(heap)          # the role changed since; a new role that holds the word pushes again
        return heap[0][2] if heap else None


def _resolve_description(a: Attribution, last: dict, names: ArticleNames, roles: _Roles) -> tuple[str, str]:
    """The person whose role holds the description's head ("the prime minister" -> the person introduced as
    "Prime Minister Shigeru Ishiba"); an age description goes to the latest person, like "he"."""
    head = a.head
    if not _AGE.match(head) and head not in _person_nouns():
        best = roles.holder(head)
        if best is not None:
            return best, "person"
    pronoun = {"f": "she", "m": "he"}.get(_person_nouns().get(head, ""), "he")
    speaker, stype = _resolve_pronoun(pronoun, a, last, names)
    if stype == "person":
        return speaker, stype
    return a.mention, "anonymous"


def _resolve_pronoun(low: str, a: Attribution, last: dict[str, tuple[str, int]],
                     names: ArticleNames) -> tuple[str, str]:
    """He/she: the person named most recently in subject position or as a speaker; it: the last
    organization; they/we: the last organization or group."""
    kind = lexicon.pronouns()[low]
    if low in _PERSON_PRONOUNS:
        want = {"he": "m", "him": "m", "she": "f", "her": "f"}.get(low)   # "she" is not "Mr Simons"
        candidates = [names.latest("persons_at", a.mention_start, want, True)]
        if "person" in last and (not want or (names.gender_of(last["person"][0]) or want) == want):
            candidates.append((last["person"][1], last["person"][0]))
        candidates = [c for c in candidates if c is not None]
        if want and not candidates:   # someone named elsewhere whose title tells the gender
            candidates = [c for c in [names.latest("others_at", a.mention_start, want, False)] if c is not None]
        if not candidates:            # else the last person's full name the article gives, of no other gender
            c = names.latest("others_at", a.mention_start, want, True)
            if c is not None and c[1] in names.all_by_surname.get(_key(c[1].split()[-1]), ()):
                candidates = [c]
        if candidates:
            return max(candidates)[1], "person"
        return a.mention, "unknown"
    if kind == "organization" and "organization" in last:
        return last["organization"][0], "organization"
    if kind == "group":
        for t in ("organization", "group"):
            if t in last:
                return last[t][0], t
    return a.mention, "unknown"


def _context(article: Article, a: Attribution, spans) -> str:
    paras = article.paragraphs
    first = paras[a.paragraph]
    end = first[1]
    for k in range(a.paragraph, len(paras)):     # not a copy of the paragraphs after it, for each statement
        ps, pe = paras[k]
        if ps <= spans[-1][0] < pe + 1:
            end = pe
            break
    return article.text[first[0]:end]
