"""The words around a cue: who speaks (the subject before it, or after it when inverted),
to whom (an outlet after "told"), and where a reported clause begins."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from .. import lexicon
from ...lexicons import lines as lexicon_lines
from ..cues import Cue
from ..mentions import Mention, appositive_before, before_apostrophe, capitalized, is_title, np_after, np_before, text_of
from ..paragraph import Attribution, Paragraph, make
from . import NOTHING, Found, Taken

_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_PREPOSITIONS = frozenset({"in", "on", "at", "during", "via", "through", "over", "after", "before"})
_PLACE_PREPOSITIONS = frozenset({"in", "at", "on", "during", "from", "over", "outside", "inside", "before", "after",
                                 "while", "with", "to", "near", "behind", "across", "through", "into", "of",
                                 "about", "regarding", "when", "as", "for", "since", "by", "amid", "despite",
                                 "under", "throughout"})
_TO_AS_SPAN = 6
_GO_ON = frozenset({"go", "goes", "went", "going", "gone"})
_DASHES = frozenset({"-", "—", "–"})
_CONJUNCTIONS = frozenset({"and", "but", "then", "before", "after", "while"})


def skip_aux_back(p: Paragraph, j: int, lo: int) -> tuple[int, bool]:
    """Step left over auxiliaries and adverbs; report whether a negation was crossed."""
    negated = False
    toks = p.tokens
    while j >= lo:
        tok = toks[j]
        low = tok.lower
        if tok.text == ",":
            # ", for instance," / ", however,": a parenthetical between speaker and cue
            k = next((i for i in range(j - 1, max(lo, j - 5) - 1, -1) if toks[i].text == ","), None)
            if k is not None and tuple(t.lower for t in toks[k + 1:j]) in lexicon.discourse_markers():
                j = k - 1
                continue
            break
        if capitalized(tok) and j > lo and low not in lexicon.time_words():
            break                                  # "Will wrote": a name, not the auxiliary
        if low in lexicon.negations():
            negated = True
        elif low in lexicon.time_words() and low not in _PREPOSITIONS and j > lo:
            pass                                   # "Trump on Sunday said", "Clinton Tuesday said"
        elif low in ("on", "last", "this") and j + 1 < len(p.tokens) and p.tokens[j + 1].lower in lexicon.time_words():
            pass
        elif not (low in lexicon.auxiliaries() or (low.endswith("ly") and len(low) > 4 and tok.text.islower())):
            k = _time_adjunct_start(p, j, lo)
            if k is None:
                break
            j = k                                  # "has over the past few months (repeatedly) warned"
        j -= 1
    return j, negated


def _time_adjunct_start(p: Paragraph, j: int, lo: int) -> int | None:
    """The preposition opening a time phrase that ends at or just after ``j`` and follows an auxiliary or
    adverb ("has | over the past few months | warned", "have in recent weeks said"), else None."""
    toks = p.tokens
    nouns = lexicon.words("time_nouns")
    for k in range(j, max(lo, j - 6) - 1, -1):
        if not (toks[k].is_word and toks[k].text.islower()):
            return None
        if toks[k].lower in _PLACE_PREPOSITIONS:
            words = [t.lower for t in toks[k + 1:j + 2]]
            if k - 1 >= lo and (toks[k - 1].lower in lexicon.auxiliaries() or toks[k - 1].lower.endswith("ly")) \
                    and any(w in nouns or w in lexicon.time_words() for w in words):
                return k
            return None
    return None


_LEADING_CONJUNCTIONS = frozenset({"and", "but", "so", "yet", "or", "then", "still", "now"})


def sentence_start(p: Paragraph, lo: int, hi: int) -> int | None:
    """Where a sentence's subject may begin: past a leading "But"/"And"; None when the sentence opens
    with a preposition or subordinator ("When …", "In …"), whose phrase is not the subject."""
    toks = p.tokens
    if lo > hi:
        return None
    if toks[lo].lower in _LEADING_CONJUNCTIONS:
        lo += 1
    if lo > hi or toks[lo].lower in lexicon.stop_words():
        return None
    return lo


_TIME_AFTER = frozenset({"later", "earlier", "ago"})     # "A few minutes later, Murphy …": no subject


_FRONTED_AUX = frozenset({"having", "being"})


def _finite_after(p: Paragraph, k: int, hi: int) -> bool:
    """A word after ``k`` (past adverbs) that looks like a finite verb: "Beijing considers", "Connolly
    began", "Kelly also said" — so the word at ``k`` is a subject."""
    toks = p.tokens
    i = k + 1
    while i <= hi and toks[i].text.islower() and (toks[i].lower.endswith("ly") or toks[i].lower in _DEGREE
                                                   or toks[i].lower in lexicon.negations()):
        i += 1
    if i > hi or not toks[i].text.islower():
        return False
    low = toks[i].lower
    if low in lexicon.auxiliaries() or low in lexicon.words("irregular_past") or low.endswith("ed"):
        return True
    return (low.endswith("s") and not low.endswith(("ss", "us", "is")) and low not in lexicon.words("numbers")
            and low not in lexicon.stop_words())


def _fronted_opener(p: Paragraph, k: int, hi: int) -> bool:
    """A capitalized first word that opens a fronted adjunct rather than a subject: a participle or an
    adverb before a word that is no finite verb ("Facing mounting criticism, …", "Hastily politicizing …,
    Trump …", "Early in his campaign, …", "Rallying hundreds of …, Hillary Clinton …", "Having announced
    that …, Judge Berman …"); not a name such as "Beijing considers" or "Connolly began"."""
    toks = p.tokens
    tok = toks[k]
    low = tok.lower
    if not capitalized(tok) or k + 1 > hi or not toks[k + 1].is_word or not toks[k + 1].text.islower():
        return False
    if low in _FRONTED_AUX:
        return True
    return len(low) > 4 and low.endswith(("ing", "ly")) and low.isalpha() and not _finite_after(p, k, hi)


def _place_after_comma(p: Paragraph, comma: int, m: Mention, hi: int) -> bool:
    """"in Ames, Iowa, on Sunday": a name between two commas after a capitalized word is the state or
    country of a place, not a subject."""
    toks = p.tokens
    before = toks[comma - 1] if comma - 1 >= 0 else None
    return (m.name is not None and m.first == comma + 1 and m.last + 1 <= hi and toks[m.last + 1].text == ","
            and before is not None and capitalized(before) and before.lower not in lexicon.time_words()
            and before.lower not in lexicon.words("months"))


def main_subject(p: Paragraph, lo: int, hi: int) -> Mention | None:
    """The subject at the start of a sentence ("Trump attacked Clinton, saying …"), skipping leading
    phrases set off by commas ("On Monday, Trump …", "At an event in Ames, Iowa, on Sunday, Mrs. Clinton …",
    "Facing criticism, Trump …")."""
    toks = p.tokens
    start = sentence_start(p, lo, hi)
    if start is not None and start <= hi and not _fronted_opener(p, start, hi):
        m = np_after(toks, start, hi, appositive=False)
        listed = with_list_after(p, m, hi) if m is not None else None
        if listed is not m:
            m = listed                                  # "Countries like A, B and C": a list names speakers
        elif m is not None and not can_speak(p, m):
            m = None
        if m is not None and not (m.last + 2 <= hi and toks[m.last + 1].lower in _TIME_AFTER
                                                     and toks[m.last + 2].text == ",") \
                and not _time_phrase_before_comma(p, m.last + 1, hi):
            return m
    # the fronted phrases: each comma within a few words of the last one
    k = lo
    after_dashes = _after_dash_aside(p, lo, hi)
    if after_dashes is not None:
        # "In May -- just months before the vote -- Munir highlighted …": the subject after the aside
        m = np_after(toks, after_dashes, hi, appositive=False)
        if m is not None and can_speak(p, m):
            return m
    while True:
        comma = next((i for i in range(k, min(hi, k + 12)) if toks[i].text == ","), None)
        if comma is None:
            return None
        if k > lo and any(p.quote_of[i] is not None for i in range(lo, comma + 1)):
            return None                               # commas inside a quote set off no fronted phrase
        m = np_after(toks, comma + 1, hi, appositive=False)
        if m is not None and can_speak(p, m) and not _place_after_comma(p, comma, m, hi):
            return m
        k = comma + 1


_TIME_LINKS = frozenset({"after", "before", "later", "earlier", "ago"})


def _time_phrase_before_comma(p: Paragraph, k: int, hi: int) -> bool:
    """"Minutes after the whistle, …", "Hours before the vote, …": the opening phrase is a time adjunct
    when an "after"/"before" follows it and a comma comes before any verb."""
    toks = p.tokens
    if k > hi or toks[k].lower not in _TIME_LINKS:
        return False
    for i in range(k + 1, min(hi, k + 10) + 1):
        if toks[i].text == ",":
            return True
        if p.quote_of[i] is not None or toks[i].lower in lexicon.auxiliaries() or _verb_like(p, i, k + 1):
            return False
    return False


@cache
def _list_openers() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(line.lower().split()) for line in lexicon_lines("list_openers.txt"))


def _list_item_end(p: Paragraph, k: int, hi: int) -> int | None:
    """The last token of a capitalized name starting at ``k`` (a list item), or None."""
    toks = p.tokens
    if k > hi or not capitalized(toks[k]) or p.quote_of[k] is not None:
        return None
    while k + 1 <= hi and (capitalized(toks[k + 1]) and p.quote_of[k + 1] is None
                           or toks[k + 1].text in "-&" and k + 2 <= hi and capitalized(toks[k + 2])):
        k += 1
    return k


def with_list_after(p: Paragraph, m: Mention, hi: int) -> Mention:
    """"Countries like China, Iran, and Russia": a subject followed by an example list of names runs to
    the list's last name (the head stays "countries")."""
    toks = p.tokens
    k = m.last + 1
    opener = next((o for o in _list_openers() if tuple(t.lower for t in toks[k:k + len(o)]) == o), None)
    if opener is None:
        return m
    end = _list_item_end(p, k + len(opener), hi)
    if end is None:
        return m
    while True:
        i = end + 1
        if i <= hi and toks[i].text == ",":
            i += 1
        if i <= hi and toks[i].lower in ("and", "or"):
            nxt = _list_item_end(p, i + 1, hi)
            if nxt is None:
                return m
            end = nxt
            break
        if i == end + 1:
            break                                       # no comma and no conjunction: the list ends
        nxt = _list_item_end(p, i, hi)
        if nxt is None:
            return m
        end = nxt
    return Mention(m.first, end, head=m.head, role=(m.first, end) if m.name is None else None)


def with_list_before(p: Paragraph, m: Mention, lo: int) -> Mention:
    """"Nations like Norway, Chile, and Peru say": a phrase read left that is the last item of an example
    list is the whole subject."""
    toks = p.tokens
    if m.name is None or m.first != m.name[0]:
        return m
    i = m.first - 1
    seen = False
    while i >= lo:
        if toks[i].text == "," or toks[i].lower in ("and", "or") and not seen:
            seen = seen or toks[i].lower in ("and", "or")
            i -= 1
            continue
        if not capitalized(toks[i]):
            break
        while i - 1 >= lo and capitalized(toks[i - 1]):
            i -= 1
        i -= 1
    for o in _list_openers():
        start = i - len(o) + 1
        if start > lo and tuple(t.lower for t in toks[start:i + 1]) == o:
            head = np_before(toks, start - 1, lo)
            if head is not None and head.name is None or head is not None and head.name == (head.first, head.last) \
                    and toks[head.last].lower.endswith("s"):
                whole = with_list_after(p, head, m.last)
                if whole.last == m.last:
                    return whole
    return m


def with_title_before(p: Paragraph, m: Mention, lo: int) -> Mention:
    """"Energy Access Survey, 2016 Northern Region report indicates": a document phrase after a comma
    and a capitalized title ending in a document noun is one title with a comma inside."""
    toks = p.tokens
    if m.head not in lexicon.document_nouns() or m.first - 2 < lo or toks[m.first - 1].text != ",":
        return m
    prev = np_before(toks, m.first - 2, lo)
    if prev is None or prev.name is None or prev.name[1] != m.first - 2 or not capitalized(toks[m.first - 2]) \
            or toks[m.first - 2].lower not in lexicon.document_nouns():
        return m
    return Mention(prev.first, m.last, head=m.head)


_ASIDE_START = 6
_ASIDE_SPAN = 20


def _after_dash_aside(p: Paragraph, lo: int, hi: int) -> int | None:
    """After a short fronted phrase ("In May", "Later") and a dash-bounded aside: the index after
    the closing dash, else None."""
    toks = p.tokens
    open_ = next((i for i in range(lo + 1, min(hi, lo + _ASIDE_START) + 1) if toks[i].text in _DASHES), None)
    if open_ is None or any(toks[i].text == "," or p.quote_of[i] is not None for i in range(lo, open_)):
        return None
    inner = open_ + 1 if open_ + 1 <= hi and toks[open_ + 1].text in _DASHES else open_
    close = next((i for i in range(inner + 1, min(hi, inner + _ASIDE_SPAN) + 1) if toks[i].text in _DASHES), None)
    if close is None:
        return None
    if close + 1 <= hi and toks[close + 1].text in _DASHES:
        close += 1
    return close + 1 if close + 1 <= hi else None


def with_conjunct_before(p: Paragraph, m: Mention, lo: int) -> Mention:
    """"The mayor and the police chief said": a speaker phrase after "and" whose left conjunct opens
    the sentence and can speak is one coordinated subject, not its last conjunct."""
    toks = p.tokens
    if m.first - 2 < lo or toks[m.first - 1].lower != "and":
        return m
    left = np_before(toks, m.first - 2, lo)
    if left is None or left.first != sentence_start(p, lo, m.first - 2) or not can_speak(p, left) \
            or left.head in lexicon.pronouns() or not can_speak(p, m):
        return m
    first = toks[m.first]
    if m.name is not None and first.text.islower() and first.lower not in lexicon.determiners():
        return m                # "journalist and author Hiro Aida": the "and" joins role words before one name
    return Mention(left.first, m.last, head=m.head)


def can_speak(p: Paragraph, m: Mention) -> bool:
    """A phrase that can be a speaker: a name, a pronoun, or a head such as "officials", "the company",
    "a spokesman", "Trump's representatives"."""
    head = m.head
    if m.name or head in lexicon.pronouns():
        return True
    if head in lexicon.anonymous_heads() or head in lexicon.group_nouns() or head in lexicon.organization_words() \
            or head in lexicon.titles():
        return True
    first = p.tokens[m.first].lower
    return head.endswith("s") and (first in lexicon.determiners() or first.endswith(("’s", "'s")))


def speaker_before(p: Paragraph, cue: Cue, lo: int) -> tuple[Mention | None, bool]:
    """The subject of a cue verb, reading left. Returns (mention, negated)."""
    toks = p.tokens
    j, negated = skip_aux_back(p, cue.first - 1, lo)
    if negated or j < lo:
        return None, negated
    low = toks[j].lower
    ing = toks[cue.first].lower.endswith("ing")
    if low == "to":
        return _speaker_before_to(p, cue, j, lo)
    if ing and _ing_adjunct(p, cue, j, lo):
        return _speaker_of_ing_adjunct(p, cue, j, lo), False
    if low in ("who", "which") and j - 1 >= lo:
        return _speaker_of_relative(p, j, lo), False
    if low in _CONJUNCTIONS or (toks[j].text in ",–—" and ing):
        return _speaker_of_main_clause(p, cue, j, lo), False
    if toks[j].text in _DASHES and j - 1 >= lo:
        # "The justice -- who has been in a scuffle with him -- said": the subject before the dashes
        k = j - 1 if toks[j - 1].text in _DASHES else j
        prev = next((i for i in range(k - 1, max(lo, k - 40) - 1, -1) if toks[i].text in _DASHES), None)
        if prev is not None:
            prev -= 1 if prev - 1 >= lo and toks[prev - 1].text in _DASHES else 0
            m = np_before(toks, prev - 1, lo)
            return (m if m is not None and can_speak(p, m) else None), False
    if toks[j].text == ",":
        return _speaker_before_comma(p, j, lo), False
    return _speaker_of_phrase_before(p, cue, j, lo), False


def _speaker_before_to(p: Paragraph, cue: Cue, j: int, lo: int) -> tuple[Mention | None, bool]:
    """"went on to say" keeps its subject; "declined to say" is no statement (``j`` is the "to")."""
    toks = p.tokens
    if j - 2 >= lo and toks[j - 1].lower == "on" and toks[j - 2].lower in _GO_ON:
        j, negated = skip_aux_back(p, j - 3, lo)
        return (np_before(toks, j, lo) if j >= lo and not negated else None), negated
    return _infinitive_speaker(p, cue, j, lo)


def _ing_adjunct(p: Paragraph, cue: Cue, j: int, lo: int) -> bool:
    """"He ended by saying …", "Obama was magnanimous in declaring …": a preposition at ``j`` before
    the cue, lowercase words between."""
    toks = p.tokens
    return j > lo and all(t.text.islower() for t in toks[j + 1:cue.first]) and (
        toks[j].lower in _ING_PREPOSITIONS or toks[j].lower == "to" and toks[j - 1].lower == "addition")


def _speaker_of_ing_adjunct(p: Paragraph, cue: Cue, j: int, lo: int) -> Mention | None:
    """The subject of the clause an "by saying …" adjunct belongs to, when it says something."""
    if not says_something(p, cue):
        return None                                        # "by admitting more students"
    m = main_subject(p, lo, j - 1)
    if m is None:
        m = _speaker_of_previous_cue(p, lo, j - 1)         # "“…,” Cruz replied, before adding …"
    return m


def _speaker_of_relative(p: Paragraph, j: int, lo: int) -> Mention | None:
    """The phrase a "who"/"which" at ``j`` refers to: "Donald Trump Jr who wrote", "Smith, who said …"."""
    toks = p.tokens
    if toks[j - 1].text != ",":
        return np_before(toks, j - 1, lo)                  # "Donald Trump Jr who wrote"
    m = np_before(toks, j - 2, lo)                         # "Smith, who said …"
    if m and m.name:
        return m
    return speaker_with_appositive(p, j - 1, lo)


def _speaker_of_main_clause(p: Paragraph, cue: Cue, j: int, lo: int) -> Mention | None:
    """"… and says …", "…, saying …": the subject of the main clause, or the speaker of the speech
    verb before ("“…,” Anderson said, adding that …")."""
    toks = p.tokens
    ing = toks[cue.first].lower.endswith("ing")
    m = main_subject(p, lo, j - 1)
    if m is not None and ing:
        verb = _verb_before_document(p, m, lo)
        if verb is not None and verb > m.first:
            # "A spokesperson of the committee issued a statement Friday, saying …": the phrase before the verb
            m = np_after(toks, m.first, verb - 1, appositive=False)
    if m is None and ing:
        m = _speaker_of_previous_cue(p, lo, j - 1)
    return m


def _speaker_before_comma(p: Paragraph, j: int, lo: int) -> Mention | None:
    """The speaker before a comma that precedes the cue: a name with an appositive, or the subject
    that opens the sentence with a comma after it ("Neil Sroka, communications director of X, or
    DFA - which …, said": a long appositive with commas inside)."""
    toks = p.tokens
    m = speaker_with_appositive(p, j, lo)
    if m is None:
        start = sentence_start(p, lo, j - 1)
        m = np_after(toks, start, j - 1, appositive=False) if start is not None else None
        if m is None or m.last + 1 > j or toks[m.last + 1].text != "," or not can_speak(p, m):
            m = None
    return m


def _speaker_of_phrase_before(p: Paragraph, cue: Cue, j: int, lo: int) -> Mention | None:
    """The noun phrase ending at ``j``; before a "saying" after a document ("the Trump campaign issued
    a statement saying …"), the subject of the verb that issued it."""
    toks = p.tokens
    m = np_before(toks, j, lo)
    if m is not None:
        m = with_conjunct_before(p, with_title_before(p, with_list_before(p, m, lo), lo), lo)
    if m is not None and toks[cue.first].lower.endswith("ing"):
        verb = _verb_before_document(p, m, lo)
        if verb is not None:
            subject, negated = speaker_before(p, Cue(verb, verb, toks[verb].lower, False, True), lo)
            if subject is not None and not negated and can_speak(p, subject):
                return subject
    return m


def _verb_before_document(p: Paragraph, m: Mention, lo: int) -> int | None:
    """The verb whose object is a document ("issued a statement", "released a statement Wednesday",
    "put out a statement"), when ``m`` ends in a document noun; else None."""
    toks = p.tokens
    doc = next((i for i in range(m.last, m.first - 1, -1) if toks[i].lower in lexicon.document_nouns()), None)
    if doc is None or any(toks[i].lower not in lexicon.time_words() for i in range(doc + 1, m.last + 1)):
        return None
    det = next((i for i in range(doc - 1, max(m.first, doc - 3) - 1, -1) if toks[i].lower in lexicon.determiners()), None)
    if det is None:
        return None
    verb = det - 1
    if verb - 1 >= lo and toks[verb].lower == "out":
        verb -= 1                                   # "put out a statement"
    if verb < lo or verb < m.first - 2 or not _verb_like(p, verb, lo) or toks[verb].lower.endswith("ing"):
        return None
    return verb


_ING_PREPOSITIONS = frozenset({"by", "upon", "in"})     # "after", "while", "before": see _CONJUNCTIONS
_BE = frozenset({"is", "was", "are", "were", "be", "been", "being", "am", "'s", "’s", "'re", "’re", "'m", "’m"})
_DEGREE = frozenset({"more", "less", "most", "least", "so", "too", "very", "all", "even", "also", "still", "just",
                     "then", "always", "enough"})
_EXPLETIVES = frozenset({"it", "there", "this", "that"})
_CLAUSE_OPENERS = frozenset({"if", "whether", "how", "why", "what", "when", "where", "who", "which",
                             "i", "he", "she", "it", "we", "they", "you", "there"})
_INFINITIVE_SPAN = 8
_OBJECT_PREPOSITIONS = frozenset({"for", "of", "to", "with", "by", "from", "in", "on", "at", "about", "into", "among",
                                  "against", "between"})


def _verb_like(p: Paragraph, k: int, lo: int) -> bool:
    """A lowercase word that can be a finite verb or participle: "continues", "tweeted", "took",
    "continuing" — not an auxiliary, nor a noun after an article or a possessive ("the leaders")."""
    tok = p.tokens[k]
    low = tok.lower
    if not tok.is_word or not tok.text.islower() or low in lexicon.stop_words() or low in lexicon.auxiliaries() \
            or low in lexicon.determiners() or low in lexicon.prepositions():
        return False
    if k - 1 >= lo and (p.tokens[k - 1].lower in lexicon.determiners() or p.tokens[k - 1].lower.endswith(("’s", "'s"))):
        return False
    return low.endswith(("ed", "ing")) or low in lexicon.words("irregular_past") or (
        low.endswith("s") and not low.endswith(("ss", "us", "is")))


def says_something(p: Paragraph, cue: Cue) -> bool:
    """What follows a cue is a clause or holds a quote ("to say that …", "by saying he …", "to add: “…”",
    "by calling him “dopey”"), not a bare object ("to ask a question", "by admitting more students", "to maintain a lead")."""
    toks = p.tokens
    hi = p.sentence(cue.first)[1]
    k, _ = after_cue(p, cue, hi)
    if k > hi:
        return False
    if toks[k - 1].lower == "that" or toks[k - 1].text == ":" or p.quote_of[k] is not None:
        return True
    if any(p.quote_of[i] is not None for i in range(k, min(hi, k + 12) + 1)):
        return True                                        # "was prompted to say, ''…''", "by calling him “dopey”"
    if before_apostrophe(toks[k].lower) in _CLAUSE_OPENERS:
        return True
    m = np_after(toks, k, hi, appositive=False, any_head=True)
    if m is None:
        return False
    nxt = m.last + 1
    return nxt <= hi and (toks[nxt].lower in lexicon.auxiliaries() or _verb_like(p, nxt, k) and not toks[nxt].lower.endswith("ing"))


def _unrealised_before(p: Paragraph, k: int, lo: int) -> bool:
    """A modal or a negation among the auxiliaries before ``k`` ("will continue to", "did not want to")."""
    toks = p.tokens
    i = k - 1
    while i >= lo and (toks[i].lower in lexicon.auxiliaries() or toks[i].lower in lexicon.negations()
                       or toks[i].lower in lexicon.unrealised_before_to()
                       or toks[i].lower.endswith("ly") and toks[i].text.islower()):
        if toks[i].lower in lexicon.negations() or toks[i].lower in lexicon.unrealised_before_to():
            return True
        i -= 1
    return False


def _governing_verb(p: Paragraph, to: int, lo: int) -> int | None:
    """The verb (or the "be" of "be" + adjective) that a "to" before a cue depends on, or None when that
    verb is one of refusing, wishing or planning ("declined to say", "is expected to announce"), stands
    after a modal or a negation, or cannot be found."""
    blocked = lexicon.unrealised_before_to()
    i = _word_before_to(p, to, lo)
    if i is None or i < lo or p.tokens[i].lower in blocked:
        return None
    too, governor = _be_before(p, i, lo)
    if too:
        return None
    if governor is None:
        governor = _verb_before_to(p, i, lo)
    if governor is None or p.tokens[governor].lower in blocked or _unrealised_before(p, governor, lo):
        return None
    return governor


def _word_before_to(p: Paragraph, to: int, lo: int) -> int | None:
    """The word a "to" follows, past adverbs and "so far as"; None after a negation or "too"
    ("careful not to mention", "too soon to say")."""
    toks = p.tokens
    i = to - 1
    while i >= lo and toks[i].text.islower() and (toks[i].lower.endswith("ly") or toks[i].lower in _DEGREE
                                                  or toks[i].lower in lexicon.negations()):
        if toks[i].lower in lexicon.negations() or toks[i].lower == "too":
            return None
        i -= 1
    if i - 2 >= lo and toks[i].lower == "as" and toks[i - 1].lower == "far" and toks[i - 2].lower == "so":
        i -= 3                                                  # "went so far as to say"
    return i


def _be_before(p: Paragraph, i: int, lo: int) -> tuple[bool, int | None]:
    """"be" + adjective or participle at ``i``: "was quick to add", "are slightly more likely to say",
    "was prompted to say". Returns (a "too" came between, the index of "be" or None)."""
    toks = p.tokens
    b = i - 1
    while b >= lo and toks[b].text.islower() and (toks[b].lower.endswith("ly") or toks[b].lower in _DEGREE):
        if toks[b].lower == "too":
            return True, None
        b -= 1
    if b >= lo and toks[b].lower in _BE and toks[i].is_word and toks[i].text.islower():
        return False, b
    return False, None


def _verb_before_to(p: Paragraph, i: int, lo: int) -> int | None:
    """A verb right before "to" (``i`` is the word before it), or with a phrase of place, time or means
    between: "took to Twitter to say", "tweeted on Friday to say", "held a press briefing to brag"; not
    with an object that could speak ("led Republicans to say", "told him to say"), nor a nested "to"
    ("scrambled to throw … to")."""
    toks = p.tokens
    for k in range(i, max(lo, i - _INFINITIVE_SPAN) - 1, -1):
        tok = toks[k]
        if not tok.is_word or p.quote_of[k] is not None:
            return None
        low = tok.lower
        if low in lexicon.stop_words() and low not in lexicon.prepositions() and low != "to":
            return None
        if low == "to" and not (k - 1 >= lo and _verb_like(p, k - 1, lo) and k + 1 <= i
                                and (capitalized(toks[k + 1]) or toks[k + 1].lower in lexicon.determiners())):
            return None
        if not _verb_like(p, k, lo):
            continue
        if k < i:
            nxt = toks[k + 1].lower
            if not (nxt in lexicon.prepositions() or nxt in lexicon.determiners() or nxt == "to"
                    or nxt in lexicon.time_words()):
                return None
            obj = np_after(toks, k + 1, i, appositive=False) if nxt in lexicon.determiners() else None
            if obj is not None and can_speak(p, obj):
                return None
        elif low.endswith("s") and not low.endswith("ed"):
            # "continues to": a present tense needs a speaker right before it ("news accounts to" is a noun)
            m = np_before(toks, skip_aux_back(p, k - 1, lo)[0], lo) if k - 1 >= lo else None
            if m is None or not can_speak(p, m):
                return None
        return k
    return None


def _infinitive_speaker(p: Paragraph, cue: Cue, to: int, lo: int) -> tuple[Mention | None, bool]:
    """The speaker of a cue after "to": the subject of the verb it depends on ("He continues to insist
    that …", "Trump tweeted on Friday to say …", "She was quick to add that …", "He went so far as to
    say: “…”"). Nobody, and the cue is no statement, after a verb of refusing, wishing or planning, a
    modal or a negation ("declined to say", "is expected to announce", "will continue to insist"),
    after an expletive ("it is hard to say"), or when no clause or quote follows the cue."""
    governor = _governing_verb(p, to, lo)
    if governor is None:
        return None, True
    toks = p.tokens
    m, negated = speaker_before(p, Cue(governor, governor, toks[governor].lower, False, True), lo)
    if negated or m is None or not can_speak(p, m) or toks[m.first].lower in _EXPLETIVES and m.first == m.last:
        return None, True
    if m.first - 1 >= lo and toks[m.first - 1].lower in _OBJECT_PREPOSITIONS:
        return None, True                       # "for news accounts to portray": the object of "for", no subject
    if not says_something(p, cue):
        return None, True
    return m, False


def _speaker_of_previous_cue(p: Paragraph, lo: int, hi: int) -> Mention | None:
    toks = p.tokens
    verbs = lexicon.speech_verbs()
    for k in range(hi, lo - 1, -1):
        if p.quote_of[k] is not None:
            return None
        if toks[k].text.islower() and toks[k].lower in verbs:
            before = Cue(k, k, verbs[toks[k].lower], False, True)
            m, negated = speaker_before(p, before, lo)
            if m is None and not negated:
                m = np_after(toks, k + 1, hi)              # "“…,” said Rep. Bobby Scott, adding …"
            return None if negated else m
    return None


def speaker_with_appositive(p: Paragraph, comma: int, lo: int) -> Mention | None:
    """"NAME, ROLE, said" or "ROLE, NAME, said" where ``comma`` is the comma before the cue."""
    toks = p.tokens
    prev_comma = next((k for k in range(comma - 1, max(lo, comma - 32) - 1, -1) if toks[k].text == ","), None)
    if prev_comma is None:
        return None
    inner = np_before(toks, comma - 1, prev_comma + 1)
    outer = np_before(toks, prev_comma - 1, lo)
    if outer is None:
        return None
    titled_of = outer.name is not None and outer.role is not None and toks[outer.role[1]].lower == "of" \
        and is_title(toks[outer.role[0]])                 # "Minister of Fisheries": a role, not a name
    if inner is not None and inner.first == prev_comma + 1 and inner.name and (not outer.name or titled_of):
        return replace(inner, appositive=(outer.first, outer.last))     # "the coach, Mark Bell, said"
    app = appositive_before(toks, comma, lo)
    if app is None or app[2] != prev_comma:
        return None
    if outer.name is None and outer.first - 2 >= lo and toks[outer.first - 1].text == ",":
        # "Chi Onwurah, the Labour MP for Newcastle, who backs the report, said": two appositives
        named = np_before(toks, outer.first - 2, lo)
        if named is not None and named.name:
            return replace(named, appositive=(outer.first, app[1]))
    if outer.name is None and outer.head not in lexicon.pronouns() and toks[app[0]].lower not in ("who", "which") \
            and outer.head not in lexicon.anonymous_heads() | lexicon.group_nouns():
        return None
    return replace(outer, appositive=(app[0], app[1]))                  # "Mark Bell, the coach, said"


def is_outlet(p: Paragraph, m: Mention) -> bool:
    """"The Post", "CNN", "the BBC's Today programme", "The Namibian": where a statement was given."""
    words = [t for t in p.tokens[m.first:m.last + 1] if t.is_word]
    if not words or not capitalized(words[-1]):
        return False
    if len(words) >= 2 and words[0].text == "The" and all(capitalized(t) for t in words):
        return True                          # a person is never "The X"
    return any(t.lower.removesuffix("’s").removesuffix("'s") in lexicon.outlet_words()
               or t.text.isupper() and len(t.text) >= 2 for t in words)


@cache
def _adjunct_words() -> frozenset[str]:
    """The words ``skip_adjuncts`` steps over one by one: a time word that is no preposition ("Tuesday"),
    or a one-word discourse marker ("however"). One set, asked once a word (``skip_adjuncts`` runs
    28,000 times over the PolNeAR texts)."""
    return frozenset(lexicon.time_words() - _PREPOSITIONS) | {m[0] for m in lexicon.discourse_markers() if len(m) == 1}


def skip_adjuncts(p: Paragraph, j: int, hi: int) -> tuple[int, str | None]:
    """Step right over time words and "in a statement" / "in an interview with X" phrases.
    Returns (next index, outlet named in such a phrase)."""
    toks = p.tokens
    outlet = None
    adjunct_words = _adjunct_words()
    while j <= hi:
        low = toks[j].lower
        if low in adjunct_words:
            j += 1                                 # "said Tuesday", "did say however that"
            continue
        if low in _PREPOSITIONS:
            found = None
            for k in range(j + 1, min(hi, j + 6) + 1):
                lk = toks[k].lower
                if lk in lexicon.venues() or (lk in lexicon.time_words() and lk not in _PREPOSITIONS) \
                        or _YEAR.fullmatch(lk):
                    found = k
                if not toks[k].is_word and toks[k].text not in "-’'":
                    break
            if found is None:
                break
            j = found + 1
            if j + 1 <= hi and toks[j].lower in ("with", "to", "on"):
                m = np_after(toks, j + 1, hi, appositive=False)
                if m:
                    outlet = text_of(toks, (m.first, m.last), p.source) if is_outlet(p, m) else outlet
                    j = m.last + 1
            continue
        break
    return j, outlet


def object_after(p: Paragraph, j: int, hi: int) -> tuple[int, str | None]:
    """Skip the addressee of a tell-like verb; return (next index, outlet if it is one)."""
    if j > hi:
        return j, None
    m = np_after(p.tokens, j, hi, appositive=False)
    toks = p.tokens
    if m is not None and m.first == m.last and toks[j].lower in lexicon.determiners() and j + 1 <= hi:
        # "reminded her players that …": a possessive before a noun, not the pronoun "her"
        noun = np_after(toks, j + 1, hi, appositive=False, any_head=True)
        if noun is not None and toks[noun.first].text.islower() and noun.last + 1 <= hi \
                and toks[noun.last + 1].lower in ("that", "to", "of"):
            m = noun
    if m is None:
        # a bare addressee: "told reporters", "told them"
        return (j + 1 if p.tokens[j].is_word and p.tokens[j].text.islower() else j), None
    return m.last + 1, (text_of(p.tokens, (m.first, m.last), p.source) if is_outlet(p, m) else None)


_INFINITIVE_REACH = 40


def _infinitive_after_addressee(p: Paragraph, k: int, hi: int) -> int:
    """"urging readers who back the campaign | to send …", "urging anyone with information … | to call":
    past what qualifies the addressee to the "to" of the infinitive (a "to" before a verb, not "relating
    to this incident"). ``k`` stays where it is when what follows is a "to", "that", a quote or a colon."""
    toks = p.tokens
    if k > hi or toks[k].lower in ("to", "that") or toks[k].text in ":," or p.quote_of[k] is not None:
        return k
    if toks[k].lower not in ("who", "with", "whose"):
        return k
    for i in range(k + 1, min(hi, k + _INFINITIVE_REACH)):
        if p.quote_of[i] is not None or toks[i].text in ";:" or toks[i].lower == "that":
            return k
        nxt = toks[i + 1]
        if toks[i].lower == "to" and nxt.is_word and nxt.text.islower() and nxt.lower not in lexicon.determiners() \
                and nxt.lower not in lexicon.stop_words() and not nxt.lower.endswith(("ing", "ed")):
            return i
    return k


def after_cue(p: Paragraph, cue: Cue, hi: int, place: bool = True) -> tuple[int, str | None]:
    """Where the words governed by a cue begin: past an addressee ("told The Post"), time and venue
    phrases ("on Tuesday", "in a statement") and a complementizer "that". Returns (index, outlet)."""
    k, outlet = cue.last + 1, None
    if cue.lemma in lexicon.verb_frames("addressee"):
        if cue.lemma in lexicon.verb_frames("infinitive") and k <= hi and p.tokens[k].lower == "to":
            return hi + 1, None                    # "residents urged to avoid …", "told to leave": passive, no speaker
        k, outlet = object_after(p, k, hi)
        if cue.lemma in lexicon.verb_frames("infinitive"):
            k = _infinitive_after_addressee(p, k, hi)
    elif cue.lemma in lexicon.verb_frames("to-as") and k <= hi and p.tokens[k].lower == "to":
        # "referred to him as “…”", "which she referred to as “…”": what was said follows the "as"
        k = next((i + 1 for i in range(k + 1, min(hi, k + _TO_AS_SPAN) + 1) if p.tokens[i].lower == "as"), k)
    k, adj_outlet = skip_adjuncts(p, k, hi)
    if k <= hi and p.tokens[k].lower in _PLACE_PREPOSITIONS and p.tokens[k].lower != "to":
        # "said on ABC's “This Week” that …": the phrase before "that" is where it was said
        # commas are passed only before a place name ("in Buffalo, New York, that …")
        toks = p.tokens
        that = next((i for i in range(k + 1, min(hi, k + 16) + 1) if toks[i].lower == "that"
                     or toks[i].text in ";.!?" or toks[i].text == "," and not (
                         i + 1 <= hi and (capitalized(toks[i + 1]) or toks[i + 1].lower == "that"))), None)
        if that is not None and toks[that].lower == "that":
            k = that
    if place:
        k = skip_place(p, k, hi)
    a = k
    while a <= min(hi, k + 1) and p.tokens[a].text.islower() and (
            p.tokens[a].lower in lexicon.words("cue_adverbs") or p.tokens[a].lower.endswith("ly")):
        a += 1
    if k < a <= hi and p.tokens[a].lower == "that":
        k = a                                      # "says outright that", "said again that"
    if k <= hi and p.tokens[k].text in (",", ":") and k + 1 <= hi and p.tokens[k + 1].lower == "that":
        k += 1
    if k <= hi and p.tokens[k].lower == "that":
        k += 1
        if k <= hi and p.tokens[k].text == ",":
            k += 1                                 # "said that, if its claims are true, …"
    return k, outlet or adj_outlet


def skip_place(p: Paragraph, k: int, hi: int) -> int:
    """A prepositional phrase right after a cue ("said in his office overlooking the bay", "called over
    her shoulder, …") is not what was said: skip it to a "that", a comma, or the end."""
    toks = p.tokens
    if k > hi or toks[k].lower not in _PLACE_PREPOSITIONS:
        return k
    for i in range(k + 1, hi + 1):
        if toks[i].lower == "that" or p.quote_of[i] is not None:
            return i
        if toks[i].text in ",:;":
            return i + 1 if i + 1 <= hi and toks[i + 1].lower != "and" else i
    return hi + 1


def possessed_noun_quote(p: Paragraph, qi: int) -> tuple[Mention, int] | None:
    """"His remarks that “…”", "Kell's warning that “…”": a speech noun (lexicons/cue_nouns.txt) with a
    possessor, "that" and a quote. Returns (the possessor as speaker, the noun's token index)."""
    toks = p.tokens
    first, _ = p.quote_tokens(qi)
    that = first - 1
    if that - 2 < 0 or toks[that].lower != "that" or toks[that - 1].lower not in lexicon.words("cue_nouns") \
            or p.quote_of[that - 2] is not None:
        return None
    noun = that - 1
    k = noun - 1
    low = toks[k].lower
    if low in lexicon.possessive_pronouns():
        return Mention(k, k, head=lexicon.possessive_pronouns()[low]), noun
    if not low.endswith(("’s", "'s")):
        return None
    m = np_before(toks, k, max(0, k - MAX_POSSESSOR))
    if m is None or m.name is None:
        return None
    return m, noun


MAX_POSSESSOR = 8


def possessed_noun_rule(p: Paragraph, taken: Taken) -> Found:
    """A quote after a possessed speech noun ("His remarks that “…”") that no rule before has
    attributed: a mixed statement of the quote, by the possessor."""
    if not p.quotes:
        return NOTHING
    covered = taken.covered
    found: list[Attribution] = []
    done: set[int] = set()
    for qi, q in taken.open_quotes(p, covered):
        hit = possessed_noun_quote(p, qi)
        if hit is None:
            continue
        m, noun = hit
        cue = Cue(noun, noun, p.tokens[noun].lower, False, False)
        found.append(make(p, "mixed", [(q.open, q.outer_end)], cue, m, quotes=[q]))
        done.add(qi)
    return Found(tuple(found), quotes=frozenset(done)) if found else NOTHING
