"""The extraction pipeline: Article -> list[Statement], in reading order."""
from __future__ import annotations

from .rules.attribute import Attribution, attribute_paragraph, build_paragraph
from .coreference import resolve
from .quotes import find_quotes, starts_with_quote, uses_single_quotes
from ..ingest.read import article_from_text
from ..models import Article, Statement
from .segment import Segmentation


def attributions(article: Article, segmentation: Segmentation | None = None) -> list[Attribution]:
    """Paragraph by paragraph attribution, joining quotes that run across paragraphs."""
    text = article.text
    seg = segmentation or Segmentation(text)
    single = uses_single_quotes(text)
    out: list[Attribution] = []
    open_quote: Attribution | None = None
    claimed: set[int] = set()
    for index, (ps, pe) in enumerate(article.paragraphs):
        quotes = find_quotes(text, ps, pe, single or index == 0)   # headlines quote with single marks
        para = build_paragraph(text, index, ps, pe, seg.tokens(ps, pe), seg.sentences(ps, pe), quotes)
        # a statement's id is its source and the offset where it starts: the content starting at an
        # offset is claimed by one statement only, so no two statements share an id
        found = []
        for a in attribute_paragraph(para):
            start = a.spans[0][0]
            if start not in claimed:
                claimed.add(start)
                found.append(a)
            elif found and found[-1].spans[0][0] == start and a.spans[-1][1] > found[-1].spans[-1][1]:
                found[-1] = a      # two rules read one clause from here: the one that reads further
        if (open_quote is not None and found and found[0].inherit and starts_with_quote(text, ps, pe)
                and quotes and found[0].spans[0][0] == quotes[0].start):
            # a multi-paragraph quote: this paragraph continues the open one
            cont = found.pop(0)
            open_quote.spans.extend(cont.spans)
            open_quote.open_end = cont.open_end
            if not cont.open_end:
                open_quote = None
            out.extend(found)
            continue
        out.extend(found)
        last = found[-1] if found else None
        open_quote = last if last is not None and last.kind == "direct" and last.open_end \
            and last.spans[-1][1] >= pe - 1 else None
    return out


def extract(article: Article) -> list[Statement]:
    """All attributed statements of one article, in reading order."""
    segmentation = Segmentation(article.text)  # this article's tokens and sentence splitter, for both steps
    return resolve(article, attributions(article, segmentation), segmentation)


def extract_text(text: str, id: str = "text") -> list[Statement]:
    """Convenience for tests and callers holding a string."""
    return extract(article_from_text(text, id))
