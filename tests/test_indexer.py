"""The indexer above the store: change detection, aliases, speaker keys, quote groups and their
mending work on any store that keeps the ``StoreWriter`` contract (store/base.py), not only on
whoosh. ``DictStore`` is the least such a store can be: a dict, written on commit."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Iterator, Optional

from conftest import fake_statements
from quotesearch.identity.groups import group_id, words
from quotesearch.identity.speakers import Aliases, speaker_key as folded_speaker_key
from quotesearch.indexer import article_source, extractor_fingerprint, index_articles, source_hash
from quotesearch.ingest.article import read_article
from quotesearch.models import Source, Statement
from quotesearch.store.base import StoreWriter
from quotesearch.store.whoosh.writer import open_writer
from test_robustness import make_corpus


class DictStore:
    location = "dict"

    def __init__(self):
        self.sources: dict[str, tuple[Source, list[Statement]]] = {}
        self.settings: dict[str, bytes] = {}
        self.commits = 0

    def writer(self, rebuild: bool = False, lock_timeout: Optional[float] = None) -> "DictWriter":
        return DictWriter(self, rebuild)

    def setting(self, name: str) -> Optional[bytes]:
        return self.settings.get(name)

    def statements(self) -> list[Statement]:
        return [st for _, (_, sts) in sorted(self.sources.items()) for st in sts]


class DictWriter:
    def __init__(self, store: DictStore, rebuild: bool):
        self.store, self.rebuild = store, rebuild
        self.committed = {} if rebuild else dict(store.sources)
        self.pending: dict[str, Optional[tuple]] = {}
        self.commits = store.commits

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            self.commit()
            if self.rebuild:
                self.store.sources = self.committed

    def known_sources(self) -> dict[str, str]:
        return {k: src.source_hash for k, (src, _) in self.committed.items()}

    def refresh(self) -> bool:
        changed = self.store.commits != self.commits  # nobody else writes here
        self.commits = self.store.commits
        return changed

    def replace_source(self, source: Source, statements: list[Statement]) -> None:
        if len({st.id for st in statements}) != len(statements):
            raise ValueError("statement ids given to several statements")
        self.pending[source.source] = (source, [dataclasses.replace(st) for st in statements])

    def delete_source(self, source_id: str) -> None:
        self.pending[source_id] = None

    def statements_of_speaker(self, speaker_key: str) -> Iterator[Statement]:
        for _, (_, statements) in sorted(self.committed.items()):
            yield from (dataclasses.replace(st) for st in statements if st.speaker_key == speaker_key)

    def statements_of_source(self, source_id: str):
        if source_id not in self.committed:
            return None
        source, statements = self.committed[source_id]
        return source, [dataclasses.replace(st) for st in statements]

    def write_setting(self, name: str, data: bytes) -> None:
        self.store.settings[name] = data

    def commit(self) -> None:
        for key, value in self.pending.items():
            if value is None:
                self.committed.pop(key, None)
            else:
                self.committed[key] = value
        self.pending = {}
        if not self.rebuild:
            self.store.sources = dict(self.committed)
        self.store.commits += 1
        self.commits = self.store.commits

    def totals(self) -> tuple[int, int]:
        return len(self.committed), sum(len(sts) for _, sts in self.committed.values())


def test_the_indexer_knows_no_particular_store():
    code = ("import sys, quotesearch.indexer; "
            "print(sorted(m for m in sys.modules if m.startswith(('whoosh', 'quotesearch.store.whoosh'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    source = (Path(__file__).resolve().parents[1] / "quotesearch" / "indexer.py").read_text(encoding="utf-8")
    assert "whoosh" not in source


def test_a_dict_store_is_written_like_the_whoosh_index(fake_extract, corpus, index_dir):
    assert isinstance(DictStore().writer(), StoreWriter)
    store = DictStore()
    paths = sorted(corpus.iterdir())
    summary = index_articles(store, paths)
    assert (summary.files, summary.statements, summary.speakers) == (2, 5, 3)
    assert (summary.total_sources, summary.total_statements) == (2, 5)
    index_articles(index_dir, paths)
    with open_writer(index_dir) as writer:
        stored = {source: writer.statements_of_source(source) for source in ("alpha", "beta")}
    for source, (record, statements) in stored.items():
        assert store.sources[source][0] == record
        assert [st.to_dict() for st in store.sources[source][1]] == [st.to_dict() for st in statements]
    assert {st.speaker_key for st in store.statements()} == {"george barros", "maria lopez", "barros hill"}

    again = index_articles(store, paths)
    assert (again.files, again.skipped, again.total_statements) == (0, 2, 5)


def test_a_rebuild_that_reads_nothing_keeps_any_store(fake_extract, corpus, tmp_path):
    store = DictStore()
    index_articles(store, sorted(corpus.iterdir()))
    before = store.statements()
    (tmp_path / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    summary = index_articles(store, [tmp_path / "broken.txt"], rebuild=True)
    assert (summary.files, len(summary.errors)) == (0, 1)
    assert (summary.total_sources, summary.total_statements) == (2, 5)
    assert store.statements() == before

    rebuilt = index_articles(store, [corpus / "beta.txt"], rebuild=True)
    assert (rebuilt.files, rebuilt.total_sources) == (1, 1)
    assert sorted(store.sources) == ["beta"]


def test_aliases_are_kept_with_any_store(fake_extract, corpus, tmp_path):
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("Barros Hill\tGeorge Barros\n", encoding="utf-8")
    store = DictStore()
    index_articles(store, sorted(corpus.iterdir()), aliases=aliases)
    assert store.settings["aliases.tsv"] == aliases.read_bytes()
    assert {st.speaker_key for st in store.statements()} == {"george barros", "maria lopez"}

    (corpus / "gamma.txt").write_text("Gamma\n\n“More sanctions,” said Barros Hill.\n", encoding="utf-8")
    index_articles(store, [corpus / "gamma.txt"])  # no aliases given: the store's are used
    assert [st.speaker_key for st in store.sources["gamma"][1]] == ["george barros"]


def test_the_indexer_mends_split_groups_in_any_store(fake_extract, tmp_path):
    paths = make_corpus(tmp_path / "articles", 3)  # George Barros: 'move troops north 0/1/2', one group
    store = DictStore()
    index_articles(store, paths)
    north = {st.quote_group for st in store.statements() if "troops north" in st.text}
    assert len(north) == 1

    article = read_article(paths[1])  # written again as a run that saw no other article would write it
    statements = fake_statements(article)
    for st in statements:
        st.speaker_key = folded_speaker_key(st.speaker, st.speaker_type, article.id, Aliases())
        st.quote_group = group_id(st.speaker_key, words(st.text))
    with store.writer() as writer:
        digest = source_hash(article, extractor_fingerprint(Aliases()))
        writer.replace_source(article_source(article, digest, len(statements)), statements)
    assert len({st.quote_group for st in store.statements() if "troops north" in st.text}) == 2

    paths[2].write_text(paths[2].read_text(encoding="utf-8") + "\nMore news.\n", encoding="utf-8")
    summary = index_articles(store, paths)
    assert (summary.files, summary.skipped, summary.regrouped) == (1, 2, 1)
    assert {st.quote_group for st in store.statements() if "troops north" in st.text} == north
