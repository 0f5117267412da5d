"""What every store answers alike. A store is done when it passes these (parametrized over stores).

The whoosh store is written through the indexer (which sets speaker keys and quote groups); the
memory store through its own writer, with the keys and groups set the same way (identity/)."""
from __future__ import annotations

import importlib.util
import threading

import pytest

from quotesearch.errors import NotFound
from quotesearch.identity.groups import QuoteGroups
from quotesearch.identity.speakers import speaker_key
from quotesearch.models import Article, Filters, Source, Statement
from quotesearch.store.base import Store, StoreWriter
from quotesearch.store.query import parse

from memory import MemoryStore

HAS_WHOOSH_WRITER = importlib.util.find_spec("quotesearch.store.whoosh.writer") is not None


def st(source: str, start: int, text: str, speaker: str, kind: str = "direct", role=None, org=None,
       paragraph: int = 1) -> Statement:
    return Statement(id=f"{source}:{start}", source=source, text=text, kind=kind, speaker=speaker, mention=speaker,
                     speaker_type="person", role=role, organization=org, given_to=None, cue="said",
                     paragraph=paragraph, spans=[[start, start + len(text)]], context=text)


SAME = "We will not back down from the border"
ARTICLES = {
    "alpha": (Article("alpha", "", title="Border talks", date="2024-08-10", outlet="Reuters", url="https://r.example/a"),
              [st("alpha", 10, SAME, "John Smith", role="minister", org="Ministry of Defence"),
               st("alpha", 90, "The talks were useful", "Mary Jones", kind="indirect", paragraph=2)]),
    "beta": (Article("beta", "", title="Smith again", date="2023-01-05", outlet="The Guardian"),
             [st("beta", 5, SAME, "John Smith"),
              st("beta", 70, "Prices are rising at the border crossing", "Eric Smith", role="economist")]),
    "gamma": (Article("gamma", "", title="Undated"),
              [st("gamma", 3, SAME, "John Smith"),
               st("gamma", 60, "Nothing more to add", "Smith Tower")]),
}


def article(name: str, statements=None, edition: str = "") -> tuple[Article, list[Statement]]:
    """A fresh copy of an article (its text holds its statements at their offsets) and statements."""
    base, sts = ARTICLES[name]
    sts = [Statement(**s.to_dict()) for s in (statements if statements is not None else sts)]
    text = [" "] * 120
    for s in sts:
        text[s.spans[0][0]:s.spans[0][1]] = s.text
    a = Article(base.id, "".join(text).rstrip() + edition, title=base.title, date=base.date, url=base.url,
                outlet=base.outlet, path=f"{name}.txt")
    return a, sts


def write_whoosh(store, pairs, rebuild=False):
    from quotesearch.indexer import index_articles

    summary = index_articles(store.path, pairs, rebuild=rebuild)
    assert not summary.errors, summary.errors


def write_memory(store, pairs, rebuild=False):
    """What the indexer does above a store: speaker keys, quote groups, one commit."""
    with store.writer(rebuild) as w:
        groups = QuoteGroups(lambda key: ((s.text, s.quote_group) for s in w.statements_of_speaker(key)))
        for a, sts in pairs:
            for s in sts:
                s.speaker_key = speaker_key(s.speaker, s.speaker_type, a.id)
                s.quote_group = groups.assign(s.speaker_key, s.text, a.id)
                s.title, s.date, s.url, s.outlet = a.title, a.date, a.url, a.outlet
            w.replace_source(Source(a.id, a.title, a.date, a.url, a.outlet, a.path, len(sts),
                                    source_hash=str(hash(a.text))), sts)
        w.commit()


def open_whoosh(tmp_path):
    from quotesearch.indexer import index_articles
    from quotesearch.store.whoosh import WhooshStore

    index_articles(tmp_path / "index", [])  # an empty index
    return WhooshStore(tmp_path / "index")


def open_postgres(schema_url):
    from quotesearch.indexer import index_articles
    from quotesearch.store.postgres.store import PostgresStore

    index_articles(schema_url, [])  # an empty store: its tables
    return PostgresStore(schema_url)


def write_postgres(store, pairs, rebuild=False):
    from quotesearch.indexer import index_articles

    summary = index_articles(store, pairs, rebuild=rebuild)
    assert not summary.errors, summary.errors


STORES = {"whoosh": (open_whoosh, write_whoosh), "memory": (lambda tmp_path: MemoryStore(), write_memory),
          "postgres": (open_postgres, write_postgres)}


@pytest.fixture(params=sorted(STORES))
def kind(request):
    return request.param


@pytest.fixture
def store(kind, tmp_path, request):
    where = request.getfixturevalue("pg_schema_url") if kind == "postgres" else tmp_path  # a schema of its own
    s = STORES[kind][0](where)
    yield s
    s.close()


@pytest.fixture
def write(kind):
    return lambda store, pairs, rebuild=False: STORES[kind][1](store, pairs, rebuild)


@pytest.fixture
def filled(store, write):
    write(store, [article(name) for name in ARTICLES])
    return store


def ids(results) -> list[str]:
    return [h.statement.id for h in results]


def find(store, query: str, filters: Filters = Filters(), **kw) -> list[str]:
    return sorted(ids(store.search(parse(query), filters, limit=None, **kw)))


def test_both_are_stores(store):
    assert isinstance(store, Store)


@pytest.mark.parametrize("query, expected", [
    ("border", ["alpha:10", "beta:5", "beta:70", "gamma:3"]),                     # a word
    ("Border", ["alpha:10", "beta:5", "beta:70", "gamma:3"]),                     # case does not matter
    ("back border", ["alpha:10", "beta:5", "gamma:3"]),                           # all words
    ('"back down from"', ["alpha:10", "beta:5", "gamma:3"]),                      # a phrase
    ('"down back"', []),                                                          # in its order
    ("border AND rising", ["beta:70"]),
    ("talks OR prices", ["alpha:90", "beta:70"]),
    ("border NOT crossing", ["alpha:10", "beta:5", "gamma:3"]),
    ("border -crossing", ["alpha:10", "beta:5", "gamma:3"]),
    ("(talks OR prices) AND NOT border", ["alpha:90"]),
    ("speaker:jones", ["alpha:90"]),                                              # fields
    ("kind:indirect", ["alpha:90"]),
    ("org:defence", ["alpha:10"]),
    ("role:economist", ["beta:70"]),
    ("source:beta AND border", ["beta:5", "beta:70"]),
    ('speaker:"john smith" AND source:gamma', ["gamma:3"]),
    ("pric*", ["beta:70"]),                                                       # wildcards
    ("*", ["alpha:10", "alpha:90", "beta:5", "beta:70", "gamma:3", "gamma:60"]),  # every statement
    ("* AND rising", ["beta:70"]),                                                # (whoosh made it every one)
    ("role:* AND border", ["alpha:10", "beta:70"]),
    ("b?rder AND source:beta", ["beta:5", "beta:70"]),  # (whoosh: wildcards match stems: 'usef?l' finds nothing)
    ("paragraph:[2 TO 3]", ["alpha:90"]),                                         # ranges
    ("paragraph:[* TO 1] AND source:alpha", ["alpha:10"]),
])
def test_query_kinds_find_the_same_statements(filled, query, expected):
    assert find(filled, query) == expected
    assert filled.search(parse(query), limit=1).total == len(expected)  # exact, whatever the limit


def test_totals_are_exact_whatever_the_limit(filled):
    results = filled.search(parse("border"), limit=1)
    assert (results.total, len(results.hits)) == (4, 1)
    assert filled.search(parse("border"), Filters(kind="direct"), limit=2).total == 4
    assert filled.search(None, limit=1).total == 6


@pytest.mark.parametrize("filters, expected", [
    (Filters(source="beta"), ["beta:5", "beta:70"]),
    (Filters(source="delta"), []),
    (Filters(since="2024"), ["alpha:10", "alpha:90"]),
    (Filters(until="2023-12"), ["beta:5", "beta:70"]),
    (Filters(since="2023-01-05", until="2024-08-10"), ["alpha:10", "alpha:90", "beta:5", "beta:70"]),
    (Filters(outlet="guardian"), ["beta:5", "beta:70"]),
    (Filters(role="economist"), ["beta:70"]),
    (Filters(organization="defence"), ["alpha:10"]),
    (Filters(kind="indirect"), ["alpha:90"]),
    (Filters(speaker="John Smith"), ["alpha:10", "beta:5", "gamma:3"]),
    (Filters(speaker="smith"), ["alpha:10", "beta:5", "beta:70", "gamma:3"]),  # not 'Smith Tower'
    (Filters(speaker="smith", source="beta", kind="direct"), ["beta:5", "beta:70"]),
])
def test_filters(filled, filters, expected):
    assert ids(filled.search(None, filters, limit=None)) == expected  # in reading order
    assert [s.id for s in filled.statements(None, filters)] == expected


def test_a_filter_narrows_a_query(filled):
    assert find(filled, "border", Filters(speaker="eric smith")) == ["beta:70"]
    assert find(filled, "border", Filters(since="2024")) == ["alpha:10"]


def test_speaker_keys(filled):
    assert filled.speaker_keys("smith") == [("john smith", "John Smith", 3), ("eric smith", "Eric Smith", 1)]
    assert filled.speaker_keys("Mr. John Smith") == [("john smith", "John Smith", 3)]
    assert filled.speaker_keys("nobody") == []


@pytest.mark.parametrize("sort, expected", [
    ("reading", ["alpha:10", "alpha:90", "beta:5", "beta:70", "gamma:3", "gamma:60"]),
    ("relevance", ["alpha:10", "alpha:90", "beta:5", "beta:70", "gamma:3", "gamma:60"]),  # no query: reading
    ("date", ["beta:5", "beta:70", "alpha:10", "alpha:90", "gamma:3", "gamma:60"]),  # undated last
    ("-date", ["alpha:10", "alpha:90", "beta:5", "beta:70", "gamma:3", "gamma:60"]),
])
def test_sorts(filled, sort, expected):
    assert ids(filled.search(None, sort=sort, limit=None)) == expected
    assert ids(filled.search(None, sort=sort, limit=3)) == expected[:3]
    assert [s.id for s in filled.statements(None, sort=sort)] == expected


def test_sorts_of_a_query(filled):
    q = parse("border")
    assert ids(filled.search(q, sort="date", limit=None)) == ["beta:5", "beta:70", "alpha:10", "gamma:3"]
    assert ids(filled.search(q, sort="-date", limit=2)) == ["alpha:10", "beta:5"]
    assert ids(filled.search(q, sort="reading", limit=None)) == ["alpha:10", "beta:5", "beta:70", "gamma:3"]
    ranked = filled.search(q, sort="relevance", limit=None)
    assert sorted(ids(ranked)) == ["alpha:10", "beta:5", "beta:70", "gamma:3"]
    scores = [h.score for h in ranked]
    assert all(s is not None for s in scores) and scores == sorted(scores, reverse=True)


def test_highlights_are_offsets_into_the_statement_text(filled):
    hit = filled.search(parse("border"), Filters(source="alpha")).hits[0]
    assert [hit.statement.text[a:b] for a, b in hit.highlights] == ["border"]
    assert filled.search(None, Filters(source="alpha")).hits[0].highlights == []


def test_groups_and_trace_order(filled):
    grouped = filled.search(parse('"back down"'), group=True, limit=None)
    assert grouped.total == 1 and len(grouped.hits) == 1 and grouped.hits[0].sources == 3
    everything = filled.search(None, group=True, limit=2)
    assert everything.total == 4 and len(everything.hits) == 2  # 3 copies of one quote, 3 quotes alone
    assert all(h.sources == 1 for h in filled.search(parse("talks OR prices"), group=True, limit=None))
    group = filled.statement("beta:5").quote_group
    assert group and group == filled.statement("alpha:10").quote_group == filled.statement("gamma:3").quote_group
    assert [s.id for s in filled.quote_group(group)] == ["alpha:10", "beta:5", "gamma:3"]
    assert filled.quote_group("no-such-group") == []


def test_records_come_back_as_written(filled):
    written = ARTICLES["alpha"][1][0]
    got = filled.statement("alpha:10")
    assert got.to_dict() == dict(written.to_dict(), title="Border talks", date="2024-08-10", url="https://r.example/a",
                                 outlet="Reuters", speaker_key="john smith", quote_group=got.quote_group)
    beta = filled.source("beta")
    assert (beta.source, beta.title, beta.date, beta.outlet, beta.statements, beta.path) == (
        "beta", "Smith again", "2023-01-05", "The Guardian", 2, "beta.txt")
    assert beta.source_hash
    assert [s.source for s in filled.sources()] == ["alpha", "beta", "gamma"]
    assert [s.source for s in filled.sources(Filters(since="2024"))] == ["alpha"]
    assert [s.source for s in filled.sources(Filters(outlet="guardian"))] == ["beta"]
    with pytest.raises(NotFound):
        filled.statement("alpha:99999")
    with pytest.raises(NotFound):
        filled.source("delta")


def test_every_statement_matches_a_star_even_one_of_stop_words(filled, write):
    write(filled, [article("alpha", ARTICLES["alpha"][1] + [st("alpha", 40, "I'm not", "Mary Jones")])])
    assert "alpha:40" in find(filled, "*") and len(find(filled, "*")) == 7
    assert find(filled, "* AND talks") == ["alpha:90"]


def test_an_empty_store(store):
    assert store.search(None).total == 0 and list(store.statements()) == [] and store.sources() == []
    assert store.search(parse("border")).hits == []


def test_replacing_a_source_replaces_it_whole(filled, write):
    write(filled, [article("beta", ARTICLES["beta"][1][:1], edition="\n2nd edition")])
    assert [s.id for s in filled.statements(None, Filters(source="beta"))] == ["beta:5"]
    assert filled.source("beta").statements == 1
    assert find(filled, "crossing") == []


def test_an_open_store_sees_a_rebuild(filled, write):
    assert filled.search(None).total == 6
    write(filled, [article("gamma")], rebuild=True)  # whoosh: a new folder swapped in for the old
    assert [s.source for s in filled.sources()] == ["gamma"]
    assert ids(filled.search(None, limit=None)) == ["gamma:3", "gamma:60"]
    with pytest.raises(NotFound):
        filled.statement("alpha:10")


def test_reads_during_writes_see_whole_sources(filled, write):
    """A reader running while a source is replaced, again and again, sees it old or new, never a mix."""
    old, new = ["beta:5", "beta:70"], ["beta:70"]
    seen, errors, done = [], [], threading.Event()

    def replace_again_and_again():
        try:
            for n in range(6):
                statements = ARTICLES["beta"][1][1:] if n % 2 == 0 else ARTICLES["beta"][1]
                write(filled, [article("beta", statements, edition=f"\nedition {n}")])
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            done.set()

    t = threading.Thread(target=replace_again_and_again)
    t.start()
    while not done.is_set():
        seen.append([s.id for s in filled.statements(None, Filters(source="beta"))])
        seen.append(ids(filled.search(parse("border"), Filters(source="beta"), limit=None, sort="reading")))
    t.join()
    assert not errors
    assert all(s in (old, new) for s in seen), [s for s in seen if s not in (old, new)]
    assert [s.id for s in filled.statements(None, Filters(source="beta"))] == old  # each call sees the latest


# -- the writer side: stores written through their StoreWriter --------------------------

@pytest.fixture
def writable(store, kind):
    if kind == "whoosh" and not HAS_WHOOSH_WRITER:
        pytest.skip("store/whoosh/writer.py is not there yet")
    return store


def test_uncommitted_writes_are_not_seen_and_a_repeated_id_is_refused(writable):
    a, sts = article("alpha")
    with writable.writer() as w:
        assert isinstance(w, StoreWriter)
        w.replace_source(Source("alpha", statements=2, source_hash="h1"), sts)
        assert writable.search(None).total == 0
        with pytest.raises(ValueError):
            w.replace_source(Source("beta", source_hash="h2"), [sts[0], sts[0]])
        w.commit()
        assert w.known_sources() == {"alpha": "h1"} and w.totals() == (1, 2)
    assert [s.id for s in writable.statements()] == ["alpha:10", "alpha:90"]


def test_a_failed_rebuild_keeps_the_old_contents(writable):
    _, sts = article("alpha")
    with writable.writer() as w:
        w.replace_source(Source("alpha", source_hash="h1"), sts)
        w.commit()
    with pytest.raises(RuntimeError):
        with writable.writer(rebuild=True) as w:
            w.replace_source(Source("gamma", source_hash="h3"), article("gamma")[1])
            w.commit()
            assert [s.source for s in writable.sources()] == ["alpha"]  # a rebuild is seen when it ends
            raise RuntimeError("interrupted")
    assert [s.source for s in writable.sources()] == ["alpha"]
    with writable.writer(rebuild=True) as w:
        w.replace_source(Source("gamma", source_hash="h3"), article("gamma")[1])
        w.commit()
    assert [s.source for s in writable.sources()] == ["gamma"]


def test_settings_are_kept(writable):
    assert writable.setting("aliases.tsv") is None
    with writable.writer() as w:
        w.write_setting("aliases.tsv", b"Smithy\tJohn Smith\n")
        w.commit()
    assert writable.setting("aliases.tsv") == b"Smithy\tJohn Smith\n"
