"""Word lists, loaded once from ``lexicons/*.txt`` (one entry per line, ``#`` comments)."""
from __future__ import annotations

from functools import cache, partial

from ..lexicons import lines as _lines


@cache
def words(name: str) -> frozenset[str]:
    """The first word of every line of ``lexicons/NAME.txt``, lowercased (cached: the rules ask
    about a million times per thousand articles). The one-list helpers below (``titles()``,
    ``stop_words()``, …) are this call with the name bound, by ``functools.partial``: no Python call
    of their own (they were asked 1.2 million times over the PolNeAR texts)."""
    return frozenset(line.split()[0].lower() for line in _lines(name + ".txt"))


@cache
def _verb_lines() -> list[tuple[list[str], str]]:
    """(forms, class) per line; class is "report", "quote", "frame" or "mixed"."""
    out = []
    for line in _lines("speech_verbs.txt"):
        forms, _, mark = line.lower().partition("|")
        out.append((forms.split(), mark.strip() or "report"))
    return out


@cache
def speech_verbs() -> dict[str, str]:
    """Every inflected speech/writing verb form -> its lemma (cues for direct quotes)."""
    return {form: parts[0] for parts, _ in _verb_lines() for form in parts}


@cache
def report_verbs() -> dict[str, str]:
    """The speech verb forms that also introduce reported speech without quote marks."""
    return {form: parts[0] for parts, cls in _verb_lines() if cls == "report" for form in parts}


@cache
def frame_verbs() -> frozenset[str]:
    """Verbs of manner that only frame a quote ("he snapped", "she continued")."""
    return frozenset(form for parts, cls in _verb_lines() if cls == "frame" for form in parts)


@cache
def mixed_verbs() -> frozenset[str]:
    """Verbs of characterizing: a statement only around a quoted fragment, never a quote's frame."""
    return frozenset(form for parts, cls in _verb_lines() if cls == "mixed" for form in parts)


@cache
def cue_phrases() -> tuple[str, ...]:
    """Multi-word cues such as "according to", longest first."""
    return tuple(sorted((l.lower() for l in _lines("cue_phrases.txt")), key=len, reverse=True))


@cache
def pronouns() -> dict[str, str]:
    """Pronoun -> the speaker type it usually stands for."""
    return {l.split()[0].lower(): l.split()[1] for l in _lines("pronouns.txt")}


@cache
def possessive_pronouns() -> dict[str, str]:
    """Possessive pronoun -> the pronoun it stands for ("his" -> "he")."""
    return {l.split()[0].lower(): l.split()[1].lower() for l in _lines("possessive_pronouns.txt")}


titles = partial(words, "titles")


abbreviations = partial(words, "abbreviations")


group_nouns = partial(words, "group_nouns")


anonymous_heads = partial(words, "anonymous_heads")


organization_words = partial(words, "organization_words")


determiners = partial(words, "determiners")


auxiliaries = partial(words, "auxiliaries")


negations = partial(words, "negations")


stop_words = partial(words, "stop_words")


time_words = partial(words, "time_words")


outlet_words = partial(words, "outlets")


places = partial(words, "places")


venues = partial(words, "venues")


document_nouns = partial(words, "document_nouns")


name_connectors = partial(words, "name_connectors")


honorifics = partial(words, "honorifics")


@cache
def speech_phrases() -> dict[tuple[str, ...], str]:
    """Multi-word speech verbs ("pointed out") as word tuples -> lemma."""
    out = {}
    for line in _lines("speech_phrases.txt"):
        lemma, _, forms = line.partition("|")
        for form in forms.split(","):
            out[tuple(form.lower().split())] = lemma.strip()
    return out


@cache
def discourse_markers() -> frozenset[tuple[str, ...]]:
    """Parenthetical phrases ("for instance", "however") as word tuples."""
    return frozenset(tuple(line.lower().split()) for line in _lines("discourse_markers.txt"))


@cache
def gendered_titles() -> dict[str, str]:
    """Title -> "m" or "f"."""
    return {l.split()[0].lower(): l.split()[1] for l in _lines("gendered_titles.txt")}


@cache
def verb_frames(frame: str) -> frozenset[str]:
    """Lemmas of speech verbs that take ``frame`` ("addressee", "topic" or "infinitive")."""
    return frozenset(l.split()[0].lower() for l in _lines("verb_frames.txt") if l.split()[1] == frame)


prepositions = partial(words, "prepositions")


@cache
def unrealised_before_to() -> frozenset[str]:
    """Words before "to" + speech verb that make the speech one not made ("declined to say",
    "is expected to announce"); every word of every line of ``lexicons/unrealised_before_to.txt``."""
    return frozenset(w.lower() for line in _lines("unrealised_before_to.txt") for w in line.split())
