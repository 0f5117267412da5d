"""Shared fixtures for the index, search and CLI tests.

These tests must not depend on the real extractor's quality, so ``fake_extract``
replaces ``quotesearch.extraction.pipeline.extract`` with a tiny pattern matcher that only
understands the toy articles below (“QUOTE,” said FULL NAME. / FULL NAME said that CLAUSE.).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotesearch.models import Article, Statement
from quotesearch.identity.speakers import speaker_key

ALPHA = """Troops advance in the north

“Russia now has to decide whether to move troops north,” said George Barros.

“The front is collapsing faster than anyone expected,” said Maria Lopez.

George Barros said that the Kremlin was caught off guard by the advance.
"""

BETA = """Talks stall in the capital

“We will not negotiate under pressure from anyone,” said Maria Lopez.

“Sanctions are finally working,” said Barros Hill.
"""

# speaker -> (role, organization, outlet, speaker_type)
PEOPLE = {
    "George Barros": ("the ISW's Russia team lead", "Institute for the Study of War (ISW)", "The Post", "person"),
    "Maria Lopez": ("foreign ministry spokeswoman", None, None, "person"),
    "Barros Hill": (None, None, None, "person"),
}

_DIRECT = re.compile(r"“(?P<text>[^”]+?),?” said (?P<speaker>[A-Z]\w+(?: [A-Z]\w+)+)\.")
_INDIRECT = re.compile(r"^(?P<speaker>[A-Z]\w+ [A-Z]\w+) said that (?P<text>[^.]+)\.")


def fake_statements(article: Article) -> list[Statement]:
    """The statements of the toy articles, with spans into ``article.text``."""
    out = []
    for number, (ps, pe) in enumerate(article.paragraphs):
        para = article.text[ps:pe]
        for pattern, kind in ((_DIRECT, "direct"), (_INDIRECT, "indirect")):
            for m in pattern.finditer(para):
                speaker = m.group("speaker")
                role, org, outlet, stype = PEOPLE.get(speaker, (None, None, None, "person"))
                start, end = ps + m.start("text"), ps + m.end("text")
                out.append(Statement(
                    id=Statement.make_id(article.id, start), source=article.id, text=m.group("text"),
                    kind=kind, speaker=speaker, mention=speaker, speaker_type=stype, role=role,
                    organization=org, given_to=outlet, cue="said", paragraph=number,
                    spans=[[start, end]], context=para, title=article.title, date=article.date,
                    url=article.url, outlet=article.outlet, speaker_key=speaker_key(speaker, stype, article.id)))
    return sorted(out, key=lambda s: s.spans[0][0])


@pytest.fixture
def fake_extract(monkeypatch):
    import quotesearch.extraction.pipeline

    monkeypatch.setattr(quotesearch.extraction.pipeline, "extract", fake_statements)
    return fake_statements


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A folder with alpha.txt and beta.txt."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "alpha.txt").write_text(ALPHA, encoding="utf-8")
    (folder / "beta.txt").write_text(BETA, encoding="utf-8")
    return folder


@pytest.fixture
def index_dir(tmp_path, monkeypatch) -> Path:
    """Where the index goes; also the CLI's default through QUOTESEARCH_INDEX."""
    path = tmp_path / "idx"
    monkeypatch.setenv("QUOTESEARCH_INDEX", str(path))
    return path


@pytest.fixture
def indexed(fake_extract, corpus, index_dir) -> Path:
    """The toy corpus indexed with the fake extractor; returns the index folder."""
    from quotesearch.indexer import index_articles

    summary = index_articles(index_dir, sorted(corpus.iterdir()))
    assert summary.errors == [] and summary.files == 2
    return index_dir


@pytest.fixture
def run(monkeypatch):
    """Invoke the CLI: run('search', 'troops') -> click Result."""
    from quotesearch.cli import main

    monkeypatch.setenv("COLUMNS", "100")
    runner = CliRunner()

    def invoke(*args, **kwargs):
        return runner.invoke(main, list(map(str, args)), catch_exceptions=False, **kwargs)

    return invoke


# -- PostgreSQL: a real server (QUOTESEARCH_TEST_POSTGRES, else a throwaway cluster: pgcluster.py) --

def _missing(why) -> None:
    """Skip for ``why`` (a part is absent), except in CI (the CI variable set), where it fails."""
    import os

    if why:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {why}")
        pytest.skip(why)


def _psycopg_missing():
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install '.[postgres]')"
    return None


@pytest.fixture(scope="session")
def psycopg_installed():
    """For tests of the PostgreSQL store that need psycopg but no server."""
    _missing(_psycopg_missing())


@pytest.fixture(scope="session")
def postgres_url():
    """The URL of a PostgreSQL database for the tests: QUOTESEARCH_TEST_POSTGRES when set, else a
    cluster started for this session (and removed at its end). Without PostgreSQL the tests that
    need it are skipped, except in CI (the CI variable set), where they fail."""
    import os

    import pgcluster

    given = os.environ.get("QUOTESEARCH_TEST_POSTGRES")
    if given:
        yield given
        return
    _missing(_psycopg_missing() or pgcluster.missing())
    with pgcluster.cluster() as url:
        yield url


@pytest.fixture
def pg_schema_url(postgres_url, request):
    """``postgres_url`` with a schema of this test's own (?schema=…), dropped after the test."""
    import uuid

    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield f"{postgres_url}{'&' if '?' in postgres_url else '?'}schema={schema}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
