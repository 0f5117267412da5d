"""An article's document, built once: paragraphs with their tokens, sentences, quote marks and
speech cues, every piece with its character offsets into the article text.

Every rule and the speaker resolution read the same ``Document``; nothing in it changes after it
is built but for each paragraph's sentences, filled in when first read (``paragraph.Sentences``:
readers in several threads work out the same ones), and nothing about it is kept once extraction of
its article is over (so extraction can run from several threads or processes at once).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from ..models import Article
from .paragraph import Paragraph, build_paragraph
from .quotes import Quote, find_quotes, has_double_marks, uses_single_quotes
from .segment import Segmentation


@dataclass(frozen=True)
class Document:
    """One article as the rules see it. ``paragraphs[i]`` is the article's i-th paragraph (the first
    is the headline); ``name_quotes[i]`` are the quotes of that paragraph when only double marks
    (and ‘curly’ single ones) count, which is how names are read for speaker resolution."""

    article: Article
    paragraphs: tuple[Paragraph, ...]
    name_quotes: tuple[tuple[Quote, ...], ...]

    @property
    def text(self) -> str:
        return self.article.text

    @classmethod
    def build(cls, article: Article, segmentation: Segmentation | None = None) -> "Document":
        """Tokenize ``article``, pair its quote marks and find its cues, paragraph by paragraph. A
        paragraph's sentences (NLTK's Punkt trained on the article, see ``segment``) are read when a
        rule first asks for them (``paragraph.Sentences``)."""
        text = article.text
        seg = segmentation or Segmentation(text)
        single = uses_single_quotes(text)
        paragraphs, name_quotes = [], []
        for index, (ps, pe) in enumerate(article.paragraphs):
            single_style = single or index == 0          # headlines quote with single marks
            quotes = find_quotes(text, ps, pe, single_style)
            columns = seg.columns(ps, pe)
            sentences = partial(seg.sentences, ps, pe)     # called on first use only
            paragraphs.append(build_paragraph(text, index, ps, pe, list(columns.tokens), sentences, quotes, columns))
            # single marks count for names only where find_quotes would take them without the style
            same = not single_style or has_double_marks(text, ps, pe) or "‘" in text[ps:pe]
            name_quotes.append(tuple(quotes if same else find_quotes(text, ps, pe, False)))
        return cls(article, tuple(paragraphs), tuple(name_quotes))
