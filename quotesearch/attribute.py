"""Attribution rules: tie quotes and clauses to a cue and a speaker mention, one paragraph at a time.

Each rule is a small function named for what it matches. The result is a list of
``Attribution`` records holding offsets and the speaker mention as written; turning
mentions into canonical speakers is ``entities``' job.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import lexicon
from .cues import Cue, find_cues
from .mentions import Mention, appositive_before, capitalized, np_after, np_before, text_of
from .quotes import Quote
from .segment import Token

_END = ".!?"
_TELL_LIKE = frozenset({"tell", "inform", "assure", "reassure", "warn", "remind", "advise", "brief", "urge"})
_INTRO = ":,—–-"
_MIN_CONTENT_WORDS = 3


@dataclass
class Attribution:
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


@dataclass
class Paragraph:
    """What the rules see of one paragraph."""

    source: str
    index: int
    start: int
    end: int
    tokens: list[Token]
    sentences: list[tuple[int, int]]      # token index ranges (inclusive)
    quotes: list[Quote]
    quote_of: list[int | None]            # token -> quote index (marks included)
    sent_of: list[int]                    # token -> sentence index

    def words_between(self, a: int, b: int) -> int:
        return sum(1 for t in self.tokens[a:b + 1] if t.is_word)


def build_paragraph(source: str, index: int, start: int, end: int, tokens: list[Token],
                    sentence_spans: list[tuple[int, int]], quotes: list[Quote]) -> Paragraph:
    quote_of: list[int | None] = [None] * len(tokens)
    qi = 0
    for i, t in enumerate(tokens):
        while qi < len(quotes) and t.start >= quotes[qi].outer_end:
            qi += 1
        if qi < len(quotes) and quotes[qi].open <= t.start < quotes[qi].outer_end:
            quote_of[i] = qi
    sent_of = [0] * len(tokens)
    sents: list[tuple[int, int]] = []
    si = 0
    for i, t in enumerate(tokens):
        while si < len(sentence_spans) - 1 and t.start >= sentence_spans[si][1]:
            si += 1
        sent_of[i] = si
    for s in range(len(sentence_spans)):
        idx = [i for i, v in enumerate(sent_of) if v == s]
        if idx:
            sents.append((idx[0], idx[-1]))
    # re-number sent_of to the non-empty sentences
    sent_of = [0] * len(tokens)
    for n, (a, b) in enumerate(sents):
        for i in range(a, b + 1):
            sent_of[i] = n
    return Paragraph(source, index, start, end, tokens, sents, quotes, quote_of, sent_of)


# ---------------------------------------------------------------- helpers

def _skip_aux_back(p: Paragraph, j: int, lo: int) -> tuple[int, bool]:
    """Step left over auxiliaries and adverbs; report whether a negation was crossed."""
    negated = False
    while j >= lo:
        low = p.tokens[j].lower
        if low in lexicon.negations():
            negated = True
        elif not (low in lexicon.auxiliaries() or (low.endswith("ly") and len(low) > 4 and p.tokens[j].text.islower())):
            break
        j -= 1
    return j, negated


def _speaker_before(p: Paragraph, cue: Cue, lo: int) -> tuple[Mention | None, bool]:
    """The subject of a cue verb, reading left. Returns (mention, negated)."""
    j, negated = _skip_aux_back(p, cue.first - 1, lo)
    if negated or j < lo:
        return None, negated
    toks = p.tokens
    if toks[j].lower == "to":           # "declined to say", "is expected to say"
        return None, True
    if toks[j].lower in ("who", "which") and j - 1 >= lo:
        if toks[j - 1].text != ",":
            return np_before(toks, j - 1, lo), False   # "Donald Trump Jr who wrote"
        m = np_before(toks, j - 2, lo)            # "Smith, who said …"
        if m and m.name:
            return m, False
        return _speaker_with_appositive(p, j - 1, lo), False
    if toks[j].text == ",":
        return _speaker_with_appositive(p, j, lo), False
    m = np_before(toks, j, lo)
    return m, False


def _speaker_with_appositive(p: Paragraph, comma: int, lo: int) -> Mention | None:
    """"NAME, ROLE, said" or "ROLE, NAME, said" where ``comma`` is the comma before the cue."""
    toks = p.tokens
    prev_comma = next((k for k in range(comma - 1, max(lo, comma - 32) - 1, -1) if toks[k].text == ","), None)
    if prev_comma is None:
        return None
    inner = np_before(toks, comma - 1, prev_comma + 1)
    outer = np_before(toks, prev_comma - 1, lo)
    if outer is None:
        return None
    if inner is not None and inner.first == prev_comma + 1 and inner.name and not outer.name:
        inner.appositive = (outer.first, outer.last)     # "the coach, Mark Bell, said"
        return inner
    app = appositive_before(toks, comma, lo)
    if app is None or app[2] != prev_comma:
        return None
    if outer.name is None and outer.head not in lexicon.pronouns():
        return None
    outer.appositive = (app[0], app[1])                  # "Mark Bell, the coach, said"
    return outer


def _skip_adjuncts(p: Paragraph, j: int, hi: int) -> tuple[int, str | None]:
    """Step right over time words and "in a statement"/"in an interview with X" phrases.
    Returns (next index, outlet named in such a phrase)."""
    toks = p.tokens
    outlet = None
    while j <= hi:
        low = toks[j].lower
        if low in lexicon.time_words() and low not in ("in", "on", "at", "during", "after", "before"):
            j += 1
            continue
        if low in ("in", "on", "at", "during", "via", "through", "over", "after", "before"):
            k = j + 1
            found = None
            while k <= min(hi, j + 6):
                lk = toks[k].lower
                if lk in lexicon.venues() or (lk in lexicon.time_words() and lk not in ("in", "on", "at")):
                    found = k
                if not toks[k].is_word and toks[k].text not in "-’'":
                    break
                k += 1
            if found is None:
                break
            j = found + 1
            if j <= hi and toks[j].lower in ("with", "to", "on") and j + 1 <= hi:
                m = np_after(toks, j + 1, hi, appositive=False)
                if m:
                    outlet = text_of(toks, (m.first, m.last), p.source) if _is_outlet(p, m) else outlet
                    j = m.last + 1
            continue
        break
    return j, outlet


def _is_outlet(p: Paragraph, m: Mention) -> bool:
    words = [t for t in p.tokens[m.first:m.last + 1] if t.is_word]
    if not words or not capitalized(words[-1]):
        return False
    return any(t.lower.rstrip("’s").rstrip("'s") in lexicon.outlet_words() or t.text.isupper() and len(t.text) >= 2
               for t in words)


def _object_after(p: Paragraph, j: int, hi: int) -> tuple[int, str | None]:
    """Skip the addressee of a tell-like verb; return (next index, outlet if it is one)."""
    if j > hi:
        return j, None
    m = np_after(p.tokens, j, hi, appositive=False)
    if m is None:
        # a bare addressee: "told reporters", "told them"
        return (j + 1 if p.tokens[j].is_word and p.tokens[j].text.islower() else j), None
    outlet = text_of(p.tokens, (m.first, m.last), p.source) if _is_outlet(p, m) else None
    return m.last + 1, outlet


def _attr(p: Paragraph, kind: str, spans, cue: Cue | None, m: Mention | None, outlet=None, **kw) -> Attribution:
    a = Attribution(kind=kind, spans=[s for s in map(lambda s: _trim_span(p.source, s), spans) if s[1] > s[0]],
                    paragraph=p.index, outlet=outlet, **kw)
    if cue is not None:
        a.cue = cue.text(p.tokens, p.source)
    if m is not None:
        t = p.tokens
        a.mention = text_of(t, (m.first, m.last), p.source)
        a.mention_start = t[m.first].start
        a.name = text_of(t, m.name, p.source)
        a.role_words = text_of(t, m.role, p.source)
        a.appositive = text_of(t, m.appositive, p.source)
        a.head = m.head
    return a


def _trim_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Drop surrounding space and a trailing comma, semicolon or colon (they belong to the frame)."""
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
        e -= 1
    return s, e


def _frame_end(p: Paragraph, j: int) -> int:
    """Last token index of a frame starting at j: before the next quote or a sentence-final mark."""
    toks = p.tokens
    k = j
    while k < len(toks):
        if p.quote_of[k] is not None:
            return k - 1
        if toks[k].text in _END and not (k > 0 and toks[k - 1].end == toks[k].start
                                          and toks[k - 1].lower in lexicon.abbreviations()
                                          and k + 1 < len(toks) and capitalized(toks[k + 1])
                                          and p.quote_of[k + 1] is None):
            return k
        k += 1
    return len(toks) - 1


def _clean_span(p: Paragraph, a: int, b: int) -> tuple[int, int]:
    """Character span of tokens a..b without leading/trailing commas or a final full stop."""
    toks = p.tokens
    while a <= b and toks[a].text in ",;:—–-":
        a += 1
    while b >= a and toks[b].text in ",;:—–-.":
        b -= 1
    if b < a:
        return (0, 0)
    return toks[a].start, toks[b].end


# ---------------------------------------------------------------- direct quotes

def quote_then_cue(p: Paragraph, q_index: int, cues_at: dict[int, Cue]):
    """“…,” Barros said. / “…,” said Barros. / “…,” X, a spokesman for Y, told Z."""
    q = p.quotes[q_index]
    toks = p.tokens
    j = next((i for i, t in enumerate(toks) if t.start >= q.outer_end), None)
    if j is None or p.quote_of[j] is not None:
        return None
    while j < len(toks) and toks[j].text in _INTRO:
        j += 1
    hi = _frame_end(p, j)
    if j > hi:
        return None
    # inverted: said Barros
    cue = cues_at.get(j)
    if cue is not None:
        if cue.phrase:
            m = _according_speaker(p, cue.last + 1, hi)
        else:
            m = np_after(toks, cue.last + 1, hi)
        if m is None:
            return None
        return cue, m, None, hi
    for c in range(j, min(hi, j + 45) + 1):
        cue = cues_at.get(c)
        if cue is None or cue.phrase:
            continue
        m, negated = _speaker_before(p, cue, j)
        if negated or m is None:
            return None
        first = min(m.first, m.appositive[0]) if m.appositive else m.first
        if first != j and not (first == j + 1 and toks[j].lower in lexicon.determiners()):
            return None
        outlet = None
        k = cue.last + 1
        if cue.lemma in _TELL_LIKE:
            k, outlet = _object_after(p, k, hi)
        k, adj_outlet = _skip_adjuncts(p, k, hi)
        return cue, m, outlet or adj_outlet, hi
    return None


def cue_then_quote(p: Paragraph, q_index: int, cues_at: dict[int, Cue]):
    """Barros said: “…” / Barros told The Post, “…” / He added “…”"""
    q = p.quotes[q_index]
    toks = p.tokens
    open_tok = next((i for i, t in enumerate(toks) if t.start >= q.open), None)
    if open_tok is None:
        return None
    lo = p.sentences[p.sent_of[open_tok]][0] if open_tok < len(toks) else 0
    if q_index > 0:
        prev_end = p.quotes[q_index - 1].outer_end
        lo = max(lo, next((i for i, t in enumerate(toks) if t.start >= prev_end), lo))
    k = open_tok - 1
    while k >= lo and toks[k].text in _INTRO:
        k -= 1
    for c in range(k, max(lo, k - 8) - 1, -1):
        cue = cues_at.get(c)
        if cue is None or cue.phrase:
            continue
        between = range(cue.last + 1, open_tok)
        if any(toks[i].lower == "that" for i in between):
            return None  # reported clause holding a quote: a mixed statement
        outlet = None
        nxt = cue.last + 1
        if cue.lemma in _TELL_LIKE:
            nxt, outlet = _object_after(p, nxt, k)
        nxt, adj_outlet = _skip_adjuncts(p, nxt, k)
        if nxt <= k:
            return None
        m, negated = _speaker_before(p, cue, lo)
        if negated or m is None:
            return None
        return cue, m, outlet or adj_outlet
    return None


# ---------------------------------------------------------------- reported speech

def _according_speaker(p: Paragraph, j: int, hi: int) -> Mention | None:
    """The source after "according to": the author of a document ("calculations by the ISW") or the phrase."""
    m = np_after(p.tokens, j, hi)
    if m is None:
        return None
    if m.head in lexicon.document_nouns():
        k = next((i for i in range(j, min(hi, m.last + 1) + 1) if p.tokens[i].lower in ("by", "from", "of")), None)
        if k is not None:
            inner = np_after(p.tokens, k + 1, hi)
            if inner is not None:
                return inner
    return m


def according_to(p: Paragraph, cue: Cue, s_lo: int, s_hi: int) -> Attribution | None:
    """CLAUSE, according to X. / According to X, CLAUSE."""
    toks = p.tokens
    m = _according_speaker(p, cue.last + 1, s_hi)
    if m is None:
        return None
    after_np = (m.appositive[1] if m.appositive else m.last) + 1
    spans = []
    if cue.first - 1 >= s_lo and toks[cue.first - 1].text in ",—–(":
        spans.append(_clean_span(p, s_lo, cue.first - 1))
    if after_np <= s_hi and toks[after_np].text == ",":
        spans.append(_clean_span(p, after_np + 1, s_hi))
    spans = [s for s in spans if s[1] > s[0]]
    if not spans or sum(p.words_between(*_tok_range(p, s)) for s in spans) < _MIN_CONTENT_WORDS:
        return None
    return _attr(p, _kind(p, spans), spans, cue, m)


def _tok_range(p: Paragraph, span: tuple[int, int]) -> tuple[int, int]:
    idx = [i for i, t in enumerate(p.tokens) if t.start >= span[0] and t.end <= span[1]]
    return (idx[0], idx[-1]) if idx else (0, -1)


def _kind(p: Paragraph, spans) -> str:
    for q in p.quotes:
        if any(s <= q.open and q.outer_end <= e + 1 for s, e in spans):
            return "mixed"
    return "indirect"


def _content_after(p: Paragraph, cue: Cue, s_hi: int) -> tuple[int, str | None] | None:
    """Where a reported clause starts after a cue ("said (that) …", "told X (that) …")."""
    toks = p.tokens
    k = cue.last + 1
    outlet = None
    # "that" close by wins: "said in a statement Tuesday that …"
    for i in range(k, min(s_hi, k + 10) + 1):
        if toks[i].text in ",;.!?" or p.quote_of[i] is not None:
            break
        if toks[i].lower == "that":
            if cue.lemma in _TELL_LIKE:
                _, outlet = _object_after(p, k, i - 1)
            else:
                _, outlet = _skip_adjuncts(p, k, i - 1)
            return i + 1, outlet
    if cue.lemma in _TELL_LIKE:
        k, outlet = _object_after(p, k, s_hi)
    k, adj_outlet = _skip_adjuncts(p, k, s_hi)
    if k <= s_hi and toks[k].text == ":":
        k += 1
    return k, outlet or adj_outlet


def reported_clause(p: Paragraph, cue: Cue, s_lo: int, s_hi: int) -> Attribution | None:
    """X said (that) CLAUSE. / CLAUSE, X said. / CLAUSE, X said, CLAUSE. / …, saying CLAUSE."""
    toks = p.tokens
    m, negated = _speaker_before(p, cue, s_lo)
    if negated:
        return None
    inverted = False
    if m is None and cue.first - 1 >= s_lo and toks[cue.first - 1].text == ",":
        if toks[cue.first].lower.endswith("ing"):
            m = np_after(toks, s_lo, cue.first - 2, appositive=False)   # "…, saying": main-clause subject
            if m is not None and not (m.name or m.head in lexicon.pronouns()):
                m = None
            if m is not None:
                start, outlet = _content_after(p, cue, s_hi)
                return _reported(p, cue, m, [(start, s_hi)], outlet)
            return None
        m = np_after(toks, cue.last + 1, s_hi)                        # "…, said Smith."
        inverted = m is not None
    if m is None:
        return None
    start, outlet = (m.appositive[1] + 1 if m.appositive else m.last + 1, None) if inverted \
        else _content_after(p, cue, s_hi)
    before_comma = m.first - 1 if not inverted else cue.first - 1
    if m.first - 1 >= s_lo and toks[m.first - 1].lower in ("who", "which"):
        before_comma = None
    has_before = before_comma is not None and before_comma > s_lo and toks[before_comma].text in ",—–"
    rest_words = p.words_between(start, s_hi)
    if has_before and (rest_words == 0 or (start <= s_hi and toks[start].text == ",")):
        spans = [(s_lo, before_comma - 1)]
        if start <= s_hi and toks[start].text == "," and rest_words >= _MIN_CONTENT_WORDS:
            spans.append((start + 1, s_hi))   # parenthetical: CLAUSE, X said, CLAUSE
        return _reported(p, cue, m, spans, outlet)
    if rest_words >= _MIN_CONTENT_WORDS and not inverted and toks[start].text not in ",":
        return _reported(p, cue, m, [(start, s_hi)], outlet)
    return None


def _reported(p: Paragraph, cue: Cue, m: Mention, tok_spans, outlet) -> Attribution | None:
    spans = [_clean_span(p, a, b) for a, b in tok_spans if b >= a]
    spans = [s for s in spans if s[1] > s[0]]
    words = sum(p.words_between(*_tok_range(p, s)) for s in spans)
    if not spans or words < _MIN_CONTENT_WORDS:
        return None
    return _attr(p, _kind(p, spans), spans, cue, m, outlet)


# ---------------------------------------------------------------- the paragraph

def _closes_frame(p: Paragraph, cue: Cue) -> bool:
    """A cue in a frame such as ", Barros said," or ", X said Tuesday." outranks other cues
    in its sentence ("Should Russia conclude …, Barros said, …")."""
    if cue.phrase:
        return False
    k, _ = _skip_adjuncts(p, cue.last + 1, len(p.tokens) - 1)
    return k >= len(p.tokens) or p.tokens[k].text in ",.!?;"

def attribute_paragraph(p: Paragraph) -> list[Attribution]:
    """All attributions of one paragraph, in reading order."""
    toks = p.tokens
    cues = [c for c in find_cues(toks) if p.quote_of[c.first] is None]
    cues_at = {c.first: c for c in cues}
    used_cues: set[int] = set()
    done_quotes: set[int] = set()
    out: list[Attribution] = []

    for qi, q in enumerate(p.quotes):
        if qi in done_quotes:
            continue
        hit = quote_then_cue(p, qi, cues_at)
        if hit:
            cue, m, outlet, hi = hit
            spans = [(q.start, q.end)]
            quotes = [q]
            done_quotes.add(qi)
            # split quote: “A,” X said, “B.”
            if toks[hi].text == "," and qi + 1 < len(p.quotes) and hi + 1 < len(toks) \
                    and p.quote_of[hi + 1] == qi + 1 and not quote_then_cue(p, qi + 1, cues_at):
                nq = p.quotes[qi + 1]
                spans.append((nq.start, nq.end))
                quotes.append(nq)
                done_quotes.add(qi + 1)
            used_cues.add(cue.first)
            out.append(_attr(p, "direct", spans, cue, m, outlet, quotes=quotes, open_end=not quotes[-1].closed))
            continue
        hit = cue_then_quote(p, qi, cues_at)
        if hit:
            cue, m, outlet = hit
            used_cues.add(cue.first)
            done_quotes.add(qi)
            out.append(_attr(p, "direct", [(q.start, q.end)], cue, m, outlet, quotes=[q], open_end=not q.closed))

    covered = [s for a in out for s in a.spans]
    for cue in sorted(cues, key=lambda c: (not _closes_frame(p, c), c.first)):
        if cue.first in used_cues or not (cue.report or cue.phrase):
            continue
        start = toks[cue.first].start
        if any(s <= start < e for s, e in covered):
            continue  # a cue inside another statement's content
        s_lo, s_hi = p.sentences[p.sent_of[cue.first]]
        if cue.phrase:
            a = according_to(p, cue, s_lo, s_hi)
        else:
            a = reported_clause(p, cue, s_lo, s_hi)
        if a is None:
            continue
        used_cues.add(cue.first)
        for qi, q in enumerate(p.quotes):
            if any(s <= q.open and q.outer_end <= e + 1 for s, e in a.spans):
                done_quotes.add(qi)
        a.quotes = [q for q in p.quotes if any(s <= q.open < e for s, e in a.spans)]
        out.append(a)
        covered.extend(a.spans)

    out.extend(_unattributed_quotes(p, done_quotes, out))
    out.sort(key=lambda a: a.spans[0][0])
    return out


def _unattributed_quotes(p: Paragraph, done: set[int], found: list[Attribution]) -> list[Attribution]:
    """Quotes with no cue of their own: a quote-only paragraph, or a quote opening a sentence
    in a paragraph whose other quote is attributed. Scare quotes stay out."""
    toks = p.tokens
    outside_words = [t for i, t in enumerate(toks) if p.quote_of[i] is None and t.is_word]
    has_direct = any(a.kind == "direct" for a in found)
    out = []
    for qi, q in enumerate(p.quotes):
        if qi in done:
            continue
        if any(s <= q.start < e for a in found for s, e in a.spans):
            continue
        open_tok = next(i for i, t in enumerate(toks) if t.start >= q.open)
        sent_start = p.sentences[p.sent_of[open_tok]][0]
        words = p.words_between(open_tok, len(toks) - 1) if not q.closed else \
            sum(1 for i, t in enumerate(toks) if p.quote_of[i] == qi and t.is_word)
        quote_only = not outside_words
        opens_sentence = open_tok == sent_start or all(not t.is_word for t in toks[sent_start:open_tok])
        if quote_only or (has_direct and opens_sentence and words >= _MIN_CONTENT_WORDS):
            out.append(Attribution(kind="direct", spans=[(q.start, q.end)], paragraph=p.index,
                                   inherit=True, quotes=[q], open_end=not q.closed))
    return out
