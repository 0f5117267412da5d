"""Speech cues: speech and writing verbs ("said", "told", "added") and phrases ("according to")."""
from __future__ import annotations

from dataclasses import dataclass

from . import lexicon
from .segment import Token


@dataclass
class Cue:
    first: int      # token index of the cue's first token
    last: int       # token index of its last token (inclusive)
    lemma: str
    phrase: bool    # a multi-word phrase such as "according to"
    report: bool    # may introduce reported speech without quote marks

    def text(self, tokens: list[Token], source: str) -> str:
        return source[tokens[self.first].start:tokens[self.last].end]


def _is_verb_use(tokens: list[Token], i: int) -> bool:
    """Reject nouns that share a verb's spelling ("the claims", "a report", "United States")."""
    tok = tokens[i]
    if not tok.text.islower():
        return False
    if i > 0:
        prev = tokens[i - 1].lower
        if prev in lexicon.determiners() or prev.endswith(("’s", "'s")):
            return False
    return True


def phrase_cues(tokens: list[Token]) -> list[Cue]:
    """Multi-word cues ("according to") found in the tokens."""
    out = []
    lowers = [t.lower for t in tokens]
    for phrase in lexicon.cue_phrases():
        words = phrase.split()
        n = len(words)
        for i in range(len(tokens) - n + 1):
            if lowers[i:i + n] == words:
                out.append(Cue(i, i + n - 1, phrase, True, True))
    return out


def verb_phrase_cues(tokens: list[Token]) -> list[Cue]:
    """Speech verbs of several words ("pointed out")."""
    out = []
    lowers = [t.lower for t in tokens]
    for words, lemma in lexicon.speech_phrases().items():
        n = len(words)
        for i in range(len(tokens) - n + 1):
            if tuple(lowers[i:i + n]) == words and _is_verb_use(tokens, i):
                out.append(Cue(i, i + n - 1, lemma, False, True))
    return out


def verb_cues(tokens: list[Token]) -> list[Cue]:
    """Speech verbs used as verbs."""
    verbs = lexicon.speech_verbs()
    reports = lexicon.report_verbs()
    out = []
    for i, tok in enumerate(tokens):
        lemma = verbs.get(tok.lower)
        if lemma and _is_verb_use(tokens, i):
            out.append(Cue(i, i, lemma, False, tok.lower in reports))
    return out


def find_cues(tokens: list[Token]) -> list[Cue]:
    """All cues in token order; a phrase wins over a verb inside it."""
    phrases = phrase_cues(tokens) + verb_phrase_cues(tokens)
    taken = {i for c in phrases for i in range(c.first, c.last + 1)}
    cues = phrases + [c for c in verb_cues(tokens) if c.first not in taken]
    return sorted(cues, key=lambda c: c.first)
