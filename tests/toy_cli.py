"""The ``quotesearch`` command as a separate process, with the toy extractor of conftest.py.

For the tests that kill an index run or run several at once (test_robustness.py):

    python tests/toy_cli.py index --index IDX FOLDER

QUOTESEARCH_TEST_BATCH is the number of documents per commit (index_articles' batch_size), so
that a small corpus gets many commits; QUOTESEARCH_TEST_DELAY seconds are slept per extracted
article, so that a run lasts long enough to be caught in the middle.
"""
from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import fake_statements  # noqa: E402

import quotesearch.extraction.pipeline  # noqa: E402
import quotesearch.indexer  # noqa: E402


def slow_fake_statements(article):
    time.sleep(float(os.environ.get("QUOTESEARCH_TEST_DELAY") or 0))
    return fake_statements(article)


quotesearch.extraction.pipeline.extract = slow_fake_statements
if os.environ.get("QUOTESEARCH_TEST_BATCH"):
    quotesearch.indexer.index_articles = functools.partial(quotesearch.indexer.index_articles,
                                                          batch_size=int(os.environ["QUOTESEARCH_TEST_BATCH"]))

from quotesearch.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
