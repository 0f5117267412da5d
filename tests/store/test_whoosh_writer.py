"""The whoosh store's writer (store/whoosh/writer.py) keeps the StoreWriter contract: a rebuild
replaces the old index only when its block ends well, a clean end commits, ``refresh`` tells when
another run committed, settings stay across a rebuild."""
from __future__ import annotations

import pytest

from quotesearch.indexer import article_source, index_articles
from quotesearch.ingest.article import read_article
from quotesearch.store.base import StoreWriter
from quotesearch.store.whoosh.writer import open_writer
from test_robustness import ids

OLD = ["alpha:30", "alpha:108", "alpha:205", "beta:29", "beta:100"]


def written(fake_extract, path):
    article = read_article(path)
    return article_source(article, "digest"), fake_extract(article)


def test_a_rebuild_ending_in_an_exception_keeps_the_old_index(fake_extract, indexed, corpus, tmp_path):
    with pytest.raises(RuntimeError):
        with open_writer(indexed, rebuild=True) as writer:
            assert writer.known_sources() == {}
            writer.replace_source(*written(fake_extract, corpus / "beta.txt"))
            writer.commit()
            assert writer.totals() == (1, 2)
            assert ids(indexed) == OLD  # readers see the old index until the end
            raise RuntimeError("stop")
    assert ids(indexed) == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles", "idx"]  # nothing left beside it

    with open_writer(indexed, rebuild=True) as writer:
        writer.replace_source(*written(fake_extract, corpus / "beta.txt"))
    assert ids(indexed) == ["beta:29", "beta:100"]  # a clean end commits and swaps


def test_a_clean_end_commits_what_is_pending(fake_extract, index_dir, corpus):
    with open_writer(index_dir) as writer:
        assert isinstance(writer, StoreWriter)
        writer.replace_source(*written(fake_extract, corpus / "alpha.txt"))
    assert ids(index_dir) == OLD[:3]
    with pytest.raises(RuntimeError):
        with open_writer(index_dir) as writer:
            writer.replace_source(*written(fake_extract, corpus / "beta.txt"))
            raise RuntimeError("stop")
    assert ids(index_dir) == OLD[:3]


def test_refresh_tells_when_another_run_committed(fake_extract, indexed, corpus):
    with open_writer(indexed) as writer:
        assert [st.id for st in writer.statements_of_speaker("maria lopez")] == ["alpha:108", "beta:29"]
        assert writer.refresh() is False  # takes the lock: nobody committed since this run looked
        writer.delete_source("beta")
        writer.commit()
        assert [st.id for st in writer.statements_of_speaker("maria lopez")] == ["alpha:108"]
        assert writer.refresh() is False  # its own commit is no news
        writer.commit()

        index_articles(indexed, [corpus / "beta.txt"])  # another run, between two batches
        assert writer.refresh() is True
        statements = list(writer.statements_of_speaker("maria lopez"))
        assert [(st.id, st.title) for st in statements] == [("alpha:108", "Troops advance in the north"),
                                                            ("beta:29", "Talks stall in the capital")]
    assert ids(indexed) == OLD


def test_settings_stay_across_a_rebuild(fake_extract, indexed, corpus):
    with open_writer(indexed) as writer:
        writer.write_setting("notes.tsv", b"kept\n")
    with open_writer(indexed, rebuild=True) as writer:
        writer.replace_source(*written(fake_extract, corpus / "alpha.txt"))
    assert (indexed / "notes.tsv").read_bytes() == b"kept\n"
    with open_writer(indexed, rebuild=True) as writer:
        writer.write_setting("notes.tsv", b"new\n")
        writer.replace_source(*written(fake_extract, corpus / "alpha.txt"))
    assert (indexed / "notes.tsv").read_bytes() == b"new\n"
    assert ids(indexed) == OLD[:3]
