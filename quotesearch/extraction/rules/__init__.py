"""The attribution rules, in the order they run on each paragraph of a ``Document``.

A rule is a function ``rule(paragraph, taken) -> Found``: it reads the paragraph and what the rules
before it took (``Taken``, read-only), and returns what it found and what it used (the cues and the
quotes it attributed). ``run`` merges the results in ``RULES`` order, so precedence between rules
is this list and nothing else; a rule can be left out by name (``extract(article, disabled={"reported"})``)
to measure what it contributes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from ..paragraph import Attribution, Paragraph


@dataclass(frozen=True, slots=True)
class Found:
    """What one rule found in a paragraph, and what it used: the token index of each cue it read
    as a statement's cue, and the index of each quote whose statement it made."""

    attributions: tuple[Attribution, ...] = ()
    cues: frozenset[int] = frozenset()
    quotes: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Taken:
    """What the rules before one have found in a paragraph: their statements in rule order, the
    cues and quotes they used."""

    attributions: tuple[Attribution, ...] = ()
    cues: frozenset[int] = frozenset()
    quotes: frozenset[int] = frozenset()

    @property
    def covered(self) -> list[tuple[int, int]]:
        """Every content span taken, as ``(start, end)`` character offsets."""
        return [s for a in self.attributions for s in a.spans]

    @property
    def claimed(self) -> set[int]:
        """Where the statements taken start: the content starting at an offset is one statement's."""
        return {a.spans[0][0] for a in self.attributions}

    def open_quotes(self, p: Paragraph, covered: list[tuple[int, int]]):
        """(index, quote) of each quote of ``p`` that no rule before took and no span of ``covered``
        (``self.covered``, which the caller may extend as it goes) holds the opening of."""
        for qi, q in enumerate(p.quotes):
            if qi not in self.quotes and not any(s <= q.open < e for s, e in covered):
                yield qi, q

    def plus(self, found: Found) -> "Taken":
        if not (found.attributions or found.cues or found.quotes):
            return self
        # a statement whose content trims to nothing ("“,” Smith said") says nothing: it is not kept,
        # though its cue and quote stay used
        said = tuple(a for a in found.attributions if a.spans)
        return Taken(self.attributions + said, self.cues | found.cues, self.quotes | found.quotes)


Rule = Callable[[Paragraph, Taken], Found]
NOTHING = Found()        # what a rule that found nothing returns (one object: most rules find nothing in most paragraphs)

from .attribute import colon_headline_rule, quoted_words_rule, reported_rule, unattributed_rule  # noqa: E402
from .direct import direct_rule  # noqa: E402
from .frames import possessed_noun_rule  # noqa: E402

RULES: tuple[tuple[str, Rule], ...] = (
    ("direct", direct_rule),              # a quote with a cue of its own: “…,” X said / X said: “…” / split quotes
    ("reported", reported_rule),          # X said (that) …, …, X said. / …, according to X (cues closing a frame first)
    ("quoted_words", quoted_words_rule),  # X thought the buzz was “artificially nourished …”
    ("noun_cue", possessed_noun_rule),    # His remarks that “…” (a speech noun with a possessor)
    ("headline", colon_headline_rule),    # Lynch: No outside influence … (a paragraph nothing else attributed)
    ("unattributed", unattributed_rule),  # a quote-only paragraph: the speaker of the statement before
)
NAMES = tuple(name for name, _ in RULES)


def select(disabled: Iterable[str] = ()) -> tuple[tuple[str, Rule], ...]:
    """``RULES`` without the named ones; an unknown name is a ``ValueError`` naming the known ones."""
    disabled = set(disabled)
    unknown = disabled - set(NAMES)
    if unknown:
        raise ValueError(f"unknown rule(s) {', '.join(sorted(unknown))}; the rules are {', '.join(NAMES)}")
    return tuple((name, rule) for name, rule in RULES if name not in disabled)


_START = Taken()


def run(p: Paragraph, rules: Iterable[tuple[str, Rule]] = RULES) -> list[Attribution]:
    """The statements ``rules`` find in one paragraph, in reading order."""
    taken = _START
    for _, rule in rules:
        found = rule(p, taken)
        if found is not NOTHING:    # (what most rules return for most paragraphs: nothing to add)
            taken = taken.plus(found)
    return sorted(taken.attributions, key=lambda a: a.spans[0][0])
