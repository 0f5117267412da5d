"""Reading the index: queries, filters, highlights, listings and their errors."""
from __future__ import annotations

import pytest

from conftest import ALPHA, fake_statements
import quotesearch
from quotesearch.errors import NoIndex, NotFound, QuerySyntaxError
from quotesearch.ingest.read import article_from_text
from quotesearch.models import Filters, Hit, Source, Speaker
from quotesearch.store.query import parse


@pytest.fixture
def qs(indexed):
    with quotesearch.Index(indexed) as ix:
        yield ix


def ids(results) -> list[str]:
    return [h.statement.id for h in results.hits]


def marked(hit) -> str:
    """The hit's text with each highlight span wrapped in ** (what the command line shows)."""
    text, out, at = hit.statement.text, [], 0
    for start, end in hit.highlights:
        out += [text[at:start], "**", text[start:end], "**"]
        at = end
    return "".join(out) + text[at:]


def test_keyword_is_stemmed(qs):
    assert ids(qs.search("collapse")) == ["alpha:108"]
    assert ids(qs.search("expecting")) == ["alpha:108"]
    assert ids(qs.search("sanction")) == ["beta:100"]


def test_all_words_must_match(qs):
    assert ids(qs.search("anyone front")) == ["alpha:108"]
    assert sorted(ids(qs.search("anyone OR troops"))) == ["alpha:108", "alpha:30", "beta:29"]


def test_phrase_query(qs):
    assert ids(qs.search('"move troops"')) == ["alpha:30"]
    assert ids(qs.search('"troops move"')) == []


@pytest.mark.parametrize("query, expected", [
    ("speaker:lopez", ["alpha:108", "beta:29"]),
    ("org:isw", ["alpha:30", "alpha:205"]),
    ("organization:institute", ["alpha:30", "alpha:205"]),
    ("kind:indirect", ["alpha:205"]),
    ("kind:INDIRECT", ["alpha:205"]),
    ("role:spokeswoman AND pressure", ["beta:29"]),
    ("source:beta", ["beta:29", "beta:100"]),
    ("paragraph:2", ["alpha:108", "beta:100"]),
    ("troops NOT source:beta", ["alpha:30"]),
    ("sanction*", ["beta:100"]),
    ("title:troops", ["alpha:30", "alpha:108", "alpha:205"]),
    ('title:"advance in the north" AND kind:direct', ["alpha:30", "alpha:108"]),
    ("pressure OR NOT title:talks", ["alpha:30", "alpha:108", "alpha:205", "beta:29"]),
    ("title:talk*", ["beta:29", "beta:100"]),
    ("title:nothing OR collapsing", ["alpha:108"]),
    ("NOT collapsing", ["alpha:30", "alpha:205", "beta:29", "beta:100"]),  # source markers never come back
    ("source:alpha OR source:beta AND pressure", ["alpha:30", "alpha:108", "alpha:205", "beta:29"]),
])
def test_field_queries(qs, query, expected):
    assert sorted(ids(qs.search(query))) == sorted(expected)


@pytest.mark.parametrize("name", ["Barros", "barros", "George Barros", "george barros", "  GEORGE   barros "])
def test_speaker_filter_forms(qs, name):
    hits = qs.search(speaker=name).hits
    george = [h.statement.id for h in hits if h.statement.speaker == "George Barros"]
    assert george == ["alpha:30", "alpha:205"]


def test_speaker_filter_full_name_excludes_other_barros(qs):
    # a surname finds the people with that surname, not one whose first name it is
    assert {h.statement.speaker for h in qs.search(speaker="Barros").hits} == {"George Barros"}
    assert {h.statement.speaker for h in qs.search(speaker="george barros").hits} == {"George Barros"}
    assert {h.statement.speaker for h in qs.search(speaker="Barros Hill").hits} == {"Barros Hill"}
    assert qs.search(speaker="George Hill").hits == []


def test_filters_combine(qs):
    assert ids(qs.search(speaker="barros", kind="direct")) == ["alpha:30"]
    assert ids(qs.search(speaker="hill", kind="direct")) == ["beta:100"]
    assert ids(qs.search(speaker="lopez", source="beta")) == ["beta:29"]
    assert ids(qs.search(role="spokeswoman")) == ["alpha:108", "beta:29"]
    assert ids(qs.search(role="Russia team lead")) == ["alpha:30", "alpha:205"]
    assert ids(qs.search(organization="ISW")) == ["alpha:30", "alpha:205"]
    assert ids(qs.search(organization="Institute for the Study of War")) == ["alpha:30", "alpha:205"]
    assert ids(qs.search("kremlin", speaker="barros")) == ["alpha:205"]
    assert ids(qs.search("kremlin", speaker="lopez")) == []


def test_blank_query_lists_in_reading_order(qs):
    results = qs.search("")
    assert ids(results) == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]
    assert results.total == 5
    assert all(h.score is None and h.highlights == [] and marked(h) == h.statement.text for h in results.hits)


def test_limit_and_total(qs):
    results = qs.search("", limit=2)
    assert (ids(results), results.total) == (["alpha:30", "alpha:108"], 5)
    assert len(qs.search("", limit=0).hits) == 5


def test_total_counts_only_statements(qs):
    # the query also matches alpha's source marker; whoosh's own count would say 4
    results = qs.search("title:troops", limit=1)
    assert (ids(results), results.total) == (["alpha:30"], 3)
    assert qs.search("title:troops", limit=3).total == 3


def test_highlight_marks_matched_words(qs):
    assert marked(qs.search("collapsing").hits[0]) == (
        "The front is **collapsing** faster than anyone expected")
    assert marked(qs.search('"move troops"').hits[0]) == (
        "Russia now has to decide whether to **move troops** north")
    hit = qs.search("speaker:hill").hits[0]
    assert marked(hit) == "Sanctions are finally working" and hit.highlights == []


def test_hits_carry_exactly_the_statement_fields(qs):
    alpha = article_from_text(ALPHA, "alpha")
    expected = {st.id: st.to_dict() for st in fake_statements(alpha)}
    for hit in qs.search("", source="alpha").hits:
        assert type(hit) is Hit and (hit.score, hit.highlights, hit.sources) == (None, [], None)
        rec = hit.statement.to_dict()
        assert rec.pop("quote_group").startswith("g")  # the indexer's
        assert rec == {k: v for k, v in expected[rec["id"]].items() if k != "quote_group"}


@pytest.mark.parametrize("query, problem", [
    ('"move troops', 'a phrase quote (") is not closed'),
    ("(troops OR front", "a '(' is not closed"),
    ("troops)", "a ')' has no matching '('"),
    ("paragraph:[1 TO", "a range [a TO b] is not closed"),
    ("foo:bar", "unknown field 'foo'"),
    ("speaker:", "field 'speaker' has no value after ':'"),
    ("troops AND", "AND needs a word on both sides"),
    ("OR troops", "OR needs a word on both sides"),
    ("troops AND OR front", "AND needs a word on both sides"),
    ("troops NOT", "NOT needs a word on its right"),
    ("paragraph:abc", "'abc' is not a valid number"),
])
def test_bad_queries_raise(qs, query, problem):
    with pytest.raises(QuerySyntaxError) as e:
        qs.search(query)
    assert str(e.value).startswith(f"bad query {query!r}: {problem}")


@pytest.mark.parametrize("query", ['"move troops"', "troops OR front", "(a OR b) AND c", "speaker:lopez",
                                   "time 10:30", "org:isw", "type:person", 'text:"x y"', "troops NOT front"])
def test_good_queries_pass_the_check(query):
    assert parse(query) is not None


@pytest.mark.parametrize("query, same_as", [("troops^2", "troops"), ('"move troops"^0.5', '"move troops"'),
                                             ("(troops front)^3", "troops front"), ("troops~2", "troops"),
                                             ('"move troops"~3', '"move troops"'), ("speaker:lopez^2", "speaker:lopez")])
def test_weights_and_slop_are_read_as_the_plain_query(qs, query, same_as):
    """Lucene's ``^boost``, ``~fuzziness`` and phrase ``~slop`` are accepted and read as the words
    themselves (a boost was a traceback: luqum's Boost holds its part as ``expr``)."""
    assert parse(query) == parse(same_as)
    assert [h.statement.id for h in qs.search(query).hits] == [h.statement.id for h in qs.search(same_as).hits]


@pytest.mark.parametrize("query", [
    "troops", "Troops advance", "  russia   now  has ", "2024", "covid19 vaccine", "Zoë Müller", "東京",
    "naïve café déjà", "x²", "to and or not", "To", "a\tb\nc", "l'état", "don't", "co-operation", "e.g.",
    "U.S.", "troops.", "troops,", "back_end", "TO", "AND", "troops TO front", "NOT troops", "#tag", "@bbc"])
def test_plain_words_parse_as_the_parser_parses_them(query):
    """Plain words skip luqum's parser (a fresh search process need not load it): the tree is the
    one it gives, and anything with syntax in it still goes through it."""
    from quotesearch.store.query import _check, _parse

    try:
        _check(query)
    except QuerySyntaxError:
        with pytest.raises(QuerySyntaxError):
            parse(query)
        return
    assert parse(query) == _parse(query)


def test_query_without_searchable_words(qs):
    with pytest.raises(QuerySyntaxError, match="has no searchable words"):
        qs.search("the")


def test_a_title_no_article_has_matches_nothing(qs):
    results = qs.search("title:nothing")
    assert (results.hits, results.total) == ([], 0)
    assert qs.search("title:nothing", limit=None, sort="date").hits == []
    assert ids(qs.search("NOT title:nothing", source="beta")) == ["beta:29", "beta:100"]


def test_bad_filters_raise(qs):
    with pytest.raises(QuerySyntaxError, match="--speaker '...' has no name in it"):
        qs.search(speaker="...")
    with pytest.raises(QuerySyntaxError, match="--role 'the' has no searchable words"):
        qs.search(role="the")
    with pytest.raises(QuerySyntaxError, match="--kind 'quoted' is not one of direct, indirect, mixed"):
        qs.search(kind="quoted")
    with pytest.raises(NotFound, match="no source 'gamma' in the index"):
        qs.search(source="gamma")


def test_speakers(qs):
    assert qs.speakers() == [
        Speaker(speaker="George Barros", speaker_type="person", roles=["the ISW's Russia team lead"],
                organizations=["Institute for the Study of War (ISW)"], statements=2, speaker_key="george barros",
                sources=1, first=None, last=None),
        Speaker(speaker="Maria Lopez", speaker_type="person", roles=["foreign ministry spokeswoman"],
                organizations=[], statements=2, speaker_key="maria lopez", sources=2, first=None, last=None),
        Speaker(speaker="Barros Hill", speaker_type="person", roles=[], organizations=[], statements=1,
                speaker_key="barros hill", sources=1, first=None, last=None),
    ]


def test_sources(qs, corpus):
    sources = qs.sources()
    assert all(type(s) is Source and s.source_hash for s in sources)  # the content hash change detection uses
    assert [dict(s.to_dict(), source_hash=None) for s in sources] == [
        {"source": "alpha", "title": "Troops advance in the north", "date": None, "outlet": None, "statements": 3,
         "url": None, "path": str(corpus / "alpha.txt"), "source_hash": None},
        {"source": "beta", "title": "Talks stall in the capital", "date": None, "outlet": None, "statements": 2,
         "url": None, "path": str(corpus / "beta.txt"), "source_hash": None},
    ]


def test_source_in_reading_order(qs):
    assert [st.id for st in qs.source("alpha")] == ["alpha:30", "alpha:108", "alpha:205"]
    assert [st.id for st in qs.source("articles/alpha.txt")] == ["alpha:30", "alpha:108", "alpha:205"]
    assert ids(qs.search("", source="beta.txt")) == ["beta:29", "beta:100"]
    with pytest.raises(NotFound) as e:
        qs.source("gamma")
    assert str(e.value).endswith("list them with `quotesearch sources`")


def test_listing_a_source_leaves_the_filters_given_as_they_were(qs):
    f = Filters(kind="direct")
    assert [st.id for st in qs.source("alpha", filters=f)] == ["alpha:30", "alpha:108"]
    assert f.source is None
    assert ids(qs.search("", filters=f)) == ["alpha:30", "alpha:108", "beta:29", "beta:100"]  # not only alpha's


def test_show(qs):
    st = qs.show("alpha:205")
    assert st.title == "Troops advance in the north"
    assert st.text == "the Kremlin was caught off guard by the advance"
    assert st.context == "George Barros said that the Kremlin was caught off guard by the advance."
    assert st.spans == [[205, 252]]
    assert ALPHA[205:252] == st.text
    with pytest.raises(NotFound, match="no statement 'alpha:1'"):
        qs.show("alpha:1")


def test_missing_index(tmp_path):
    with quotesearch.Index(tmp_path / "none") as ix:  # opening is lazy: the first read says so
        with pytest.raises(NoIndex, match="run `quotesearch index seeds/` first"):
            ix.search("")
    assert not (tmp_path / "none").exists()  # reading creates nothing


def test_filters_do_not_change_scores(qs):
    plain = {h.statement.id: h.score for h in qs.search("troops OR pressure").hits}
    filtered = {h.statement.id: h.score for h in qs.search("troops OR pressure", speaker="lopez").hits}
    assert filtered and all(plain[i] == score for i, score in filtered.items())


def listings(index_dir) -> tuple:
    with quotesearch.Index(index_dir) as qs:
        return (qs.search("", limit=2), qs.search("", limit=0), qs.search(speaker="lopez"), qs.source("alpha"),
                qs.speakers())


def test_reading_order_without_or_with_a_stale_order_file(indexed, corpus):
    from quotesearch.store.whoosh.index import ORDER_FILE
    from quotesearch.indexer import index_articles

    order = indexed / ORDER_FILE
    expected = listings(indexed)
    assert [h.statement.id for h in expected[1].hits] == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]
    stale = order.read_bytes()
    order.unlink()
    assert listings(indexed) == expected  # whoosh sorts instead

    (corpus / "aardvark.txt").write_text(ALPHA.replace("Troops", "Tanks"), encoding="utf-8")
    index_articles(indexed, sorted(corpus.iterdir()))
    order.write_bytes(stale)  # the file of an older state of the index must not be used
    ids = [h.statement.id for h in listings(indexed)[1].hits]
    assert [i.split(":")[0] for i in ids[:3]] == ["aardvark"] * 3 and len(ids) == 8
    assert ids[3:] == ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]



def test_a_word_with_a_speaker_filter_of_several_speakers_finds_them_all(index_dir):
    """A speaker filter standing for several speakers ('lopez': Maria, Ana and Luis Lopez) is an OR of
    zero-weight terms. In an index of under 5,000 documents whoosh answered an OR of three or more
    from an array of scores, where a score of 0 reads as no match: 'troops' --speaker lopez found 1."""
    from quotesearch.indexer import index_articles

    speakers = {"one": "Maria Lopez", "two": "Ana Lopez", "three": "Luis Lopez", "four": "George Barros"}
    articles = [article_from_text(f"Troops\n\n“The troops are moving,” said {who}.\n", name, f"{name}.txt")
                for name, who in speakers.items()]
    index_articles(index_dir, [(a, fake_statements(a)) for a in articles])
    with quotesearch.Index(index_dir) as ix:
        assert len(ix.speaker_matches("lopez")) == 3
        found = ix.search("troops", speaker="lopez")
        assert (found.total, sorted(ids(found))) == (3, ["one:9", "three:9", "two:9"])
        assert ix.search("troops", speaker="lopez", limit=0).total == 3
        assert [h.highlights for h in found.hits] == [[(4, 10)]] * 3


def test_filters_read_from_posting_lists_match_what_the_query_finds(indexed):
    """Filters of terms are sets of document numbers (store.py _posting_set) that a query's matches
    are checked against: the same statements, totals and order as the filter written in the query;
    a filter no statement passes finds nothing (to whoosh an empty set is no filter at all)."""
    with quotesearch.Index(indexed) as ix:
        assert ids(ix.search("troops OR pressure OR kremlin", speaker="lopez")) == ["beta:29"]
        assert ids(ix.search("troops OR pressure OR kremlin", kind="direct")) == ids(
            ix.search("(troops OR pressure OR kremlin) AND kind:direct"))
        assert ids(ix.search("", kind="indirect")) == ["alpha:205"]
        assert ids(ix.search("", role="spokeswoman")) == ["alpha:108", "beta:29"]
        nothing = ix.search("troops", speaker="nobody known")
        assert (nothing.total, nothing.hits) == (0, [])
        assert ix.search("", speaker="nobody known").total == 0
