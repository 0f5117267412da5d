"""Single-quoted stretches: what the pattern finds, which decides whether an article quotes in the
British style."""
from __future__ import annotations

import random
import re

from quotesearch.extraction.quotes import _SINGLE_PAIR, uses_single_quotes

# The stretch as first written: the context before the opening mark tried at every character.
_AS_WRITTEN = re.compile(r"(?:^|(?<=[\s(“\"—–:]))[‘'](?=[^\W\d_])[^\n‘]{1,400}?(?<![\s])(?<!s)[’'](?=[\s.,;:!?)—–]|$)",
                         re.M)


def test_single_quoted_stretches_are_the_ones_described():
    rng = random.Random(3)
    chars = "‘’'\" \n(“—–:aBs.,;!?)1_\t"
    texts = ["He said ‘no’ twice.", "‘Fine,’ she said.\n'Quite so' — 'yes'", "the players' ‘union’", "x‘y’ z"]
    texts += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 16))) for _ in range(50000)]
    for text in texts:
        assert [m.span() for m in _SINGLE_PAIR.finditer(text)] == [m.span() for m in _AS_WRITTEN.finditer(text)], text


def test_british_style_needs_more_single_stretches_than_half_the_double_marks():
    assert uses_single_quotes("‘We won,’ he said. ‘Again.’ She said “no”.")
    assert not uses_single_quotes("“We won,” he said. “Again,” she said, ‘fine’.")
    assert not uses_single_quotes("the players' union and the owners' league")
