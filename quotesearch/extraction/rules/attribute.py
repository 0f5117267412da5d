"""Attribution of one paragraph: direct quotes first, then reported speech, then quotes that
borrow a speaker. Each rule lives in ``direct`` or ``reported``, named for what it matches."""
from __future__ import annotations

from .. import lexicon
from ..cues import Cue, find_cues
from .direct import colon_headline, direct_quotes, subject_with_quoted_words, unattributed_quotes
from .frames import after_cue, skip_adjuncts
from ..paragraph import Attribution, Paragraph, build_paragraph
from .reported import according_to, reported_clause

__all__ = ["Attribution", "Paragraph", "attribute_paragraph", "build_paragraph"]


def _closes_frame(p: Paragraph, cue: Cue) -> bool:
    """A cue in a frame such as ", Barros said," or ", X said Tuesday." outranks other cues
    in its sentence ("Should Russia conclude …, Barros said, …")."""
    if cue.phrase:   # "…, according to X" covers the whole clause before it
        return cue.first > 0 and p.tokens[cue.first - 1].text in ",—–("
    k, _ = skip_adjuncts(p, cue.last + 1, len(p.tokens) - 1)
    return k >= len(p.tokens) or p.tokens[k].text in ",.!?;"


def _says_that(p: Paragraph, cue: Cue, s_hi: int) -> int | None:
    """Where the clause starts when the cue governs it through an explicit "that" ("joked that …",
    "recalled that …"), else None: verbs that otherwise only frame or introduce quotes report such a clause."""
    start, _ = after_cue(p, cue, s_hi, place=False)
    if cue.last + 1 < start <= s_hi and p.tokens[start - 1].lower == "that":
        return p.tokens[start].start
    return None


def attribute_paragraph(p: Paragraph) -> list[Attribution]:
    """All attributions of one paragraph, in reading order."""
    toks = p.tokens
    cues = [c for c in find_cues(toks, headline=p.index == 0) if p.quote_of[c.first] is None]
    cues_at = {c.first: c for c in cues}
    used: set[int] = set()
    done: set[int] = set()
    out = direct_quotes(p, cues_at, used, done)

    covered = [s for a in out for s in a.spans]
    claimed = {a.spans[0][0] for a in out}   # where statements start: each content is claimed once
    for cue in sorted(cues, key=lambda c: (not _closes_frame(p, c), c.first)):
        start = toks[cue.first].start
        if cue.first in used or any(s <= start < e for s, e in covered):
            continue  # used by a quote, or inside another statement's content
        s_lo, s_hi = p.sentence(cue.first)
        that = None if cue.report or cue.phrase else _says_that(p, cue, s_hi)
        if toks[cue.first].lower in lexicon.frame_verbs() and that is None:
            continue  # a verb that only frames quotes ("he snapped")
        a = according_to(p, cue, s_lo, s_hi) if cue.phrase else reported_clause(p, cue, s_lo, s_hi, cues_at)
        if a is None or not (cue.report or a.kind == "mixed" or a.spans[0][0] == that):
            continue  # quote-only verbs ("called", "described") report only with a quoted fragment or "that"
        if a.spans[0][0] in claimed:
            continue  # content another cue or quote has claimed ("responded …, adding …"): one statement
        claimed.add(a.spans[0][0])
        used.add(cue.first)
        for qi, q in enumerate(p.quotes):
            if any(s <= q.open and q.outer_end <= e + 1 for s, e in a.spans):
                done.add(qi)
        a.quotes = [q for q in p.quotes if any(s <= q.open < e for s, e in a.spans)]
        out.append(a)
        covered.extend(a.spans)

    for qi, q in enumerate(p.quotes):
        if qi in done or any(s <= q.open < e for s, e in covered):
            continue
        a = subject_with_quoted_words(p, qi)
        if a is not None and a.spans[0][0] not in claimed:
            claimed.add(a.spans[0][0])
            done.add(qi)
            out.append(a)
            covered.extend(a.spans)

    if not out:
        headline = colon_headline(p)
        if headline is not None:
            return [headline]
    out.extend(unattributed_quotes(p, done, out))
    out.sort(key=lambda a: a.spans[0][0])
    return out
