"""The paragraph rules after ``direct``: reported speech, quoted words, headline colons and quotes
that borrow a speaker (their order is ``rules.RULES``). What each matches lives in ``direct``,
``reported`` and ``frames``."""
from __future__ import annotations

from functools import lru_cache

from .. import lexicon
from ..cues import Cue
from . import NOTHING, Found, Taken
from .direct import colon_headline, subject_with_quoted_words, unattributed_quotes
from .frames import after_cue, skip_adjuncts
from ..paragraph import Attribution, Paragraph, build_paragraph, colon_dateline
from .reported import according_to, reported_clause

__all__ = ["Attribution", "Paragraph", "build_paragraph", "colon_headline_rule",
           "quoted_words_rule", "reported_rule", "unattributed_rule"]


def _closes_frame(p: Paragraph, cue: Cue) -> bool:
    """A cue in a frame such as ", Barros said," or ", X said Tuesday." outranks other cues
    in its sentence ("Should Russia conclude …, Barros said, …")."""
    if cue.phrase:   # "…, according to X" covers the whole clause before it
        return cue.first > 0 and p.tokens[cue.first - 1].text in ",—–("
    k, _ = skip_adjuncts(p, cue.last + 1, len(p.tokens) - 1)
    return k >= len(p.tokens) or p.tokens[k].text in ",.!?;"


def _says_that(p: Paragraph, cue: Cue, s_hi: int) -> int | None:
    """Where the clause starts when the cue governs it through an explicit "that" ("joked that …",
    "recalled that …", or "if"/"whether": "questioned whether …"), else None: verbs that otherwise only frame or introduce quotes report such a clause."""
    start, _ = after_cue(p, cue, s_hi, place=False)
    if cue.last + 1 < start <= s_hi and p.tokens[start - 1].lower == "that":
        return p.tokens[start].start
    if start <= s_hi and p.tokens[start].lower in ("if", "whether"):
        return p.tokens[start].start   # "questioned if the audit was needed": an indirect question
    return None


def _topic_only(p: Paragraph, cue: Cue, a: Attribution) -> bool:
    """Whether the content is only the topic a preposition names after the cue ("warns of …",
    "speaks about …"), with no quoted words."""
    toks = p.tokens
    k = p.token_at(a.spans[0][0])
    return (cue.last < k - 1 < len(toks) and toks[k - 1].lower in lexicon.prepositions()
            and not a.quotes and a.kind == "indirect")


def _appointment(p: Paragraph, cue: Cue, a: Attribution) -> bool:
    """Whether the cue names someone to a post instead of reporting speech: an appointment verb
    ("confirm", "name" … lexicons/appointment_verbs.txt) whose content is an object and "as" a post
    ("confirmed Marta Oyelaran as its new commissioner"), or, in a headline, a bare noun phrase
    ("Board confirms new water commissioner")."""
    if a.quotes or a.kind != "indirect" or _stem(p.tokens[cue.first].lower) not in lexicon.words("appointment_verbs"):
        return False
    toks = p.tokens
    first, last = p.token_at(a.spans[0][0]), p.token_at(a.spans[-1][1] - 1)
    words = [t.lower for t in toks[first:last + 1]]
    if words and words[0] == "that":
        return False
    if "as" in words[1:8] and "," not in words[:words.index("as")]:
        return True
    return p.index == 0 and len(words) <= 6 and not any(
        w in lexicon.auxiliaries() or w in lexicon.speech_verbs() or w == "that" for w in words)


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    """A verb's stem as the appointment list has it: 'confirmed', 'confirms', 'naming' -> 'confirm', 'nam'.
    (Kept per word: it is asked of a cue's first word, a speech verb form or a phrase's first word.)"""
    for suffix in ("ed", "es", "s", "ing", "d"):
        if word.endswith(suffix) and word[:-len(suffix)] in lexicon.words("appointment_verbs"):
            return word[:-len(suffix)]
    return word


def _reported_one(p: Paragraph, cue: Cue) -> Attribution | None:
    """The statement one cue reports, if it reports one on its own terms (before any other rule's
    claims are weighed)."""
    toks = p.tokens
    s_lo, s_hi = p.sentence(cue.first)
    quote_only = not (cue.report or cue.phrase)     # reports only with "that", "if" or a quoted fragment
    frame = toks[cue.first].lower in lexicon.frame_verbs()
    that = _says_that(p, cue, s_hi) if quote_only and frame else None
    if frame and that is None:
        return None  # a verb that only frames quotes ("he snapped")
    a = according_to(p, cue, s_lo, s_hi) if cue.phrase else reported_clause(p, cue, s_lo, s_hi, p.cues_at)
    if a is not None and p.index == 0 and not cue.phrase and _topic_only(p, cue, a):
        return None  # a headline's "minister warns of regional infighting": a topic, not what was said
    if a is not None and _appointment(p, cue, a):
        return None  # "confirmed Marta Oyelaran as its new commissioner": a post, not what was said
    if a is None:
        return None
    if not (cue.report or a.kind == "mixed" or len(a.spans) > 1):
        # quote-only verbs ("called", "described") report only with a quoted fragment or "that", or as a
        # parenthetical inside what was said ("The cause, Mariam narrates, is that …"); where the "that"
        # clause starts is read only now, when nothing else settles it (half the quote-only cues)
        if quote_only and not frame:
            that = _says_that(p, cue, s_hi)
        if a.spans[0][0] != that:
            return None
    return a


def reported_rule(p: Paragraph, taken: Taken) -> Found:
    """Reported speech, one cue at a time, cues closing a frame (", Barros said,") first: "X said
    (that) …", "…, X said.", "…, according to X". A cue used by a quote, or inside a statement
    already found, reports nothing; nor does one whose content another has claimed."""
    # a cue a quote used reports nothing: left out before the frames are read to order the others
    # (sorting is stable, so the others keep their order)
    free = [c for c in p.cues if c.first not in taken.cues] if taken.cues else p.cues
    if not free:
        return NOTHING
    toks = p.tokens
    covered = taken.covered
    claimed = taken.claimed
    found: list[Attribution] = []
    used: set[int] = set()
    done: set[int] = set()
    if len(free) > 1:   # (sorted() reads the key of a lone cue too)
        free = sorted(free, key=lambda c: (not _closes_frame(p, c), c.first))
    for cue in free:
        start = toks[cue.first].start
        if covered and any(s <= start < e for s, e in covered):
            continue  # inside another statement's content
        a = _reported_one(p, cue)
        if a is None or a.spans[0][0] in claimed:
            continue  # content another cue or quote has claimed ("responded …, adding …"): one statement
        claimed.add(a.spans[0][0])
        used.add(cue.first)
        done.update(qi for qi, q in enumerate(p.quotes) if any(s <= q.open and q.outer_end <= e + 1 for s, e in a.spans))
        a.quotes = [q for q in p.quotes if any(s <= q.open < e for s, e in a.spans)]   # (``a`` is new, ours alone)
        found.append(a)
        covered.extend(a.spans)
    return Found(tuple(found), frozenset(used), frozenset(done)) if found else NOTHING


def quoted_words_rule(p: Paragraph, taken: Taken) -> Found:
    """A quoted fragment of a clause whose subject speaks ("Bolton thought the buzz was “…”"),
    for each quote no statement holds yet."""
    if not p.quotes:
        return NOTHING
    covered = taken.covered
    claimed = taken.claimed
    found: list[Attribution] = []
    done: set[int] = set()
    for qi, q in taken.open_quotes(p, covered):
        a = subject_with_quoted_words(p, qi)
        if a is not None and a.spans[0][0] not in claimed:
            claimed.add(a.spans[0][0])
            done.add(qi)
            found.append(a)
            covered.extend(a.spans)
    return Found(tuple(found), quotes=frozenset(done)) if found else NOTHING


_TITLE_OPENERS = frozenset({"how", "why", "what", "when", "where", "who", "which"})


def _topic_label(p: Paragraph, a: Attribution) -> bool:
    """A headline's label that names a topic, not a speaker ("COVID-19: Trump talks …", "Fires and Burst
    Pipes: How winter …"): it holds a number or a conjunction, or what follows is a title ("How …")."""
    toks = p.tokens
    colon = p.token_at(a.spans[0][0]) - 1
    while colon > 0 and toks[colon].text != ":":
        colon -= 1
    label = toks[:colon]
    after = toks[colon + 1] if colon + 1 < len(toks) else None
    return (any(any(c.isdigit() for c in t.text) or t.lower in ("and", "&") for t in label)
            or after is not None and after.lower in _TITLE_OPENERS)


def colon_headline_rule(p: Paragraph, taken: Taken) -> Found:
    """"Lynch: No outside influence on FBI probe", in a paragraph where nothing else was found and
    that opens with no dateline ("LINDI: …"); it then takes every quote of the paragraph."""
    if taken.attributions or colon_dateline(p.source, p.index, p.start, p.end):
        return NOTHING      # "NEW DELHI: Pakistan's …" is a dateline
    headline = colon_headline(p)
    if headline is None or p.index == 0 and _topic_label(p, headline):
        return NOTHING
    return Found((headline,), quotes=frozenset(range(len(p.quotes))))


def unattributed_rule(p: Paragraph, taken: Taken) -> Found:
    """Quotes with no cue of their own, which borrow the speaker of the statement before."""
    if not p.quotes:
        return NOTHING
    found = unattributed_quotes(p, taken.quotes, list(taken.attributions))
    return Found(tuple(found)) if found else NOTHING
