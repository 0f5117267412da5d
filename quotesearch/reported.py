"""Rules for reported speech: "X said (that) …", "…, X said.", "…, X said, …", "…, according to X",
"According to X, …", "As X reported, …", "… was reported by X", "…, saying …"."""
from __future__ import annotations

from . import lexicon
from .cues import Cue
from .frames import after_cue, skip_place, speaker_before
from .mentions import Mention, np_after
from .paragraph import (MIN_CONTENT_WORDS, Attribution, Paragraph, clean_span, extend_over_quotes, kind_of,
                        make, tok_range)

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


def _statement(p: Paragraph, cue: Cue, m: Mention, tok_spans, outlet=None) -> Attribution | None:
    spans = [clean_span(p, a, b) for a, b in tok_spans if b >= a]
    spans = [s for s in spans if s[1] > s[0]]
    words = sum(p.words_between(*tok_range(p, s)) for s in spans)
    if not spans or words < MIN_CONTENT_WORDS:
        return None
    return make(p, kind_of(p, spans), spans, cue, m, outlet)


def according_to(p: Paragraph, cue: Cue, s_lo: int, s_hi: int) -> Attribution | None:
    """CLAUSE, according to X. / According to X, CLAUSE. / CLAUSE, according to X, CLAUSE."""
    toks = p.tokens
    m, end = according_speaker(p, cue.last + 1, s_hi)
    if m is None:
        return None
    if cue.first == s_lo and m.appositive and end >= s_hi - 1:
        # "According to a poll, the governor leads": what looked like an appositive is the clause
        m.appositive = None
        end = m.last
    after_np = end + 1
    spans = []
    if cue.first - 1 >= s_lo and toks[cue.first - 1].text in ",—–(":
        spans.append((s_lo, cue.first - 1))
    if after_np <= s_hi and toks[after_np].text == ",":
        spans.append((after_np + 1, extend_over_quotes(p, after_np + 1, s_hi)))
    return _statement(p, cue, m, spans)


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


def reported_clause(p: Paragraph, cue: Cue, s_lo: int, s_hi: int) -> Attribution | None:
    """X said (that) CLAUSE. / CLAUSE, X said. / CLAUSE, X said, CLAUSE. / …, said X. / As X said, CLAUSE."""
    toks = p.tokens
    passive = passive_by(p, cue, s_lo, s_hi)
    if passive is not None:
        return passive
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
    subject_first = min(m.first, m.appositive[0]) if m.appositive else m.first
    before = subject_first - 1
    if before - 1 > s_lo and toks[before].lower == "as" and toks[before - 1].text == ",":
        before -= 1                                                         # "…, as some have speculated."
    rest_words = p.words_between(start, hi)
    tail_only = rest_words == 0 or (_adjunct_tail(p, start, hi) and skip_place(p, start, hi) > hi)
    if before >= s_lo and toks[before].lower == "as" and start <= hi and toks[start].text == ",":
        return _statement(p, cue, m, [(start + 1, hi)], outlet)             # As X reported, CLAUSE
    if before > s_lo and toks[before].text in ",—–" and toks[subject_first - 1].lower not in ("who", "which") \
            and (tail_only or toks[start].text == ","):
        spans = [(s_lo, before - 1)]
        if start <= hi and toks[start].text == "," and rest_words >= 1:
            spans.append((start + 1, hi))                                   # CLAUSE, X said, CLAUSE
        return _statement(p, cue, m, spans, outlet)
    if rest_words >= MIN_CONTENT_WORDS and toks[start].text not in "," and not tail_only:
        return _statement(p, cue, m, [(start, hi)], outlet)
    return None

