"""Rules for reported speech: "X said (that) …", "…, X said.", "…, X said, …", "…, according to X",
"According to X, …", "As X reported, …", "… was reported by X", "…, saying …"."""
from __future__ import annotations

from dataclasses import replace

from .. import lexicon
from ..cues import Cue
from .frames import after_cue, skip_place, speaker_before
from ..mentions import Mention, before_apostrophe, np_after
from ..paragraph import (MIN_CLAUSE_WORDS, Attribution, Paragraph, clean_span, extend_over_quotes, kind_of,
                        make, tok_range)

_QUESTION_WORDS = frozenset({"if", "whether", "how", "why", "what", "when", "where", "who", "which"})
_PASSIVE_AUX = frozenset({"was", "were", "is", "are", "been", "be", "being"})


def according_speaker(p: Paragraph, j: int, hi: int) -> tuple[Mention | None, int]:
    """The source after "according to": the author of a document ("calculations by the ISW") or the
    phrase itself ("a recent poll of Indiana voters"). Also returns the last token of the whole phrase."""
    toks = p.tokens
    m = np_after(toks, j, hi, any_head=True)
    if m is None:
        return None, j
    end = m.appositive[1] if m.appositive else m.last
    if m.head in lexicon.document_nouns():
        k = next((i for i in range(j, min(hi, m.last + 1) + 1) if toks[i].lower in ("by", "from")
                  or toks[i].lower == "of" and i + 2 <= hi and toks[i + 1].lower == "the"
                  and toks[i + 2].text[:1].isupper()), None)
        if k is not None:
            inner = np_after(toks, k + 1, hi)
            if inner is not None:
                return inner, max(end, inner.appositive[1] if inner.appositive else inner.last)
    return m, end


def _statement(p: Paragraph, cue: Cue, m: Mention | None, tok_spans, outlet=None) -> Attribution | None:
    spans = [clean_span(p, a, b) for a, b in tok_spans if b >= a]
    spans = [s for s in spans if s[1] > s[0]]
    words = sum(p.words_between(*tok_range(p, s)) for s in spans)
    if not spans or words < MIN_CLAUSE_WORDS:
        return None
    if len(spans) == 1:
        whole = next((q for q in p.quotes if q.open == spans[0][0] and q.outer_end >= spans[0][1] - 1), None)
        if whole is not None:   # "adding that “we’ve been …”": the clause is one whole quote
            return make(p, "direct", [(whole.start, whole.end)], cue, m, outlet, quotes=[whole])
    return make(p, kind_of(p, spans), spans, cue, m, outlet)


def according_to(p: Paragraph, cue: Cue, s_lo: int, s_hi: int) -> Attribution | None:
    """CLAUSE, according to X. / According to X, CLAUSE. / CLAUSE, according to X, CLAUSE."""
    toks = p.tokens
    m, end = according_speaker(p, cue.last + 1, s_hi)
    if m is None:
        return None
    if cue.first == s_lo and m.appositive and (end >= s_hi - 1 or toks[end + 1].text != ","):
        # "According to a poll, the governor leads": what looked like an appositive is the clause
        m = replace(m, appositive=None)
        end = m.last
    after_np = end + 1
    spans = []
    if cue.first - 1 >= s_lo and toks[cue.first - 1].text in ",—–(":
        spans.append((s_lo, cue.first - 1))
    if after_np <= s_hi and toks[after_np].text in ",:":      # "According to HuffPo: “…”"
        spans.append((after_np + 1, extend_over_quotes(p, after_np + 1, s_hi)))
    return _statement(p, cue, m, spans)


def _passive(p: Paragraph, cue: Cue, s_lo: int) -> bool:
    toks = p.tokens
    j = cue.first - 1
    while j >= s_lo and (toks[j].lower.endswith("ly") or toks[j].lower in ("also", "not", "never", "reportedly")):
        j -= 1
    return (j >= s_lo and toks[j].lower in _PASSIVE_AUX and not toks[cue.first].lower.endswith("ing")
            and cue.lemma not in ("continue",))


def passive_by(p: Paragraph, cue: Cue, s_lo: int, s_hi: int) -> Attribution | None:
    """"O'Malley's move was first reported by MSNBC": the subject is what was said."""
    toks = p.tokens
    if cue.last + 2 > s_hi or toks[cue.last + 1].lower != "by":
        return None
    j = cue.first - 1
    while j >= s_lo and (toks[j].lower in lexicon.auxiliaries() or toks[j].lower.endswith("ly")) \
            and toks[j].lower not in _PASSIVE_AUX:
        j -= 1
    if j < s_lo or toks[j].lower not in _PASSIVE_AUX:
        return None
    m = np_after(toks, cue.last + 2, s_hi)
    if m is None:
        return None
    while j > s_lo and toks[j - 1].lower in lexicon.auxiliaries():
        j -= 1
    return _statement(p, cue, m, [(s_lo, j - 1)])


def _reduced_relative(p: Paragraph, cue: Cue, s_hi: int) -> bool:
    """"a waterway claimed almost entirely by Beijing": a participle after a noun with only an agent
    after it (no auxiliary before it, no clause after the agent) describes the noun; for the verbs of
    lexicons/non_speech_participles.txt nobody speaks."""
    toks = p.tokens
    low = toks[cue.first].lower
    if cue.lemma not in lexicon.words("non_speech_participles") or cue.first == 0 \
            or not (low.endswith("ed") or low in lexicon.words("irregular_past")) \
            or not toks[cue.first - 1].text.islower() or toks[cue.first - 1].lower in lexicon.auxiliaries() \
            or toks[cue.first - 1].lower in lexicon.pronouns():
        return False
    k = cue.last + 1
    while k <= min(s_hi, cue.last + 3) and toks[k].text.islower() and toks[k].lower != "by" \
            and toks[k].lower not in lexicon.prepositions() and toks[k].lower not in lexicon.determiners() \
            and toks[k].lower not in lexicon.auxiliaries() and p.cues_at.get(k) is None:
        k += 1               # "claimed almost entirely by", "claimed last year by"
    if k >= s_hi or toks[k].lower != "by":
        return False
    m = np_after(toks, k + 1, s_hi, appositive=False, any_head=True)
    return m is not None and (m.last + 1 > s_hi or toks[m.last + 1].text in ".,;!?)")


def _venue_phrase(p: Paragraph, lo: int, hi: int) -> bool:
    """A short phrase that only says where something was said ("In a wide-ranging interview", "At a
    rally in Ohio"): a preposition, a venue word, no verb or quote."""
    toks = p.tokens
    words = [t for t in toks[lo:hi + 1] if t.is_word]
    return (toks[lo].lower in lexicon.prepositions() and 0 < len(words) <= 8
            and any(t.lower in lexicon.venues() for t in words)
            and not any(t.lower in lexicon.auxiliaries() or i in p.cues_at or p.quote_of[i] is not None
                        for i, t in enumerate(toks[lo:hi + 1], lo)))


def _ends_clause(p: Paragraph, m: Mention, s_hi: int) -> bool:
    """An inverted speaker ("…, said Smith, a spokesman.") closes its sentence or clause."""
    k = (m.appositive[1] if m.appositive else m.last) + 1
    return k > s_hi or p.tokens[k].text in ",.;!?" or p.tokens[k].lower in ("who", "which")


def _adjunct_tail(p: Paragraph, start: int, hi: int) -> bool:
    """Words after a trailing cue that only say how or where ("in posing the question to Christie",
    "when asked about it"), not what was said."""
    toks = p.tokens
    if start > hi or toks[start].lower not in ("in", "at", "on", "during", "when", "while", "as", "after", "before",
                                                 "of", "about", "to", "with"):
        return False
    return any(t.lower.endswith("ing") or t.lower in lexicon.venues() or t.lower == "asked"
               for t in toks[start + 1:hi + 1])


_CLAUSE_LINKS = frozenset({"while", "but", "whereas", "and", "although", "though"})


def _coordinated_cue(p: Paragraph, cue: Cue, start: int) -> int | None:
    """Where a clause ends before a second predicate of its subject: "said X(,) and (specifically) blamed Y",
    "said X and questioned if Y" — a cue verb after "and" and adverbs, with no subject of its own. Not a
    participle joined to a passive ("was questioned and criticized"), nor "and that …"."""
    toks = p.tokens
    if toks[cue.first].lower.endswith("ing") or p.quote_of[cue.first] is not None:
        return None
    k = cue.first - 1
    while k > start and toks[k].text.islower() and (toks[k].lower.endswith("ly") or toks[k].lower == "also"):
        k -= 1
    if k <= start or toks[k].lower != "and" or p.quote_of[k] is not None:
        return None
    if toks[k - 1].lower.endswith("ed") and k - 2 >= start and toks[k - 2].lower in _PASSIVE_AUX:
        return None
    return k - 2 if toks[k - 1].text == "," else k - 1


def _participle_cue(p: Paragraph, cue: Cue, start: int) -> int | None:
    """", calling the drills a “warning”", ", claiming …": a participle cue after a comma opens a second
    statement of the same subject; the clause before ends at the comma."""
    toks = p.tokens
    c = cue.first
    if c - 2 <= start or toks[c - 1].text != "," or not toks[c].lower.endswith("ing") \
            or p.quote_of[c] is not None or not (cue.report or cue.mixed_only) \
            or cue.lemma in lexicon.words("continuing_participles"):
        return None
    return c - 2


def _reads_statement(p: Paragraph, cue: Cue, lo: int, hi: int) -> bool:
    """Whether a second cue of the same subject reads a statement of its own (a reporting verb, or a
    quote-only one with a quoted fragment, "that" or "if"/"whether"): only then is the clause before cut."""
    a = reported_clause(p, cue, lo, hi)
    if a is None:
        return False
    if cue.report or a.kind == "mixed":
        return True
    k = next(i for i in range(cue.last + 1, hi + 1) if p.tokens[i].end > a.spans[0][0])
    return p.tokens[k - 1].lower == "that" or p.tokens[k].lower in ("if", "whether")


def cut_at_next_speaker(p: Paragraph, start: int, hi: int, cues_at: dict[int, Cue], lo: int | None = None) -> int:
    """"A said X, while B said Y": A's clause ends before ", while B said"; also before a second cue
    of the same subject (", and blamed …", ", claiming …") and before ", B have claimed that …"."""
    toks = p.tokens
    lo = start if lo is None else lo
    for c in range(start + 2, hi + 1):
        cue = cues_at.get(c)
        if cue is None or cue.phrase:
            continue
        if c - 2 > start and toks[c - 1].lower in ("then", "and") and toks[c - 2].text == "," and cue.report:
            return c - 3  # "A offered X a job, then says Y": a second statement of the same speaker
        end = _coordinated_cue(p, cue, start)
        if end is None:
            end = _participle_cue(p, cue, start)
        if end is not None and (_reads_statement(p, cue, lo, hi)
                                or cue.mixed_only and toks[cue.first].lower.endswith("ed")
                                and toks[end + 1].text == ","):
            return end  # ", and blamed a rival party": a second act of the subject, not what was said
        m, negated = speaker_before(p, cue, start)
        if m is None or negated:
            continue
        b = m.first - 1
        if b > start and (toks[b].lower in _CLAUSE_LINKS and toks[b - 1].text in ",;" or toks[b].text == ";"):
            return b - 2 if toks[b].text != ";" else b - 1
        if b - 1 > start and toks[b].text == "," and cue.last + 1 <= hi and toks[cue.last + 1].lower == "that" \
                and p.quote_of[b] is None:
            return b - 1  # "Though A have said X, B have claimed that Y": a new subject with its own cue
    return hi


def reported_clause(p: Paragraph, cue: Cue, s_lo: int, s_hi: int,
                    cues_at: dict[int, Cue] | None = None) -> Attribution | None:
    """X said (that) CLAUSE. / CLAUSE, X said. / CLAUSE, X said, CLAUSE. / …, said X. / As X said, CLAUSE."""
    toks = p.tokens
    passive = passive_by(p, cue, s_lo, s_hi)
    if passive is not None:
        return passive
    if _reduced_relative(p, cue, s_hi):
        return None
    if _passive(p, cue, s_lo):
        # "It was reported that …": what was said, by nobody named; "Doria is said to be …": nothing
        start, outlet = after_cue(p, cue, s_hi, place=False)
        if start <= s_hi and (toks[start - 1].lower == "that" or toks[start].lower in _QUESTION_WORDS):
            return _statement(p, cue, None, [(start, extend_over_quotes(p, start, s_hi))], outlet)
        return None
    m, negated = speaker_before(p, cue, s_lo)
    if negated:
        return None
    if m is None and cue.first - 1 >= s_lo and toks[cue.first - 1].text == ",":
        m = np_after(toks, cue.last + 1, s_hi)                       # "…, said Smith."
        if m is None or cue.first - 1 <= s_lo or not _ends_clause(p, m, s_hi):
            return None
        return _statement(p, cue, m, [(s_lo, cue.first - 2)])
    if m is None:
        return None
    start, outlet = after_cue(p, cue, s_hi, place=False)
    hi = extend_over_quotes(p, start, s_hi)
    if cues_at:
        hi = cut_at_next_speaker(p, start, hi, cues_at, s_lo)
    subject_first = min(m.first, m.appositive[0]) if m.appositive else m.first
    before = subject_first - 1
    if before - 1 > s_lo and toks[before].lower == "as" and toks[before - 1].text == ",":
        before -= 1                                                         # "…, as some have speculated."
    rest_words = p.words_between(start, hi)
    tail_only = rest_words == 0 or (_adjunct_tail(p, start, hi) and skip_place(p, start, hi) > hi)
    if before >= s_lo and toks[before].lower == "as" and start <= hi and toks[start].text == ",":
        return _statement(p, cue, m, [(start + 1, hi)], outlet)             # As X reported, CLAUSE
    fronted = before > s_lo and toks[before].text == "," and toks[s_lo].lower in lexicon.words("adjunct_openers")
    if (before < s_lo or fronted) and start <= hi and toks[start].text == ",":
        a = _content_after_adjunct(p, start + 1, hi)
        if a is not None:
            return _statement(p, cue, m, [(a, hi)], outlet)                 # X says, apart from Y, CLAUSE
    if before > s_lo and toks[before].text == "," and cue.last + 1 == s_hi and toks[s_hi].text == ":" \
            and _venue_phrase(p, s_lo, before - 1):
        return None      # "In a wide-ranging interview, Obama also said:" (what follows is said): where, not what
    if before > s_lo and toks[before].text in ",—–" and toks[subject_first - 1].lower not in ("who", "which") \
            and (tail_only or toks[start].text == ","):
        spans = [(s_lo, before - 1)]
        if start <= hi and toks[start].text == "," and rest_words >= 1:
            spans.append((start + 1, hi))                                   # CLAUSE, X said, CLAUSE
        return _statement(p, cue, m, spans, outlet)
    if rest_words >= MIN_CLAUSE_WORDS and toks[start].text not in "," and not tail_only \
            and _opens_clause(p, cue, start):
        if toks[start].lower in lexicon.prepositions() and toks[start - 1].lower != "that":
            start = clause_after_phrase(p, start) or start
        return _statement(p, cue, m, [(start, hi)], outlet)
    return None


def _content_after_adjunct(p: Paragraph, k: int, hi: int) -> int | None:
    """"She says, apart from the cold, the customers …": where the content starts when a cue that opens
    its sentence is followed by a comma and an adjunct (a preposition or a subordinator up to a comma)
    and then a clause: at the adjunct (it belongs to what was said), or at a quote that follows it."""
    toks = p.tokens
    if k > hi or not toks[k].text.islower() or not (
            toks[k].lower in lexicon.prepositions() or toks[k].lower in lexicon.words("adjunct_openers")):
        return None
    comma = next((i for i in range(k + 1, hi) if toks[i].text == "," and p.quote_of[i] is None
                  and p.words_between(i + 1, hi) >= MIN_CLAUSE_WORDS + 1), None)
    if comma is None or p.quote_of[k] is not None:
        return None
    after = comma + 1
    if toks[after].lower == "that":
        return after + 1       # "said, for example, that …": the adjunct is an aside
    if p.quote_of[after] is not None and toks[after].start == p.quotes[p.quote_of[after]].open:
        return after           # "He says, in the dark, “nobody buys”": the quote is what was said
    return k


_SUBJECT_PRONOUNS = frozenset({"i", "he", "she", "it", "we", "they", "you", "there"})


def clause_after_phrase(p: Paragraph, start: int) -> int | None:
    """Where a clause begins after a short phrase opened by a preposition: "said in politics | it takes
    time", "has said for weeks | he's the only one", "said on Twitter | the deal was off"."""
    toks = p.tokens
    for k in range(start + 1, min(len(toks), start + 6)):
        low = toks[k].lower
        if not toks[k].is_word:
            return None
        if before_apostrophe(low) in _SUBJECT_PRONOUNS or (
                k > start + 1 and low in ("the", "a", "an") and toks[k - 1].lower not in lexicon.prepositions()):
            return k
    return None


def _opens_clause(p: Paragraph, cue: Cue, start: int) -> bool:
    """What follows a cue is what was said only if it can open a clause: not a preposition
    ("added to the quarantine list", "asking for prices"), not a bare number ("added 25 points"),
    and "to" only after verbs of promising or asking ("vowed to fight")."""
    tok = p.tokens[start]
    low = tok.lower
    if p.tokens[start - 1].lower == "that" or p.tokens[start - 1].text == ":":
        return True
    if p.quote_of[start] is not None or low in _QUESTION_WORDS:
        return True
    if low == "to":
        return cue.lemma in lexicon.verb_frames("infinitive")
    if low in lexicon.prepositions():
        nxt = p.tokens[start + 1] if start + 1 < len(p.tokens) else None
        if low in ("about", "over", "under") and nxt is not None and (
                nxt.text[:1].isdigit() or nxt.lower in lexicon.words("numbers")):
            return True                # "said about half of the deficit …"
        return (low in ("against", "about", "on", "with") or cue.lemma in lexicon.verb_frames("topic") and low in ("for", "of")
                or clause_after_phrase(p, start) is not None)
    return not (tok.text.replace(",", "").replace(".", "").isdigit() and start + 1 < len(p.tokens)
                and p.tokens[start + 1].text.islower() and p.tokens[start + 1].lower not in lexicon.auxiliaries()
                and p.tokens[start + 1].lower not in ("percent", "%", "per"))

