"""Ranked queries read from whole posting lists (store/whoosh/ranking.py) answer as whoosh does:
the same documents, order, scores to the last bit, totals and highlights."""
from __future__ import annotations

import random

import pytest

from conftest import fake_statements
from quotesearch.ingest.read import article_from_text
from quotesearch.indexer import index_articles
from quotesearch.store.whoosh import index as qindex
from quotesearch.store.whoosh import ranking
from quotesearch.store.whoosh.store import WhooshStore, _Spans

VOCABULARY = ("troops move north front united states new york pressure russia advance talks "
              "sanctions capital kremlin border").split()


def _article(i: int, rng: random.Random):
    paragraphs = [f"Headline {i}", ""]
    for _ in range(rng.randint(1, 3)):
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(2, 14))]
        if rng.random() < 0.5:  # a phrase, now and then twice
            at = rng.randint(0, len(words))
            words[at:at] = ["united", "states"] * rng.randint(1, 2)
        speaker = rng.choice(["George Barros", "Maria Lopez", "Barros Hill"])
        paragraphs += [f"“{' '.join(words).capitalize()},” said {speaker}.", ""]
    return article_from_text("\n".join(paragraphs), f"a-{i:03d}", f"a-{i:03d}.txt")


@pytest.fixture
def varied_index(index_dir):
    """120 articles of words drawn at random (lengths, counts and positions vary), in several
    segments, one with deleted documents (articles indexed again with other words)."""
    rng = random.Random(7)
    articles = [_article(i, rng) for i in range(120)]
    pairs = [(a, fake_statements(a)) for a in articles]
    index_articles(index_dir, pairs[:50], batch_size=20)
    index_articles(index_dir, pairs[50:], batch_size=200)
    again = [_article(i, rng) for i in range(3)]
    index_articles(index_dir, [(a, fake_statements(a)) for a in again])
    ix = qindex.open_index(index_dir)
    with ix.searcher() as s:
        leaves = [r for r, _ in s.reader().leaf_readers()]
        assert len(leaves) > 1 and any(r.has_deletions() for r in leaves)
    return ix


def _queries():
    from whoosh.query import And, Phrase, Term

    return [Term("text", "troop"), Term("text", "state"), Term("speaker", "barros"), Term("role", "spokeswoman"),
            Phrase("text", ["unit", "state"]), Phrase("text", ["move", "north", "front"]),
            Phrase("text", ["unit", "state", "unit", "state"]), Phrase("text", ["new", "york", "pressur", "russia"]),
            And([Term("text", "troop"), Term("text", "north")]), And([Phrase("text", ["unit", "state"]), Term("text", "kremlin")]),
            And([Term("text", "border"), Term("speaker", "lopez")]), Phrase("text", ["kremlin", "absent"])]


def test_ranked_from_posting_lists_as_whoosh_ranks(varied_index, index_dir):
    from whoosh import highlight
    from whoosh.query import And, Term

    flt = Term("kind", "direct", boost=0.0)
    expected, got = [], []
    with qindex.open_searcher(varied_index, index_dir) as plain:
        for q in _queries():
            for limit in (1, 7, None):
                for filtered in (False, True):
                    results = plain.search(And([q, flt]) if filtered else q, limit=limit)
                    results.fragmenter, results.formatter = highlight.WholeFragmenter(), _Spans()
                    expected.append(([(h.docnum, h.score, h.highlights("text", top=1)) for h in results], len(results)))
    with WhooshStore(index_dir) as store:
        view = store._fresh()
        for q in _queries():
            assert ranking.supported(q)
            assert ranking.rank(view.s, q, 3) is not None  # read here, not handed to whoosh
            for limit in (1, 7, None):
                for filtered in (False, True):
                    found, total = view.ranked(q, flt if filtered else None, limit)
                    got.append(([(h.docnum, h.score, h.highlights("text", top=1)) for h in found], total))
    assert got == expected
    totals = [total for _, total in expected]
    assert totals[-1] == 0 and sum(t > 7 for t in totals) > 10  # something to rank, past the limit
    assert len({score for hits, _ in expected for _, score, _ in hits}) > 20  # scores that differ


def test_what_ranking_leaves_to_whoosh():
    from whoosh.query import And, Or, Phrase, Term, Wildcard

    assert not ranking.supported(Or([Term("text", "troop"), Term("text", "north")]))
    assert not ranking.supported(And([Term("text", "a"), Term("text", "b"), Term("text", "c")]))
    assert not ranking.supported(Term("text", "troop", boost=2.0))
    assert not ranking.supported(Phrase("text", ["move", "north"], slop=2))
    assert not ranking.supported(Wildcard("text", "tro*"))


def test_indexes_written_with_whooshs_own_blocks_answer_the_same(index_dir, tmp_path, monkeypatch):
    """Blocks of 1,024 postings pickled with protocol 5 (index.py) are this version's way of
    writing; an index written as whoosh writes (128 postings, protocol 2: earlier versions) reads
    the same: the same hits, scores, totals and highlights."""
    import zlib

    import quotesearch

    rng = random.Random(11)
    pairs = [(a, fake_statements(a)) for a in (_article(i, rng) for i in range(300))]
    index_articles(index_dir, pairs)
    older = tmp_path / "older"
    monkeypatch.setattr(qindex, "BLOCK_POSTINGS", 128)
    monkeypatch.setattr(qindex, "BLOCK_PICKLE_PROTOCOL", 2)
    index_articles(older, pairs)
    monkeypatch.undo()

    def block_pickles(folder):
        ix = qindex.open_index(folder)
        with ix.searcher() as s:
            matcher = s.reader().leaf_readers()[0][0].postings("doctype", "statement")
            matcher._read_ids()
            data = bytes(matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset))
            return len(matcher._ids), zlib.decompress(data)[:2]

    postings, protocol = block_pickles(index_dir)
    assert postings > 128 and protocol == b"\x80\x05" and block_pickles(older) == (128, b"\x80\x02")
    answers = []
    for folder in (index_dir, older):
        with quotesearch.Index(folder) as ix:
            answers.append([(h.statement.id, h.score, h.highlights, found.total)
                            for q, f in [("troops", {}), ('"united states"', {}), ("state", {"kind": "direct"}),
                                         ('"new york" AND russia', {}), ("", {"kind": "direct"})]
                            for found in [ix.search(q, limit=5, **f)] for h in found.hits])
    assert answers[0] == answers[1] and len(answers[0]) > 20
