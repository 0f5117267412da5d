"""One speaker across articles: folded speaker keys and the aliases file.

Inside one article the extractor already resolves "Barros" and "he" to "George Barros".
Across articles, names that agree once case, diacritics, punctuation and leading titles
are folded share one key ("President Volodymyr Zelensky", "VOLODYMYR ZELENSKY" ->
"volodymyr zelensky"). Anonymous and group speakers ("a government official",
"analysts") are different people in every article: their key names the source.
An aliases file (alias TAB canonical name) merges what rules cannot know.
"""
from __future__ import annotations

import os
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Optional, Union

from ..extraction import lexicon

ALIASES_FILE = "aliases.tsv"  # kept in the index folder
LOCAL_TYPES = ("anonymous", "group", "unknown")  # never merged across articles

_WORD = re.compile(r"\w+")


def fold(text: Optional[str]) -> str:
    """Lowercase words without diacritics or punctuation: 'Zoë  Müller-Lüdenscheidt' -> 'zoe muller ludenscheidt'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    # no ASCII character is a combining mark: most names need no look at each character
    plain = decomposed if decomposed.isascii() else "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(plain.casefold()))


@cache
def _leading_titles() -> frozenset[str]:
    """Titles and honorifics without their full stop (built once: ``name_key`` runs for every statement)."""
    return lexicon.titles() | {w.rstrip(".") for w in lexicon.honorifics()}


def name_key(name: Optional[str]) -> str:
    """The folded name without the titles or possessives and the words before them, as long as two
    words stay: 'Ukrainian President Volodymyr Zelensky' -> 'volodymyr zelensky', "CNN's Jake Tapper"
    -> 'jake tapper'; 'Major Garrett' stays 'major garrett'."""
    words = fold(name).split()
    titles = _leading_titles()
    # after the last title, or the last possessive ("the Post's Ruth Marcus"), that two words follow
    cut = max((i + 1 for i, w in enumerate(words[:-2]) if w in titles or w == "s"), default=0)
    words = words[cut:]
    if len(words) == 2 and words[0] in lexicon.honorifics():  # 'Mr Barros' -> 'barros'
        words.pop(0)
    if words and words[0] == "the" and len(words) > 1:  # 'the Kremlin' / 'The Kremlin'
        words.pop(0)
    return " ".join(words)


def speaker_key(speaker: Optional[str], speaker_type: Optional[str] = None, source: str = "",
                aliases: Optional["Aliases"] = None) -> str:
    """The key that one speaker has in every article ('' for no speaker). Anonymous, group and
    unknown speakers, and speakers named by a description without any capital letter ("the
    company", "the campaign"), get a key of their own article: 'a government official@article-id'."""
    if not speaker:
        return ""
    if speaker_type in LOCAL_TYPES or not any(map(str.isupper, speaker)):
        return f"{fold(speaker)}@{source}"
    key = name_key(speaker)
    return aliases.get(key, key) if aliases else key


def key_matches(key: str, name: str) -> bool:
    """Whether the speaker with ``key`` is one that the folded name key ``name`` asks for: the
    key itself, or a key ending with its words ('trump' asks for 'donald trump' and 'eric trump',
    'donald trump' for 'republican donald trump'), as long as the words before are names, not a
    phrase around one ('trump tower', 'a top donald trump adviser', 'supporters of donald trump',
    'ryan and trump'). A local key ('a senior official@article') matches by its description."""
    if not name:
        return False
    head = key.split("@", 1)[0]
    if head == name:
        return True
    words, wanted = head.split(), name.split()
    if len(words) <= len(wanted) or words[-len(wanted):] != wanted:
        return False
    return not (set(words[:-len(wanted)]) & (lexicon.stop_words() | {"s"}))


def wanted_keys(name: str, aliases: Optional["Aliases"] = None) -> set[str]:
    """The folded name keys a name typed by a user asks for: its own, its canonical name after the
    aliases, and the canonical names of the aliases ending with its words. A speaker key ``k`` is
    one of them when ``any(key_matches(k, w) for w in wanted_keys(name))``."""
    key = name_key(name)
    aliases = aliases or {}
    wanted = {key, aliases.get(key, key)}
    wanted |= {canonical for alias, canonical in aliases.items() if key_matches(alias, key)}
    return {w for w in wanted if w}


class Aliases(dict):
    """folded alias -> folded canonical name, read from a tab-separated file."""

    @classmethod
    def read(cls, path: Union[str, os.PathLike]) -> "Aliases":
        """Lines 'alias<TAB>canonical name'; blank lines and '#' comments are skipped.
        Raises ValueError naming the line for anything else."""
        return cls.parse(Path(path).read_text(encoding="utf-8-sig"), path)

    @classmethod
    def parse(cls, text: str, name: Union[str, os.PathLike] = "aliases") -> "Aliases":
        """The aliases of the text of an aliases file; ValueError naming ``name`` and the line."""
        aliases = cls()
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.split("\t")]
            if len(parts) != 2 or not all(parts):
                raise ValueError(f"{name} line {number}: expected 'alias<TAB>canonical name', got {line.strip()!r}")
            alias, canonical = name_key(parts[0]), name_key(parts[1])
            if alias != canonical:
                aliases[alias] = canonical
        # an alias of an alias ends at its last canonical name (a cycle stops where it closes)
        for alias in list(aliases):
            seen, key = {alias}, aliases[alias]
            while key in aliases and key not in seen:
                seen.add(key)
                key = aliases[key]
            aliases[alias] = key
        return aliases

    @classmethod
    def in_index(cls, index_dir: Union[str, os.PathLike]) -> "Aliases":
        """The aliases kept at INDEX/aliases.tsv (none when there is no such file)."""
        path = Path(index_dir) / ALIASES_FILE
        return cls.read(path) if path.is_file() else cls()

    def fingerprint(self) -> str:
        return "\n".join(f"{a}\t{c}" for a, c in sorted(self.items()))
