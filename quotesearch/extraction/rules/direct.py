"""Rules for direct quotes: attribution after the quote, before it, split quotes, quotes that
borrow the speaker of the quote before them, and headline colons ("Lynch: No outside influence")."""
from __future__ import annotations

from dataclasses import replace
from itertools import compress, repeat
from operator import attrgetter, is_

from .. import lexicon
from ..cues import Cue
from . import NOTHING, Found, Taken
from .frames import after_cue, main_subject, speaker_before
from ..mentions import Mention, capitalized, np_after
from ..paragraph import (MIN_CONTENT_WORDS, SENTENCE_END, Attribution, Paragraph, clean_span, extend_over_quotes, frame_end,
                        kind_of, make)

_INTRO = ":,—–-"
_IS_WORD = attrgetter("is_word")


def _inverted_speaker(p: Paragraph, cue: Cue, hi: int) -> Mention | None:
    if cue.phrase:
        from .reported import according_speaker
        return according_speaker(p, cue.last + 1, hi)[0]
    return np_after(p.tokens, cue.last + 1, hi)


def quote_then_cue(p: Paragraph, qi: int, cues_at: dict[int, Cue]):
    """“…,” Barros said. / “…,” said Barros. / “…,” X, a spokesman for Y, told Z.
    Returns (cue, mention, outlet, last frame token) or None."""
    toks = p.tokens
    j = p.quote_tokens(qi)[1] + 1
    if j >= len(toks) or p.quote_of[j] is not None:
        return None
    while j < len(toks) and toks[j].text in _INTRO:
        j += 1
    hi = frame_end(p, j)
    if j > hi:
        return None
    if not cues_at:                 # (a paragraph without cues) only a verb of any kind can be the frame's
        return _inverted_any_verb(p, qi, j, hi)
    cue = cues_at.get(j)
    if cue is not None and not toks[cue.last].lower.endswith("ing"):  # inverted: said Barros (not ", claiming he …")
        m = _inverted_speaker(p, cue, hi)
        return (cue, m, None, hi) if m is not None else None
    if cue is None and not any(map(cues_at.__contains__, range(j, hi + 1))):   # "…,” retired Gen. X told: the cue's
        inverted = _inverted_any_verb(p, qi, j, hi)
        if inverted is not None:
            return inverted
    for c in range(j, min(hi, j + 45) + 1):
        cue = cues_at.get(c)
        if cue is None or cue.phrase or cue.mixed_only:
            continue
        m, negated = speaker_before(p, cue, j)
        if negated or m is None:
            return None
        first = min(m.first, m.appositive[0]) if m.appositive else m.first
        if first != j and not (first == j + 1 and toks[j].lower in lexicon.determiners()):
            if not _role_prefix(p, j, first, cues_at):
                return None
            # "minister of mines and energy Tom Alweendo told": role words before the phrase found
            m = replace(m, first=j, role=(j, (m.name[0] - 1) if m.name else m.last))
        k, outlet = after_cue(p, cue, hi)
        if k <= hi and (toks[k - 1].lower == "that" or _new_statement(p, qi, k, hi)):
            return None  # "“….” The company said its moves had worked": a statement of its own
        return cue, m, outlet, hi
    return None


def _inverted_any_verb(p: Paragraph, qi: int, j: int, hi: int):
    """“…,” grumbled Rosa Delacroix / “…?” sighs union steward Tomas Brekke / “…,” Rosa Delacroix
    grumbled: a quote closed on a comma (or ? !), then a lowercase verb in -ed/-s or an irregular past
    and a proper name, in either order, ending the frame or followed by a comma: the construction itself
    marks speech, whatever the verb."""
    toks = p.tokens
    q = p.quotes[qi]
    if not q.closed or p.source[q.start:q.end].rstrip()[-1:] not in (",", "?", "!") or j + 1 > hi:
        return None
    if _any_verb(toks[j]):
        m = np_after(toks, j + 1, hi)
        if m is None or m.name is None:
            return None
        end = m.appositive[1] if m.appositive else m.last
        verb = j
    else:                       # “…,” Rosa Delacroix grumbled.
        m = np_after(toks, j, hi, appositive=False)
        if m is None or m.name is None or m.first != j or m.last + 1 > hi or not _any_verb(toks[m.last + 1]):
            return None
        end = verb = m.last + 1
    if end < hi and toks[end + 1].text not in ",.;!?":
        return None     # "“…,” proved Rosa's point": the name goes on into a clause of its own
    return Cue(verb, verb, toks[verb].lower, False, False), m, None, hi


def _any_verb(t) -> bool:
    """A lowercase word in -ed or -s or an irregular past: a verb where the construction expects one."""
    low = t.lower
    return t.is_word and t.text.islower() and low not in lexicon.stop_words() and (
        low.endswith(("ed", "s")) or low in lexicon.words("irregular_past"))


def _role_prefix(p: Paragraph, j: int, first: int, cues_at: dict[int, Cue]) -> bool:
    """Lowercase role words before a speaker phrase, such as "minister of mines and energy"."""
    toks = p.tokens[j:first]
    return 0 < len(toks) <= 8 and all(t.is_word and not t.text[:1].isupper() for t in toks) and not any(
        i in cues_at for i in range(j, first)) and toks[0].lower not in lexicon.words("clause_links")


def _new_statement(p: Paragraph, qi: int, k: int, hi: int) -> bool:
    """After a quote closed with a full stop, "X said" followed by a clause starts a new statement;
    "…,” she said when asked" or "…,” he said of the plan" is still the quote's frame."""
    q = p.quotes[qi]
    if not q.closed or p.source[q.end - 1:q.end] != ".":
        return False
    return _clause_follows(p, k, hi)


def _clause_follows(p: Paragraph, k: int, hi: int) -> bool:
    """Whether the cue's own clause starts at ``k``: more than four words before a comma, not opened
    by a function word ("when asked", "of the plan")."""
    words = 0
    for t in p.tokens[k:hi + 1]:
        if t.text in ",;:—–-":
            break
        words += t.is_word
    return words > 4 and p.tokens[k].lower not in lexicon.stop_words()


def cue_then_quote(p: Paragraph, qi: int, cues_at: dict[int, Cue]):
    """Barros said: “…” / Barros told The Post, “…” / He added “…”. Returns (cue, mention, outlet)."""
    if not cues_at:
        return None
    toks = p.tokens
    open_tok = p.quote_tokens(qi)[0]
    lo = p.sentence(open_tok)[0] if open_tok < len(toks) else 0
    if qi > 0:
        lo = max(lo, p.quote_tokens(qi - 1)[1] + 1)
    k = open_tok - 1
    while k >= lo and toks[k].text in _INTRO:
        k -= 1
    for c in range(k, max(lo, k - 8) - 1, -1):
        cue = cues_at.get(c)
        if cue is None or cue.phrase or cue.mixed_only:
            continue
        nxt, outlet = after_cue(p, cue, k)
        inverted = None
        if nxt <= k:
            if toks[open_tok - 1].text in _INTRO and (cue.first == lo or toks[cue.first - 1].text == ","):
                inverted = np_after(toks, cue.last + 1, k)        # "But, said Solovey, “…”"
            if inverted is None or (inverted.appositive[1] if inverted.appositive else inverted.last) != k:
                return None  # words between cue and quote: a reported clause holding a quote
        if toks[nxt - 1].lower == "that" or (open_tok - 1 != cue.last and toks[open_tok - 1].text not in _INTRO
                                             and outlet is None and inverted is None):
            return None  # "said that “…”" is mixed; "said on ABC's “This Week”" names a show
        m, negated = (inverted, False) if inverted is not None else speaker_before(p, cue, lo)
        if negated or m is None:
            return None
        return cue, m, outlet
    return None


def _clause_after_quote(p: Paragraph, qi: int, cues_at: dict[int, Cue]) -> int | None:
    """The last token of words that go on the quoted clause after its closing mark, up to the end
    of the sentence ("… “I have not heard that concern” from law enforcement officials."), or None:
    when the quote ends its sentence, when a comma, a conjunction ("and left"), another quote or
    another cue follows."""
    toks = p.tokens
    q = p.quotes[qi]
    if not q.closed or p.source[q.start:q.end].rstrip()[-1:] in (".", "?", "!", ","):
        return None
    k = p.quote_tokens(qi)[1] + 1
    hi = p.sentence(k - 1)[1]
    hi = next((i - 1 for i in range(k, hi + 1) if toks[i].text in ("—", "–", ";", "(")), hi)  # an aside ends it
    while hi >= k and not toks[hi].is_word:
        hi -= 1
    if hi < k or toks[k].text in ",;:—–-(" or toks[k].lower in lexicon.words("clause_links"):
        return None
    if any(p.quote_of[i] is not None or i in cues_at for i in range(k, hi + 1)):
        return None
    return hi if p.words_between(k, hi) >= 2 else None


def _opens_sentence(p: Paragraph, open_tok: int) -> bool:
    lo = p.sentence(open_tok)[0]
    return not any(map(_IS_WORD, p.tokens[lo:open_tok]))     # no word before it in its sentence


def _quote_then_cue_statement(p: Paragraph, qi: int, hit) -> tuple[Attribution | None, frozenset[int]]:
    """The statement of quote ``qi`` attributed after it (“…,” X said), with the quotes it takes: a
    split quote's second half (“A,” X said, “B.”) goes with it; a quote inside a clause makes the
    whole clause a mixed statement ("… a “burn bag,” the Times reported."), unless the cue has a
    clause of its own (then nothing)."""
    toks = p.tokens
    q = p.quotes[qi]
    cue, m, outlet, hi = hit
    open_tok = p.quote_tokens(qi)[0]
    if not _opens_sentence(p, open_tok) and not _after_intro(p, open_tok):
        if m.first < cue.first and _clause_follows(p, after_cue(p, cue, hi)[0], hi):
            return None, frozenset()  # "On Fox's “Sunday Futures,” Rep. Issa said Democrats …": the cue has its own clause
        lo = p.sentence(open_tok)[0]
        return make(p, "mixed", [(toks[lo].start, q.end)], cue, m, outlet, quotes=[q]), frozenset((qi,))
    spans, quotes, taken = [(q.start, q.end)], [q], {qi}
    nxt = qi + 1
    if (toks[hi].text == "," or toks[hi].text in _DASHES) and nxt < len(p.quotes) and hi + 1 < len(toks) \
            and p.quote_of[hi + 1] == nxt and not quote_then_cue(p, nxt, p.cues_at):
        nq = p.quotes[nxt]                         # “A,” X said, “B.” / “A”—she said—“B.”
        spans.append((nq.start, nq.end))
        quotes.append(nq)
        taken.add(nxt)
    return make(p, "direct", spans, cue, m, outlet, quotes=quotes, open_end=not quotes[-1].closed), frozenset(taken)


def _cue_then_quote_statement(p: Paragraph, qi: int, hit) -> Attribution:
    """The statement of quote ``qi`` attributed before it (X said: “…”); 'X said “it gets me mad”
    every time …' is the whole clause, mixed."""
    q = p.quotes[qi]
    cue, m, outlet = hit
    tail = _clause_after_quote(p, qi, p.cues_at)
    if tail is not None:
        return make(p, "mixed", [(q.open, p.tokens[tail].end)], cue, m, outlet, quotes=[q])
    return make(p, "direct", [(q.start, q.end)], cue, m, outlet, quotes=[q], open_end=not q.closed)


def direct_rule(p: Paragraph, taken: Taken) -> Found:
    """Every quote with a cue of its own, split quotes joined; a quote after a colon goes to the
    clause's subject. Returns the statements with the cues and quotes they used."""
    if not p.quotes:
        return NOTHING
    cues_at = p.cues_at
    out: list[Attribution] = []
    used: set[int] = set()
    done: set[int] = set(taken.quotes)
    for qi, q in enumerate(p.quotes):
        if qi in done:
            continue
        beat = action_beat(p, qi)
        if beat is not None:                        # “A”—she paused—“B”: one statement
            nq = p.quotes[qi + 1]
            hit = quote_then_cue(p, qi + 1, cues_at)
            if hit and _opens_sentence(p, p.quote_tokens(qi)[0]):
                cue, m, outlet = hit[0], hit[1], hit[2]
                used.add(cue.first)
            else:
                cue, m, outlet = None, beat, None
            done |= {qi, qi + 1}
            out.append(make(p, "direct", [(q.start, q.end), (nq.start, nq.end)], cue, m, outlet,
                            cue_word=None if cue else "—", quotes=[q, nq], open_end=not nq.closed))
            continue
        hit = quote_then_cue(p, qi, cues_at)
        if hit:
            a, quotes = _quote_then_cue_statement(p, qi, hit)
            if a is None:
                continue
            done |= quotes
            used.add(hit[0].first)
            out.append(a)
            continue
        hit = cue_then_quote(p, qi, cues_at)
        if hit:
            used.add(hit[0].first)
            done.add(qi)
            out.append(_cue_then_quote_statement(p, qi, hit))
            continue
        m = colon_quote(p, qi)
        if m is not None:
            done.add(qi)
            out.append(make(p, "direct", [(q.start, q.end)], None, m, quotes=[q], open_end=not q.closed, cue_word=":"))
            continue
        sig = dash_signature(p, qi)
        if sig is not None:
            done.add(qi)
            out.append(make(p, "direct", [(q.start, q.end)], None, sig, quotes=[q], cue_word=p.tokens[
                p.quote_tokens(qi)[1] + 1].text))
            continue
        m = subject_before_quote(p, qi)
        if m is not None:
            done.add(qi)
            out.append(make(p, "direct", [(q.start, q.end)], None, m, quotes=[q], open_end=not q.closed))
    return Found(tuple(out), frozenset(used), frozenset(done - taken.quotes)) if out else NOTHING


_DASHES = ("-", "—", "–", "--")


def dash_signature(p: Paragraph, qi: int) -> Mention | None:
    """“…” — Chairwoman Lucia Fenwick-Addo / “…” -Commissioner X: a paragraph that is one closed quote,
    then a dash and a name (titles before it, an appositive after it) and nothing else."""
    toks = p.tokens
    first, last = p.quote_tokens(qi)
    q = p.quotes[qi]
    if not q.closed or last + 2 >= len(toks) or toks[last + 1].text not in _DASHES \
            or any(map(_IS_WORD, toks[:first])):
        return None         # (the dash asked first: few quotes have one after them)
    hi = len(toks) - 1
    while hi > last + 1 and toks[hi].text in ".":
        hi -= 1
    m = np_after(toks, last + 2, hi)
    if m is None or m.name is None or (m.appositive[1] if m.appositive else m.last) != hi:
        return None
    return m


def action_beat(p: Paragraph, qi: int) -> Mention | None:
    """“The library hours are”—Councillor X leaned towards the microphone—“not up for negotiation”:
    a closed quote, a dash, a clause with no quote and no cue whose subject can speak, a dash, and the
    next quote at once. Returns the clause's subject."""
    toks = p.tokens
    if qi + 1 >= len(p.quotes) or not p.quotes[qi].closed:
        return None
    last = p.quote_tokens(qi)[1]
    nfirst = p.quote_tokens(qi + 1)[0]
    if last + 3 >= nfirst or toks[last + 1].text not in _DASHES or toks[nfirst - 1].text not in _DASHES:
        return None
    lo, hi = last + 2, nfirst - 2
    if any(toks[i].text in _DASHES or toks[i].text in SENTENCE_END or i in p.cues_at for i in range(lo, hi + 1)):
        return None
    m = np_after(toks, lo, hi, appositive=False)
    if m is None or not (m.name or m.head in lexicon.pronouns()) or m.last >= hi:
        return None
    verb = toks[m.last + 1]
    return m if verb.is_word and verb.text.islower() else None


_BEAT_WORDS = 15     # an action sentence before a quote is short


def subject_before_quote(p: Paragraph, qi: int) -> Mention | None:
    """Mayor X turned to the front row. “We should have closed that road.”: a quote that is a sentence
    of its own, right after a short one-clause sentence with no quote and no cue whose subject is a
    named person or a he/she; the quote is that person's. A paragraph with a cue anywhere is left to the cue."""
    toks = p.tokens
    first, last = p.quote_tokens(qi)
    q = p.quotes[qi]
    if p.cues or not q.closed or p.source[q.start:q.end].rstrip()[-1:] not in SENTENCE_END \
            or p.words_between(first, last) < MIN_CONTENT_WORDS:
        return None
    s = p.sent_of[first]
    if s == 0 or not _opens_sentence(p, first) or p.sentences[s][0] != first:
        return None
    lo, hi = p.sentences[s - 1]
    if any(p.quote_of[i] is not None or toks[i].text in ",;:—–" for i in range(lo, hi + 1)) \
            or toks[hi].text != "." or p.words_between(lo, hi) > _BEAT_WORDS:
        return None     # one short clause: "X turned to the front row." (not "Y won't, but X wants …")
    m = np_after(toks, lo, hi, appositive=False)
    if m is None or m.last + 1 >= hi or not toks[m.last + 1].text.islower():
        return None
    if m.name is None and toks[m.first].lower not in ("he", "she"):
        return None
    return m


def _person_name(m: Mention, toks) -> bool:
    """A name of two words or more, or one after a title ("Mayor Quayle"), every word of the phrase
    capitalized: not a capitalized opener ("But", "Yet") nor "X’s latest documents show Y" read as a name."""
    return m.name is not None and (m.name[1] > m.name[0] or m.role is not None) and all(
        capitalized(t) for t in toks[m.first:m.last + 1] if t.is_word)


def intro_line(p: Paragraph) -> tuple[Mention, Cue | None] | None:
    """A paragraph that only says who speaks next and ends in a colon: "And from Chairwoman Y:",
    "From the desk of X, senior analyst, Z:", or a transcript's "… Senator X replied:". Returns the
    speaker and the cue (None for a "from" line)."""
    toks = p.tokens
    if p.quotes or len(toks) < 3 or toks[-1].text != ":" or any(t.text == ":" for t in toks[:-1]):
        return None
    hi = len(toks) - 2
    cue = next((c for c in p.cues if c.last == hi and not c.phrase and not c.mixed_only), None)
    if cue is not None:         # "referring to the trade boycott—Senator X replied:"
        lo = max((i + 1 for i in range(cue.first) if toks[i].text in _DASHES or toks[i].text in SENTENCE_END
                  or toks[i].text == ";"), default=0)
        m, negated = speaker_before(p, cue, lo)
        return (m, cue) if m is not None and not negated and (m.name or m.head in lexicon.pronouns()) else None
    k = 1 if toks[0].lower in ("and", "but", "also") else 0
    if toks[k].lower != "from" or p.cues or p.words_between(0, hi) > 20:
        return None
    k += 1
    if toks[k].lower == "the" and k + 3 <= hi and toks[k + 2].lower == "of" and toks[k + 1].text.islower() \
            and capitalized(toks[k + 3]):
        k += 3                  # "from the desk of", "from the office of" + a name
    m = np_after(toks, k, hi)
    if m is None or m.name is None or m.first != k:
        return None
    return m, None


def intro_statement(intro: Paragraph, p: Paragraph) -> Attribution | None:
    """The statement of paragraph ``p`` after an intro line (``intro_line``): its quotes when it is
    made of quotes only; its whole text, as direct speech without marks, after a transcript's
    "X replied:"."""
    found = intro_line(intro)
    if found is None or not p.tokens:
        return None
    m, cue = found
    outside = _words_outside_quotes(p)
    if p.quotes and not outside:
        spans = [(q.start, q.end) for q in p.quotes]
        quotes, open_end = list(p.quotes), not p.quotes[-1].closed
    elif not p.quotes and cue is not None and p.words_between(0, len(p.tokens) - 1) >= MIN_CONTENT_WORDS \
            and p.tokens[-1].text in SENTENCE_END:      # an answer in sentences, not a list of points
        spans, quotes, open_end = [(p.start, p.end)], [], False
    else:
        return None
    a = make(intro, "direct", spans, cue, m, cue_word=None if cue else ":", quotes=quotes, open_end=open_end)
    return replace(a, paragraph=p.index)


def about_someone(before: Paragraph, a: Attribution) -> Attribution | None:
    """A quote paragraph with no cue of its own (``a`` borrows a speaker) right after a paragraph with no
    statement whose first sentence is about a named person ("Mayor X turned to the front row.") is that
    person's, not the last speaker's: the statement with X as its mention. Not when the quote names X
    ("Anil brings years of experience": said about him, not by him)."""
    toks = before.tokens
    if before.quotes or before.cues or not toks:
        return None
    lo, hi = before.sentences[0]
    m = np_after(toks, lo, hi, appositive=False)
    if m is None or not _person_name(m, toks) or m.name[1] != m.last or m.first != lo or m.last + 1 > hi \
            or not toks[m.last + 1].text.islower():
        return None     # the phrase is the name ("X’s budget documents show …" is not about X speaking)
    said = {w.lower() for s, e in a.spans for w in before.source[s:e].replace("’", " ").split()}
    if any(t.lower in said for t in toks[m.name[0]:m.name[1] + 1] if t.is_word):
        return None
    b = make(before, a.kind, a.spans, None, m, quotes=a.quotes, open_end=a.open_end)
    return replace(b, paragraph=a.paragraph)


def colon_quote(p: Paragraph, qi: int) -> Mention | None:
    """"She then addressed the supporters: “…”": a quote after a colon belongs to the clause's subject."""
    open_tok = p.quote_tokens(qi)[0]
    if open_tok == 0 or p.tokens[open_tok - 1].text != ":":
        return None
    lo = p.sentence(open_tok)[0]
    if qi > 0 and p.quote_tokens(qi - 1)[1] >= lo:
        return None
    m = main_subject(p, lo, open_tok - 2)
    return m if m is not None and m.first <= lo + 1 else None


def _after_intro(p: Paragraph, open_tok: int) -> bool:
    """A quote introduced by a colon or comma ("…, adding: “…”") is a quote of its own."""
    return open_tok > 0 and p.tokens[open_tok - 1].text in ":,—–"


def unattributed_quotes(p: Paragraph, done: set[int], found: list[Attribution]) -> list[Attribution]:
    """Quotes with no cue of their own: a quote-only paragraph, or a quote opening a sentence
    in a paragraph whose other quote is attributed. Scare quotes stay out."""
    toks = p.tokens
    outside_words = _words_outside_quotes(p)
    out = []
    for qi, q in enumerate(p.quotes):
        if qi in done or any(s <= q.start < e for a in found for s, e in a.spans):
            continue
        first, last = p.quote_tokens(qi)
        if not outside_words:
            if _heading(p.source[q.start:q.end]):
                continue                # a quoted subheading
        elif not (any(a.cue and a.spans[0][0] < q.open for a in found)
                  and p.words_between(first, last) >= MIN_CONTENT_WORDS
                  and (_opens_sentence(p, first) or first > 0 and toks[first - 1].text in ".!?")):
            continue    # words outside quotes: only a quote opening a sentence after a statement with a cue
            # (asked first: few quotes have one before them)
        out.append(Attribution(kind="direct", spans=[(q.start, q.end)], paragraph=p.index,
                               inherit=True, quotes=[q], open_end=not q.closed))
    return out


def _words_outside_quotes(p: Paragraph) -> bool:
    """Whether a word of ``p`` stands outside its quotes: the word flags of the tokens in no quote,
    read at C level."""
    return any(compress(p.is_word, map(is_, p.quote_of, repeat(None))))


def _heading(text: str) -> bool:
    """A quoted subheading: no lowercase letters ("‘WE HAD PLANS’"), or a few Title Case words
    without a sentence's closing punctuation."""
    letters = [c for c in text if c.isalpha()]
    if letters and not any(c.islower() for c in letters):
        return True
    words = text.split()
    return len(words) <= 6 and text.rstrip()[-1:] not in ".!?,…" and all(w[:1].isupper() or not w[:1].isalpha()
                                                                        for w in words)


def colon_headline(p: Paragraph) -> Attribution | None:
    """"Lynch: No outside influence on FBI probe" — a name, a colon, then what was said.
    Only at the start of a paragraph, with a capitalized speaker that is not a rubric ("Analysis:")."""
    toks = p.tokens
    n = min(len(toks), 8)
    if n == 0 or p.source.find(":", toks[0].start, toks[n - 1].end) < 0:
        return None     # no ":" in the first eight tokens' text, so no colon token (most paragraphs)
    colon = next((i for i in range(n) if toks[i].text == ":"), None)
    if colon is None or colon == 0 or p.words_between(colon + 1, len(toks) - 1) < MIN_CONTENT_WORDS:
        return None
    m = np_after(toks, 0, colon - 1, appositive=False)
    if m is None or m.last != colon - 1 or not any(t.is_word and t.text[0].isupper() for t in toks[:colon]):
        return None
    if _rubric(toks[:colon]) or any(t.text in lexicon.speech_verbs() for t in toks[:colon]):
        return None
    hi = len(toks) - 1
    spans = [(toks[colon + 1].start, toks[hi].end)]
    q_all = len(p.quotes) == 1 and p.quotes[0].open == toks[colon + 1].start
    kind = "direct" if q_all else kind_of(p, spans)
    if q_all:
        spans = [(p.quotes[0].start, p.quotes[0].end)]
    return make(p, kind, spans, None, m, quotes=list(p.quotes), cue_word=":")



def _rubric(label: list) -> bool:
    """A section label ("The Latest", "Analysis", "BOOM"), not a speaker."""
    words = [t.lower for t in label if t.is_word]
    if words[:1] == ["the"]:
        words = words[1:]
    return bool(words) and words[0] in lexicon.words("rubrics")


def _title_case(p: Paragraph, first: int, last: int) -> bool:
    words = [t for t in p.tokens[first:last + 1] if t.is_word and len(t.text) > 3]
    return bool(words) and sum(t.text[0].isupper() for t in words) >= 0.6 * len(words)


def subject_with_quoted_words(p: Paragraph, qi: int) -> Attribution | None:
    """"Bolton thought the buzz was “artificially nourished by her husband’s skills.”": a clause whose
    subject is a speaker and which holds a quoted fragment of three words or more. Shorter fragments
    and Title Case ones (“Saturday Night Live”) are scare quotes and titles, not statements."""
    toks = p.tokens
    first, last = p.quote_tokens(qi)
    if p.words_between(first, last) < MIN_CONTENT_WORDS or _opens_sentence(p, first) \
            or _title_case(p, first, last):
        return None     # (a quote opening its sentence is ruled out before its words are read for Title Case)
    lo, hi = p.sentence(first)
    m = main_subject(p, lo, first - 1)
    if m is None or not (m.name or m.head in lexicon.pronouns() or toks[m.first].lower in lexicon.determiners()):
        return None
    verb = m.last + 1
    while verb < first and (toks[verb].lower in lexicon.auxiliaries() or toks[verb].lower.endswith("ly")):
        verb += 1
    low = toks[verb].lower
    if verb >= first - 1 or not toks[verb].text.islower() or not toks[verb].is_word \
            or low in lexicon.stop_words() or not (low.endswith(("ed", "s")) or low in lexicon.words("irregular_past")):
        return None
    hi = extend_over_quotes(p, verb + 1, hi)
    return make(p, "mixed", [clean_span(p, verb + 1, hi)], None, m, quotes=[p.quotes[qi]], cue_word=toks[verb].text)
